/**
 * Test support (not shipped behaviour): issuance workers that fail, as data:
 * URLs for an IssuancePool or a session's `issuanceWorkerUrl`.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DEFAULT_ISSUANCE_WORKER_URL } from '../core/issuance/issuance-pool.ts';

/** The real worker, stopping (an uncaught error) right after it answers its first chunk: its listener runs after the real one's. */
export function dyingIssuanceWorkerUrl(): URL {
  const real = pathToFileURL(fileURLToPath(DEFAULT_ISSUANCE_WORKER_URL)).href;
  const src = `import ${JSON.stringify(real)};
import { parentPort } from 'node:worker_threads';
parentPort.on('message', (m) => { if (m.kind === 'issue') throw new Error('worker crashed'); });`;
  return new URL(`data:text/javascript,${encodeURIComponent(src)}`);
}

/** A worker module that throws as it loads. */
export function unloadableIssuanceWorkerUrl(): URL {
  return new URL(`data:text/javascript,${encodeURIComponent("throw new Error('cannot load');")}`);
}
