/**
 * CertificateStore.insert records many certificates per statement (64 rows
 * to a statement): every row keeps its own values across the statements'
 * edges, each is found by the search index, the counts follow, and a
 * duplicate serial anywhere in the call records none of the call's rows.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addRawSigningKey, createTestVault, FIXED_NOW } from '../../testing/vault-fixtures.ts';
import { removeTempDirs, tempDir } from '../../testing/temp-dir.ts';
import type { Vault } from '../vault/vault.ts';
import { CertificateStore } from './certificate-store.ts';

afterAll(removeTempDirs);

let vault: Vault;

beforeAll(async () => {
  vault = (await createTestVault(join(tempDir('airgap-cert-store-'), 'vault'))).vault;
});

/** Certificate `i` of a call: every field its own, so a value in another row's place shows. */
function certificate(i: number, issuerKeyId: string) {
  return {
    serial: `5e${randomBytes(15).toString('hex')}`,
    issuerKeyId,
    subject: `CN=device ${i} Zürich,O=Row ${i}`,
    sans: i % 3 === 0 ? [] : [`DNS:d${i}.example`, ...(i % 2 ? [`IP:10.0.${i % 256}.1`] : [])],
    profile: i % 2 ? 'agent' : 'server',
    notBefore: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
    notAfter: new Date(Date.UTC(2027, 0, 1, 0, 0, i)).toISOString(),
    issuedAt: new Date(Date.UTC(2026, 0, 1, 0, 1, i)).toISOString(),
    der: randomBytes(40 + i),
  };
}

describe('CertificateStore.insert', () => {
  it('130 certificates in one call (64 + 64 + 2 to a statement): each row as given, each found by search, counted once', () => {
    const issuer = addRawSigningKey(vault, 'issuer-130').id;
    const certs = new CertificateStore(vault.db);
    const rows = Array.from({ length: 130 }, (_, i) => certificate(i, issuer));
    vault.transaction(() => certs.insert(rows));
    const ca = vault.db.prepare('SELECT ca_id FROM signing_keys WHERE id = ?').pluck().get(issuer);
    for (const r of rows) {
      const got = certs.get(r.serial);
      expect(got).toEqual({ ...r, caId: ca, revokedAt: null, revocationReason: null, der: r.der });
      expect(certs.list({ search: r.subject.slice(3, 18), now: new Date(FIXED_NOW) }).items.map((c) => c.serial)).toContain(r.serial);
    }
    expect(certs.list({ issuerKeyId: issuer, now: new Date(FIXED_NOW), limit: 1 }).total).toBe(130);
  });

  it('a serial taken already, in the last statement of a call, records none of the call (the caller rolls back)', () => {
    const issuer = addRawSigningKey(vault, 'issuer-duplicate').id;
    const certs = new CertificateStore(vault.db);
    const first = certificate(0, issuer);
    vault.transaction(() => certs.insert([first]));
    const rows = Array.from({ length: 70 }, (_, i) => certificate(i + 1, issuer));
    rows[68] = { ...(rows[68] as (typeof rows)[number]), serial: first.serial };
    expect(() => vault.transaction(() => certs.insert(rows))).toThrow(/UNIQUE|PRIMARY KEY/);
    expect(certs.list({ issuerKeyId: issuer, now: new Date(FIXED_NOW) }).items.map((c) => c.serial)).toEqual([first.serial]);
    expect(certs.list({ search: 'Row 5', issuerKeyId: issuer, now: new Date(FIXED_NOW) }).total).toBe(0);
  });
});
