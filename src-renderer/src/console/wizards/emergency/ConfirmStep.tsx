import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Box from '@mui/material/Box';
import Stack from '@mui/material/Stack';
import { alpha } from '@mui/material/styles';
import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import ListItemText from '@mui/material/ListItemText';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useEffect, useState } from 'react';
import type { BundleView, KeyView } from '../../../../../src-main/api/contract.ts';
import { MONO_FONT } from '../../../theme.ts';
import { namedWitnesses, shareHolders, type EmergencyCeremony } from '../../../store/emergency-slice.ts';
import { useAppStore } from '../../../store/index.ts';
import { BackButton, CloseWizardButton, StepRefusal } from '../WizardFrame.tsx';
import { readBackMatches } from '../../../../../src-main/core/ceremony/read-back.ts';
import { useStopCeremony } from './stop-ceremony.ts';
import { HexChip } from '../../../components/KeyIdChip.tsx';
import { chosenKey } from './NewKeyStep.tsx';
import { CeremonyStep, useEmergencyWizard } from './CeremonyStep.tsx';
import { shown } from '../../../components/shown.ts';

/**
 * The ending of the new key's fingerprint the witnesses read from the printed
 * kit or the paper record, however it was typed: the last two groups in
 * groups or not, any case, with or without the "sha256:" the paper shows
 * before the first group; or the four PGP words the kit prints under them.
 */
export function typedEndingMatches(typed: string, keyId: string): boolean {
  return readBackMatches(typed, keyId);
}

/** The key rotated away from (the active one) and the key rotated to, once there are both: then the confirmation shows, with its pinned bar. */
export function rotationKeys(keys: readonly KeyView[] | null, c: EmergencyCeremony): { oldKey: KeyView; newKey: KeyView } | null {
  const oldKey = (keys ?? []).find((k) => k.state === 'active') ?? null;
  const newKey = chosenKey(keys, c);
  return oldKey && newKey ? { oldKey, newKey } : null;
}

/** The confirmation, once there is a key to rotate away from and a key to rotate to; else why not. */
export function ConfirmStep() {
  const c = useAppStore((s) => s.emergency);
  const keys = useAppStore((s) => s.keys);
  const { go } = useEmergencyWizard();
  const oldKey = (keys ?? []).find((k) => k.state === 'active') ?? null;
  const rotation = rotationKeys(keys, c);
  if (rotation) return <Confirmation oldKey={rotation.oldKey} newKey={rotation.newKey} />;
  return (
    <Alert severity="warning" action={<BackButton onClick={() => go('new-key')} />}>
      {oldKey ? 'The chosen key is no longer a draft with a certificate: choose the new key again.' : 'There is no active key, so there is nothing to rotate away from: activate a key with the standalone root or sub-CA wizard instead.'}
    </Alert>
  );
}

/** One side of the rotation: OUT (the compromised key, red) or IN (the new key, green), with its name and full fingerprint in groups. */
function RotationPanel({ side, k }: { side: 'out' | 'in'; k: KeyView }) {
  const out = side === 'out';
  const tone = out ? 'error' : 'success';
  return (
    <Box
      component="section"
      aria-label={out ? `Out: ${k.name}, compromised` : `In: ${k.name}, the new key`}
      data-testid={out ? 'panel-out' : 'panel-in'}
      sx={{ flex: '1 1 0', minWidth: 0, border: 2, borderColor: `${tone}.main`, borderRadius: 1, p: 1.5, bgcolor: (t) => alpha(t.palette[tone].main, t.palette.mode === 'dark' ? 0.16 : 0.06) }}
    >
      <Typography sx={{ fontWeight: 800, letterSpacing: '0.06em', color: (t) => (t.palette.mode === 'dark' ? t.palette[tone].light : t.palette[tone].dark) }} data-testid="panel-word">
        {out ? 'OUT — compromised' : 'IN — the new key'}
      </Typography>
      <Typography sx={{ fontWeight: 700, fontSize: '1.1rem', overflowWrap: 'anywhere' }}>{shown(k.name)}</Typography>
      <Typography variant="body2" color="text.secondary" sx={{ overflowWrap: 'anywhere' }}>
        {k.subject === null ? 'no certificate yet' : shown(k.subject)} · {k.algorithm}
      </Typography>
      {/* The whole fingerprint, grouped, wrapping between groups (the chip alone keeps to one line). */}
      <Box sx={{ mt: 0.5, fontSize: '1rem', lineHeight: 1.5, '& > span': { display: 'inline', whiteSpace: 'normal' } }}>
        <HexChip value={k.id} kind="fingerprint" of={k.name} keep={16} testId="panel-fingerprint" />
      </Box>
    </Box>
  );
}

