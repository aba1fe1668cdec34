import { beforeAll, describe, expect, it } from 'vitest';
import { issueBatch } from './batch-issuance.ts';
import type { BatchItem } from './batch-issuance.ts';
import { normalizeSerialHex } from '../asn1/serial.ts';
import { readCertificate } from '../asn1/certificate-reader.ts';
import { NOW, makeCsr, makeTestCa } from '../../testing/issuance-fixtures.ts';
import type { TestCa } from '../../testing/issuance-fixtures.ts';

let ca: TestCa;
let items: BatchItem[] = [];
beforeAll(async () => {
  ca = await makeTestCa('ecdsa-p256');
  items = Array.from({ length: 60 }, (_, i) => ({ id: `agent-${i}.csr`, csr: makeCsr('p256', `agent-${i}`) }));
  // One failure of each kind among the good ones.
  items[7] = { id: 'garbage.csr', csr: Buffer.from('not a request') };
  items[31] = { id: 'weak.csr', csr: makeCsr('rsa1024') };
  items[45] = { id: 'empty.csr', csr: new Uint8Array(0) };
});

describe('issueBatch', () => {
  it.each([0, 1, 2])('with %i worker threads: one outcome per request, in order; one failure does not stop the others', async (workers) => {
    const progress: number[] = [];
    const out = await issueBatch(ca.init, items, { profile: 'agent', now: NOW, workers, chunkSize: 8, onProgress: (done) => progress.push(done) });
    expect(out.map((o) => o.id)).toEqual(items.map((i) => i.id));
    const failed = out.filter((o) => !o.ok).map((o) => (o.ok ? '' : `${o.id}: ${o.code}`));
    expect(failed).toEqual(['garbage.csr: CSR_UNPARSEABLE', 'weak.csr: CSR_WEAK_KEY', 'empty.csr: CSR_EMPTY']);
    for (const o of out) {
      if (!o.ok) continue;
      expect(Buffer.isBuffer(o.certificate.der)).toBe(true);
      expect(o.certificate.subject).toBe(`CN=${o.id.replace('.csr', '')},O=Acme Fleet,C=DE`);
      expect(o.certificate.notBefore.toISOString()).toBe('2025-06-01T12:00:00.000Z');
      expect(normalizeSerialHex(Buffer.from(readCertificate(o.certificate.der).tbs.serial).toString('hex'))).toBe(o.certificate.serialHex);
    }
    expect(progress.at(-1)).toBe(items.length);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
  });

  it('serials are unique within the batch and avoid those taken in the vault', async () => {
    const taken = new Set<string>();
    const asked: number[] = [];
    const takenSerials = (hs: readonly string[]) => {
      asked.push(hs.length);
      return new Set(hs.filter((h) => taken.has(h)));
    };
    const out = await issueBatch(ca.init, items, { profile: 'agent', now: NOW, workers: 2, chunkSize: 10, takenSerials });
    const serials = out.flatMap((o) => (o.ok ? [o.certificate.serialHex] : []));
    expect(new Set(serials).size).toBe(serials.length);
    // One look-up per chunk as it comes back (60 requests in chunks of 10, three refused), not one per certificate.
    expect(asked.sort((a, b) => a - b)).toEqual([9, 9, 9, 10, 10, 10]);
    // Pretend the vault already holds the first batch: a second batch whose workers cannot see the vault is fixed here.
    for (const s of serials) taken.add(s);
    const again = await issueBatch(ca.init, items.slice(0, 5), { profile: 'agent', now: NOW, workers: 0, takenSerials });
    for (const o of again) if (o.ok) expect(taken.has(o.certificate.serialHex)).toBe(false);
  });

  it('a serial collision reported by the vault re-issues that certificate in the main thread, checked again', async () => {
    let first: string | undefined;
    const asked: string[][] = [];
    const out = await issueBatch(ca.init, items.slice(0, 3), {
      profile: 'agent',
      now: NOW,
      workers: 1,
      chunkSize: 1,
      // The vault claims the first serial it is asked about is taken.
      takenSerials: (hs) => {
        asked.push([...hs]);
        first ??= hs[0];
        return new Set(hs.filter((h) => h === first));
      },
    });
    const serials = out.flatMap((o) => (o.ok ? [o.certificate.serialHex] : []));
    expect(serials).toHaveLength(3);
    expect(serials).not.toContain(first);
    // Each chunk once (one worker: in order), and the redrawn serial alone right after the first.
    expect(asked.map((a) => a.length)).toEqual([1, 1, 1, 1]);
    expect(asked[1]).toEqual([serials[0]]);
  });

  it('refuses the whole batch when the issuer itself is unusable', async () => {
    await expect(issueBatch({ ...ca.init, algorithm: 'rsa-3072' }, items, { profile: 'agent', now: NOW })).rejects.toMatchObject({ code: 'UNSUPPORTED_ALGORITHM' });
  });

  it('an unknown profile fails every item with PROFILE_UNKNOWN', async () => {
    const out = await issueBatch(ca.init, items.slice(0, 4), { profile: 'nope', now: NOW, workers: 1, chunkSize: 2 });
    expect(out.map((o) => (o.ok ? 'ok' : o.code))).toEqual(['PROFILE_UNKNOWN', 'PROFILE_UNKNOWN', 'PROFILE_UNKNOWN', 'PROFILE_UNKNOWN']);
  });
});
