import { create } from 'zustand';
import { createNavSlice, type NavSlice } from './nav-slice.ts';
import { createSessionSlice, type SessionSlice } from './session-slice.ts';
import { createSharesSlice, type SharesSlice } from './shares-slice.ts';
import { createVaultInfoSlice, type VaultInfoSlice } from './vault-info-slice.ts';

/** One store, one slice per concern. */
export type AppStore = SessionSlice & SharesSlice & VaultInfoSlice & NavSlice;

export const useAppStore = create<AppStore>()((...a) => ({
  ...createSessionSlice(...a),
  ...createSharesSlice(...a),
  ...createVaultInfoSlice(...a),
  ...createNavSlice(...a),
}));
