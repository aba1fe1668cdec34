import type { StateCreator } from 'zustand';
import type { KeyView, Settings } from '../../../src-main/api/contract.ts';
import { call, type ApiFailure } from '../api.ts';
import type { AppStore } from './index.ts';

/** The signing keys and the vault's settings as the api last reported them; sections reload after every change. */
export interface KeysSlice {
  keys: KeyView[] | null;
  keysError: ApiFailure | null;
  settings: Settings | null;
  settingsError: ApiFailure | null;
  loadKeys(): Promise<void>;
  loadSettings(): Promise<void>;
}

export const createKeysSlice: StateCreator<AppStore, [], [], KeysSlice> = (set, get) => ({
  keys: null,
  keysError: null,
  settings: null,
  settingsError: null,
  loadKeys: async () => {
    const ca = get().caName;
    const r = await call('key.list', {});
    // An answer for the CA shown before a switch is not this CA's keys.
    if (get().caName !== ca) return;
    if (r.ok) set({ keys: r.value, keysError: null });
    else set({ keysError: r });
  },
  loadSettings: async () => {
    const r = await call('settings.get', {});
    if (r.ok) set({ settings: r.value, settingsError: null });
    else set({ settingsError: r });
  },
});
