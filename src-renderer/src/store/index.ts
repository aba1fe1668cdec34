import { create } from 'zustand';
import { createCasSlice, type CasSlice } from './cas-slice.ts';
import { createCertsSlice, type CertsSlice } from './certs-slice.ts';
import { createEmergencySlice, type EmergencySlice } from './emergency-slice.ts';
import { createKeysSlice, type KeysSlice } from './keys-slice.ts';
import { createNavSlice, type NavSlice } from './nav-slice.ts';
import { createProgressSlice, type ProgressSlice } from './progress-slice.ts';
import { createSessionSlice, type SessionSlice } from './session-slice.ts';
import { createSharesSlice, type SharesSlice } from './shares-slice.ts';
import { createVaultInfoSlice, type VaultInfoSlice } from './vault-info-slice.ts';
import { createWizardDraftsSlice, type WizardDraftsSlice } from './wizard-drafts-slice.ts';

/** One store, one slice per concern. */
export type AppStore = SessionSlice & CasSlice & SharesSlice & VaultInfoSlice & NavSlice & CertsSlice & ProgressSlice & KeysSlice & EmergencySlice & WizardDraftsSlice;

export const useAppStore = create<AppStore>()((...a) => ({
  ...createSessionSlice(...a),
  ...createCasSlice(...a),
  ...createSharesSlice(...a),
  ...createVaultInfoSlice(...a),
  ...createNavSlice(...a),
  ...createCertsSlice(...a),
  ...createProgressSlice(...a),
  ...createKeysSlice(...a),
  ...createEmergencySlice(...a),
  ...createWizardDraftsSlice(...a),
}));
