import { BrowserWindow, type Session, type WebContents } from 'electron';
import { isAllowedRequest, type RequestPolicy } from './request-policy.ts';

export interface MainWindowOptions {
  /** Absolute path of the bundled preload (out/preload/index.cjs). */
  preloadPath: string;
  /** DevTools only when running unpackaged (development, e2e). */
  devTools: boolean;
}

/**
 * The one window. Every security-relevant web preference is written here as a
 * literal (electronegativity only sees literals, and a reviewer should too);
 * window.test.ts reads them back from the constructed window's options.
 */
export function createMainWindow(opts: MainWindowOptions): BrowserWindow {
  const win = new BrowserWindow({
    width: 1200,
    height: 820,
    minWidth: 720,
    minHeight: 560,
    show: false,
    title: 'Airgap CA',
    autoHideMenuBar: true,
    webPreferences: {
      preload: opts.preloadPath,
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
      safeDialogs: true,
      disableBlinkFeatures: 'Auxclick',
      devTools: opts.devTools,
      // No enableRemoteModule: the remote module left Electron in v14 and the
      // option no longer exists; @electron/remote is not a dependency (main.test.ts checks).
    },
  });
  guardWebContents(win.webContents);
  win.once('ready-to-show', () => win.show());
  return win;
}

/**
 * No navigation, no redirects, no new windows, no <webview>: the app is one
 * page. Applied to our window and, from main.ts, to any web contents created.
 */
export function guardWebContents(contents: WebContents): void {
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-frame-navigate', (event) => {
    if (!event.isMainFrame) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

export interface SessionGuardOptions {
  /** The Content-Security-Policy header for every response. */
  csp: string;
  requests: RequestPolicy;
}

/**
 * The session the window uses: every permission request and check denied,
 * every request outside the app's own files cancelled, and the CSP sent as a
 * header on top of index.html's <meta> tag.
 */
export function guardSession(ses: Session, opts: SessionGuardOptions): void {
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.setDevicePermissionHandler(() => false);
  ses.setDisplayMediaRequestHandler((_request, callback) => callback({}));
  ses.setSpellCheckerEnabled(false);
  ses.webRequest.onBeforeRequest((details, callback) => {
    callback({ cancel: !isAllowedRequest(details.url, opts.requests) });
  });
  ses.webRequest.onHeadersReceived((details, callback) => {
    const headers: Record<string, string[]> = {};
    for (const [name, value] of Object.entries(details.responseHeaders ?? {})) {
      if (name.toLowerCase() !== 'content-security-policy') headers[name] = value;
    }
    headers['Content-Security-Policy'] = [opts.csp];
    callback({ responseHeaders: headers });
  });
}
