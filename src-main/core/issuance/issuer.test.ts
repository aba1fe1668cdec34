import { generateKeyPairSync, sign } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { DomainError } from '../errors.ts';
import type { ErrorCode } from '../errors.ts';
import { normalizeSerialHex } from '../asn1/serial.ts';
import { readCertificate, readBasicConstraints, readKeyUsage } from '../asn1/certificate-reader.ts';
import { extension } from './certificate-extensions.ts';
import { bitString, explicit, integer, oid, sequence, tlv } from '../asn1/der-writer.ts';
import { createIssuer } from './issuer.ts';
import type { IssueRequest } from './issuer.ts';
import { CA_NOT_AFTER, NOW, makeCsr, makeTestCa, makeTestCertificate } from '../../testing/issuance-fixtures.ts';
import type { TestCa } from '../../testing/issuance-fixtures.ts';
import { OID } from '../asn1/oids.ts';
import { KEY_USAGE_BIT } from './profiles.ts';
import { refusedWith } from '../../testing/refusals.ts';

let ca: TestCa;
beforeAll(async () => {
  ca = await makeTestCa('ecdsa-p256');
});

const code = refusedWith;

function extensionsOf(der: Uint8Array): Map<string, { critical: boolean; value: Uint8Array }> {
  return new Map(readCertificate(der).tbs.extensions.map((e) => [e.id, e]));
}

