/**
 * The preload exposes exactly window.airgap: one function per contract
 * operation plus onLocked and onProgress, with no way to reach ipcRenderer or an arbitrary
 * channel. Only the `electron` module is mocked.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { OPERATION_NAMES } from '../api/contract.ts';
import { LOCKED_CHANNEL, PROGRESS_CHANNEL } from './bridge.ts';

const h = vi.hoisted(() => ({
  exposed: new Map<string, unknown>(),
  invoked: [] as Array<[string, unknown]>,
  listeners: new Map<string, Set<(...args: unknown[]) => void>>(),
}));

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, value: unknown) => h.exposed.set(key, value) },
  ipcRenderer: {
    invoke: (channel: string, input: unknown) => {
      h.invoked.push([channel, input]);
      return Promise.resolve({ ok: true, value: channel });
    },
    on: (channel: string, fn: (...args: unknown[]) => void) => {
      const set = h.listeners.get(channel) ?? new Set();
      set.add(fn);
      h.listeners.set(channel, set);
    },
    removeListener: (channel: string, fn: (...args: unknown[]) => void) => h.listeners.get(channel)?.delete(fn),
  },
}));

type Bridge = Record<string, (...args: unknown[]) => unknown>;
let airgap: Bridge;

beforeAll(async () => {
  vi.stubGlobal('__AIRGAP_OPERATION_NAMES__', OPERATION_NAMES);
  await import('./preload.ts');
  airgap = h.exposed.get('airgap') as Bridge;
});

describe('preload', () => {
  it('exposes only window.airgap', () => {
    expect([...h.exposed.keys()]).toEqual(['airgap']);
  });

  it('has one entry per contract operation plus onLocked and onProgress, frozen', () => {
    expect(Object.keys(airgap).sort()).toEqual([...OPERATION_NAMES, 'onLocked', 'onProgress'].sort());
    expect(Object.isFrozen(airgap)).toBe(true);
    expect(Object.values(airgap).every((v) => typeof v === 'function')).toBe(true);
  });

  it('sends each operation on its own channel, with {} for no input', async () => {
    await expect(airgap['vault.unlock']!({ actor: 'a', credentials: { passphrase: 'x' } })).resolves.toEqual({ ok: true, value: 'airgap:vault.unlock' });
    await airgap['session.status']!();
    expect(h.invoked).toEqual([
      ['airgap:vault.unlock', { actor: 'a', credentials: { passphrase: 'x' } }],
      ['airgap:session.status', {}],
    ]);
  });

  it('onLocked passes only the reason, never the IPC event, and unsubscribes', () => {
    const seen: unknown[] = [];
    const off = airgap.onLocked!((notice: unknown) => seen.push(notice)) as () => void;
    const fire = (payload: unknown) => h.listeners.get(LOCKED_CHANNEL)?.forEach((fn) => fn({ sender: 'ipcRenderer!' }, payload));
    fire({ reason: 'locked after 5 minutes without activity' });
    fire('garbage');
    off();
    fire({ reason: 'after unsubscribe' });
    expect(seen).toEqual([{ reason: 'locked after 5 minutes without activity' }, { reason: null }]);
  });

  it('onProgress passes only plain progress fields, never the IPC event, and unsubscribes', () => {
    const seen: unknown[] = [];
    const off = airgap.onProgress!((ev: unknown) => seen.push(ev)) as () => void;
    const fire = (payload: unknown) => h.listeners.get(PROGRESS_CHANNEL)?.forEach((fn) => fn({ sender: 'ipcRenderer!' }, payload));
    fire({ operation: 'cert.issueBatch', done: 3, total: 10, extra: 'dropped' });
    fire({ operation: 'export.media', done: 1, total: 6, item: 'trust-bundle.pem' });
    fire('garbage');
    fire({ operation: 'x', done: '1', total: 2 });
    off();
    fire({ operation: 'cert.issueBatch', done: 10, total: 10 });
    expect(seen).toEqual([
      { operation: 'cert.issueBatch', done: 3, total: 10 },
      { operation: 'export.media', done: 1, total: 6, item: 'trust-bundle.pem' },
    ]);
  });
});
