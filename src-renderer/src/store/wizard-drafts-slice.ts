import type { StateCreator } from 'zustand';
import type { AppStore } from './index.ts';
import type { WizardId } from './nav-slice.ts';

/**
 * What an officer has chosen in an open wizard, field by field. It lives in
 * the store, not in the wizard's component, because an auto-lock unmounts the
 * console: after unlocking, the wizard reopens where it was with every choice
 * kept. Opening or closing a wizard starts it afresh (nav-slice clears this).
 */
export interface WizardDraftsSlice {
  wizardDrafts: Partial<Record<WizardId, Readonly<Record<string, unknown>>>>;
  setWizardField(wizard: WizardId, field: string, value: unknown): void;
}

export const createWizardDraftsSlice: StateCreator<AppStore, [], [], WizardDraftsSlice> = (set) => ({
  wizardDrafts: {},
  setWizardField: (wizard, field, value) => set((s) => ({ wizardDrafts: { ...s.wizardDrafts, [wizard]: { ...s.wizardDrafts[wizard], [field]: value } } })),
});
