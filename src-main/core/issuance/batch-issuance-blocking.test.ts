/**
 * issueBatchBlocking and IssuancePool.runBlocking: the CLI's batch, which
 * waits for its workers without giving up its thread so it can record each
 * chunk inside one synchronous vault transaction. The same outcomes as
 * issueBatch; every chunk handed over final (serials unique); nothing of the
 * event loop needed while it runs; and a worker that stops, or never starts,
 * is reported instead of waited for.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { issueBatch, issueBatchBlocking } from './batch-issuance.ts';
import type { BatchItem, BatchOutcome } from './batch-issuance.ts';
import { DEFAULT_ISSUANCE_WORKER_URL, IssuancePool } from './issuance-pool.ts';
import { NOW, makeCsr, makeTestCa } from '../../testing/issuance-fixtures.ts';
import type { TestCa } from '../../testing/issuance-fixtures.ts';
import { dyingIssuanceWorkerUrl, unloadableIssuanceWorkerUrl } from '../../testing/issuance-workers.ts';

let ca: TestCa;
let items: BatchItem[] = [];
const pools: IssuancePool[] = [];
beforeAll(async () => {
  ca = await makeTestCa('ecdsa-p256');
  items = Array.from({ length: 50 }, (_, i) => ({ id: `agent-${i}.csr`, csr: makeCsr('p256', `agent-${i}`) }));
  items[3] = { id: 'garbage.csr', csr: Buffer.from('not a request') };
  items[40] = { id: 'weak.csr', csr: makeCsr('rsa1024') };
});
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

async function readyPool(url: URL = DEFAULT_ISSUANCE_WORKER_URL, size = 2): Promise<IssuancePool> {
  const pool = new IssuancePool(url, size);
  pools.push(pool);
  await pool.ready();
  return pool;
}

describe('issueBatchBlocking', () => {
  it('gives what issueBatch gives, hands each chunk over final, and never turns the event loop while it runs', async () => {
    const pool = await readyPool();
    const chunks: BatchOutcome[][] = [];
    const asked: number[] = [];
    let loopTurned = false;
    setImmediate(() => (loopTurned = true));
    const out = issueBatchBlocking(ca.init, items, {
      profile: 'agent',
      now: NOW,
      chunkSize: 8,
      pool,
      takenSerials: (hs) => {
        asked.push(hs.length);
        return new Set();
      },
      onChunk: (c) => chunks.push([...c]),
    });
    // Synchronous from start to end: the callback queued before it has not run yet.
    expect(loopTurned).toBe(false);
    expect(out.map((o) => o.id)).toEqual(items.map((i) => i.id));
    expect(out.filter((o) => !o.ok).map((o) => (o.ok ? '' : `${o.id}: ${o.code}`))).toEqual(['garbage.csr: CSR_UNPARSEABLE', 'weak.csr: CSR_WEAK_KEY']);
    // Every outcome reached onChunk exactly once, as returned (Buffers, final serials).
    const handed = chunks.flat();
    expect(handed).toHaveLength(items.length);
    expect(new Set(handed.map((o) => o.id))).toEqual(new Set(items.map((i) => i.id)));
    for (const o of handed) expect(o).toBe(out.find((x) => x.id === o.id));
    for (const o of out) if (o.ok) expect(Buffer.isBuffer(o.certificate.der)).toBe(true);
    // One vault look-up per chunk (50 requests in chunks of 8: the first and sixth hold a refused one), of the serials it drew.
    expect(asked.sort((a, b) => a - b)).toEqual([2, 7, 7, 8, 8, 8, 8]);
    // The same requests through issueBatch: the same ids issued and refused, the same subjects.
    const viaAsync = await issueBatch(ca.init, items, { profile: 'agent', now: NOW, workers: 2, chunkSize: 8 });
    expect(viaAsync.map((o) => (o.ok ? `${o.id} ${o.certificate.subject}` : `${o.id} ${o.code}`))).toEqual(out.map((o) => (o.ok ? `${o.id} ${o.certificate.subject}` : `${o.id} ${o.code}`)));
  });

  it('redraws a serial the vault reports taken before the chunk is handed over', async () => {
    const pool = await readyPool(DEFAULT_ISSUANCE_WORKER_URL, 1);
    let first: string | undefined;
    const handed: string[] = [];
    const out = issueBatchBlocking(ca.init, items.slice(10, 14), {
      profile: 'agent',
      now: NOW,
      chunkSize: 2,
      pool,
      takenSerials: (hs) => {
        first ??= hs[0];
        return new Set(hs.filter((h) => h === first));
      },
      onChunk: (c) => handed.push(...c.flatMap((o) => (o.ok ? [o.certificate.serialHex] : []))),
    });
    const serials = out.flatMap((o) => (o.ok ? [o.certificate.serialHex] : []));
    expect(serials).toHaveLength(4);
    expect(serials).not.toContain(first);
    expect(handed).not.toContain(first);
    expect(new Set(handed)).toEqual(new Set(serials));
  });

  it('without a pool, issues in this thread', () => {
    const out = issueBatchBlocking(ca.init, items.slice(0, 3), { profile: 'agent', now: NOW, pool: null });
    expect(out.map((o) => o.ok)).toEqual([true, true, true]);
  });
});

describe('IssuancePool.runBlocking and ready', () => {
  it('a worker that stops mid-batch is reported, not waited for; the pool is not used again', async () => {
    const pool = await readyPool(dyingIssuanceWorkerUrl(), 1);
    const recorded: number[] = [];
    pool.broadcast({ kind: 'setup', init: { certificateDer: ca.init.certificateDer as Uint8Array, algorithm: ca.init.algorithm }, signerSpec: ca.issuer.signer.spec(), settings: { profile: 'agent', now: NOW } });
    const requests = [0, 10, 20].map((index) => ({ kind: 'issue' as const, index, items: items.slice(index, index + 10) }));
    expect(() => pool.runBlocking<{ index: number }>(requests, (r) => recorded.push(r.index))).toThrow(/stopped before it answered/);
    // At most the chunks it answered before it stopped were recorded.
    expect(recorded.length).toBeLessThan(3);
    await expect(pool.run(requests, () => undefined)).rejects.toThrow(/stopped before it answered|worker crashed/);
  });

  it('ready() rejects for a worker that cannot load', async () => {
    const pool = new IssuancePool(unloadableIssuanceWorkerUrl(), 1);
    pools.push(pool);
    await expect(pool.ready()).rejects.toThrow(/cannot load/);
  });

  it('answers go back to the parent port after a blocking run: run() works on the same pool', async () => {
    const pool = await readyPool(DEFAULT_ISSUANCE_WORKER_URL, 2);
    pool.broadcast({ kind: 'setup', init: { certificateDer: ca.init.certificateDer as Uint8Array, algorithm: ca.init.algorithm }, signerSpec: ca.issuer.signer.spec(), settings: { profile: 'agent', now: NOW } });
    const requests = [0, 5, 10, 15].map((index) => ({ kind: 'issue' as const, index, items: items.slice(index, index + 5) }));
    const blocking: number[] = [];
    pool.runBlocking<{ index: number }>(requests, (r) => blocking.push(r.index));
    const later: number[] = [];
    await pool.run<{ index: number }>(requests, (r) => later.push(r.index));
    expect(blocking.sort((a, b) => a - b)).toEqual([0, 5, 10, 15]);
    expect(later.sort((a, b) => a - b)).toEqual([0, 5, 10, 15]);
  });
});
