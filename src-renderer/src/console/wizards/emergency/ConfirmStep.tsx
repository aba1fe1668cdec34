import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Box from '@mui/material/Box';
import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import ListItemText from '@mui/material/ListItemText';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useEffect, useState } from 'react';
import type { BundleView, KeyView } from '../../../../../src-main/api/contract.ts';
import { call, type ApiFailure } from '../../../api.ts';
import { ApiErrorAlert } from '../../../components/ApiErrorAlert.tsx';
import { MONO_FONT } from '../../../theme.ts';
import { namedWitnesses } from '../../../store/emergency-slice.ts';
import { useAppStore } from '../../../store/index.ts';
import { KeySummary, shortId8 } from './KeySummary.tsx';
import { StepFrame } from './StepFrame.tsx';
import { shown } from '../../../components/shown.ts';

function typedMatches(typed: string, shortId: string): boolean {
  const t = typed.trim().toLowerCase();
  return (t.startsWith('sha256:') ? t.slice(7) : t) === shortId;
}

/** Exactly what the activation does, and the typed short id of the old key that unlocks the final button. */
export function ConfirmStep({ oldKey, newKey, onBack, onActivated }: { oldKey: KeyView; newKey: KeyView; onBack: () => void; onActivated: () => void }) {
  const c = useAppStore((s) => s.emergency);
  const patch = useAppStore((s) => s.patchEmergency);
  const activate = useAppStore((s) => s.activateEmergency);
  const [bundle, setBundle] = useState<BundleView | null>(null);
  const [bundleError, setBundleError] = useState<ApiFailure | null>(null);
  useEffect(() => {
    void call('bundle.preview', {}).then((r) => (r.ok ? setBundle(r.value) : setBundleError(r)));
  }, []);
  const short = shortId8(oldKey.id);
  const matches = typedMatches(c.typedId, short);
  const witnesses = namedWitnesses(c);
  const staying = (bundle?.keys ?? []).filter((k) => k.id !== oldKey.id && k.id !== newKey.id);
  const n = oldKey.unexpiredIssued;

  return (
    <StepFrame
      title="Confirm the emergency rotation"
      onBack={onBack}
      next="This is the step that changes the vault. After it, the old key cannot sign again; next you write the export package."
      action={{
        label: `Retire ${shown(oldKey.name)} and activate ${shown(newKey.name)}`,
        color: 'error',
        onClick: () => void activate(newKey, oldKey).then((ok) => ok && onActivated()),
        disabledReason: matches ? null : c.typedId.trim() ? 'That is not the compromised key’s short id.' : 'Type the compromised key’s short id to enable this button.',
      }}
    >
      <Box>
        <Typography variant="subtitle1" component="h3">
          Compromised key (now active)
        </Typography>
        <KeySummary k={oldKey} />
      </Box>
      <Box>
        <Typography variant="subtitle1" component="h3">
          New key
        </Typography>
        <KeySummary k={newKey} />
      </Box>
      <Alert severity="warning" data-testid="emergency-effects">
        <AlertTitle>What happens when you confirm</AlertTitle>
        <List dense disablePadding sx={{ listStyle: 'disc', pl: 2 }}>
          <ListItem sx={{ display: 'list-item', p: 0 }}>
            <ListItemText primary={`${shown(oldKey.name)} is retired at once: it leaves the trust bundle and never signs again.`} />
          </ListItem>
          <ListItem sx={{ display: 'list-item', p: 0 }}>
            <ListItemText primary={`${n} unexpired certificate${n === 1 ? '' : 's'} it issued ${n === 1 ? 'is' : 'are'} revoked with reason keyCompromise.`} data-testid="revoke-count" />
          </ListItem>
          <ListItem sx={{ display: 'list-item', p: 0 }}>
            <ListItemText primary={`A final CRL for ${shown(oldKey.name)} is published, listing them.`} />
          </ListItem>
          <ListItem sx={{ display: 'list-item', p: 0 }}>
            <ListItemText primary={`${shown(newKey.name)} becomes the active key and signs from now on.`} />
          </ListItem>
          <ListItem sx={{ display: 'list-item', p: 0 }}>
            <ListItemText
              data-testid="bundle-after"
              primary={`The trust bundle will hold only ${[`${shown(newKey.name)} (active)`, ...staying.map((k) => `${shown(k.name)} (${k.state})`)].join(', ')}.`}
              secondary={bundle ? null : 'Reading the current bundle…'}
            />
          </ListItem>
          <ListItem sx={{ display: 'list-item', p: 0 }}>
            <ListItemText primary={`The audit log names ${shown(c.officer)} as officer and ${shown(witnesses.join(', '))} as witness${witnesses.length === 1 ? '' : 'es'}.`} />
          </ListItem>
        </List>
      </Alert>
      {bundleError ? <ApiErrorAlert error={bundleError} title="The current trust bundle could not be read" /> : null}
      <Typography>
        Read the short id aloud to the witnesses, then type it:{' '}
        <Box component="span" sx={{ fontFamily: MONO_FONT, fontWeight: 700, fontSize: '1.25rem', letterSpacing: '0.08em' }} data-testid="old-short-id">
          {short}
        </Box>
      </Typography>
      <TextField
        label="Short id of the compromised key"
        value={c.typedId}
        onChange={(e) => patch({ typedId: e.target.value })}
        helperText={`The first 8 hex digits after sha256: of ${shown(oldKey.name)}`}
        autoComplete="off"
        slotProps={{ htmlInput: { spellCheck: false, style: { fontFamily: MONO_FONT } } }}
        error={c.typedId.trim() !== '' && !matches}
      />
    </StepFrame>
  );
}
