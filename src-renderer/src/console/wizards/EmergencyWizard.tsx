import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import Step from '@mui/material/Step';
import StepLabel from '@mui/material/StepLabel';
import Stepper from '@mui/material/Stepper';
import Typography from '@mui/material/Typography';
import { useEffect } from 'react';
import { ApiErrorAlert } from '../../components/ApiErrorAlert.tsx';
import { LocalDateTime } from '../../components/LocalDateTime.tsx';
import { ACK_SEPARATOR, namedWitnesses } from '../../store/emergency-slice.ts';
import { useAppStore } from '../../store/index.ts';
import { ActivatedStep } from './emergency/ActivatedStep.tsx';
import { CHECKLIST } from './emergency/checklist-items.ts';
import { ChecklistStep } from './emergency/ChecklistStep.tsx';
import { ConfirmStep } from './emergency/ConfirmStep.tsx';
import { ExportStep } from './emergency/ExportStep.tsx';
import { chosenKey, NewKeyStep } from './emergency/NewKeyStep.tsx';
import { ParticipantsStep } from './emergency/ParticipantsStep.tsx';
import { TranscriptStep } from './emergency/TranscriptStep.tsx';

const STEPS = ['Participants', 'Checklist', 'New key', 'Confirm', 'Activated', 'Export package', 'Transcript'] as const;
const CONFIRM = 3;
const ACTIVATED = 4;
const TRANSCRIPT = 6;

/**
 * Wizard 3: the emergency rotation ceremony. Nothing changes in the vault
 * before the confirmation step, except a new root created on the new-key step
 * at the officer's explicit request. The ceremony's state is in the store, so
 * an auto-lock in the middle loses nothing; every step and failure goes into
 * the transcript that ends it.
 */
export function EmergencyWizard() {
  const status = useAppStore((s) => s.status);
  const c = useAppStore((s) => s.emergency);
  const keys = useAppStore((s) => s.keys);
  const keysError = useAppStore((s) => s.keysError);
  const loadKeys = useAppStore((s) => s.loadKeys);
  const start = useAppStore((s) => s.startEmergency);
  const reset = useAppStore((s) => s.resetEmergency);
  const patch = useAppStore((s) => s.patchEmergency);
  const log = useAppStore((s) => s.logEmergency);
  const clearError = useAppStore((s) => s.clearEmergencyError);
  const busy = useAppStore((s) => s.emergencyBusy);
  const closeWizard = useAppStore((s) => s.closeWizard);
  const actor = status?.actor ?? '';

  useEffect(() => {
    if (!c.officer && actor) start(actor);
  }, [c.officer, actor, start]);
  useEffect(() => {
    void loadKeys();
  }, [loadKeys]);

  const go = (step: number) => {
    clearError();
    patch({ step });
  };
  const officer = c.officer ?? '';
  const witnesses = namedWitnesses(c);
  const oldKey = (keys ?? []).find((k) => k.state === 'active') ?? null;
  const newKey = chosenKey(keys, c);

  const finish = () => {
    reset();
    closeWizard();
  };
  const stop = () => {
    if (c.log.length === 0 && !c.activation) return finish();
    log('ceremony stopped', officer, c.activation ? 'stopped after the activation, before the end' : 'stopped before the activation: the old key is still active');
    patch({ stopped: true });
    go(TRANSCRIPT);
  };

  if (c.officer && actor && c.officer !== actor && !c.recorded) {
    return (
      <Box sx={{ maxWidth: 1000 }}>
        <Typography variant="h4" component="h1" gutterBottom>
          Emergency rotation ceremony
        </Typography>
        <Alert severity="warning" action={<Button onClick={() => start(actor)}>Start over as {actor}</Button>}>
          This ceremony was started by {c.officer}, but {actor} has unlocked the vault. Its transcript can only be recorded by {c.officer}: unlock as {c.officer} to continue, or start over.
        </Alert>
      </Box>
    );
  }

  let body;
  switch (c.step) {
    case 0:
      body = (
        <ParticipantsStep
          onNext={() => {
            log('participants', officer, `officer ${officer}; witness${witnesses.length === 1 ? '' : 'es'} ${witnesses.join(', ')}`);
            go(1);
          }}
        />
      );
      break;
    case 1:
      body = (
        <ChecklistStep
          onBack={() => go(0)}
          onNext={() => {
            for (const p of [officer, ...witnesses]) log('checklist acknowledged', p, CHECKLIST.filter((i) => c.acks[p + ACK_SEPARATOR + i.id]).map((i) => i.short).join('; '));
            go(2);
          }}
        />
      );
      break;
    case 2:
      body = (
        <NewKeyStep
          onBack={() => go(1)}
          onNext={() => {
            if (newKey) log('new key chosen', officer, `${newKey.name} (${newKey.id}), ${c.keyChoice === 'new' ? 'the root created in this ceremony' : 'a prepared draft'}; ${newKey.subject ?? ''}`);
            go(CONFIRM);
          }}
        />
      );
      break;
    case CONFIRM:
      body =
        oldKey && newKey ? (
          <ConfirmStep oldKey={oldKey} newKey={newKey} onBack={() => go(2)} onActivated={() => go(ACTIVATED)} />
        ) : (
          <Alert severity="warning" action={<Button onClick={() => go(2)}>Back</Button>}>
            {oldKey ? 'The chosen key is no longer a draft with a certificate: choose the new key again.' : 'There is no active key, so there is nothing to rotate away from: activate a key with the standalone root or sub-CA wizard instead.'}
          </Alert>
        );
      break;
    case ACTIVATED:
      body = <ActivatedStep onNext={() => go(5)} />;
      break;
    case 5:
      body = <ExportStep onNext={() => go(TRANSCRIPT)} />;
      break;
    default:
      body = <TranscriptStep onFinish={finish} />;
  }

  return (
    <Box sx={{ maxWidth: 1000 }}>
      <Stack direction="row" sx={{ alignItems: 'flex-start', justifyContent: 'space-between', gap: 2 }}>
        <Box>
          <Typography variant="h4" component="h1" gutterBottom>
            Emergency rotation ceremony
          </Typography>
          <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
            Officer {officer}
            {witnesses.length ? `, witnessed by ${witnesses.join(', ')}` : ''}
            {c.startedAt ? (
              <>
                {' '}
                · started <LocalDateTime iso={c.startedAt} />
              </>
            ) : null}
          </Typography>
        </Box>
        {!c.recorded && c.step !== TRANSCRIPT ? (
          <Button color="inherit" onClick={stop} disabled={Boolean(busy)}>
            {c.log.length === 0 && !c.activation ? 'Cancel' : 'Stop the ceremony'}
          </Button>
        ) : null}
      </Stack>
      <Stepper activeStep={c.step} alternativeLabel sx={{ mb: 3 }} aria-label="Ceremony steps">
        {STEPS.map((label, i) => (
          <Step key={label} completed={i < c.step || (i === TRANSCRIPT && c.recorded !== null)}>
            <StepLabel>{label}</StepLabel>
          </Step>
        ))}
      </Stepper>
      {keysError ? <ApiErrorAlert error={keysError} title="The signing keys could not be read" /> : null}
      {body}
    </Box>
  );
}
