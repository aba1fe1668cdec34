import type { StateCreator } from 'zustand';
import type { AppStore } from './index.ts';

export type SectionId = 'dashboard' | 'keys' | 'certificates' | 'audit' | 'settings';
export type WizardId = 'sub-ca' | 'root' | 'emergency' | 'issue-media' | 'export' | 'new-ca';

/** Where the officer is in the console: one section, or one wizard on top of it. */
export interface NavSlice {
  section: SectionId;
  wizard: WizardId | null;
  /** A wizard may be opened for one key (e.g. resume a sub-CA draft at the chain import step). */
  wizardKeyId: string | null;
  goTo(section: SectionId): void;
  openWizard(wizard: WizardId, keyId?: string | null): void;
  closeWizard(): void;
}

export const createNavSlice: StateCreator<AppStore, [], [], NavSlice> = (set) => ({
  section: 'dashboard',
  wizard: null,
  wizardKeyId: null,
  goTo: (section) => set({ section, wizard: null, wizardKeyId: null, wizardDrafts: {} }),
  openWizard: (wizard, keyId = null) => set({ wizard, wizardKeyId: keyId, wizardDrafts: {} }),
  closeWizard: () => set({ wizard: null, wizardKeyId: null, wizardDrafts: {} }),
});
