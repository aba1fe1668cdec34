/**
 * The desktop shell: one sandboxed window, the contract's operations over IPC,
 * and the idle timer. No business logic here (docs/architecture.md, "Layers").
 */
import { app, BrowserWindow, ipcMain, powerMonitor, session } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Clock } from '../core/clock.ts';
import { installCryptoProvider } from '../core/pki/crypto-provider.ts';
import { createService, type Service } from '../api/service.ts';
import { defaultVaultDir } from '../api/vault-location.ts';
import type { LockedNotice } from '../api/contract.ts';
import { LOCKED_CHANNEL, PROGRESS_CHANNEL } from './bridge.ts';
import { contentSecurityPolicy } from './content-security-policy.ts';
import { ownWindowSenderCheck, registerApiHandlers } from './ipc.ts';
import { createMainWindow, guardSession, guardWebContents } from './window.ts';

declare const __AIRGAP_STYLE_NONCE__: string;

/** How often the shell asks the session whether it has been idle too long. */
const IDLE_CHECK_MS = 15_000;

installCryptoProvider();
app.enableSandbox();

const here = import.meta.dirname;
const rendererDir = join(here, '../renderer');
const rendererIndex = join(rendererDir, 'index.html');
const preloadPath = join(here, '../preload/index.cjs');
const devServerUrl = !app.isPackaged ? (process.env.ELECTRON_RENDERER_URL ?? null) : null;
const appUrl = devServerUrl ?? pathToFileURL(rendererIndex).href;

/**
 * e2e only (AIRGAP_CA_E2E=1 on an unpackaged build): a clock the tests can move
 * forward and an idle check they can run now, reached through Playwright's
 * electronApp.evaluate. A packaged app ignores the variable.
 */
const e2e = !app.isPackaged && process.env.AIRGAP_CA_E2E === '1';
let clockOffsetMs = 0;
const clock: Clock = { now: () => new Date(Date.now() + clockOffsetMs) };

let mainWindow: BrowserWindow | null = null;
let service: Service | null = null;

function notifyIfIdleLocked(): void {
  if (!service || !service.session.checkIdle()) return;
  const notice: LockedNotice = { reason: service.session.lockedReason };
  if (mainWindow && !mainWindow.isDestroyed()) mainWindow.webContents.send(LOCKED_CHANNEL, notice);
}

/** Locks now (sleep, screen lock) and tells the window why; nothing to do when already locked. */
function lockBecause(reason: string): void {
  if (!service || !service.session.unlocked) return;
  service.session.lock(reason);
  const notice: LockedNotice = { reason: service.session.lockedReason };
  if (mainWindow && !mainWindow.isDestroyed()) mainWindow.webContents.send(LOCKED_CHANNEL, notice);
}

function start(): void {
  service = createService({
    vaultDir: defaultVaultDir(process.env),
    clock,
    // electron.vite.config.ts builds the batch-issuance worker as its own entry next to this file.
    issuanceWorkerUrl: new URL('./batch-issuance-worker.js', import.meta.url),
  });

  // Every web contents (there should only ever be ours) gets the same guards.
  app.on('web-contents-created', (_event, contents) => guardWebContents(contents));

  guardSession(session.defaultSession, {
    csp: contentSecurityPolicy({ styleNonce: __AIRGAP_STYLE_NONCE__, devServerOrigin: devServerUrl ? new URL(devServerUrl).origin : null }),
    requests: { rendererDir, devServerOrigin: devServerUrl ? new URL(devServerUrl).origin : null, allowDevTools: !app.isPackaged },
  });

  // Long work (batch issuance, export) reports progress to the window as it goes.
  service.session.onProgress = (ev) => {
    if (mainWindow && !mainWindow.isDestroyed()) mainWindow.webContents.send(PROGRESS_CHANNEL, ev);
  };

  registerApiHandlers(ipcMain, service, ownWindowSenderCheck(() => mainWindow?.webContents ?? null, appUrl));

  mainWindow = createMainWindow({ preloadPath, devTools: !app.isPackaged });
  mainWindow.on('closed', () => {
    mainWindow = null;
  });
  if (devServerUrl) void mainWindow.loadURL(devServerUrl);
  else void mainWindow.loadFile(rendererIndex);

  const timer = setInterval(notifyIfIdleLocked, IDLE_CHECK_MS);
  // An unattended laptop is as exposed asleep or behind its lock screen as idle: the
  // idle timer would only fire after waking, with the vault key in memory all along.
  powerMonitor.on('suspend', () => lockBecause('locked when the computer went to sleep'));
  powerMonitor.on('lock-screen', () => lockBecause('locked when the screen was locked'));
  app.on('will-quit', () => {
    clearInterval(timer);
    service?.session.lock(null);
  });

  if (e2e) {
    (globalThis as Record<string, unknown>).__airgapE2E = {
      advanceClock: (ms: number) => {
        clockOffsetMs += ms;
      },
      runIdleCheck: () => notifyIfIdleLocked(),
    };
  }
}

if (!app.requestSingleInstanceLock()) {
  // One vault, one session: a second instance would fight over the database.
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.on('window-all-closed', () => app.quit());
  void app.whenReady().then(start);
}
