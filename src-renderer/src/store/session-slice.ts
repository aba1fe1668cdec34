import type { StateCreator } from 'zustand';
import type { OpInput, SessionStatus } from '../../../src-main/api/contract.ts';
import { call, type ApiFailure } from '../api.ts';
import type { AppStore } from './index.ts';

/** Where the vault session stands, as the api reports it. The api decides; this slice only remembers. */
export interface SessionSlice {
  status: SessionStatus | null;
  statusError: ApiFailure | null;
  /** The officer of the last session, offered again on the unlock screen after a lock (not a secret). */
  lastActor: string;
  refreshStatus(): Promise<void>;
  createVault(input: OpInput<'vault.create'>): Promise<ApiFailure | null>;
  unlock(input: OpInput<'vault.unlock'>): Promise<ApiFailure | null>;
  lock(): Promise<ApiFailure | null>;
}

export const createSessionSlice: StateCreator<AppStore, [], [], SessionSlice> = (set, get) => ({
  status: null,
  statusError: null,
  lastActor: '',

  refreshStatus: async () => {
    const r = await call('session.status', {});
    if (r.ok) set({ status: r.value, statusError: null });
    else set({ statusError: r });
  },

  createVault: async (input) => {
    const r = await call('vault.create', input);
    if (!r.ok) return r;
    set({ heldShares: r.value.heldShares, lastActor: input.actor });
    await get().refreshStatus();
    return null;
  },

  unlock: async (input) => {
    const r = await call('vault.unlock', input);
    if (!r.ok) return r;
    set({ status: r.value, heldShares: null, lastActor: input.actor });
    get().clearShares();
    return null;
  },

  lock: async () => {
    const r = await call('vault.lock', {});
    if (!r.ok) return r;
    set({ status: r.value, heldShares: null, vaultInfo: null });
    return null;
  },
});