/** Exactly what the activation does; the new key's fingerprint ending, read from the paper record, unlocks the final button. */
function Confirmation({ oldKey, newKey }: { oldKey: KeyView; newKey: KeyView }) {
  const c = useAppStore((s) => s.emergency);
  const patch = useAppStore((s) => s.patchEmergency);
  const activate = useAppStore((s) => s.activateEmergency);
  const { go, run } = useEmergencyWizard();
  const { stop, hint: stopHint } = useStopCeremony(go);
  const busy = useAppStore((s) => s.emergencyBusy);
  const [bundle, setBundle] = useState<BundleView | null>(null);
  useEffect(() => {
    void run('bundle.preview', {}).then((r) => r.ok && setBundle(r.value));
  }, [run]);
  const matches = typedEndingMatches(c.typedId, newKey.id);
  const witnesses = namedWitnesses(c);
  const staying = (bundle?.keys ?? []).filter((k) => k.id !== oldKey.id && k.id !== newKey.id);
  const n = oldKey.unexpiredIssued;

  return (
    <CeremonyStep
      onBack={() => go('new-key')}
      action={{
        label: 'Retire & activate',
        color: 'error',
        onClick: () => void activate(newKey, oldKey).then((ok) => ok && go('activated')),
        disabledReason: matches
          ? null
          : c.typedId.trim()
            ? `Not how the paper record ends for ${shown(newKey.name)}: read it again.`
            : 'Type the last two groups of the new key’s fingerprint (or their four words) as the witnesses read them from the printed kit or the paper record.',
      }}
      pinned={{
        above: (
          <Typography variant="body2" sx={{ fontWeight: 700, mb: 1 }} data-testid="changes-vault">
            This is the step that changes the vault: {shown(oldKey.name)} never signs again, {shown(newKey.name)} becomes the active key.
          </Typography>
        ),
        field: (
          <TextField
            size="small"
            label="IN key: last 2 groups"
            value={c.typedId}
            onChange={(e) => patch({ typedId: e.target.value })}
            autoComplete="off"
            sx={{ width: 190 }}
            slotProps={{ htmlInput: { spellCheck: false, style: { fontFamily: MONO_FONT }, 'aria-describedby': 'em-paper-where' } }}
            error={c.typedId.trim() !== '' && !matches}
          />
        ),
        after: (
          <Box sx={{ ml: 'auto' }}>
            <CloseWizardButton onClose={stop} disabled={Boolean(busy)} hint={stopHint} />
          </Box>
        ),
      }}
    >
      <Stack direction="row" spacing={1} sx={{ alignItems: 'stretch' }}>
        <RotationPanel side="out" k={oldKey} />
        <Box aria-hidden sx={{ alignSelf: 'center', fontSize: '2rem', fontWeight: 700, color: 'text.secondary' }}>
          →
        </Box>
        <RotationPanel side="in" k={newKey} />
      </Stack>
      <Typography variant="body2" id="em-paper-where" data-testid="paper-where">
        Witnesses: take the printed ceremony kit (or the paper record on which you wrote {shown(newKey.name)}&apos;s fingerprint on the New key step; for a prepared draft, the record of the ceremony that made it), check every group against IN above, then read its last two groups aloud — the kit boxes them; the officer types them below.
      </Typography>
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
          {c.useWitnessShares && c.witnessShares ? (
            <ListItem sx={{ display: 'list-item', p: 0 }}>
              <ListItemText data-testid="confirm-witness-shares" primary={`The custodian shares presented are checked together against the vault and named with their holders: ${shown(shareHolders(c.witnessShares.shares))}.`} />
            </ListItem>
          ) : null}
        </List>
      </Alert>
      <StepRefusal title="The current trust bundle could not be read" />
    </CeremonyStep>
  );
}