describe('Issuer.issue with fixed dates (golden values)', () => {
  it('an agent certificate: 365 days from now, whole seconds, v3, 127-bit positive serial', () => {
    const c = ca.issuer.issue({ csr: makeCsr('p256', 'agent-0042'), profile: 'agent', now: new Date('2025-06-01T12:00:00.750Z') });
    expect(c.notBefore.toISOString()).toBe('2025-06-01T12:00:00.000Z');
    expect(c.notAfter.toISOString()).toBe('2026-06-01T12:00:00.000Z');
    expect(c.truncated).toBe(false);
    expect(c.subject).toBe('CN=agent-0042,O=Acme Fleet,C=DE');
    expect(c.profile).toBe('agent');
    expect(c.serialHex).toMatch(/^[0-7][0-9a-f]{31}$|^[0-9a-f]{16,30}$/);
    const view = readCertificate(c.der);
    expect(view.tbs.version).toBe(2);
    // The DER INTEGER may carry a 0x00 sign octet that serialHex (the magnitude) does not.
    expect(normalizeSerialHex(Buffer.from(view.tbs.serial).toString('hex'))).toBe(c.serialHex);
    expect(Buffer.from(view.tbs.issuerDer).equals(Buffer.from(ca.issuer.subjectDer))).toBe(true);
    const ku = readKeyUsage(extensionsOf(c.der).get(OID.keyUsage)?.value ?? new Uint8Array());
    expect([...ku.bits]).toEqual([KEY_USAGE_BIT.digitalSignature]);
  });

  it('days are honoured, within the profile maximum', () => {
    expect(ca.issuer.issue({ csr: makeCsr('p256'), profile: 'agent', days: 30, now: NOW }).notAfter.toISOString()).toBe('2025-07-01T12:00:00.000Z');
    expect(ca.issuer.issue({ csr: makeCsr('p256'), profile: 'ocsp-signer', now: NOW }).notAfter.toISOString()).toBe('2025-07-01T12:00:00.000Z');
    expect(code(() => ca.issuer.issue({ csr: makeCsr('p256'), profile: 'agent', days: 0, now: NOW }))).toBe('INVALID_INPUT');
    expect(code(() => ca.issuer.issue({ csr: makeCsr('p256'), profile: 'ocsp-signer', days: 91, now: NOW }))).toBe('INVALID_INPUT');
    expect(code(() => ca.issuer.issue({ csr: makeCsr('p256'), profile: 'agent', days: 1.5, now: NOW }))).toBe('INVALID_INPUT');
  });

  it('a server certificate for an RSA key adds keyEncipherment; for an EC key it does not', () => {
    const sans = { dns: ['svc.example'], ip: [], email: [], uri: [] };
    const rsa = ca.issuer.issue({ csr: makeCsr('rsa2048', 'svc', sans), profile: 'server', now: NOW });
    const ec = ca.issuer.issue({ csr: makeCsr('p256', 'svc', sans), profile: 'server', now: NOW });
    expect([...readKeyUsage(extensionsOf(rsa.der).get(OID.keyUsage)?.value ?? new Uint8Array()).bits]).toEqual([0, 2]);
    expect([...readKeyUsage(extensionsOf(ec.der).get(OID.keyUsage)?.value ?? new Uint8Array()).bits]).toEqual([0]);
  });

  it('a sub-CA gets critical basicConstraints with its path length and critical keyCertSign+cRLSign', () => {
    const c = ca.issuer.issue({ csr: makeCsr('p384', 'Issuing CA'), profile: 'sub-ca', now: NOW, pathLen: 2 });
    const exts = extensionsOf(c.der);
    const bc = exts.get(OID.basicConstraints);
    expect(bc?.critical).toBe(true);
    expect(readBasicConstraints(bc?.value ?? new Uint8Array())).toEqual({ ca: true, pathLen: 2 });
    expect(exts.get(OID.keyUsage)?.critical).toBe(true);
    expect([...readKeyUsage(exts.get(OID.keyUsage)?.value ?? new Uint8Array()).bits]).toEqual([5, 6]);
    expect(c.notAfter.toISOString()).toBe('2030-05-31T12:00:00.000Z');
  });

  it('an empty subject makes the SAN extension critical (RFC 5280 4.2.1.6)', () => {
    const kp = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const sanAttr = sequence(oid(OID.extensionRequest), tlv(0x31, sequence(extension(OID.subjectAltName, false, sequence(tlv(0x82, Buffer.from('nameless.example')))))));
    const reqInfo = sequence(integer(0), sequence(), kp.publicKey.export({ format: 'der', type: 'spki' }), explicit(0, sanAttr));
    const csr = sequence(reqInfo, sequence(oid(OID.ecdsaWithSha256)), bitString(sign('sha256', reqInfo, kp.privateKey)));
    const c = ca.issuer.issue({ csr, profile: 'server', now: NOW });
    expect(extensionsOf(c.der).get(OID.subjectAltName)?.critical).toBe(true);
    expect(code(() => ca.issuer.issue({ csr, profile: 'sub-ca', now: NOW }))).toBe('CSR_BAD_SUBJECT');
  });

  it('serials taken in the vault are drawn again', () => {
    const seen: string[] = [];
    const c = ca.issuer.issue({
      csr: makeCsr('p256'),
      profile: 'agent',
      now: NOW,
      isSerialTaken: (hex) => {
        seen.push(hex);
        return seen.length < 3;
      },
    });
    expect(seen).toHaveLength(3);
    expect(c.serialHex).toBe(seen[2]);
    expect(code(() => ca.issuer.issue({ csr: makeCsr('p256'), profile: 'agent', now: NOW, isSerialTaken: () => true }))).toBe('INTERNAL');
  });

  it('a parsed request can be issued more than once, each with its own serial', () => {
    const req: IssueRequest = { csr: makeCsr('ed25519'), profile: 'agent', now: NOW };
    expect(ca.issuer.issue(req).serialHex).not.toBe(ca.issuer.issue(req).serialHex);
  });
});

describe('NotAfter never passes the issuer’s NotAfter', () => {
  const late = new Date('2033-06-01T00:00:00Z');

  it('refuses by default, saying by how much and that truncation can be asked for', () => {
    try {
      ca.issuer.issue({ csr: makeCsr('p256'), profile: 'agent', now: late });
      throw new Error('issued');
    } catch (e) {
      expect(e).toBeInstanceOf(DomainError);
      const err = e as DomainError;
      expect(err.code).toBe('VALIDITY_EXCEEDS_ISSUER');
      expect(err.message).toContain('2034-06-01T00:00:00.000Z');
      expect(err.message).toContain('151 days after');
      expect(err.message).toContain('truncate');
    }
  });

  it('truncates to the issuer’s NotAfter when asked', () => {
    const c = ca.issuer.issue({ csr: makeCsr('p256'), profile: 'agent', now: late, truncateToIssuer: true });
    expect(c.notAfter.getTime()).toBe(CA_NOT_AFTER.getTime());
    expect(c.truncated).toBe(true);
  });

  it('refuses when the issuer has expired or is not yet valid', () => {
    expect(code(() => ca.issuer.issue({ csr: makeCsr('p256'), profile: 'agent', now: new Date('2034-02-01T00:00:00Z'), truncateToIssuer: true }))).toBe('VALIDITY_EXCEEDS_ISSUER');
    expect(code(() => ca.issuer.issue({ csr: makeCsr('p256'), profile: 'agent', now: new Date('2023-01-01T00:00:00Z') }))).toBe('VALIDITY_EXCEEDS_ISSUER');
  });
});

