import { useAppStore } from '../../store/index.ts';
import { BasicsStep } from './new-ca/BasicsStep.tsx';
import { CreateStep } from './new-ca/CreateStep.tsx';
import { DoneStep } from './new-ca/DoneStep.tsx';
import { KeyStep } from './new-ca/KeyStep.tsx';
import { useNewCaDraft, type NewCaStepId } from './new-ca/new-ca-draft.ts';
import { WizardFrame } from './WizardFrame.tsx';
import { useWizardControl, type WizardStepDef } from './wizard-state.ts';

const BASICS: WizardStepDef<NewCaStepId> = { id: 'basics', label: 'Name and parent', next: 'Nothing is stored yet. Next you confirm what will be created.', Step: BasicsStep };
const KEY: WizardStepDef<NewCaStepId> = { id: 'key', label: 'Its first key', next: 'Nothing is stored yet. The parent CA’s active key will sign this key’s certificate when you confirm.', Step: KeyStep };
const CREATE: WizardStepDef<NewCaStepId> = { id: 'create', label: 'Create', next: 'Confirming creates the CA in one step; nothing is written before you press the button.', Step: CreateStep, placesRefusal: true, writes: true };
const DONE: WizardStepDef<NewCaStepId> = { id: 'done', label: 'Into the new CA', next: 'The new CA is in the vault. Switch to it to carry on there.', Step: DoneStep };

/** A CA of its own (empty, its keys made inside it later), or an issuing CA whose first key the parent signs in the same step. */
const OWN_STEPS = [BASICS, CREATE, DONE] as const;
const ISSUING_STEPS = [BASICS, KEY, CREATE, DONE] as const;

/**
 * New CA: a deliberate wizard of its own, apart from the key wizards. An
 * issuing CA under a CA of this vault gets its first key generated and
 * certified by the parent's active key in one transaction (ca.create with a
 * parent), so neither the request nor the chain leaves the machine; its key
 * stays a draft until it is activated inside the new CA.
 */
export function NewCaWizard() {
  const closeWizard = useAppStore((s) => s.closeWizard);
  const control = useWizardControl<NewCaStepId>('new-ca', 'basics');
  const { issuing } = useNewCaDraft();
  const steps = issuing ? ISSUING_STEPS : OWN_STEPS;
  return <WizardFrame title="New certificate authority" steps={steps} control={control} onClose={closeWizard} caNotice={null} />;
}
