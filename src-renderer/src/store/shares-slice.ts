import type { StateCreator } from 'zustand';
import type { AppStore } from './index.ts';

/** A custodian share file the officer picked, read in the renderer and sent as-is to vault.unlock. */
export interface ChosenShare {
  label: string;
  content: string;
}

/** The share files chosen so far on the unlock screen. Held in memory only, cleared on unlock. */
export interface SharesSlice {
  shares: ChosenShare[];
  addShare(share: ChosenShare): void;
  removeShare(index: number): void;
  clearShares(): void;
}

export const createSharesSlice: StateCreator<AppStore, [], [], SharesSlice> = (set) => ({
  shares: [],
  addShare: (share) => set((s) => ({ shares: [...s.shares, share] })),
  removeShare: (index) => set((s) => ({ shares: s.shares.filter((_, i) => i !== index) })),
  clearShares: () => set({ shares: [] }),
});
