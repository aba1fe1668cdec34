/**
 * The worker threads of batch issuance (batch-issuance-worker.ts), as a pool
 * that outlives one batch: started before the vault is unlocked (the CLI's
 * `cert issue-batch` and `cert renew-batch` start it first, so the workers
 * load their modules while Argon2id runs and the request files are read),
 * then told which issuer to sign with (`setup`, a message: the key is only
 * known once the vault is open), and used for one or more kinds of work in
 * turn (renewal requests' CMS checks, then their issuance).
 *
 * An idle pool never keeps the process alive (its workers are unref'd
 * between runs), and a worker that fails is reported by the next run.
 * Worker threads live in this process, so the private key handed to `setup`
 * never leaves it.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { MessageChannel, Worker, receiveMessageOnPort } from 'node:worker_threads';
import type { WorkerRequest } from './batch-issuance-item.ts';

/** The worker entry point next to this module (a bundle may move it: callers pass their own URL). */
export const DEFAULT_ISSUANCE_WORKER_URL = new URL('./batch-issuance-worker.ts', import.meta.url);

/** Whether workers can run from `url` (a bundle that did not ship the worker file issues in one thread). */
export function workerAvailable(url: URL): boolean {
  return url.protocol !== 'file:' || existsSync(fileURLToPath(url));
}

export class IssuancePool {
  readonly size: number;
  readonly url: URL;
  readonly #workers: Worker[];
  readonly #ready: Promise<void>;
  #failure: Error | null = null;
  #closed = false;

