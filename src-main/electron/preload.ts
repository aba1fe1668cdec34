/**
 * The preload exposes window.airgap and nothing else: one function per
 * contract operation plus onLocked and onProgress. It runs sandboxed (CommonJS, bundled into
 * out/preload/index.cjs); the operation names are injected at build time from
 * the contract (electron.vite.config.ts) so zod stays out of this bundle.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { AirgapBridge, LockedNotice, OpName, ProgressEvent } from '../api/contract.ts';
import { buildAirgapBridge, LOCKED_CHANNEL, PROGRESS_CHANNEL, sanitizeProgress } from './bridge.ts';

declare const __AIRGAP_OPERATION_NAMES__: readonly OpName[];

function onLocked(cb: (notice: LockedNotice) => void): () => void {
  // Hand the page only the notice, never the IpcRendererEvent (it reaches ipcRenderer).
  const listener = (_event: IpcRendererEvent, notice: unknown) => {
    const reason = typeof notice === 'object' && notice !== null && typeof (notice as LockedNotice).reason === 'string' ? (notice as LockedNotice).reason : null;
    cb({ reason });
  };
  ipcRenderer.on(LOCKED_CHANNEL, listener);
  return () => {
    ipcRenderer.removeListener(LOCKED_CHANNEL, listener);
  };
}

function onProgress(cb: (event: ProgressEvent) => void): () => void {
  const listener = (_event: IpcRendererEvent, raw: unknown) => {
    const ev = sanitizeProgress(raw);
    if (ev) cb(ev);
  };
  ipcRenderer.on(PROGRESS_CHANNEL, listener);
  return () => {
    ipcRenderer.removeListener(PROGRESS_CHANNEL, listener);
  };
}

const airgap: AirgapBridge = buildAirgapBridge(__AIRGAP_OPERATION_NAMES__, (channel, input) => ipcRenderer.invoke(channel, input), onLocked, onProgress);

contextBridge.exposeInMainWorld('airgap', airgap);
