import type { AirgapBridge, OpName, ProgressEvent } from '../api/contract.ts';

export const API_CHANNEL_PREFIX = 'airgap:';
export const LOCKED_CHANNEL = 'airgap-event:locked';
export const PROGRESS_CHANNEL = 'airgap-event:progress';

/** A progress report as the page may see it: plain numbers and strings, anything else dropped. */
export function sanitizeProgress(raw: unknown): ProgressEvent | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const r = raw as Record<string, unknown>;
  if (typeof r.operation !== 'string' || typeof r.done !== 'number' || typeof r.total !== 'number') return null;
  return typeof r.item === 'string' ? { operation: r.operation, done: r.done, total: r.total, item: r.item } : { operation: r.operation, done: r.done, total: r.total };
}

/**
 * Builds window.airgap from the contract's operation names. `invoke` is the
 * transport (ipcRenderer.invoke in the preload); it stays inside this closure
 * and is never exposed to the page.
 */
export function buildAirgapBridge(
  names: readonly OpName[],
  invoke: (channel: string, input: unknown) => Promise<unknown>,
  onLocked: AirgapBridge['onLocked'],
  onProgress: AirgapBridge['onProgress'],
): AirgapBridge {
  const api: Record<string, unknown> = {};
  for (const name of names) {
    api[name] = (input?: unknown) => invoke(API_CHANNEL_PREFIX + name, input ?? {});
  }
  api.onLocked = onLocked;
  api.onProgress = onProgress;
  // Each entry forwards its input to the operation of the same name; the
  // contract's mapped type AirgapApi describes exactly that.
  return Object.freeze(api) as AirgapBridge;
}
