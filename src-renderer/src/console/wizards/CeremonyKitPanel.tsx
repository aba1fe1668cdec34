import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { useState } from 'react';
import type { CeremonyKitKind, CeremonyKitView } from '../../../../src-main/api/contract.ts';
import { call, type ApiFailure } from '../../api.ts';
import { ApiErrorAlert } from '../../components/ApiErrorAlert.tsx';
import { MonoText } from '../../components/MonoText.tsx';
import { MediumFolderField } from './MediumFolderField.tsx';

const WHAT: Record<CeremonyKitKind, string> = {
  'sub-ca': 'the new key’s fingerprint (and the corporate root’s, once the chain is in)',
  root: 'the new root key’s and its certificate’s fingerprints',
  emergency: 'OUT’s and IN’s fingerprints (IN’s last two groups boxed: the confirmation asks for them)',
};

/** A sub-CA's sheet once its signed chain is imported: both fingerprints are final. */
const CHAIN_IN = 'the new key’s fingerprint and the corporate root certificate’s, pinned with the chain just imported';

/**
 * The printed ceremony kit (ceremony.kit): one HTML sheet written to the
 * medium, to print before the keys are compared. Writing it records one
 * audit event (ceremony.kit-written) and changes nothing else. `chainIn`: a
 * sub-CA's chain is imported, so its sheet carries the corporate root too.
 * For the keyboard: `autoFocus` puts the focus on Write when the panel appears
 * (the control that had it is gone); once written, the Write button is gone
 * too, and the step's `onWritten` hands the focus on to its next control.
 */
export function CeremonyKitPanel({ ceremony, keyId, witnesses = [], folder, onWritten, chainIn = false, autoFocus = false }: { ceremony: CeremonyKitKind; keyId: string; witnesses?: readonly string[]; folder?: string; onWritten?(kit: CeremonyKitView): void; chainIn?: boolean; autoFocus?: boolean }) {
  const [own, setOwn] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiFailure | null>(null);
  const [written, setWritten] = useState<CeremonyKitView | null>(null);
  const to = folder ?? own;

  const write = async () => {
    setBusy(true);
    setError(null);
    const r = await call('ceremony.kit', { ceremony, key: keyId, witnesses: [...witnesses], to, paper: 'a4', timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone });
    setBusy(false);
    if (!r.ok) {
      setError(r);
      return;
    }
    setWritten(r.value);
    onWritten?.(r.value);
  };

  return (
    <Box component="section" aria-labelledby="kit-title" data-testid="ceremony-kit" sx={{ border: 1, borderColor: 'divider', borderRadius: 1, p: 1.5 }}>
      <Typography id="kit-title" component="h2" variant="subtitle1" sx={{ fontWeight: 700 }}>
        Printed ceremony kit
      </Typography>
      <Typography variant="body2" sx={{ mb: 1 }}>
        One page to print and sign: the steps to tick; {ceremony === 'sub-ca' && chainIn ? CHAIN_IN : WHAT[ceremony]}, in groups of four with their spoken words; the audit head; signature lines for the officer and the witnesses. Writing it records one audit event and changes nothing else.
      </Typography>
      <Stack spacing={1}>
        {folder === undefined && !written ? <MediumFolderField legend="Write the kit to" value={own} onChange={setOwn} /> : null}
        {written ? (
          <Alert severity="success" data-testid="kit-written">
            <AlertTitle>Ceremony kit written — print it now</AlertTitle>
            <MonoText testId="kit-file">{written.file}</MonoText>
            <Typography variant="body2">Open it in a browser on this machine and print it (A4 or Letter). The witnesses compare the screen with the paper group by group; the vault recorded it as audit event #{written.event.seq}.</Typography>
          </Alert>
        ) : (
          <Box>
            <Button variant="outlined" onClick={() => void write()} disabled={busy || to === ''} autoFocus={autoFocus} aria-describedby={to === '' ? 'kit-why' : undefined}>
              {busy ? 'Writing the kit…' : 'Write the ceremony kit'}
            </Button>
            {to === '' ? (
              <Typography id="kit-why" variant="body2" color="text.secondary" component="span" sx={{ ml: 1.5 }}>
                Choose the medium first.
              </Typography>
            ) : null}
          </Box>
        )}
        {error ? <ApiErrorAlert error={error} title="The ceremony kit was not written" /> : null}
      </Stack>
    </Box>
  );
}
