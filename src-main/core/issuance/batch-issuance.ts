/**
 * Issue many requests at once (`cert issue-batch`), spread over a pool of
 * worker threads sized to the cores: each worker parses, checks, builds,
 * lints, signs and re-verifies; this thread only hands out chunks and
 * collects them, so the caller's reading, recording and writing never waits
 * behind a signature. Each worker builds its own Issuer (its own key objects,
 * made once) from the same certificate and key; worker threads live in this
 * process, so the private key never leaves it.
 *
 * Serial uniqueness is checked here as each chunk comes back: against the
 * batch's own serials (a set in memory) and the vault (one call to the
 * caller's `takenSerials` per chunk, the vault's indexed look-up); a serial
 * that collides is drawn again here, before the caller sees the chunk.
 * Serials are random 127-bit values, so that path is for safety.
 */
import { availableParallelism } from 'node:os';
import { issueOne } from './batch-issuance-item.ts';
import type { BatchItem, BatchOutcome, BatchSettings, ChunkResult, WorkerRequest } from './batch-issuance-item.ts';
import { DEFAULT_ISSUANCE_WORKER_URL, takeIssuancePool, workerAvailable, type IssuancePool } from './issuance-pool.ts';
import { createIssuer } from './issuer.ts';
import type { Issuer, IssuerInit } from './issuer.ts';

export type { BatchItem, BatchOutcome } from './batch-issuance-item.ts';

export interface BatchOptions extends BatchSettings {
  /** Worker threads that issue; 0 issues in this thread only. Default: one per core (at most one per chunk). */
  readonly workers?: number;
  /** Requests per message to a worker. */
  readonly chunkSize?: number;
  /** Which of these serials are already taken (the vault); asked once per chunk, and again only for a redrawn serial. */
  readonly takenSerials?: (serialHex: readonly string[]) => ReadonlySet<string>;
  /** Called after each chunk with the number of requests done so far. */
  readonly onProgress?: (done: number, total: number) => void;
  /**
   * Called with each chunk's outcomes as they arrive, final: every serial already unique within the batch
   * and unused in the vault as `takenSerials` saw it (a colliding serial was drawn again before this call).
   */
  readonly onChunk?: (outcomes: readonly BatchOutcome[]) => void;
  /** Worker entry point, for bundlers that move it (default: the sibling batch-issuance-worker.ts). */
  readonly workerUrl?: URL;
  /** Workers the caller started (and closes): this batch sets them up with its issuer and uses them. */
  readonly pool?: IssuancePool | null;
}

function settingsOf(o: BatchOptions): BatchSettings {
  return { profile: o.profile, days: o.days, now: o.now, truncateToIssuer: o.truncateToIssuer, pathLen: o.pathLen };
}

/** Cloned across threads, Buffers arrive as plain Uint8Arrays: give every caller Buffers. */
function withBuffer(o: BatchOutcome): BatchOutcome {
  if (!o.ok) return o;
  const der: Uint8Array = o.certificate.der;
  return Buffer.isBuffer(der) ? o : { ...o, certificate: { ...o.certificate, der: Buffer.from(der.buffer, der.byteOffset, der.length) } };
}

/** One batch's chunks, where their outcomes go, and the serials it has handed out. */
class BatchRun {
  readonly issuer: Issuer;
  readonly settings: BatchSettings;
  readonly chunks: Array<{ index: number; items: BatchItem[] }> = [];
  readonly outcomes: BatchOutcome[];
  readonly workerCount: number;
  readonly url: URL;
  readonly #init: IssuerInit;
  readonly #items: readonly BatchItem[];
  readonly #options: BatchOptions;
  readonly #seen = new Set<string>();
  #done = 0;

  constructor(init: IssuerInit, items: readonly BatchItem[], options: BatchOptions) {
    this.issuer = createIssuer(init); // validates the issuer before any worker starts
    this.settings = settingsOf(options);
    this.#init = init;
    this.#items = items;
    this.#options = options;
    this.outcomes = new Array<BatchOutcome>(items.length);
    const chunkSize = Math.max(1, options.chunkSize ?? 64);
    for (let i = 0; i < items.length; i += chunkSize) this.chunks.push({ index: i, items: items.slice(i, i + chunkSize) });
    this.url = options.workerUrl ?? DEFAULT_ISSUANCE_WORKER_URL;
    // A bundle that did not ship the worker file (see workerUrl) still issues, in this thread only.
    this.workerCount = options.pool ? options.pool.size : workerAvailable(this.url) ? Math.max(0, Math.min(options.workers ?? availableParallelism(), this.chunks.length)) : 0;
  }

