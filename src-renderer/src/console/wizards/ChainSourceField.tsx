import Box from '@mui/material/Box';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useId, useState, type ChangeEvent } from 'react';
import type { OpInput } from '../../../../src-main/api/contract.ts';
import { FileChooseButton } from '../../components/FileChooseButton.tsx';
import { shown } from '../../components/shown.ts';

export type ChainSource = OpInput<'key.importChain'>['source'];

function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/** The signed chain: a path on the medium (read by the api), or a file chosen in the system dialog (sent as base64). */
export function ChainSourceField({ path, onPath, picked, onPicked }: { path: string; onPath(p: string): void; picked: { name: string; base64: string } | null; onPicked(f: { name: string; base64: string } | null): void }) {
  const inputId = useId();
  const [readError, setReadError] = useState<string | null>(null);
  const onPick = async (e: ChangeEvent<HTMLInputElement>) => {
    const input = e.currentTarget;
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    try {
      onPicked({ name: file.name, base64: toBase64(new Uint8Array(await file.arrayBuffer())) });
      setReadError(null);
    } catch {
      setReadError(`${shown(file.name)} could not be read. Check the medium and choose it again.`);
    }
  };
  return (
    <Stack spacing={2}>
      <TextField
        label="Chain file path on the medium"
        value={path}
        onChange={(e) => {
          onPath(e.target.value);
          if (e.target.value !== '') onPicked(null);
        }}
        helperText="PEM bundle, DER or PKCS#7 (.p7b) as the corporate root returned it."
        slotProps={{ htmlInput: { spellCheck: false, 'data-testid': 'chain-path' } }}
      />
      <Typography variant="body2" color="text.secondary">
        or
      </Typography>
      <Box>
        <FileChooseButton
          inputId={inputId}
          inputLabel="Signed chain file"
          testId="chain-file-input"
          onChange={(e) => {
            onPath('');
            void onPick(e);
          }}
        >
          Choose the chain file…
        </FileChooseButton>
        {picked ? (
          <Typography variant="body2" sx={{ mt: 1 }} data-testid="chain-picked">
            Chosen: {shown(picked.name)}
          </Typography>
        ) : null}
      </Box>
      {readError ? (
        <Typography color="error" role="alert">
          {readError}
        </Typography>
      ) : null}
    </Stack>
  );
}

export function chainSource(path: string, picked: { name: string; base64: string } | null): ChainSource | null {
  if (picked) return picked;
  if (path.trim() !== '') return { path: path.trim() };
  return null;
}
