import type { StateCreator } from 'zustand';
import type { CaView } from '../../../src-main/api/contract.ts';
import { call, setConsoleCa, type ApiFailure } from '../api.ts';
import type { AppStore } from './index.ts';

/**
 * The vault's CAs and the one the console shows. Every call of a CA's
 * operation that names no CA goes to the selected one (api.ts), as the CLI's
 * --ca; the selection is kept over an auto-lock, so a wizard reopens in the
 * CA it was started in.
 */
export interface CasSlice {
  cas: CaView[] | null;
  casError: ApiFailure | null;
  /** The selected CA's name; null until the CAs are read. */
  caName: string | null;
  loadCas(): Promise<void>;
  /** Shows another CA: its keys, its certificates, its wizards. */
  selectCa(name: string): void;
}

export const createCasSlice: StateCreator<AppStore, [], [], CasSlice> = (set, get) => ({
  cas: null,
  casError: null,
  caName: null,
  loadCas: async () => {
    const r = await call('ca.list', {});
    if (!r.ok) {
      set({ casError: r });
      return;
    }
    // The choice stays while its CA exists (a rename is read back by id); else the vault's first CA.
    const before = get().cas?.find((c) => c.name === get().caName);
    const kept = r.value.find((c) => c.name === get().caName) ?? (before ? r.value.find((c) => c.id === before.id) : undefined);
    const name = (kept ?? r.value[0])?.name ?? null;
    setConsoleCa(name);
    set({ cas: r.value, casError: null, caName: name });
  },
  selectCa: (name) => {
    if (name === get().caName) return;
    setConsoleCa(name);
    // What was read for the previous CA goes; the certificate filters name its keys.
    set({ caName: name, keys: null, keysError: null, certIssuer: '', certCa: null });
    void get().loadKeys();
  },
});
