import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Box from '@mui/material/Box';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import type { ChainRootView } from '../../../../src-main/api/contract.ts';
import { shown } from '../../components/shown.ts';

/** 64 hex digits as AB:CD:… in lines of 8 bytes, so an officer can read it aloud line by line against the published one. */
export function groupedFingerprint(hex: string): string[] {
  const bytes = hex.toUpperCase().match(/.{2}/g) ?? [];
  const lines: string[] = [];
  for (let i = 0; i < bytes.length; i += 8) lines.push(bytes.slice(i, i + 8).join(':'));
  return lines;
}

/** The hex digits typed so far, ignoring spaces, colons and case: for the count under the field only (the main process compares). */
function hexDigits(typed: string): number {
  return typed.replace(/[\s:]/g, '').length;
}

/**
 * The root the chain ends in: its subject and SHA-256 fingerprint. A root this
 * vault does not pin yet is stored only with the fingerprint the corporate PKI
 * published, typed here by the officer from that paper or document (never
 * prefilled: the fingerprint shown comes from the same medium as the chain);
 * the main process compares it with the root's (key.importChain's
 * rootFingerprint). `refusal`: the main process's answer to what is typed now,
 * shown at the field until it is edited.
 */
export function RootFingerprintCheck({ root, typed, onType, refusal }: { root: ChainRootView; typed: string; onType(v: string): void; refusal: string | null }) {
  const digits = hexDigits(typed);
  return (
    <Alert severity={root.pinned ? 'success' : 'warning'} sx={{ mt: 2 }} data-testid="chain-root">
      <AlertTitle>{root.pinned ? 'The root is already pinned in this vault' : 'A root this vault does not know yet'}</AlertTitle>
      <Typography variant="body2">{shown(root.subject)}</Typography>
      <Typography variant="body2" sx={{ mt: 1 }}>
        {root.pinned ? 'SHA-256 fingerprint:' : 'SHA-256 fingerprint of the root on this medium (read it, do not copy it):'}
      </Typography>
      <Box component="pre" aria-label="Root certificate SHA-256 fingerprint" sx={{ fontFamily: 'monospace', fontSize: '0.9rem', my: 1, whiteSpace: 'pre' }} data-testid="chain-root-fingerprint">
        {groupedFingerprint(root.fingerprint).join('\n')}
      </Box>
      {root.pinned ? null : (
        <>
          <Typography variant="body2" sx={{ mb: 1.5 }}>
            Whoever can change this medium can bring their own root. Type the fingerprint your corporate PKI published, from the paper or document they gave you (not from the lines above); this vault pins the root only if the two are the same.
          </Typography>
          <TextField
            label="Fingerprint the corporate PKI published"
            value={typed}
            onChange={(e) => onType(e.target.value)}
            error={refusal !== null}
            helperText={refusal ?? `${digits} of 64 hex digits; spaces, colons and case do not matter`}
            fullWidth
            multiline
            maxRows={4}
            slotProps={{ htmlInput: { spellCheck: false, autoCapitalize: 'off', autoComplete: 'off', 'data-testid': 'root-fingerprint-typed' } }}
            sx={{ '& .MuiInputBase-root': { bgcolor: 'background.paper' }, '& textarea': { fontFamily: 'monospace', overflowWrap: 'anywhere' } }}
          />
        </>
      )}
    </Alert>
  );
}
