/**
 * Every key algorithm through generate, self-sign and CSR, with OpenSSL as the
 * independent judge. RSA-4096 generation is slow: all keys are made once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as x509 from '@peculiar/x509';
import { KEY_ALGORITHMS } from '../pki/algorithms.ts';
import { subtleCrypto } from '../pki/crypto-provider.ts';
import type { KeyAlgorithm } from '../pki/algorithms.ts';
import { fixedClock } from '../clock.ts';
import type { GeneratedKey } from './key-material.ts';
import { algorithmOfSpki, generateSigningKey, importSigningKey, spkiOfPrivateKey } from './key-material.ts';
import { isKeyId, keyIdOf } from '../asn1/key-id.ts';
import { selfSignRoot } from './self-sign.ts';
import { createSubCaRequest, encodeRequest } from './csr.ts';
import { toPem } from '../asn1/pem.ts';
import { opensslWorkspace } from '../../testing/chain-fixtures.ts';
import { createHash } from 'node:crypto';

const NOW = '2025-03-10T08:30:15.750Z';
const NOW_EPOCH = String(Date.parse('2025-03-10T08:30:15Z') / 1000);
const keys = new Map<KeyAlgorithm, GeneratedKey>();
const ws = opensslWorkspace();

beforeAll(async () => {
  for (const alg of KEY_ALGORITHMS) keys.set(alg, await generateSigningKey(alg));
});
afterAll(() => ws.cleanup());

const key = (alg: KeyAlgorithm): GeneratedKey => keys.get(alg) as GeneratedKey;

describe('generateSigningKey', () => {
  it.each(KEY_ALGORITHMS)('%s: PKCS#8 and SPKI belong together and the key id is SHA-256 of the SPKI', async (alg) => {
    const k = key(alg);
    expect(algorithmOfSpki(k.spki)).toBe(alg);
    expect(spkiOfPrivateKey(k.pkcs8)).toEqual(k.spki);
    expect(k.keyId).toBe('sha256:' + createHash('sha256').update(k.spki).digest('hex'));
    expect(keyIdOf(k.spki)).toBe(k.keyId);
    expect(isKeyId(k.keyId)).toBe(true);
    const imported = await importSigningKey(alg, k.pkcs8);
    expect(imported.extractable).toBe(false);
    expect(imported.usages).toEqual(['sign']);
  });

  it('makes a different key every time', async () => {
    const a = await generateSigningKey('ecdsa-p256');
    expect(a.keyId).not.toBe(key('ecdsa-p256').keyId);
  });

  it('refuses an unknown algorithm', async () => {
    await expect(generateSigningKey('dsa-1024' as KeyAlgorithm)).rejects.toMatchObject({ code: 'UNSUPPORTED_ALGORITHM' });
  });

  it('refuses a PKCS#8 of another algorithm without quoting it', async () => {
    const err: unknown = await importSigningKey('ecdsa-p384', key('ed25519').pkcs8).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'KEY_UNHEALTHY' });
    const b64 = Buffer.from(key('ed25519').pkcs8).toString('base64');
    expect(JSON.stringify(err)).not.toContain(b64.slice(0, 20));
  });
});

describe('selfSignRoot', () => {
  it.each(KEY_ALGORITHMS)('%s: a root OpenSSL accepts, with the CA profile', async (alg) => {
    const k = key(alg);
    const root = await selfSignRoot({ algorithm: alg, pkcs8: k.pkcs8, spki: k.spki, subject: 'CN=Acme Agents CA,O=Acme,C=DE', days: 3650, pathLength: 1, clock: fixedClock(NOW) });
    const cert = new x509.X509Certificate(root.der);
    expect(root.subject).toBe('CN=Acme Agents CA,O=Acme,C=DE');
    expect(cert.subject).toBe(cert.issuer);
    expect(root.notBefore).toBe('2025-03-10T08:30:15.000Z');
    expect(root.notAfter).toBe('2035-03-08T08:30:15.000Z');
    expect(new Uint8Array(cert.publicKey.rawData)).toEqual(k.spki);
    const bc = cert.getExtension(x509.BasicConstraintsExtension);
    expect(bc).toMatchObject({ ca: true, pathLength: 1, critical: true });
    const ku = cert.getExtension(x509.KeyUsagesExtension);
    expect(ku).toMatchObject({ usages: x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, critical: true });
    const ski = cert.getExtension(x509.SubjectKeyIdentifierExtension);
    const aki = cert.getExtension(x509.AuthorityKeyIdentifierExtension);
    expect(ski?.keyId).toMatch(/^[0-9a-f]{40}$/);
    expect(aki?.keyId).toBe(ski?.keyId);
    expect(aki?.certId).toBeUndefined();
    // RFC 5280 4.1.2.2: positive, at most 20 octets; at least 64 random bits.
    expect(root.serialHex).toMatch(/^[4-7][0-9a-f]{31}$/);

    const file = ws.write(`root-${alg}.pem`, root.pem);
    expect(ws.run('verify', '-attime', NOW_EPOCH, '-CAfile', file, file)).toContain(': OK');
    const text = ws.run('x509', '-in', file, '-noout', '-text');
    expect(text).toMatch(/X509v3 Basic Constraints: critical\s+CA:TRUE, pathlen:1/);
    expect(text).toMatch(/X509v3 Key Usage: critical\s+Certificate Sign, CRL Sign/);
    expect(ws.run('x509', '-in', file, '-noout', '-subject')).toBe('subject=C = DE, O = Acme, CN = Acme Agents CA\n');
  });

  it('leaves pathLen out unless asked, and makes a fresh serial each time', async () => {
    const k = key('ecdsa-p256');
    const a = await selfSignRoot({ algorithm: 'ecdsa-p256', pkcs8: k.pkcs8, spki: k.spki, subject: 'CN=A', clock: fixedClock(NOW) });
    const b = await selfSignRoot({ algorithm: 'ecdsa-p256', pkcs8: k.pkcs8, spki: k.spki, subject: 'CN=A', clock: fixedClock(NOW) });
    expect(new x509.X509Certificate(a.der).getExtension(x509.BasicConstraintsExtension)?.pathLength).toBeUndefined();
    expect(a.serialHex).not.toBe(b.serialHex);
    expect(a.notAfter).toBe('2035-03-08T08:30:15.000Z'); // default 3650 days
  });

  const k = (): GeneratedKey => key('ecdsa-p256');
  const refusals: { field: string; code: string; input: () => Parameters<typeof selfSignRoot>[0] }[] = [
    { field: 'subject', code: 'INVALID_SUBJECT', input: () => ({ algorithm: 'ecdsa-p256', pkcs8: k().pkcs8, spki: k().spki, subject: 'O=No Common Name', clock: fixedClock(NOW) }) },
    { field: 'days zero', code: 'INVALID_INPUT', input: () => ({ algorithm: 'ecdsa-p256', pkcs8: k().pkcs8, spki: k().spki, subject: 'CN=A', days: 0, clock: fixedClock(NOW) }) },
    { field: 'days fractional', code: 'INVALID_INPUT', input: () => ({ algorithm: 'ecdsa-p256', pkcs8: k().pkcs8, spki: k().spki, subject: 'CN=A', days: 1.5, clock: fixedClock(NOW) }) },
    { field: 'days beyond 100 years', code: 'INVALID_INPUT', input: () => ({ algorithm: 'ecdsa-p256', pkcs8: k().pkcs8, spki: k().spki, subject: 'CN=A', days: 36501, clock: fixedClock(NOW) }) },
    { field: 'pathLength negative', code: 'INVALID_INPUT', input: () => ({ algorithm: 'ecdsa-p256', pkcs8: k().pkcs8, spki: k().spki, subject: 'CN=A', pathLength: -1, clock: fixedClock(NOW) }) },
    { field: 'pkcs8 of another key', code: 'KEY_UNHEALTHY', input: () => ({ algorithm: 'ecdsa-p256', pkcs8: key('ecdsa-p384').pkcs8, spki: k().spki, subject: 'CN=A', clock: fixedClock(NOW) }) },
    { field: 'pkcs8 damaged', code: 'KEY_UNHEALTHY', input: () => ({ algorithm: 'ecdsa-p256', pkcs8: k().pkcs8.slice(0, 20), spki: k().spki, subject: 'CN=A', clock: fixedClock(NOW) }) },
    { field: 'algorithm', code: 'UNSUPPORTED_ALGORITHM', input: () => ({ algorithm: 'rsa-1024' as KeyAlgorithm, pkcs8: k().pkcs8, spki: k().spki, subject: 'CN=A', clock: fixedClock(NOW) }) },
  ];
  it.each(refusals)('refuses a bad $field with $code', async ({ code, input }) => {
    await expect(selfSignRoot(input())).rejects.toMatchObject({ code });
  });
});

describe('createSubCaRequest', () => {
  it.each(KEY_ALGORITHMS)('%s: OpenSSL verifies the request and sees the CA extensions requested', async (alg) => {
    const k = key(alg);
    const req = await createSubCaRequest({ algorithm: alg, pkcs8: k.pkcs8, spki: k.spki, subject: 'CN=Acme Agents Issuing CA,O=Acme,C=DE', pathLength: 0 });
    const pemFile = ws.write(`req-${alg}.pem`, encodeRequest(req, 'pem'));
    const derFile = ws.write(`req-${alg}.der`, encodeRequest(req, 'der'));
    expect(new TextDecoder().decode(encodeRequest(req, 'pem'))).toBe(toPem(req.der, 'CERTIFICATE REQUEST'));
    // OpenSSL 3.0 prints "verify OK" (or "Certificate request self-signature verify OK") on stderr and exits 0.
    const out = ws.run('req', '-in', pemFile, '-verify', '-noout', '-text');
    expect(out).toContain('verify OK');
    expect(out).toContain('Subject: C = DE, O = Acme, CN = Acme Agents Issuing CA');
    expect(out).toMatch(/Requested Extensions:\s+X509v3 Basic Constraints: critical\s+CA:TRUE, pathlen:0\s+X509v3 Key Usage: critical\s+Certificate Sign, CRL Sign/);
    expect(ws.run('req', '-inform', 'DER', '-in', derFile, '-verify', '-noout')).toContain('verify OK');
    const pub = ws.run('req', '-in', pemFile, '-noout', '-pubkey');
    expect(pub).toBe(toPem(k.spki, 'PUBLIC KEY'));
  });

  it.each(KEY_ALGORITHMS)('%s: requests exactly basicConstraints, keyUsage and the method-1 SKI, as @peculiar/x509 reads them', async (alg) => {
    const k = key(alg);
    const req = new x509.Pkcs10CertificateRequest((await createSubCaRequest({ algorithm: alg, pkcs8: k.pkcs8, spki: k.spki, subject: 'CN=Acme Agents Issuing CA,O=Acme,C=DE', pathLength: 1 })).der);
    expect(req.extensions.map((e) => [e.type, e.critical])).toEqual([['2.5.29.19', true], ['2.5.29.15', true], ['2.5.29.14', false]]);
    const [bc, ku, ski] = req.extensions;
    expect(bc).toBeInstanceOf(x509.BasicConstraintsExtension);
    expect(bc).toMatchObject({ ca: true, pathLength: 1 });
    expect(ku).toBeInstanceOf(x509.KeyUsagesExtension);
    expect((ku as x509.KeyUsagesExtension).usages).toBe(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign);
    expect(ski).toBeInstanceOf(x509.SubjectKeyIdentifierExtension);
    expect((ski as x509.SubjectKeyIdentifierExtension).keyId).toBe((await x509.SubjectKeyIdentifierExtension.create(k.spki, false, subtleCrypto)).keyId);
    expect(new Uint8Array(req.publicKey.rawData)).toEqual(k.spki);
    expect(await req.verify(subtleCrypto)).toBe(true);
  });

  it('refuses a record whose algorithm is not its key\'s, and an unknown algorithm', async () => {
    const k = key('ecdsa-p256');
    await expect(createSubCaRequest({ algorithm: 'ecdsa-p384', pkcs8: k.pkcs8, spki: k.spki, subject: 'CN=A' })).rejects.toMatchObject({ code: 'KEY_UNHEALTHY' });
    await expect(createSubCaRequest({ algorithm: 'dsa-1024' as KeyAlgorithm, pkcs8: k.pkcs8, spki: k.spki, subject: 'CN=A' })).rejects.toMatchObject({ code: 'UNSUPPORTED_ALGORITHM' });
  });

  it('a damaged request fails OpenSSL verification (the check above can fail)', async () => {
    const k = key('ecdsa-p256');
    const req = await createSubCaRequest({ algorithm: 'ecdsa-p256', pkcs8: k.pkcs8, spki: k.spki, subject: 'CN=A' });
    const bad = new Uint8Array(req.der);
    bad[bad.length - 2] = (bad[bad.length - 2] as number) ^ 1;
    const f = ws.write('bad.der', bad);
    expect(ws.run('req', '-inform', 'DER', '-in', f, '-verify', '-noout')).toContain('verify failure');
  });

  it('refuses a bad subject and a key that is not the draft\'s', async () => {
    const k = key('ecdsa-p256');
    await expect(createSubCaRequest({ algorithm: 'ecdsa-p256', pkcs8: k.pkcs8, spki: k.spki, subject: 'CN=A,C=Germany' })).rejects.toMatchObject({ code: 'INVALID_SUBJECT' });
    await expect(createSubCaRequest({ algorithm: 'ecdsa-p256', pkcs8: key('ed25519').pkcs8, spki: k.spki, subject: 'CN=A' })).rejects.toMatchObject({ code: 'KEY_UNHEALTHY' });
  });
});
