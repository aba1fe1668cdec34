import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import ListItemText from '@mui/material/ListItemText';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useEffect, useState } from 'react';
import type { BundleView, KeyView } from '../../../../../src-main/api/contract.ts';
import { MONO_FONT } from '../../../theme.ts';
import { namedWitnesses } from '../../../store/emergency-slice.ts';
import { useAppStore } from '../../../store/index.ts';
import { StepRefusal } from '../WizardFrame.tsx';
import { KeySummary, shortId8 } from './KeySummary.tsx';
import { chosenKey } from './NewKeyStep.tsx';
import { CeremonyStep, useEmergencyWizard } from './CeremonyStep.tsx';
import { shown } from '../../../components/shown.ts';

function typedMatches(typed: string, shortId: string): boolean {
  const t = typed.trim().toLowerCase();
  return (t.startsWith('sha256:') ? t.slice(7) : t) === shortId;
}

/** The confirmation, once there is a key to rotate away from and a key to rotate to; else why not. */
export function ConfirmStep() {
  const c = useAppStore((s) => s.emergency);
  const keys = useAppStore((s) => s.keys);
  const { go } = useEmergencyWizard();
  const oldKey = (keys ?? []).find((k) => k.state === 'active') ?? null;
  const newKey = chosenKey(keys, c);
  if (oldKey && newKey) return <Confirmation oldKey={oldKey} newKey={newKey} />;
  return (
    <Alert severity="warning" action={<Button onClick={() => go('new-key')}>Back</Button>}>
      {oldKey ? 'The chosen key is no longer a draft with a certificate: choose the new key again.' : 'There is no active key, so there is nothing to rotate away from: activate a key with the standalone root or sub-CA wizard instead.'}
    </Alert>
  );
}

/** Exactly what the activation does, and the typed short id of the old key that unlocks the final button. */
function Confirmation({ oldKey, newKey }: { oldKey: KeyView; newKey: KeyView }) {
  const c = useAppStore((s) => s.emergency);
  const patch = useAppStore((s) => s.patchEmergency);
  const activate = useAppStore((s) => s.activateEmergency);
  const { go, run } = useEmergencyWizard();
  const [bundle, setBundle] = useState<BundleView | null>(null);
  useEffect(() => {
    void run('bundle.preview', {}).then((r) => r.ok && setBundle(r.value));
  }, [run]);
  const short = shortId8(oldKey.id);
  const matches = typedMatches(c.typedId, short);
  const witnesses = namedWitnesses(c);
  const staying = (bundle?.keys ?? []).filter((k) => k.id !== oldKey.id && k.id !== newKey.id);
  const n = oldKey.unexpiredIssued;

  return (
    <CeremonyStep
      onBack={() => go('new-key')}
      action={{
        label: `Retire ${shown(oldKey.name)} and activate ${shown(newKey.name)}`,
        color: 'error',
        onClick: () => void activate(newKey, oldKey).then((ok) => ok && go('activated')),
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
      <StepRefusal title="The current trust bundle could not be read" />
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
    </CeremonyStep>
  );
}
