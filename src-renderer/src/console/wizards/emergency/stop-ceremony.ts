import { useAppStore } from '../../../store/index.ts';
import type { EmergencyStepId } from '../../../store/emergency-slice.ts';

/**
 * Stopping the ceremony: before anything was logged it simply closes; after,
 * the stop goes into the transcript and the ceremony ends on its transcript
 * step, so the frame's close control and the confirmation's pinned bar (the
 * same "Close wizard" control) stop it the same way; `hint` says which.
 */
export function useStopCeremony(go: (id: EmergencyStepId) => void): { stop: () => void; hint: string } {
  const c = useAppStore((s) => s.emergency);
  const reset = useAppStore((s) => s.resetEmergency);
  const patch = useAppStore((s) => s.patchEmergency);
  const log = useAppStore((s) => s.logEmergency);
  const closeWizard = useAppStore((s) => s.closeWizard);
  const pristine = c.log.length === 0 && !c.activation;
  const stop = () => {
    if (pristine) {
      reset();
      closeWizard();
      return;
    }
    log('ceremony stopped', c.officer ?? '', c.activation ? 'stopped after the activation, before the end' : 'stopped before the activation: the old key is still active');
    patch({ stopped: true });
    go('transcript');
  };
  return { stop, hint: pristine ? 'Nothing has been done yet: closing ends the ceremony without a trace.' : 'Closing stops the ceremony: the stop is recorded and the ceremony ends on its transcript.' };
}
