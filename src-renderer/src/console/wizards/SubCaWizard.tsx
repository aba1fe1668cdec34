import { useCallback } from 'react';
import type { KeyDetailView } from '../../../../src-main/api/contract.ts';
import { useAppStore } from '../../store/index.ts';
import { ActivationResultStep } from './ActivationStep.tsx';
import { ActivateStep } from './sub-ca/ActivateStep.tsx';
import { useResumeKey } from './key-wizard.ts';
import { BasicsStep } from './sub-ca/BasicsStep.tsx';
import { CreateStep } from './sub-ca/CreateStep.tsx';
import { CsrStep } from './sub-ca/CsrStep.tsx';
import { ReviewStep } from './sub-ca/ReviewStep.tsx';
import { SourceStep } from './sub-ca/SourceStep.tsx';
import { useSubCaDraft, type SubCaStepId } from './sub-ca/sub-ca-draft.ts';
import { WizardFrame } from './WizardFrame.tsx';
import { useWizardControl, type WizardStepDef } from './wizard-state.ts';

const STEPS: readonly WizardStepDef<SubCaStepId>[] = [
  { id: 'basics', label: 'Algorithm and subject', next: 'Nothing is stored yet. Next you confirm, and the draft key is generated.', Step: BasicsStep },
  { id: 'create', label: 'Create the draft', next: 'Confirming generates the key pair (in the vault, or on the token you chose) as a draft. Next, its certificate signing request (CSR) goes to a removable medium.', Step: CreateStep, writes: true },
  { id: 'csr', label: 'Write the CSR', next: 'Writing the CSR records it in the audit log. Then take the medium to the corporate root; when the signed chain comes back, resume this key from the dashboard.', Step: CsrStep, writes: true },
  { id: 'source', label: 'Import the signed chain', next: 'Checking reads the chain and verifies it against this draft; nothing is stored until you confirm on the next step.', Step: SourceStep },
  { id: 'review', label: 'Review the chain', next: 'If every check is green, confirm to store the chain with the draft. A red check stores nothing.', Step: ReviewStep, writes: true },
  { id: 'activate', label: 'Activate', next: 'Nothing changes until you press Activate. The effect is shown below.', Step: ActivateStep, placesRefusal: true, writes: true },
  { id: 'done', label: 'Export', next: 'Agents learn about the new key only from an export to removable media.', Step: ActivationResultStep },
];

/**
 * Wizard 1, new sub-CA key: basics, create the draft, write its CSR to a
 * medium, (later) import and review the signed chain, activate, export.
 * Resumable: opened with a draft's key id it starts at the chain import (or at
 * the review, when the chain is already stored).
 */
export function SubCaWizard({ resumeKeyId }: { resumeKeyId: string | null }) {
  const closeWizard = useAppStore((s) => s.closeWizard);
  const control = useWizardControl<SubCaStepId>('sub-ca', resumeKeyId ? 'source' : 'basics');
  const { setImported, setCheck } = useSubCaDraft();
  const { setStep } = control;
  const resumed = useCallback(
    (key: KeyDetailView) => {
      if (key.chainLength === 0) return;
      setImported(true);
      setCheck({ ok: true, chain: key.chain, code: null, message: null });
      setStep('review');
    },
    [setImported, setCheck, setStep],
  );
  useResumeKey('sub-ca', control, resumeKeyId, resumed);
  return <WizardFrame title="New sub-CA key" steps={STEPS} control={control} onClose={closeWizard} errorTitle="The vault refused this step; nothing changed" />;
}
