import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Box from '@mui/material/Box';
import Checkbox from '@mui/material/Checkbox';
import FormControlLabel from '@mui/material/FormControlLabel';
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

/**
 * The root the chain ends in: its subject and SHA-256 fingerprint. A root this
 * vault does not pin yet must be compared with the fingerprint the corporate
 * PKI published before the chain may be stored: `confirmed` gates the import.
 */
export function RootFingerprintCheck({ root, confirmed, onConfirm }: { root: ChainRootView; confirmed: boolean; onConfirm(v: boolean): void }) {
  return (
    <Alert severity={root.pinned ? 'success' : 'warning'} sx={{ mt: 2 }} data-testid="chain-root">
      <AlertTitle>{root.pinned ? 'The root is already pinned in this vault' : 'A root this vault does not know yet'}</AlertTitle>
      <Typography variant="body2">{shown(root.subject)}</Typography>
      <Box component="pre" aria-label="Root certificate SHA-256 fingerprint" sx={{ fontFamily: 'monospace', fontSize: '0.9rem', my: 1, whiteSpace: 'pre' }} data-testid="chain-root-fingerprint">
        {groupedFingerprint(root.fingerprint).join('\n')}
      </Box>
      {root.pinned ? null : (
        <FormControlLabel
          control={<Checkbox checked={confirmed} onChange={(e) => onConfirm(e.target.checked)} />}
          label="I compared this fingerprint with the one the corporate PKI published"
        />
      )}
    </Alert>
  );
}