describe('Issuer.issue refuses with its own code', () => {
  const cases: [string, () => IssueRequest, ErrorCode][] = [
    ['profile: unknown name', () => ({ csr: makeCsr('p256'), profile: 'web', now: NOW }), 'PROFILE_UNKNOWN'],
    ['SAN: missing for the server profile', () => ({ csr: makeCsr('p256'), profile: 'server', now: NOW }), 'SAN_REQUIRED'],
    ['pathLen: on a non-CA profile', () => ({ csr: makeCsr('p256'), profile: 'agent', now: NOW, pathLen: 1 }), 'INVALID_INPUT'],
    ['pathLen: negative', () => ({ csr: makeCsr('p256'), profile: 'sub-ca', now: NOW, pathLen: -1 }), 'INVALID_INPUT'],
    ['now: invalid date', () => ({ csr: makeCsr('p256'), profile: 'agent', now: new Date(NaN) }), 'INVALID_INPUT'],
    ['csr: RSA 1024 bytes', () => ({ csr: makeCsr('rsa1024'), profile: 'agent', now: NOW }), 'CSR_WEAK_KEY'],
  ];
  it.each(cases)('%s', (_name, make, expected) => {
    expect(code(() => ca.issuer.issue(make()))).toBe(expected);
  });
});

describe('createIssuer checks the CA certificate and key once per session', () => {
  it('refuses a key that is not the certificate’s', () => {
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'der', type: 'pkcs8' });
    expect(code(() => createIssuer({ ...ca.init, privateKey: other }))).toBe('CHAIN_KEY_MISMATCH');
  });

  it('refuses an algorithm that does not match the certificate', () => {
    expect(code(() => createIssuer({ ...ca.init, algorithm: 'ecdsa-p384' }))).toBe('UNSUPPORTED_ALGORITHM');
  });

  it('refuses an unreadable certificate', () => {
    expect(code(() => createIssuer({ ...ca.init, certificateDer: Buffer.from('3000', 'hex') }))).toBe('CHAIN_UNPARSEABLE');
  });

  it('refuses a certificate that is not a CA, or may not sign certificates', async () => {
    const leaf = await makeTestCertificate('ecdsa-p256', { ca: false });
    expect(code(() => createIssuer(leaf.init))).toBe('CHAIN_NOT_CA');
    const noSign = await makeTestCertificate('ecdsa-p256', { keyUsage: 64 /* cRLSign only */ });
    expect(code(() => createIssuer(noSign.init))).toBe('CHAIN_NO_KEYCERTSIGN');
  });

  it('a CA with pathLen 1 may issue sub-CAs of pathLen 0 only', async () => {
    const root = await makeTestCa('ed25519', { pathLen: 1 });
    expect(root.issuer.issue({ csr: makeCsr('p256', 'Sub'), profile: 'sub-ca', now: NOW, pathLen: 0 }).profile).toBe('sub-ca');
    expect(code(() => root.issuer.issue({ csr: makeCsr('p256', 'Sub'), profile: 'sub-ca', now: NOW, pathLen: 1 }))).toBe('CHAIN_PATHLEN');
  });

  it('uses the issuer’s SKI as every AKI key identifier', () => {
    const c = ca.issuer.issue({ csr: makeCsr('p256'), profile: 'agent', now: NOW, days: 2 });
    const aki = extensionsOf(c.der).get(OID.authorityKeyIdentifier)?.value ?? new Uint8Array();
    expect(Buffer.from(aki).toString('hex')).toBe('30168014' + Buffer.from(ca.issuer.keyId).toString('hex'));
  });
});
