import type { StateCreator } from 'zustand';
import type { ProgressEvent } from '../../../src-main/api/contract.ts';
import type { AppStore } from './index.ts';

/** The latest progress report of each long operation (cert.issueBatch, export.media), as the api sends them. */
export interface ProgressSlice {
  progress: Partial<Record<string, ProgressEvent>>;
  /** Listens to window.airgap.onProgress; returns the unsubscribe function. */
  trackProgress(): () => void;
  clearProgress(operation: string): void;
}

export const createProgressSlice: StateCreator<AppStore, [], [], ProgressSlice> = (set) => ({
  progress: {},
  trackProgress: () => window.airgap.onProgress((ev) => set((s) => ({ progress: { ...s.progress, [ev.operation]: ev } }))),
  clearProgress: (operation) =>
    set((s) => {
      const next = { ...s.progress };
      delete next[operation];
      return { progress: next };
    }),
});
