import type { StateCreator } from 'zustand';
import type { HeldSharesView } from '../../../src-main/api/contract.ts';
import { call } from '../api.ts';
import type { AppStore } from './index.ts';

/** A custodian share file the officer picked, read in the renderer and sent as-is to vault.unlock. */
export interface ChosenShare {
  label: string;
  content: string;
}

/**
 * The share files chosen so far on the unlock screen (held in memory only,
 * cleared on unlock), and the view of a new quorum's shares the main process
 * holds for delivery one medium at a time (never the shares themselves).
 */
export interface SharesSlice {
  shares: ChosenShare[];
  addShare(share: ChosenShare): void;
  removeShare(index: number): void;
  clearShares(): void;
  heldShares: HeldSharesView | null;
  setHeldShares(view: HeldSharesView | null): void;
  loadHeldShares(): Promise<void>;
}

export const createSharesSlice: StateCreator<AppStore, [], [], SharesSlice> = (set) => ({
  shares: [],
  addShare: (share) => set((s) => ({ shares: [...s.shares, share] })),
  removeShare: (index) => set((s) => ({ shares: s.shares.filter((_, i) => i !== index) })),
  clearShares: () => set({ shares: [] }),
  heldShares: null,
  setHeldShares: (view) => set({ heldShares: view }),
  loadHeldShares: async () => {
    const r = await call('vault.heldShares', {});
    set({ heldShares: r.ok ? r.value : null });
  },
});
