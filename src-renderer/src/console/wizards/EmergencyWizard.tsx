import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Typography from '@mui/material/Typography';
import { useCallback, useEffect, useMemo } from 'react';
import { useApiAction } from '../../components/api-action.ts';
import { ApiErrorAlert } from '../../components/ApiErrorAlert.tsx';
import { LocalDateTime } from '../../components/LocalDateTime.tsx';
import { namedWitnesses, type EmergencyStepId } from '../../store/emergency-slice.ts';
import { useAppStore } from '../../store/index.ts';
import { ActivatedStep } from './emergency/ActivatedStep.tsx';
import { ChecklistStep } from './emergency/ChecklistStep.tsx';
import { ConfirmStep, rotationKeys } from './emergency/ConfirmStep.tsx';
import { ExportStep } from './emergency/ExportStep.tsx';
import { NewKeyStep } from './emergency/NewKeyStep.tsx';
import { ParticipantsStep } from './emergency/ParticipantsStep.tsx';
import { TranscriptStep } from './emergency/TranscriptStep.tsx';
import { useStopCeremony } from './emergency/stop-ceremony.ts';
import { WizardFrame } from './WizardFrame.tsx';
import type { WizardControl, WizardStepDef } from './wizard-state.ts';

const STEPS: readonly WizardStepDef<EmergencyStepId>[] = [
  { id: 'participants', label: 'Participants', next: 'Next: every participant acknowledges the checklist. Nothing in the vault changes until the confirmation step.', Step: ParticipantsStep },
  { id: 'checklist', label: 'Checklist', next: 'Next: choose the key that replaces the compromised one. Nothing in the vault has changed yet.', Step: ChecklistStep },
  { id: 'new-key', label: 'New key', title: 'The new key', next: "Next: the confirmation step shows exactly what the activation will do; you confirm by typing the new key's fingerprint ending as the witnesses read it from the paper record.", Step: NewKeyStep, writes: true },
  { id: 'confirm', label: 'Confirm', title: 'Confirm the emergency rotation', next: 'This is the step that changes the vault. After it, the old key cannot sign again; next you write the export package.', Step: ConfirmStep, writes: true },
  { id: 'activated', label: 'Activated', next: 'Next: write the export package (new trust bundle and the final CRL) to removable media for the agents.', Step: ActivatedStep },
  { id: 'export', label: 'Export package', next: "Next: the ceremony's transcript, which you record in the audit log.", Step: ExportStep, writes: true },
  {
    id: 'transcript',
    label: 'Transcript',
    next: (s) => (s.emergency.recorded ? 'The ceremony is over. Finish returns to the console.' : 'Recording writes this transcript to the audit log as one event, with the officer and the witnesses.'),
    Step: TranscriptStep,
    writes: true,
  },
];

/**
 * The ceremony's control for the frame: its step lives in the emergency
 * slice, with the ceremony. The ceremony's actions (create the root,
 * activate, export, record) are slice actions that write the transcript and
 * keep their own busy label and refusal; the reads a step shows (the bundle,
 * the media) go through the frame's useApiAction like every wizard's.
 */
function useEmergencyControl(): WizardControl<EmergencyStepId> {
  const step = useAppStore((s) => s.emergency.step);
  const ceremonyBusy = useAppStore((s) => s.emergencyBusy !== null);
  const patch = useAppStore((s) => s.patchEmergency);
  const clearCeremonyError = useAppStore((s) => s.clearEmergencyError);
  const api = useApiAction();
  const { setError } = api;
  const setStep = useCallback((id: EmergencyStepId) => patch({ step: id }), [patch]);
  const go = useCallback(
    (id: EmergencyStepId) => {
      clearCeremonyError();
      setError(null);
      setStep(id);
    },
    [clearCeremonyError, setError, setStep],
  );
  return useMemo(() => ({ ...api, busy: api.busy || ceremonyBusy, wizard: 'emergency', step, go, setStep }), [api, ceremonyBusy, step, go, setStep]);
}

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
  const keysError = useAppStore((s) => s.keysError);
  const loadKeys = useAppStore((s) => s.loadKeys);
  const start = useAppStore((s) => s.startEmergency);
  const busy = useAppStore((s) => s.emergencyBusy);
  const control = useEmergencyControl();
  const actor = status?.actor ?? '';

  useEffect(() => {
    if (!c.officer && actor) start(actor);
  }, [c.officer, actor, start]);
  useEffect(() => {
    void loadKeys();
  }, [loadKeys]);

  const officer = c.officer ?? '';
  const witnesses = namedWitnesses(c);

  const { stop, hint: stopHint } = useStopCeremony(control.go);
  const keys = useAppStore((s) => s.keys);
  // The confirmation pins its own Stop next to its button; one Stop on the screen, not two.
  const stopPinned = c.step === 'confirm' && rotationKeys(keys, c) !== null;

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

  return (
    <WizardFrame
      title="Emergency rotation ceremony"
      steps={STEPS}
      control={control}
      subtitle={
        <>
          Officer {officer}
          {witnesses.length ? `, witnessed by ${witnesses.join(', ')}` : ''}
          {c.startedAt ? (
            <>
              {' '}
              · started <LocalDateTime iso={c.startedAt} />
            </>
          ) : null}
        </>
      }
      onClose={!c.recorded && c.step !== 'transcript' && !stopPinned ? stop : null}
      closeHint={stopHint}
      tone="danger"
      changed={c.log.length > 0 || Boolean(c.activation)}
      closeDisabled={Boolean(busy)}
      finished={c.recorded !== null}
      notice={keysError ? <ApiErrorAlert error={keysError} title="The signing keys could not be read" /> : null}
    />
  );
}
