import type { StateCreator } from 'zustand';
import type { AppStore } from './index.ts';

export type CertStatusFilter = '' | 'valid' | 'revoked' | 'expired';

/** The certificate table's filters: kept while the officer visits other sections. */
export interface CertsSlice {
  certSearch: string;
  certIssuer: string;
  certStatus: CertStatusFilter;
  /** The CA whose certificates the table lists; null: the CA the console shows. */
  certCa: string | null;
  /** Bumped after a change (revocation, issuance) so cached pages are fetched again. */
  certsVersion: number;
  setCertSearch(search: string): void;
  setCertIssuer(issuer: string): void;
  setCertStatus(status: CertStatusFilter): void;
  /** Another CA's certificates: the issuer filter named the previous CA's keys, so it clears. */
  setCertCa(ca: string | null): void;
  certsChanged(): void;
}

export const createCertsSlice: StateCreator<AppStore, [], [], CertsSlice> = (set) => ({
  certSearch: '',
  certIssuer: '',
  certStatus: '',
  certCa: null,
  certsVersion: 0,
  setCertSearch: (certSearch) => set({ certSearch }),
  setCertIssuer: (certIssuer) => set({ certIssuer }),
  setCertStatus: (certStatus) => set({ certStatus }),
  setCertCa: (certCa) => set({ certCa, certIssuer: '' }),
  certsChanged: () => set((s) => ({ certsVersion: s.certsVersion + 1 })),
});
