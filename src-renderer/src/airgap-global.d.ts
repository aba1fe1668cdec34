import type { AirgapApi, ProgressEvent } from '../../src-main/api/contract.ts';

/** What the preload exposes (src-main/electron/bridge.ts): the contract's operations plus onLocked and onProgress. */
export interface LockedNotice {
  reason: string | null;
}

export type AirgapWindowApi = AirgapApi & {
  onLocked(cb: (notice: LockedNotice) => void): () => void;
  /** Progress of long work (batch issuance, export) while it runs; returns the unsubscribe function. */
  onProgress(cb: (event: ProgressEvent) => void): () => void;
};

declare global {
  interface Window {
    readonly airgap: AirgapWindowApi;
  }
}
