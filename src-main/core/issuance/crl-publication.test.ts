/**
 * CRL publication on a real vault: numbers only grow, drafts and keys without
 * certificate are refused, and a CRL read from the vault in chunks and groups
 * holds exactly the vault's revocations, as OpenSSL parses it.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateSigningKey } from '../keys/key-material.ts';
import { selfSignRoot } from '../keys/self-sign.ts';
import { CertificateStore } from '../store/certificate-store.ts';
import { SigningKeyStore } from '../store/signing-key-store.ts';
import { createTestVault } from '../../testing/vault-fixtures.ts';
import { removeTempDirs, tempDir } from '../../testing/temp-dir.ts';
import { generateCrl, nextCrlNumber } from './crl-publication.ts';
import { readCrl } from './crl-reader.ts';

afterAll(removeTempDirs);

describe('generateCrl', () => {
  it('refuses a draft, then signs CRLs whose numbers grow past a stored number from the future', async () => {
    const { vault, clock } = await createTestVault(tempDir());
    const keys = new SigningKeyStore(vault);
    const certs = new CertificateStore(vault.db);
    const g = await generateSigningKey('ecdsa-p256');
    vault.transaction(() => keys.insertDraft({ id: g.keyId, name: 'root', algorithm: 'ecdsa-p256', spki: g.spki, pkcs8: g.pkcs8, createdAt: clock.now().toISOString() }));
    expect(() => generateCrl({ keys, certs, now: clock.now() }, keys.resolve(g.keyId), 7)).toThrow(expect.objectContaining({ code: 'CRL_ISSUER_INVALID' }));

    const cert = await selfSignRoot({ algorithm: 'ecdsa-p256', pkcs8: g.pkcs8, spki: g.spki, subject: 'CN=Root,O=Acme,C=DE', days: 365, clock });
    vault.transaction(() => {
      keys.setCertificate(g.keyId, cert.der, []);
      keys.setState(g.keyId, { state: 'active', trustedUntil: null, activatedAt: clock.now().toISOString() });
    });
    const seconds = Math.floor(clock.now().getTime() / 1000);
    expect(nextCrlNumber(certs, g.keyId, clock.now())).toBe(seconds);

    const { record, der } = generateCrl({ keys, certs, now: clock.now() }, keys.resolve(g.keyId), 7);
    expect(record).toMatchObject({ issuerKeyId: g.keyId, number: seconds, entries: 0, bytes: der.length });
    expect(readCrl(der).crlNumber).toBe(BigInt(seconds));

    // A restored vault whose last CRL number is ahead of the clock: the next number is still larger.
    vault.transaction(() => certs.storeCrl({ issuerKeyId: g.keyId, number: seconds + 1000, thisUpdate: record.thisUpdate, nextUpdate: record.nextUpdate, entries: 0, der }));
    expect(generateCrl({ keys, certs, now: clock.now() }, keys.resolve(g.keyId), 7).record.number).toBe(seconds + 1001);
  });

  it("a CRL of 70,000 certificates' revocations (several read chunks, times and reasons) holds exactly the vault's revocations in the order they were revoked, as OpenSSL parses it", async () => {
    const dir = tempDir();
    const { vault, clock } = await createTestVault(join(dir, 'vault'));
    const keys = new SigningKeyStore(vault);
    const certs = new CertificateStore(vault.db);
    const g = await generateSigningKey('ecdsa-p256');
    const cert = await selfSignRoot({ algorithm: 'ecdsa-p256', pkcs8: g.pkcs8, spki: g.spki, subject: 'CN=Root,O=Acme,C=DE', days: 365, clock });
    vault.transaction(() => {
      keys.insertDraft({ id: g.keyId, name: 'root', algorithm: 'ecdsa-p256', spki: g.spki, pkcs8: g.pkcs8, createdAt: clock.now().toISOString() });
      keys.setCertificate(g.keyId, cert.der, []);
      keys.setState(g.keyId, { state: 'active', trustedUntil: null, activatedAt: clock.now().toISOString() });
    });
    const now = clock.now();
    const evenHex = (n: number) => {
      const h = n.toString(16);
      return h.length % 2 ? `0${h}` : h;
    };
    const kept = Array.from({ length: 70_000 }, (_, i) => ({
      // Short serials (one or two octets) and long random ones, half of them with the high bit set (a sign octet in DER).
      serial: i % 7 === 0 ? evenHex(i + 1) : randomBytes(16).toString('hex').replace(/^00/, '11'),
      issuerKeyId: g.keyId,
      subject: `CN=agent-${i}`,
      sans: [],
      profile: 'agent',
      notBefore: now.toISOString(),
      notAfter: new Date(now.getTime() + 86_400_000).toISOString(),
      issuedAt: now.toISOString(),
      der: Buffer.from([0x30, 0x00]),
    }));
    vault.transaction(() => {
      certs.insert(kept);
      // Revocations written straight (cert revoke's own path is tested elsewhere): a first read chunk
      // of one time and reason (a revoked fleet), then three times, four reasons, a tenth not revoked.
      const issuer = vault.db.prepare('INSERT INTO revocation_issuers (issuer_key_id) VALUES (?)').run(g.keyId).lastInsertRowid;
      // One revocation event per time and reason (schema 14), as the store makes them.
      const events = new Map<string, number | bigint>();
      const putEvent = vault.db.prepare("INSERT INTO revocation_events (revoked_at, reason, actor) VALUES (?, ?, 'tester')");
      const put = vault.db.prepare('INSERT INTO revocations (serial, issuer, event) VALUES (?, ?, ?)');
      const revoke = (serial: string, at: string, reason: string) => {
        const key = `${at} ${reason}`;
        if (!events.has(key)) events.set(key, putEvent.run(at, reason).lastInsertRowid);
        put.run(serial, issuer, events.get(key)!);
      };
      kept.forEach((r, i) => {
        if (i < 66_000) revoke(r.serial, now.toISOString(), 'keyCompromise');
        else if (i % 10 !== 3) revoke(r.serial, new Date(now.getTime() - (i % 3) * 1000).toISOString(), ['keyCompromise', 'superseded', 'unspecified', 'cessationOfOperation'][i % 4]!);
      });
    });
    const upper = (hex: string) => hex.toUpperCase().replace(/^(00)+(?=..)/, '');
    const expected = (vault.db.prepare('SELECT r.serial, e.reason, e.revoked_at FROM revocations r JOIN revocation_events e ON e.id = r.event ORDER BY r.id').raw().all() as Array<[string, string, string]>).map(
      ([serial, reason, at]) => `${upper(serial)} ${reason} ${new Date(at).toISOString()}`,
    );
    expect(expected).toHaveLength(69_600);
    const { record, der } = generateCrl({ keys, certs, now }, keys.resolve(g.keyId), 7);
    expect(record.entries).toBe(expected.length);
    const ours = [...readCrl(der).entries()].map((e) => `${upper(e.serialHex.length % 2 ? `0${e.serialHex}` : e.serialHex)} ${e.reason} ${e.revokedAt.toISOString()}`);
    // In the order they were revoked.
    expect(ours).toEqual(expected);

    // OpenSSL reads the same entries, with the same reasons.
    writeFileSync(join(dir, 'vault.crl'), der);
    const text = spawnSync('openssl', ['crl', '-inform', 'DER', '-in', join(dir, 'vault.crl'), '-noout', '-text'], { encoding: 'utf8', maxBuffer: 1 << 28 }).stdout;
    const parsed = [...text.matchAll(/Serial Number: ([0-9A-F]+)\n\s+Revocation Date: [^\n]+(?:\n\s+CRL entry extensions:\n\s+X509v3 CRL Reason Code: ?\n\s+([A-Za-z ]+))?/g)].map((m) => `${upper(m[1]!)} ${(m[2] ?? 'Unspecified').trim()}`);
    const opensslNames: Record<string, string> = { keyCompromise: 'Key Compromise', superseded: 'Superseded', unspecified: 'Unspecified', cessationOfOperation: 'Cessation Of Operation' };
    expect(parsed.sort()).toEqual(expected.map((e) => { const [s, r] = e.split(' '); return `${s!} ${opensslNames[r!]!}`; }).sort());
  }, 120_000);
});
