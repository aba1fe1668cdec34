import type { AirgapApi } from '../../src-main/api/contract.ts';

/** What the preload exposes (src-main/electron/bridge.ts): the contract's operations plus onLocked. */
export interface LockedNotice {
  reason: string | null;
}

export type AirgapWindowApi = AirgapApi & {
  onLocked(cb: (notice: LockedNotice) => void): () => void;
};

declare global {
  interface Window {
    readonly airgap: AirgapWindowApi;
  }
}