  constructor(url: URL, size: number) {
    this.url = url;
    this.size = Math.max(1, size);
    const started: Array<Promise<void>> = [];
    this.#workers = Array.from({ length: this.size }, () => {
      const w = new Worker(url);
      w.unref();
      w.on('error', (e) => (this.#failure ??= e instanceof Error ? e : new Error(String(e))));
      w.on('exit', (code) => {
        if (!this.#closed) this.#failure ??= new Error(`issuance worker exited with code ${code}`);
      });
      started.push(
        new Promise<void>((resolve, reject) => {
          const onMessage = (m: unknown): void => {
            if (!isReady(m)) return;
            w.off('message', onMessage);
            resolve();
          };
          w.on('message', onMessage);
          w.once('error', reject);
          w.once('exit', (code) => reject(this.#failure ?? new Error(`issuance worker exited with code ${code}`)));
        }),
      );
      return w;
    });
    this.#ready = Promise.all(started).then(() => undefined);
    // Nobody may ask (a pool used with run() only): its failure is reported by run.
    this.#ready.catch(() => undefined);
  }

  /** Resolves once every worker has loaded its modules and listens; rejects if one failed to start. runBlocking needs it. */
  ready(): Promise<void> {
    return this.#ready;
  }

  /** The same message to every worker (the issuer to sign with); a worker handles its messages in order. */
  broadcast(message: WorkerRequest): void {
    for (const w of this.#workers) w.postMessage(message);
  }

  /**
   * Runs `requests` on at most `width` workers, two in flight per worker so
   * none waits for this thread; resolves when every result has been recorded.
   */
  async run<R>(requests: readonly WorkerRequest[], record: (result: R) => void, width = this.size): Promise<void> {
    if (this.#closed) throw new Error('the issuance pool is closed');
    if (this.#failure) throw this.#failure;
    let next = 0;
    const workers = this.#workers.slice(0, Math.max(1, Math.min(width, requests.length)));
    const detach: Array<() => void> = [];
    try {
      await Promise.all(
        workers.map(
          (w) =>
            new Promise<void>((resolve, reject) => {
              let inFlight = 0;
              const feed = (): void => {
                const request = requests[next++];
                if (request) {
                  inFlight++;
                  w.postMessage(request);
                } else if (inFlight === 0) resolve();
              };
              const onMessage = (r: R): void => {
                if (isReady(r)) return;
                inFlight--;
                // The worker gets its next request before this thread records the result (writing a chunk's
                // files takes a while): it never waits for this thread.
                feed();
                try {
                  record(r);
                } catch (e) {
                  // That request's answer would reach the next run: this pool is not used again.
                  this.#failure ??= e as Error;
                  reject(e as Error);
                }
              };
              const onError = (e: unknown): void => reject(e instanceof Error ? e : new Error(String(e)));
              const onExit = (code: number): void => reject(this.#failure ?? new Error(`issuance worker exited with code ${code}`));
              w.on('message', onMessage);
              w.on('error', onError);
              w.on('exit', onExit);
              w.ref();
              detach.push(() => {
                w.off('message', onMessage);
                w.off('error', onError);
                w.off('exit', onExit);
                w.unref();
              });
              feed();
              feed();
            }),
        ),
      );
    } finally {
      for (const d of detach) d();
    }
  }

  /**
   * run() without giving up this thread (issueBatchBlocking): each worker
   * answers on a port of its own that this thread reads synchronously
   * (receiveMessageOnPort), and bumps a shared counter this thread sleeps on
   * (Atomics.wait), so `record` can run inside one synchronous vault
   * transaction while the workers sign the rest. A worker that stops (an
   * uncaught error, its exit) sets its flag beside the counter: this thread
   * never waits for an answer that cannot come; one that never started is
   * caught before (await ready() first: its failure to load is only reported
   * through the event loop). Only for a thread that answers nobody else
   * meanwhile (the CLI's): the desktop app's main thread uses run().
   */
  runBlocking<R>(requests: readonly WorkerRequest[], record: (result: R) => void, width = this.size): void {
    if (this.#closed) throw new Error('the issuance pool is closed');
    if (this.#failure) throw this.#failure;
    const workers = this.#workers.slice(0, Math.max(1, Math.min(width, requests.length)));
    // [answers so far, a worker stopped]
    const signal = new Int32Array(new SharedArrayBuffer(8));
    const lanes = workers.map((w) => {
      const { port1, port2 } = new MessageChannel();
      w.postMessage({ kind: 'reply-to', port: port2, signal: signal.buffer as SharedArrayBuffer } satisfies WorkerRequest, [port2]);
      return { w, port: port1 };
    });
    let next = 0;
    let pending = 0;
    const feed = (lane: (typeof lanes)[number]): void => {
      const request = requests[next++];
      if (!request) return;
      pending++;
      lane.w.postMessage(request);
    };
    try {
      for (const lane of lanes) {
        feed(lane);
        feed(lane);
      }
      while (pending > 0) {
        // Read before looking at the ports: an answer that lands after the look sees a changed counter, so the wait returns at once.
        const seen = Atomics.load(signal, 0);
        let got = false;
        for (const lane of lanes) {
          for (let m = receiveMessageOnPort(lane.port); m; m = receiveMessageOnPort(lane.port)) {
            got = true;
            pending--;
            // The worker gets its next request before this thread records the result (see run()).
            feed(lane);
            try {
              record(m.message as R);
            } catch (e) {
              // Answers still on their way would reach the next run: this pool is not used again.
              this.#failure ??= e as Error;
              throw e;
            }
          }
        }
        if (got) continue;
        if (Atomics.load(signal, 1) !== 0) {
          const e = new Error('an issuance worker stopped before it answered');
          this.#failure ??= e;
          throw e;
        }
        Atomics.wait(signal, 0, seen, 1000);
      }
    } finally {
      // The workers answer on their parent port again (run()); their ends of these ports close with that.
      for (const lane of lanes) {
        lane.w.postMessage({ kind: 'reply-to', port: null, signal: null } satisfies WorkerRequest);
        lane.port.close();
      }
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all(this.#workers.map((w) => w.terminate()));
  }
}

/** The first message of every worker: its modules are loaded and it listens. */
function isReady(m: unknown): boolean {
  return typeof m === 'object' && m !== null && (m as { kind?: unknown }).kind === 'ready';
}

let warm: IssuancePool | null = null;

/**
 * Start the workers now, before they are needed (the CLI, before it unlocks):
 * the next batch with the same worker URL takes them. Idle, they keep no
 * process alive; a pool never taken ends with the process.
 */
export function prewarmIssuancePool(url: URL = DEFAULT_ISSUANCE_WORKER_URL, size: number = availableParallelism()): void {
  if (warm || !workerAvailable(url)) return;
  warm = new IssuancePool(url, size);
}

/** The pool started by prewarmIssuancePool (if it has the same URL), else a new one; the caller closes it. */
export function takeIssuancePool(url: URL = DEFAULT_ISSUANCE_WORKER_URL, size: number = availableParallelism()): IssuancePool {
  const pool = warm;
  warm = null;
  if (pool && pool.url.href === url.href) return pool;
  void pool?.close();
  return new IssuancePool(url, size);
}
