import { useCallback } from 'react';
import type { KeyDetailView } from '../../../../src-main/api/contract.ts';
import { useAppStore } from '../../store/index.ts';
import { ActivationResultStep } from './ActivationStep.tsx';
import { useResumeKey } from './key-wizard.ts';
import { ActivateStep } from './root/ActivateStep.tsx';
import { BasicsStep } from './root/BasicsStep.tsx';
import { CreateStep } from './root/CreateStep.tsx';
import { ReviewStep } from './root/ReviewStep.tsx';
import { useRootDraft, type RootStepId } from './root/root-draft.ts';
import { WizardFrame } from './WizardFrame.tsx';
import { useWizardControl, type WizardStepDef } from './wizard-state.ts';

const STEPS: readonly WizardStepDef<RootStepId>[] = [
  { id: 'basics', label: 'Algorithm and subject', next: 'Nothing is stored yet. Next you confirm, and the key is generated and signs its own root certificate.', Step: BasicsStep },
  { id: 'create', label: 'Create and self-sign', next: 'Confirming generates the key pair (in the vault, or on the token you chose) and self-signs its certificate. It stays a draft until you activate it.', Step: CreateStep, writes: true },
  { id: 'review', label: 'Review', next: 'Check the certificate below. Next you see what activation changes before you confirm it.', Step: ReviewStep },
  { id: 'activate', label: 'Activate', next: 'Nothing changes until you press Activate. The effect is shown below.', Step: ActivateStep, placesRefusal: true, writes: true },
  { id: 'done', label: 'Export', next: 'Agents learn about the new root only from an export to removable media.', Step: ActivationResultStep },
];

/**
 * Wizard 2, standalone root: basics and validity, create and self-sign (one
 * confirm), review the certificate, activate (the previous root, if any,
 * signs a link certificate), export. Opened for a draft, it carries on from
 * the draft's certificate.
 */
export function RootWizard({ resumeKeyId }: { resumeKeyId: string | null }) {
  const closeWizard = useAppStore((s) => s.closeWizard);
  const control = useWizardControl<RootStepId>('root', 'basics');
  const { setSigned } = useRootDraft();
  const { setStep } = control;
  const resumed = useCallback(
    (key: KeyDetailView) => {
      if (!key.certificatePem) return;
      setSigned(key);
      setStep('review');
    },
    [setSigned, setStep],
  );
  useResumeKey('root', control, resumeKeyId, resumed);
  return <WizardFrame title="New standalone root" steps={STEPS} control={control} onClose={closeWizard} errorTitle="The vault refused this step" />;
}
