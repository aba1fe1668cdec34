import { isAbsolute, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What the window may load: its own files, and in development the Vite dev server and DevTools. */
export interface RequestPolicy {
  /** Absolute path of the built renderer folder (out/renderer). */
  rendererDir: string;
  /** `electron-vite dev` only: the dev server's origin (http://localhost:5173). */
  devServerOrigin?: string | null;
  /** `electron-vite dev` only: let DevTools load its own pages. */
  allowDevTools?: boolean;
}

function insideFolder(folder: string, file: string): boolean {
  const rel = relative(resolve(folder), resolve(file));
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

/**
 * The one rule for every request the window's session makes: the app's own
 * files under the renderer folder, data: URLs (no network), and the dev
 * server / DevTools in development. Everything else is cancelled: the
 * workstation is air-gapped and the app must never try the network.
 */
export function isAllowedRequest(rawUrl: string, policy: RequestPolicy): boolean {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return false;
  }
  switch (url.protocol) {
    case 'file:': {
      if (url.host !== '') return false; // file://server/share is a network path
      let path: string;
      try {
        path = fileURLToPath(url);
      } catch {
        return false;
      }
      return insideFolder(policy.rendererDir, path);
    }
    case 'data:':
      return true;
    case 'devtools:':
      return policy.allowDevTools === true;
    case 'http:':
    case 'ws:': {
      if (!policy.devServerOrigin) return false;
      const dev = new URL(policy.devServerOrigin);
      return url.hostname === dev.hostname && url.port === dev.port && (dev.hostname === 'localhost' || dev.hostname === '127.0.0.1');
    }
    default:
      return false;
  }
}
