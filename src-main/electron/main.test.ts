/**
 * The desktop shell's security settings, read back from what main.ts hands to
 * Electron. Electron cannot run here, so only the `electron` module is mocked:
 * it records the BrowserWindow options, the event handlers and the session
 * guards; everything behind them (ipc, dispatch, the vault) is real.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { OPERATION_NAMES } from '../api/contract.ts';
import { LOCKED_CHANNEL } from './bridge.ts';
import { contentSecurityPolicy } from './content-security-policy.ts';

type Listener = (...args: unknown[]) => unknown;

const h = vi.hoisted(() => {
  const listeners = (): Map<string, Array<(...args: unknown[]) => unknown>> => new Map();
  const on = (map: Map<string, Array<(...args: unknown[]) => unknown>>) => (event: string, fn: (...args: unknown[]) => unknown) => {
    map.set(event, [...(map.get(event) ?? []), fn]);
  };
  const sessionCalls: Record<string, (...args: unknown[]) => unknown> = {};
  const ipcHandlers = new Map<string, (...args: unknown[]) => unknown>();
  const appEvents = listeners();
  const state = {
    windows: [] as Array<{ options: Record<string, unknown>; webContents: Record<string, unknown>; wcEvents: Map<string, Array<(...args: unknown[]) => unknown>>; windowOpenHandler: ((d: unknown) => unknown) | null; sent: Array<[string, unknown]>; loaded: string | null }>,
    sandboxEnabled: false,
    sessionCalls,
    ipcHandlers,
    appEvents,
    powerEvents: listeners(),
  };

  class FakeBrowserWindow {
    readonly webContents: Record<string, unknown>;
    constructor(options: Record<string, unknown>) {
      const wcEvents = listeners();
      const record = { options, webContents: {} as Record<string, unknown>, wcEvents, windowOpenHandler: null as ((d: unknown) => unknown) | null, sent: [] as Array<[string, unknown]>, loaded: null as string | null };
      const mainFrame = { url: '', parent: null };
      record.webContents = {
        mainFrame,
        on: on(wcEvents),
        isDestroyed: () => false,
        setWindowOpenHandler: (fn: (d: unknown) => unknown) => {
          record.windowOpenHandler = fn;
        },
        send: (channel: string, payload: unknown) => record.sent.push([channel, payload]),
      };
      this.webContents = record.webContents;
      state.windows.push(record);
    }
    once() {}
    on() {}
    isDestroyed() {
      return false;
    }
    loadFile(path: string) {
      const w = state.windows.at(-1)!;
      w.loaded = path;
      (w.webContents.mainFrame as { url: string }).url = `file://${path}`;
      return Promise.resolve();
    }
    loadURL(url: string) {
      state.windows.at(-1)!.loaded = url;
      return Promise.resolve();
    }
  }

  const record = (name: string) => (fn: (...args: unknown[]) => unknown) => {
    sessionCalls[name] = fn;
  };
  const defaultSession = {
    setPermissionRequestHandler: record('permissionRequest'),
    setPermissionCheckHandler: record('permissionCheck'),
    setDevicePermissionHandler: record('devicePermission'),
    setDisplayMediaRequestHandler: record('displayMedia'),
    setSpellCheckerEnabled: (v: boolean) => {
      sessionCalls.spellChecker = () => v;
    },
    webRequest: { onBeforeRequest: record('beforeRequest'), onHeadersReceived: record('headersReceived') },
  };

  return { state, FakeBrowserWindow, defaultSession, on };
});

vi.mock('electron', () => ({
  app: {
    isPackaged: true,
    enableSandbox: () => {
      h.state.sandboxEnabled = true;
    },
    requestSingleInstanceLock: () => true,
    whenReady: () => Promise.resolve(),
    on: h.on(h.state.appEvents),
    quit: () => {},
  },
  BrowserWindow: h.FakeBrowserWindow,
  ipcMain: {
    handle: (channel: string, fn: (...args: unknown[]) => unknown) => h.state.ipcHandlers.set(channel, fn),
    removeHandler: (channel: string) => h.state.ipcHandlers.delete(channel),
  },
  session: { defaultSession: h.defaultSession },
  powerMonitor: { on: h.on(h.state.powerEvents) },
}));

const NONCE = 'dGVzdC1ub25jZS1mb3ItdGhlLXNoZWxs';
let vaultRoot: string;

beforeAll(async () => {
  vaultRoot = mkdtempSync(join(tmpdir(), 'airgap-shell-'));
  process.env.AIRGAP_CA_VAULT = join(vaultRoot, 'vault');
  vi.stubGlobal('__AIRGAP_STYLE_NONCE__', NONCE);
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
  await import('./main.ts');
  await vi.waitFor(() => expect(h.state.windows).toHaveLength(1));
});

afterAll(() => {
  for (const fn of h.state.appEvents.get('will-quit') ?? []) fn();
  vi.useRealTimers();
  rmSync(vaultRoot, { recursive: true, force: true });
});

function win() {
  const w = h.state.windows[0];
  if (!w) throw new Error('main.ts created no window');
  return w;
}

function emit(event: string, ...args: unknown[]): unknown[] {
  return (win().wcEvents.get(event) ?? []).map((fn: Listener) => fn(...args));
}

const rendererIndex = () => win().loaded!;
const rendererDir = () => rendererIndex().replace(/\/index\.html$/, '');

describe('main window', () => {
  it('is created once, sandboxed and isolated, with every security preference as a literal', () => {
    const prefs = win().options.webPreferences as Record<string, unknown>;
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      devTools: false,
    });
    expect(prefs.preload).toMatch(/[/\\]out[/\\]preload[/\\]index\.cjs$|[/\\]preload[/\\]index\.cjs$/);
    expect(prefs).not.toHaveProperty('enableBlinkFeatures');
    expect(prefs).not.toHaveProperty('additionalArguments');
  });

  it('has no remote module leftovers: no @electron/remote dependency, no enableRemoteModule', () => {
    const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '../../package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;
    expect({ ...pkg.dependencies, ...pkg.devDependencies }).not.toHaveProperty('@electron/remote');
    expect(win().options.webPreferences).not.toHaveProperty('enableRemoteModule');
  });

  it('enables the sandbox for every renderer and loads the built index.html from disk', () => {
    expect(h.state.sandboxEnabled).toBe(true);
    expect(rendererIndex()).toMatch(/[/\\]renderer[/\\]index\.html$/);
  });

  it('denies navigation, redirects, subframe navigation, webviews and new windows', () => {
    for (const event of ['will-navigate', 'will-redirect', 'will-attach-webview']) {
      const preventDefault = vi.fn();
      emit(event, { preventDefault, isMainFrame: true });
      expect(preventDefault, event).toHaveBeenCalled();
    }
    const frameNav = vi.fn();
    emit('will-frame-navigate', { preventDefault: frameNav, isMainFrame: false });
    expect(frameNav).toHaveBeenCalled();
    expect(win().windowOpenHandler?.({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
  });

  it('guards any other web contents the same way', () => {
    const created = h.state.appEvents.get('web-contents-created') ?? [];
    expect(created.length).toBeGreaterThan(0);
    const events = new Map<string, Listener[]>();
    let openHandler: ((d: unknown) => unknown) | null = null;
    const contents = {
      on: h.on(events),
      setWindowOpenHandler: (fn: (d: unknown) => unknown) => {
        openHandler = fn;
      },
    };
    for (const fn of created) fn({}, contents);
    const preventDefault = vi.fn();
    for (const fn of events.get('will-navigate') ?? []) fn({ preventDefault });
    expect(preventDefault).toHaveBeenCalled();
    expect(openHandler!({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
  });
});

describe('session guards', () => {
  it('denies every permission request and check', () => {
    const calls = h.state.sessionCalls;
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'fileSystem']) {
      const cb = vi.fn();
      calls.permissionRequest!({}, permission, cb, {});
      expect(cb, permission).toHaveBeenCalledWith(false);
      expect(calls.permissionCheck!({}, permission, 'file://', {}), permission).toBe(false);
    }
    expect(calls.devicePermission!({ deviceType: 'usb' })).toBe(false);
    const media = vi.fn();
    calls.displayMedia!({}, media);
    expect(media).toHaveBeenCalledWith({});
    expect(calls.spellChecker!()).toBe(false);
  });

  it.each([
    ['the app page', () => `file://${rendererIndex()}`, false],
    ['an app asset', () => `file://${rendererDir()}/assets/index-abc.js`, false],
    ['a data: image', () => 'data:image/png;base64,AAAA', false],
    ['https', () => 'https://example.com/', true],
    ['http to localhost', () => 'http://localhost:5173/', true],
    ['a websocket', () => 'ws://127.0.0.1:1234/', true],
    ['a file outside the renderer folder', () => 'file:///etc/passwd', true],
    ['an escape with ..', () => `file://${rendererDir()}/../main/index.js`, true],
    ['an encoded escape', () => `file://${rendererDir()}/%2e%2e/main/index.js`, true],
    ['a network file share', () => 'file://server/share/index.html', true],
    ['devtools in a packaged app', () => 'devtools://devtools/bundled/inspector.html', true],
    ['a custom scheme', () => 'airgap://x', true],
  ])('request to %s: cancel=%s', (_name, url, cancel) => {
    const cb = vi.fn();
    h.state.sessionCalls.beforeRequest!({ url: url() }, cb);
    expect(cb).toHaveBeenCalledWith({ cancel });
  });

  it('sends the strict Content-Security-Policy header on every response, replacing any other', () => {
    const cb = vi.fn();
    h.state.sessionCalls.headersReceived!({ responseHeaders: { 'content-security-policy': ["default-src *"], 'X-Other': ['1'] } }, cb);
    const headers = (cb.mock.calls[0]![0] as { responseHeaders: Record<string, string[]> }).responseHeaders;
    expect(headers['Content-Security-Policy']).toEqual([contentSecurityPolicy({ styleNonce: NONCE })]);
    expect(headers['content-security-policy']).toBeUndefined();
    expect(headers['X-Other']).toEqual(['1']);
    expect(headers['Content-Security-Policy']![0]).toBe(
      `default-src 'none'; script-src 'self'; style-src 'self' 'nonce-${NONCE}'; img-src 'self' data:; font-src 'self'; connect-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
    );
  });
});

describe('ipc', () => {
  const call = (name: string, input: unknown, event?: unknown) => {
    const handler = h.state.ipcHandlers.get(`airgap:${name}`);
    if (!handler) throw new Error(`no handler for ${name}`);
    const wc = win().webContents;
    return handler(event ?? { sender: wc, senderFrame: wc.mainFrame }, input) as Promise<unknown>;
  };

  it('registers exactly one handler per contract operation, and nothing else', () => {
    expect([...h.state.ipcHandlers.keys()].sort()).toEqual(OPERATION_NAMES.map((n) => `airgap:${n}`).sort());
  });

  it('answers our window through dispatch', async () => {
    await expect(call('session.status', {})).resolves.toMatchObject({ ok: true, value: { unlocked: false, vaultExists: false } });
    await expect(call('vault.unlock', { actor: '' })).resolves.toMatchObject({ ok: false, code: 'INVALID_INPUT' });
  });

  it('refuses another webContents, a subframe, and a page that is not the app', async () => {
    const wc = win().webContents;
    await expect(call('session.status', {}, { sender: { ...wc }, senderFrame: wc.mainFrame })).rejects.toThrow(/Refused/);
    await expect(call('session.status', {}, { sender: wc, senderFrame: { url: (wc.mainFrame as { url: string }).url, parent: wc.mainFrame } })).rejects.toThrow(/Refused/);
    const frame = wc.mainFrame as { url: string };
    const own = frame.url;
    frame.url = 'https://evil.example/index.html';
    try {
      await expect(call('session.status', {})).rejects.toThrow(/Refused/);
    } finally {
      frame.url = own;
    }
    await expect(call('session.status', {}, { sender: wc, senderFrame: null })).rejects.toThrow(/Refused/);
  });

  it('locks an idle vault on the 15 s timer and tells the window why', async () => {
    const created = (await call('vault.create', { actor: 'Alice Officer', passphrase: 'correct horse battery staple' })) as { ok: boolean };
    expect(created.ok).toBe(true);
    await expect(call('session.status', {})).resolves.toMatchObject({ value: { unlocked: true } });
    vi.advanceTimersByTime(4 * 60_000);
    expect(win().sent).toEqual([]);
    vi.advanceTimersByTime(60_000 + 15_000);
    expect(win().sent).toEqual([[LOCKED_CHANNEL, { reason: 'locked after 5 minutes without activity' }]]);
    await expect(call('session.status', {})).resolves.toMatchObject({ value: { unlocked: false, lockedReason: 'locked after 5 minutes without activity' } });
  });

  it.each([
    ['suspend', 'locked when the computer went to sleep'],
    ['lock-screen', 'locked when the screen was locked'],
  ])('locks the vault at once on powerMonitor %s and tells the window why', async (event, reason) => {
    win().sent.length = 0;
    const unlocked = (await call('vault.unlock', { actor: 'Alice Officer', credentials: { passphrase: 'correct horse battery staple' } })) as { ok: boolean };
    expect(unlocked.ok).toBe(true);
    for (const fn of h.state.powerEvents.get(event) ?? []) fn();
    expect(win().sent).toEqual([[LOCKED_CHANNEL, { reason }]]);
    await expect(call('session.status', {})).resolves.toMatchObject({ value: { unlocked: false, lockedReason: reason } });
    // Already locked: a second event sends nothing more.
    for (const fn of h.state.powerEvents.get(event) ?? []) fn();
    expect(win().sent).toHaveLength(1);
  });
});
