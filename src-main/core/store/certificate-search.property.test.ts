/**
 * Property: `cert list --search` over the trigram index finds exactly the
 * rows the plain LIKE query (the oracle, the query as it was before the
 * index) finds, in the same order with the same total: random subjects and
 * SANs with Unicode, serial prefixes, LIKE's special characters, any case;
 * with status filters after revocations; and in a vault restored from a
 * backup (the index travels with it). Totals without a search, read from the
 * counts table, equal counting every row.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../clock.ts';
import { addRawSigningKey, createTestVault, FIXED_NOW, TEST_PASSPHRASE } from '../../testing/vault-fixtures.ts';
import { removeTempDirs, tempDir } from '../../testing/temp-dir.ts';
import { restoreBackup, writeBackup } from '../vault/backup.ts';
import type { Vault } from '../vault/vault.ts';
import { CertificateStore, type CertStatus } from './certificate-store.ts';

afterAll(removeTempDirs);

const NOW = new Date(FIXED_NOW);
let vault: Vault;
let root: string;

/** The search as it was before the index: LIKE over every row. */
function oracle(v: Vault, q: { search?: string; issuerKeyId?: string; status?: CertStatus }): { serials: string[]; total: number } {
  const where: string[] = [];
  const args: unknown[] = [];
  if (q.issuerKeyId) {
    where.push('c.issuer_key_id = ?');
    args.push(q.issuerKeyId);
  }
  if (q.status === 'revoked') where.push('r.serial IS NOT NULL');
  if (q.status === 'valid') {
    where.push('r.serial IS NULL AND c.not_after >= ?');
    args.push(NOW.toISOString());
  }
  if (q.status === 'expired') {
    where.push('r.serial IS NULL AND c.not_after < ?');
    args.push(NOW.toISOString());
  }
  if (q.search !== undefined) {
    where.push("(c.serial LIKE ? ESCAPE '\\' OR c.subject LIKE ? ESCAPE '\\' OR c.sans LIKE ? ESCAPE '\\')");
    const like = `%${q.search.replace(/[\\%_]/g, (m) => '\\' + m)}%`;
    args.push(q.search.toLowerCase().replace(/[\\%_]/g, (m) => '\\' + m) + '%', like, like);
  }
  const sql = `FROM certificates c LEFT JOIN revocations r ON r.serial = c.serial ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`;
  const serials = v.db.prepare(`SELECT c.serial ${sql} ORDER BY c.issued_at DESC, c.serial DESC`).pluck().all(...args) as string[];
  return { serials, total: serials.length };
}

function ours(v: Vault, q: { search?: string; issuerKeyId?: string; status?: CertStatus }): { serials: string[]; total: number } {
  const r = new CertificateStore(v.db).list({ ...q, limit: 1_000_000, now: NOW });
  return { serials: r.items.map((c) => c.serial), total: r.total };
}

const piece = fc.oneof(
  fc.constantFrom('agent', 'Agent', 'AGENT', 'example.com', 'Ünïcödé', 'ünïcödé', 'Straße', 'STRASSE', 'İstanbul', 'ıi', '東京', '😀x', '%', '_', '\\', '"', "'", ',', '=', ' ', 'DNS:', '@', 'é'),
  fc.string({ unit: 'grapheme', maxLength: 6 }),
  fc.string({ unit: 'binary', maxLength: 4 }),
);
const text = fc.array(piece, { minLength: 1, maxLength: 5 }).map((ps) => ps.join(''));
const row = fc.record({
  subject: text.map((t) => `CN=${t}`),
  sans: fc.array(text.map((t) => `DNS:${t}`), { maxLength: 3 }),
  expired: fc.boolean(),
  revoked: fc.boolean(),
});
const flipCase = (s: string, mask: number) => [...s].map((ch, i) => ((mask >> i % 31) & 1 ? ch.toUpperCase() : ch.toLowerCase())).join('');

/** A query cut out of the corpus (a subject, SAN or serial piece, case changed) or made up. */
function queryFrom(corpus: Array<{ serial: string; subject: string; sansJson: string }>) {
  return fc.oneof(
    fc.tuple(fc.nat(), fc.nat(), fc.nat(40), fc.nat(), fc.constantFrom('serial', 'subject', 'sansJson') as fc.Arbitrary<'serial' | 'subject' | 'sansJson'>).map(([k, start, len, mask, field]) => {
      const source = [...(corpus[k % corpus.length] as Record<typeof field, string>)[field]];
      const from = field === 'serial' ? 0 : start % source.length;
      return flipCase(source.slice(from, from + 1 + len).join(''), mask);
    }),
    text,
  );
}

