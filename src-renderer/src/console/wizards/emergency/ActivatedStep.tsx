import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Box from '@mui/material/Box';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { KeyName } from '../../../components/KeyIdChip.tsx';
import { LocalDateTime } from '../../../components/LocalDateTime.tsx';
import { useAppStore } from '../../../store/index.ts';
import { KeySummary } from './KeySummary.tsx';
import { CeremonyStep, useEmergencyWizard } from './CeremonyStep.tsx';
import { shown } from '../../../components/shown.ts';

/** What the activation did, as the api reports it (ActivationView). */
export function ActivatedStep() {
  const { go } = useEmergencyWizard();
  const c = useAppStore((s) => s.emergency);
  const keys = useAppStore((s) => s.keys);
  const a = c.activation;
  if (!a) return null;
  const name = (id: string) => (keys ?? []).find((k) => k.id === id)?.name ?? '';
  return (
    <CeremonyStep action={{ label: 'Next: export package', onClick: () => go('export') }}>
      <Alert severity="success" data-testid="activation-result">
        <AlertTitle>
          {shown(a.activated.name)} is the active key. {shown(a.previous?.name ?? c.oldKey?.name ?? 'The old key')} is retired.
        </AlertTitle>
        <span data-testid="revoked-count">
          {a.revokedCount} certificate{a.revokedCount === 1 ? '' : 's'} revoked (keyCompromise).
        </span>
      </Alert>
      <Box>
        <Typography variant="subtitle1" component="h3">
          Now active
        </Typography>
        <KeySummary k={a.activated} />
      </Box>
      {a.previous ? (
        <Box>
          <Typography variant="subtitle1" component="h3">
            Retired
          </Typography>
          <KeySummary k={a.previous} />
        </Box>
      ) : null}
      <Box>
        <Typography variant="subtitle1" component="h3">
          Final CRL
        </Typography>
        {a.finalCrls.length === 0 ? <Typography variant="body2">No final CRL was published (the old key has no certificate).</Typography> : null}
        {a.finalCrls.map((f) => (
          <Typography key={f.issuerKeyId} variant="body2" data-testid="final-crl">
            CRL number {f.number} of <KeyName id={f.issuerKeyId} name={name(f.issuerKeyId)} /> with {f.entries} entr{f.entries === 1 ? 'y' : 'ies'}; next update <LocalDateTime iso={f.nextUpdate} />
          </Typography>
        ))}
      </Box>
      <Box>
        <Typography variant="subtitle1" component="h3">
          Trust bundle now holds
        </Typography>
        <Stack spacing={0.5}>
          {a.bundleKeyIds.map((id) => (
            <Typography key={id} variant="body2" component="div">
              <KeyName id={id} name={name(id)} />
            </Typography>
          ))}
        </Stack>
      </Box>
    </CeremonyStep>
  );
}
