import type { KeyDetailView } from '../../../../../src-main/api/contract.ts';
import { useKeyDraft, type KeyStepId } from '../key-wizard.ts';
import { useWizard, useWizardField } from '../wizard-state.ts';

export type RootStepId = KeyStepId;

/** The root wizard's control, inside its frame. */
export const useRootWizard = () => useWizard<RootStepId>();

/** The root's choices beyond the basics, and its certificate once self-signed, kept over an auto-lock. */
export function useRootDraft() {
  const [days, setDays] = useWizardField('root', 'days', '3650');
  const [pathLength, setPathLength] = useWizardField('root', 'pathLength', '');
  const [signed, setSigned] = useWizardField<KeyDetailView | null>('root', 'signed', null);
  return { ...useKeyDraft('root'), days, setDays, pathLength, setPathLength, signed, setSigned };
}
