import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { OPERATION_NAMES } from '../api/contract.ts';
import { dispatch } from '../api/dispatch.ts';
import type { Service } from '../api/service.ts';
import { API_CHANNEL_PREFIX } from './bridge.ts';

/** Is this call from our window's top frame, showing our own page? */
export type SenderCheck = (event: IpcMainInvokeEvent) => boolean;

function withoutFragment(url: string): string {
  try {
    const u = new URL(url);
    u.hash = '';
    u.search = '';
    return u.href;
  } catch {
    return '';
  }
}

/**
 * The sender must be our window's webContents, the call must come from its
 * main frame (no subframe, no other window), and that frame must show the
 * app's own page (file://…/out/renderer/index.html, or the dev server).
 */
export function ownWindowSenderCheck(getWebContents: () => WebContents | null, appUrl: string): SenderCheck {
  const expected = withoutFragment(appUrl);
  return (event) => {
    const own = getWebContents();
    if (!own || own.isDestroyed() || event.sender !== own) return false;
    const frame = event.senderFrame;
    if (!frame || frame !== own.mainFrame) return false;
    return withoutFragment(frame.url) === expected;
  };
}

/**
 * Registers every contract operation as `airgap:<name>`. Each handler checks
 * the sender, then hands the raw input to dispatch(), which parses it with the
 * operation's schema and answers { ok, value } or { ok: false, code, message }.
 * Returns a function that removes the handlers.
 */
export function registerApiHandlers(ipcMain: IpcMain, service: Service, isTrustedSender: SenderCheck): () => void {
  for (const name of OPERATION_NAMES) {
    ipcMain.handle(API_CHANNEL_PREFIX + name, async (event, input: unknown) => {
      if (!isTrustedSender(event)) {
        // Nothing about the vault for a page that is not ours; the rejection carries no detail.
        throw new Error('Refused: this request did not come from the Airgap CA window.');
      }
      return dispatch(service, name, input);
    });
  }
  return () => {
    for (const name of OPERATION_NAMES) ipcMain.removeHandler(API_CHANNEL_PREFIX + name);
  };
}
