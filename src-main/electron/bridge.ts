import type { AirgapApi, OpName } from '../api/contract.ts';

/** Sent by main when the session locked itself (idle timer); the renderer returns to the unlock screen. */
export interface LockedNotice {
  reason: string | null;
}

/** window.airgap: one function per contract operation, plus the auto-lock subscription. Nothing else. */
export type AirgapBridge = AirgapApi & {
  /** Calls cb each time the vault locks itself; returns the unsubscribe function. */
  onLocked(cb: (notice: LockedNotice) => void): () => void;
};

export const API_CHANNEL_PREFIX = 'airgap:';
export const LOCKED_CHANNEL = 'airgap-event:locked';

/**
 * Builds window.airgap from the contract's operation names. `invoke` is the
 * transport (ipcRenderer.invoke in the preload); it stays inside this closure
 * and is never exposed to the page.
 */
export function buildAirgapBridge(
  names: readonly OpName[],
  invoke: (channel: string, input: unknown) => Promise<unknown>,
  onLocked: AirgapBridge['onLocked'],
): AirgapBridge {
  const api: Record<string, unknown> = {};
  for (const name of names) {
    api[name] = (input?: unknown) => invoke(API_CHANNEL_PREFIX + name, input ?? {});
  }
  api.onLocked = onLocked;
  // Each entry forwards its input to the operation of the same name; the
  // contract's mapped type AirgapApi describes exactly that.
  return Object.freeze(api) as AirgapBridge;
}
