import type { StateCreator } from 'zustand';
import type { VaultInfo } from '../../../src-main/api/contract.ts';
import { call, type ApiFailure } from '../api.ts';
import type { AppStore } from './index.ts';

/** The open vault's facts for the console (vault.info). */
export interface VaultInfoSlice {
  vaultInfo: VaultInfo | null;
  vaultInfoError: ApiFailure | null;
  loadVaultInfo(): Promise<void>;
}

export const createVaultInfoSlice: StateCreator<AppStore, [], [], VaultInfoSlice> = (set) => ({
  vaultInfo: null,
  vaultInfoError: null,
  loadVaultInfo: async () => {
    const r = await call('vault.info', {});
    if (r.ok) set({ vaultInfo: r.value, vaultInfoError: null });
    else set({ vaultInfoError: r });
  },
});
