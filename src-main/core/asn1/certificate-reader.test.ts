/**
 * The facts the one certificate reader prints (names, validity, serial, key
 * ids, basicConstraints, keyUsage) are the ones @peculiar/x509 reads from the
 * same bytes, for certificates of every shape chain import meets; the lenient
 * mode reads a BER-length certificate the strict mode refuses.
 */
import { describe, expect, it } from 'vitest';
import * as x509 from '@peculiar/x509';
import { DerError } from './der-reader.ts';
import { KEY_USAGE, isSelfSigned, readCertificate, readCertificateFacts } from './certificate-reader.ts';
import { toBytes } from './bytes.ts';
import { makeCert, makeKey, opensslWorkspace } from '../../testing/chain-fixtures.ts';
import type { CertSpec, TestKey } from '../../testing/chain-fixtures.ts';
import { DomainError } from '../errors.ts';

const DATES = { notBefore: '2024-01-01T00:00:00Z', notAfter: '2034-01-01T00:00:00Z' };

function expectSameFactsAsX509(der: Uint8Array): void {
  const theirs = new x509.X509Certificate(der);
  const ours = readCertificateFacts(der, 'the certificate');
  const bc = theirs.getExtension(x509.BasicConstraintsExtension);
  const ku = theirs.getExtension(x509.KeyUsagesExtension);
  const ski = theirs.getExtension(x509.SubjectKeyIdentifierExtension);
  const aki = theirs.getExtension(x509.AuthorityKeyIdentifierExtension);
  expect(ours.subjectDer).toEqual(toBytes(theirs.subjectName.toArrayBuffer()));
  expect(ours.issuerDer).toEqual(toBytes(theirs.issuerName.toArrayBuffer()));
  expect(ours.spki).toEqual(toBytes(theirs.publicKey.rawData));
  expect(ours.serialHex).toBe(theirs.serialNumber.toLowerCase());
  expect(ours.notBefore).toEqual(theirs.notBefore);
  expect(ours.notAfter).toEqual(theirs.notAfter);
  expect(ours.basicConstraints).toEqual(bc ? { ca: bc.ca, pathLength: bc.pathLength } : null);
  expect(ours.keyUsage).toBe(ku ? ku.usages : null);
  expect(ours.subjectKeyId).toBe(ski ? ski.keyId.toLowerCase() : null);
  expect(ours.authorityKeyId).toBe(aki?.keyId ? aki.keyId.toLowerCase() : null);
}

describe('certificate facts', () => {
  it('match @peculiar/x509 for CA, non-CA, pathLen, keyUsage and key-id variants on every algorithm', async () => {
    const keys: TestKey[] = [await makeKey('ecdsa-p256'), await makeKey('ecdsa-p384'), await makeKey('ed25519'), await makeKey('rsa-3072')];
    const root = await makeCert({ subject: 'CN=Acme Root,O=Acme,C=DE', key: keys[0] as TestKey, pathLength: 2, ...DATES });
    const specs: Omit<CertSpec, 'key'>[] = [
      { subject: 'CN=Plain', ca: null, keyUsage: null, noKeyIds: true, ...DATES },
      { subject: 'CN=Leaf,O=Acme', ca: false, keyUsage: x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.decipherOnly, ...DATES },
      { subject: 'CN=Issuing CA,OU=PKI,O=Acme', issuer: { cert: root, key: keys[0] as TestKey }, pathLength: 0, ...DATES },
      { subject: 'CN=Other AKI', issuer: { cert: root, key: keys[0] as TestKey }, authorityKeyId: '0102030405', ...DATES },
    ];
    for (const key of keys) for (const spec of specs) expectSameFactsAsX509((await makeCert({ ...spec, key })).der);
    expectSameFactsAsX509(root.der);
    expect(readCertificateFacts(root.der, 'the root').keyUsage).toBe(KEY_USAGE.keyCertSign | KEY_USAGE.cRLSign);
  });

  it('match @peculiar/x509 for an OpenSSL root with a serial whose top bit is set', () => {
    const ws = opensslWorkspace();
    try {
      ws.run('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'k.pem', '-outform', 'DER', '-out', 'c.der', '-days', '30', '-set_serial', '0xff0102', '-subj', '/C=DE/O=Acme Corp/CN=Acme Corporate Root', '-addext', 'basicConstraints=critical,CA:true,pathlen:3', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
      const der = ws.read('c.der');
      expectSameFactsAsX509(der);
      expect(readCertificateFacts(der, 'the root')).toMatchObject({ serialHex: 'ff0102', subject: 'CN=Acme Corporate Root,O=Acme Corp,C=DE', basicConstraints: { ca: true, pathLength: 3 } });
    } finally {
      ws.cleanup();
    }
  });

  it('the lenient mode reads a certificate with a non-minimal outer length, which the strict mode refuses', async () => {
    const cert = await makeCert({ subject: 'CN=Acme Root', key: await makeKey('ecdsa-p256'), ...DATES });
    const der = cert.der;
    expect(der[0]).toBe(0x30);
    expect(der[1]).toBe(0x82);
    // The same certificate with its length in three octets instead of two (BER, not DER).
    const ber = Uint8Array.from([0x30, 0x83, 0x00, der[2] as number, der[3] as number, ...der.subarray(4)]);
    expect(() => readCertificate(ber)).toThrow(DerError);
    expect(toBytes(readCertificate(ber, { lenient: true }).tbsDer)).toEqual(toBytes(readCertificate(der).tbsDer));
    const facts = readCertificateFacts(ber, 'the root');
    expect(facts.der).toBe(ber);
    expect(facts.keyId).toBe(readCertificateFacts(der, 'the root').keyId);
    expect(isSelfSigned(facts)).toBe(true);
  });

  it('refuses an unreadable basicConstraints as CHAIN_UNPARSEABLE, naming the certificate', async () => {
    const der = (await makeCert({ subject: 'CN=Acme Root', key: await makeKey('ecdsa-p256'), ...DATES })).der;
    const damaged = new Uint8Array(der);
    // basicConstraints' extnID 2.5.29.19 is followed by BOOLEAN TRUE and the OCTET STRING; break the inner SEQUENCE tag.
    const at = Buffer.from(der).indexOf(Buffer.from([0x06, 0x03, 0x55, 0x1d, 0x13, 0x01, 0x01, 0xff, 0x04]));
    expect(at).toBeGreaterThan(0);
    damaged[at + 10] = 0x31;
    expect(() => readCertificateFacts(damaged, 'certificate 2 in chain.pem')).toThrow(expect.objectContaining({ code: 'CHAIN_UNPARSEABLE', message: expect.stringMatching(/^Certificate 2 in chain\.pem is not a readable X\.509 certificate/) }));
    expect(() => readCertificateFacts(damaged, 'x')).toThrow(DomainError);
  });
});