let issuerN = 0;
const addIssuer = (v: Vault): string => addRawSigningKey(v, `issuer-${issuerN++}`).id;

beforeAll(async () => {
  root = tempDir('airgap-search-');
  vault = (await createTestVault(join(root, 'vault'))).vault;
});

describe('certificate search', () => {
  it('finds the same rows, in the same order, with the same total as LIKE over every row', () => {
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 25 }), fc.array(fc.nat(), { minLength: 1, maxLength: 8 }), fc.constantFrom(undefined, 'valid', 'revoked', 'expired'), fc.boolean(), (rows, picks, status, byIssuer) => {
        const certs = new CertificateStore(vault.db);
        const issuer = addIssuer(vault);
        const corpus = rows.map((r, i) => ({
          serial: randomBytes(16).toString('hex').replace(/^[89a-f]/, '1'),
          issuerKeyId: issuer,
          subject: r.subject,
          sans: r.sans,
          profile: 'agent',
          notBefore: '2026-01-01T00:00:00.000Z',
          notAfter: r.expired ? '2026-02-01T00:00:00.000Z' : '2027-01-01T00:00:00.000Z',
          issuedAt: new Date(NOW.getTime() - (i % 5) * 1000).toISOString(),
          der: Buffer.from([0x30, 0x00]),
        }));
        vault.transaction(() => {
          certs.insert(corpus);
          corpus.forEach((c, i) => {
            if (rows[i]?.revoked) certs.revoke(c.serial, 'superseded', NOW, 'tester');
          });
        });
        const queries = fc.sample(queryFrom(corpus.map((c) => ({ serial: c.serial, subject: c.subject, sansJson: JSON.stringify(c.sans) }))), { numRuns: picks.length, seed: picks[0] });
        for (const search of queries) {
          if (!search.trim()) continue;
          const q = { search, ...(byIssuer ? { issuerKeyId: issuer } : {}), ...(status ? { status } : {}) };
          expect(ours(vault, q), JSON.stringify(q)).toEqual(oracle(vault, q));
        }
        // Without a search the totals come from the counts table: the same as counting every row.
        const q = { ...(byIssuer ? { issuerKeyId: issuer } : {}), ...(status ? { status } : {}) };
        expect(ours(vault, q), JSON.stringify(q)).toEqual(oracle(vault, q));
        expect(certs.countUnexpiredIssued(issuer, NOW)).toBe(oracle(vault, { issuerKeyId: issuer, status: 'valid' }).total);
      }),
      { numRuns: 60 },
    );
  });

  it('a serial prefix, a subject and a SAN piece each find their certificate, also after a backup is restored', async () => {
    const certs = new CertificateStore(vault.db);
    const issuer = addIssuer(vault);
    const serial = '7e57ab1e' + randomBytes(12).toString('hex');
    vault.transaction(() =>
      certs.insert([{ serial, issuerKeyId: issuer, subject: 'CN=Zürich Gateway 7,O=Acme', sans: ['DNS:gw7.zürich.example', 'IP:10.0.0.7'], profile: 'server', notBefore: FIXED_NOW, notAfter: '2027-01-01T00:00:00.000Z', issuedAt: FIXED_NOW, der: Buffer.from([0x30, 0x00]) }]),
    );
    const searches = ['7E57AB', 'zürich gate', 'gw7.zür', 'IP:10.0.0.7', 'way 7,o=ac'];
    for (const search of searches) expect(ours(vault, { search }).serials).toContain(serial);
    const file = join(root, 'vault.backup');
    writeBackup(vault, file, { actor: 'alice', clock: fixedClock(FIXED_NOW) });
    const restored = await restoreBackup({ file, dir: join(root, 'restored'), credentials: { passphrase: TEST_PASSPHRASE }, clock: fixedClock(FIXED_NOW), actor: 'alice' });
    try {
      for (const search of [...searches, 'agent', 'é', '%', 'DNS:']) expect(ours(restored, { search })).toEqual(oracle(restored, { search }));
      for (const status of [undefined, 'valid', 'revoked', 'expired'] as const) expect(ours(restored, { status }).total).toBe(oracle(restored, { status }).total);
      for (const search of searches) expect(ours(restored, { search }).serials).toContain(serial);
    } finally {
      restored.close();
    }
  });
});