  /**
   * A chunk's outcomes, made final: serial uniqueness in the vault and within the batch (RFC 5280 4.1.2.2:
   * unique per issuer), one look-up of the vault per chunk; a serial taken already is drawn again here.
   */
  record = (r: ChunkResult): void => {
    const { takenSerials } = this.#options;
    const drawn = r.outcomes.flatMap((o) => (o.ok ? [o.certificate.serialHex] : []));
    const inVault = drawn.length && takenSerials ? takenSerials(drawn) : new Set<string>();
    const taken = (hex: string): boolean => this.#seen.has(hex) || (takenSerials?.([hex]).has(hex) ?? false);
    const final = r.outcomes.map((o, k) => {
      let out = o;
      if (o.ok && (this.#seen.has(o.certificate.serialHex) || inVault.has(o.certificate.serialHex))) {
        out = issueOne(this.issuer, this.#items[r.index + k] as BatchItem, this.settings, taken);
      }
      if (out.ok) this.#seen.add(out.certificate.serialHex);
      out = withBuffer(out);
      this.outcomes[r.index + k] = out;
      return out;
    });
    this.#done += final.length;
    this.#options.onChunk?.(final);
    this.#options.onProgress?.(this.#done, this.outcomes.length);
  };

  /** The pool to issue on, set up with this batch's issuer: the caller's, the one started ahead (prewarmIssuancePool), or new workers. */
  setUpPool(): IssuancePool {
    // A new pool has only the workers this batch uses: a batch of one chunk starts one worker, not one per core.
    const pool = this.#options.pool ?? takeIssuancePool(this.url, this.workerCount);
    // Each worker opens its own signer from the spec: a software key imports the PKCS #8 itself (one
    // KeyObject shared by threads contends in OpenSSL); a token key gets a session of its own.
    const { privateKey: _held, ...facts } = this.#init;
    const signerSpec = this.issuer.signer.spec();
    pool.broadcast({ kind: 'setup', init: facts, signerSpec, settings: this.settings });
    // Each worker has its own copy now (structured clone).
    if (signerSpec.kind === 'software') signerSpec.pkcs8.fill(0);
    return pool;
  }

  requests(): WorkerRequest[] {
    return this.chunks.map((c): WorkerRequest => ({ kind: 'issue', ...c }));
  }

  /** Issue one chunk in this thread. */
  issueHere(chunk: { index: number; items: BatchItem[] }): void {
    this.record({ index: chunk.index, outcomes: chunk.items.map((item) => issueOne(this.issuer, item, this.settings)) });
  }

  /** Closes the pool unless the caller passed it (and closes it). */
  async closeIfOwn(pool: IssuancePool): Promise<void> {
    if (!this.#options.pool) await pool.close();
  }
}

/** Outcomes in the order of `items`; never rejects for a bad request, only for a broken issuer or worker. */
export async function issueBatch(init: IssuerInit, items: readonly BatchItem[], options: BatchOptions): Promise<BatchOutcome[]> {
  const run = new BatchRun(init, items, options);
  if (run.workerCount > 0 && run.chunks.length > 0) {
    const pool = run.setUpPool();
    try {
      await pool.run<ChunkResult>(run.requests(), run.record, Math.min(run.workerCount, run.chunks.length));
    } finally {
      await run.closeIfOwn(pool);
    }
  } else {
    for (const chunk of run.chunks) {
      run.issueHere(chunk);
      // Let progress reach the caller between chunks.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
  return run.outcomes;
}

/**
 * issueBatch without giving up this thread: it waits for the workers'
 * chunks (IssuancePool.runBlocking) and hands each to `onChunk` as it
 * arrives, so the caller can record a batch inside one synchronous vault
 * transaction while the workers sign the rest (the CLI, whose thread answers
 * nobody else). The same checks and outcomes as issueBatch; the workers
 * are the caller's `pool`, awaited ready before (a worker that fails to load
 * is only reported through the event loop).
 */
export function issueBatchBlocking(init: IssuerInit, items: readonly BatchItem[], options: BatchOptions & { readonly pool: IssuancePool | null }): BatchOutcome[] {
  const run = new BatchRun(init, items, options);
  // Only the caller's pool, started and ready (IssuancePool.ready): without one, this thread issues.
  if (options.pool && run.chunks.length > 0) {
    const pool = run.setUpPool();
    pool.runBlocking<ChunkResult>(run.requests(), run.record, Math.min(run.workerCount, run.chunks.length));
  } else {
    for (const chunk of run.chunks) run.issueHere(chunk);
  }
  return run.outcomes;
}
