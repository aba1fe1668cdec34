/** CRL publication on a real vault: numbers only grow, drafts and keys without certificate are refused. */
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
});
