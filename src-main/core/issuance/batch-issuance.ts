/**
 * Issue many requests at once (`cert issue-batch`), spread over a pool of
 * worker threads sized to the cores: each worker parses, checks, builds,
 * lints, signs and re-verifies; this thread only hands out chunks and
 * collects them, so the caller's reading, recording and writing never waits
 * behind a signature. Each worker builds its own Issuer (its own key objects,
 * made once) from the same certificate and key; worker threads live in this
 * process, so the private key never leaves it.
 *
 * Serial uniqueness is checked here once for the whole batch (one call to the
 * caller's `takenSerials`, the vault's indexed look-up): a serial that
 * collides with the vault or with another certificate of the batch is drawn
 * again here. Serials are random 127-bit values, so that path is for safety.
 */
import { availableParallelism } from 'node:os';
import { issueOne } from './batch-issuance-item.ts';
import type { BatchItem, BatchOutcome, BatchSettings, ChunkResult, WorkerRequest } from './batch-issuance-item.ts';
import { DEFAULT_ISSUANCE_WORKER_URL, takeIssuancePool, workerAvailable, type IssuancePool } from './issuance-pool.ts';
import { createIssuer } from './issuer.ts';
import type { IssuerInit } from './issuer.ts';

export type { BatchItem, BatchOutcome } from './batch-issuance-item.ts';

export interface BatchOptions extends BatchSettings {
  /** Worker threads that issue; 0 issues in this thread only. Default: one per core (at most one per chunk). */
  readonly workers?: number;
  /** Requests per message to a worker. */
  readonly chunkSize?: number;
  /** Which of these serials are already taken (the vault); asked once per batch, and again only for a redrawn serial. */
  readonly takenSerials?: (serialHex: readonly string[]) => ReadonlySet<string>;
  /** Called after each chunk with the number of requests done so far. */
  readonly onProgress?: (done: number, total: number) => void;
  /** Called with each chunk's outcomes as they arrive (before serials are checked against the vault: a redrawn serial comes back changed). */
  readonly onChunk?: (outcomes: readonly BatchOutcome[]) => void;
  /** Worker entry point, for bundlers that move it (default: the sibling batch-issuance-worker.ts). */
  readonly workerUrl?: URL;
  /** Workers the caller started (and closes): this batch sets them up with its issuer and uses them. */
  readonly pool?: IssuancePool;
}

function settingsOf(o: BatchOptions): BatchSettings {
  return { profile: o.profile, days: o.days, now: o.now, truncateToIssuer: o.truncateToIssuer, pathLen: o.pathLen };
}

/** Outcomes in the order of `items`; never rejects for a bad request, only for a broken issuer or worker. */
export async function issueBatch(init: IssuerInit, items: readonly BatchItem[], options: BatchOptions): Promise<BatchOutcome[]> {
  const issuer = createIssuer(init); // validates the issuer before any worker starts
  const settings = settingsOf(options);
  const total = items.length;
  const chunkSize = Math.max(1, options.chunkSize ?? 64);
  const chunks: Array<{ index: number; items: BatchItem[] }> = [];
  for (let i = 0; i < total; i += chunkSize) chunks.push({ index: i, items: items.slice(i, i + chunkSize) });
  const url = options.workerUrl ?? DEFAULT_ISSUANCE_WORKER_URL;
  // A bundle that did not ship the worker file (see workerUrl) still issues, in this thread only.
  const workerCount = options.pool ? options.pool.size : workerAvailable(url) ? Math.max(0, Math.min(options.workers ?? availableParallelism(), chunks.length)) : 0;

  const outcomes: BatchOutcome[] = new Array<BatchOutcome>(total);
  let done = 0;
  const record = (r: ChunkResult): void => {
    r.outcomes.forEach((o, k) => (outcomes[r.index + k] = o));
    done += r.outcomes.length;
    options.onChunk?.(r.outcomes);
    options.onProgress?.(done, total);
  };
  if (workerCount > 0 && chunks.length > 0) {
    // The pool started before the vault was unlocked (prewarmIssuancePool), else new workers.
    // A new pool has only the workers this batch uses: a batch of one chunk starts one worker, not one per core.
    const pool = options.pool ?? takeIssuancePool(url, workerCount);
    try {
      // Each worker opens its own signer from the spec: a software key imports the PKCS #8 itself (one
      // KeyObject shared by threads contends in OpenSSL); a token key gets a session of its own.
      const { privateKey: _held, ...facts } = init;
      const signerSpec = issuer.signer.spec();
      pool.broadcast({ kind: 'setup', init: facts, signerSpec, settings });
      // Each worker has its own copy now (structured clone).
      if (signerSpec.kind === 'software') signerSpec.pkcs8.fill(0);
      await pool.run<ChunkResult>(
        chunks.map((c): WorkerRequest => ({ kind: 'issue', ...c })),
        record,
        Math.min(workerCount, chunks.length),
      );
    } finally {
      if (!options.pool) await pool.close();
    }
  } else {
    for (const chunk of chunks) {
      record({ index: chunk.index, outcomes: chunk.items.map((item) => issueOne(issuer, item, settings)) });
      // Let progress reach the caller between chunks.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  // Uniqueness in the vault and within the batch (RFC 5280 4.1.2.2: unique per issuer).
  const drawn = outcomes.flatMap((o) => (o.ok ? [o.certificate.serialHex] : []));
  const inVault = options.takenSerials?.(drawn) ?? new Set<string>();
  const seen = new Set<string>();
  const taken = (hex: string): boolean => seen.has(hex) || (options.takenSerials?.([hex]).has(hex) ?? false);
  outcomes.forEach((o, i) => {
    if (!o.ok) return;
    const hex = o.certificate.serialHex;
    if (seen.has(hex) || inVault.has(hex)) outcomes[i] = issueOne(issuer, items[i] as BatchItem, settings, taken);
    const final = outcomes[i] as BatchOutcome;
    if (final.ok) seen.add(final.certificate.serialHex);
  });
  // Cloned across threads, Buffers arrive as plain Uint8Arrays: give every caller Buffers.
  return outcomes.map((o) => {
    if (!o.ok) return o;
    const der: Uint8Array = o.certificate.der;
    return Buffer.isBuffer(der) ? o : { ...o, certificate: { ...o.certificate, der: Buffer.from(der.buffer, der.byteOffset, der.length) } };
  });
}
