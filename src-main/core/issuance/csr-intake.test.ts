import 'reflect-metadata';
import { generateKeyPairSync, sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import * as x509 from '@peculiar/x509';
import type { ErrorCode } from '../errors.ts';
import { extension } from './certificate-extensions.ts';
import { encodeRequestInfo } from './certification-request.ts';
import { subjectAltNameExtension } from './certificate-extensions.ts';
import { parseAndVerifyCsr, parseVerifiedCsr } from './csr-intake.ts';
import { bitString, explicit, ia5String, integer, nullValue, octetString, oid, sequence, setOf, tlv, utf8String } from '../asn1/der-writer.ts';
import { encodeName } from '../asn1/name.ts';
import { makeCsr, makeKey, makeTestCa, openssl, subjectName, withTempDir } from '../../testing/issuance-fixtures.ts';
import { OID } from '../asn1/oids.ts';
import { toPem } from '../asn1/pem.ts';
import { refusedWith } from '../../testing/refusals.ts';

const P256 = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const spkiOf = (k: KeyObject): Buffer => k.export({ format: 'der', type: 'spki' });

interface RawRequest {
  subjectDer?: Uint8Array;
  spki?: Uint8Array;
  attributes?: Uint8Array[];
  version?: number;
  key?: KeyObject;
  algorithm?: Uint8Array;
  digest?: string | null;
  tamper?: (info: Buffer) => Buffer;
}

/** A request assembled field by field, to break exactly one field. */
function rawRequest(r: RawRequest = {}): Buffer {
  const info = sequence(integer(r.version ?? 0), r.subjectDer ?? subjectName('agent-0001'), r.spki ?? spkiOf(P256.publicKey), explicit(0, ...(r.attributes ?? [])));
  const signature = sign(r.digest === undefined ? 'sha256' : r.digest, info, r.key ?? P256.privateKey);
  return sequence(r.tamper ? r.tamper(info) : info, r.algorithm ?? sequence(oid(OID.ecdsaWithSha256)), bitString(signature));
}

function sanAttribute(generalNames: Uint8Array): Buffer {
  return sequence(oid(OID.extensionRequest), setOf(sequence(extension(OID.subjectAltName, false, generalNames))));
}

function refusal(input: Uint8Array): ErrorCode {
  return refusedWith(() => parseAndVerifyCsr(input));
}

let certificateDer: Uint8Array = new Uint8Array(0);
beforeAll(async () => {
  certificateDer = (await makeTestCa('ecdsa-p256')).init.certificateDer;
});

describe('parseAndVerifyCsr accepts well-formed requests', () => {
  it.each(['p256', 'p384', 'p521', 'rsa2048', 'ed25519'] as const)('%s key', (kind) => {
    const csr = parseAndVerifyCsr(makeCsr(kind, 'agent-42', { dns: ['agent-42.fleet.example'], ip: ['192.0.2.7'], email: [], uri: [] }));
    expect(csr.subject).toBe('CN=agent-42,O=Acme Fleet,C=DE');
    expect(csr.sans.dns).toEqual(['agent-42.fleet.example']);
    expect(csr.sans.ip).toEqual(['192.0.2.7']);
    expect(csr.key.label).toBe({ p256: 'ecdsa-p256', p384: 'ecdsa-p384', p521: 'ecdsa-p521', rsa2048: 'rsa-2048', ed25519: 'ed25519' }[kind]);
  });

  it('a request made by OpenSSL, as PEM with its text dump in front', () => {
    withTempDir((dir) => {
      const made = openssl(
        ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'k.pem', '-subj', '/C=DE/O=Acme, Inc./CN=web 1',
          '-addext', 'subjectAltName=DNS:web1.example,IP:2001:db8::7,email:ops@example.org,URI:https://web1.example/', '-text', '-out', 'r.pem'],
        dir,
      );
      expect(made.status).toBe(0);
      const csr = parseAndVerifyCsr(readFileSync(join(dir, 'r.pem')));
      expect(csr.subject).toBe('CN=web 1,O=Acme\\, Inc.,C=DE');
      expect(csr.sans).toEqual({ dns: ['web1.example'], ip: ['2001:db8::7'], email: ['ops@example.org'], uri: ['https://web1.example/'] });
    });
  });

  it('a request made by @peculiar/x509, as DER and as PEM with CRLF line ends', async () => {
    const keys = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-384' }, true, ['sign', 'verify']);
    const req = await x509.Pkcs10CertificateRequestGenerator.create({
      name: 'CN=agent-x, O=Fleet',
      keys,
      signingAlgorithm: { name: 'ECDSA', hash: 'SHA-384' },
      extensions: [new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: 'agent-x.fleet.example' }])],
    });
    const der = new Uint8Array(req.rawData);
    // x509 encodes the RDNs in the order written; RFC 4514 prints the last one first.
    expect(parseAndVerifyCsr(der).subject).toBe('O=Fleet,CN=agent-x');
    const crlf = Buffer.from(toPem(der, 'CERTIFICATE REQUEST').replace(/\n/g, '\r\n'));
    expect(parseAndVerifyCsr(crlf).sans.dns).toEqual(['agent-x.fleet.example']);
  });

  it('an empty subject with a SAN', () => {
    const csr = parseAndVerifyCsr(rawRequest({ subjectDer: sequence(), attributes: [sanAttribute(sequence(tlv(0x82, Buffer.from('only-san.example'))))] }));
    expect(csr.subjectIsEmpty).toBe(true);
    expect(csr.subject).toBe('');
  });
});

describe('parseAndVerifyCsr refuses bad requests, each with its own code', () => {
  const cases: [string, () => Uint8Array, ErrorCode][] = [
    ['file: empty', () => new Uint8Array(0), 'CSR_EMPTY'],
    ['file: only whitespace', () => Buffer.from(' \n\r\n\t'), 'CSR_EMPTY'],
    ['file: 50 MB', () => Buffer.alloc(50 * 1024 * 1024, 0x30), 'CSR_TOO_LARGE'],
    ['file: garbage', () => Buffer.from('this is not a certificate request at all'), 'CSR_UNPARSEABLE'],
    ['file: random DER-looking bytes', () => Buffer.from('3003020101ff', 'hex'), 'CSR_UNPARSEABLE'],
    ['file: truncated DER', () => makeCsr('p256').subarray(0, 100), 'CSR_UNPARSEABLE'],
    ['file: trailing bytes after the request', () => Buffer.concat([makeCsr('p256'), Buffer.from([0])]), 'CSR_UNPARSEABLE'],
    ['file: certificate instead of a request (PEM)', () => Buffer.from(toPem(certificateDer, 'CERTIFICATE')), 'CSR_IS_CERTIFICATE'],
    ['file: certificate instead of a request (DER)', () => certificateDer, 'CSR_IS_CERTIFICATE'],
    ['file: private key PEM', () => Buffer.from(toPem(P256.privateKey.export({ format: 'der', type: 'pkcs8' }), 'PRIVATE KEY')), 'CSR_UNPARSEABLE'],
    ['file: PEM block without END line', () => Buffer.from('-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n'), 'CSR_UNPARSEABLE'],
    ['file: PEM body not base64', () => Buffer.from('-----BEGIN CERTIFICATE REQUEST-----\nMI*B\n-----END CERTIFICATE REQUEST-----\n'), 'CSR_UNPARSEABLE'],
    ['version: 1 instead of 0', () => rawRequest({ version: 1 }), 'CSR_UNPARSEABLE'],
    ['signature: one bit flipped', () => {
      const der = makeCsr('p256');
      der[der.length - 5] = (der[der.length - 5] as number) ^ 0x01;
      return der;
    }, 'CSR_BAD_SIGNATURE'],
    ['signature: subject changed after signing', () => rawRequest({ tamper: () => sequence(integer(0), subjectName('someone-else'), spkiOf(P256.publicKey), explicit(0)) }), 'CSR_BAD_SIGNATURE'],
    ['signature: made with another key', () => rawRequest({ key: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey }), 'CSR_BAD_SIGNATURE'],
    ['signature algorithm: RSA over an EC key', () => rawRequest({ algorithm: sequence(oid(OID.sha256WithRSA), nullValue()) }), 'CSR_BAD_SIGNATURE'],
    ['signature algorithm: sha1WithRSAEncryption', () => {
      const k = makeKey('rsa2048');
      return rawRequest({ spki: spkiOf(k.publicKey), key: k.privateKey, digest: 'sha1', algorithm: sequence(oid('1.2.840.113549.1.1.5'), nullValue()) });
    }, 'CSR_UNSUPPORTED_KEY'],
    ['key: RSA 1024', () => makeCsr('rsa1024'), 'CSR_WEAK_KEY'],
    ['key: RSA exponent 1', () => {
      const n = Buffer.concat([Buffer.from([0x00, 0xc1]), Buffer.alloc(255, 0x11)]);
      const rsaKey = sequence(tlv(0x02, n), integer(1));
      return rawRequest({ spki: sequence(sequence(oid(OID.rsaEncryption), nullValue()), bitString(rsaKey)) });
    }, 'CSR_WEAK_KEY'],
    ['key: secp256k1 curve', () => makeCsr('secp256k1'), 'CSR_UNSUPPORTED_KEY'],
    ['key: DSA algorithm', () => rawRequest({ spki: sequence(sequence(oid('1.2.840.10040.4.1')), bitString(Buffer.from('020101', 'hex'))) }), 'CSR_UNSUPPORTED_KEY'],
    ['key: EC point not on the curve', () => {
      const spki = Buffer.from(spkiOf(P256.publicKey));
      spki[spki.length - 1] = (spki[spki.length - 1] as number) ^ 0x01;
      return rawRequest({ spki });
    }, 'CSR_UNPARSEABLE'],
    ['subject: commonName of 65 characters', () => rawRequest({ subjectDer: encodeName([[{ type: OID.commonName, value: 'x'.repeat(65) }]]) }), 'CSR_BAD_SUBJECT'],
    ['subject: countryName of three letters', () => rawRequest({ subjectDer: encodeName([[{ type: OID.countryName, value: 'DEU' }]]) }), 'CSR_BAD_SUBJECT'],
    ['subject: PrintableString with an @', () => rawRequest({ subjectDer: encodeName([[{ type: OID.commonName, value: 'a@b', encoding: 'printable' }]]) }), 'CSR_BAD_SUBJECT'],
    ['subject: BMPString value', () => rawRequest({ subjectDer: sequence(setOf(sequence(oid(OID.commonName), tlv(0x1e, Buffer.from('0041', 'hex'))))) }), 'CSR_BAD_SUBJECT'],
    ['subject: invalid UTF-8', () => rawRequest({ subjectDer: sequence(setOf(sequence(oid(OID.commonName), tlv(0x0c, Buffer.from('c328', 'hex'))))) }), 'CSR_BAD_SUBJECT'],
    ['subject: NUL inside the commonName', () => rawRequest({ subjectDer: sequence(setOf(sequence(oid(OID.commonName), utf8String('good\u0000.evil')))) }), 'CSR_BAD_SUBJECT'],
    ['subject: unknown attribute type', () => rawRequest({ subjectDer: sequence(setOf(sequence(oid('1.2.3.4'), utf8String('x')))) }), 'CSR_BAD_SUBJECT'],
    ['subject: empty RDN', () => rawRequest({ subjectDer: sequence(setOf()) }), 'CSR_BAD_SUBJECT'],
    ['subject: empty and no SAN', () => rawRequest({ subjectDer: sequence() }), 'CSR_BAD_SUBJECT'],
    ['subject: emailAddress as UTF8String', () => rawRequest({ subjectDer: sequence(setOf(sequence(oid(OID.emailAddress), utf8String('a@b.example')))) }), 'CSR_BAD_SUBJECT'],
    ['SAN: dNSName with an underscore', () => rawRequest({ attributes: [sanAttribute(sequence(tlv(0x82, Buffer.from('bad_name.example'))))] }), 'CSR_BAD_SAN'],
    ['SAN: dNSName with a space', () => rawRequest({ attributes: [sanAttribute(sequence(tlv(0x82, Buffer.from('a b.example'))))] }), 'CSR_BAD_SAN'],
    ['SAN: wildcard not leftmost', () => rawRequest({ attributes: [sanAttribute(sequence(tlv(0x82, Buffer.from('a.*.example'))))] }), 'CSR_BAD_SAN'],
    ['SAN: iPAddress of 5 octets', () => rawRequest({ attributes: [sanAttribute(sequence(tlv(0x87, Buffer.from([1, 2, 3, 4, 5]))))] }), 'CSR_BAD_SAN'],
    ['SAN: rfc822Name without a domain', () => rawRequest({ attributes: [sanAttribute(sequence(tlv(0x81, Buffer.from('ops@'))))] }), 'CSR_BAD_SAN'],
    ['SAN: relative URI', () => rawRequest({ attributes: [sanAttribute(sequence(tlv(0x86, Buffer.from('/relative/path'))))] }), 'CSR_BAD_SAN'],
    ['SAN: otherName', () => rawRequest({ attributes: [sanAttribute(sequence(tlv(0xa0, oid('1.3.6.1.4.1.311.20.2.3'), explicit(0, ia5String('u@x')))))] }), 'CSR_BAD_SAN'],
    ['SAN: empty GeneralNames', () => rawRequest({ attributes: [sanAttribute(sequence())] }), 'CSR_BAD_SAN'],
    ['SAN: two subjectAltName extensions', () => rawRequest({
      attributes: [sequence(oid(OID.extensionRequest), setOf(sequence(
        extension(OID.subjectAltName, false, sequence(tlv(0x82, Buffer.from('a.example')))),
        extension(OID.subjectAltName, false, sequence(tlv(0x82, Buffer.from('b.example')))),
      )))],
    }), 'CSR_BAD_SAN'],
    ['attributes: extensionRequest value is not Extensions', () => rawRequest({ attributes: [sequence(oid(OID.extensionRequest), setOf(octetString(Buffer.from('x'))))] }), 'CSR_UNPARSEABLE'],
  ];
  it.each(cases)('%s', (_name, make, code) => {
    expect(refusal(make())).toBe(code);
  });

  it('a custom size limit', () => {
    expect(() => parseAndVerifyCsr(makeCsr('p256'), { maxBytes: 64 })).toThrow(expect.objectContaining({ code: 'CSR_TOO_LARGE' }));
  });

  it('the messages say what to do, without internals', () => {
    expect(() => parseAndVerifyCsr(Buffer.from(toPem(certificateDer, 'CERTIFICATE')))).toThrow(
      expect.objectContaining({ code: 'CSR_IS_CERTIFICATE', message: expect.stringMatching(/not a certificate request: ask the agent for its CSR/) }),
    );
  });
});

describe('requests signed over their info as written', () => {
  it('a request built by encodeRequestInfo verifies and round-trips its SANs', () => {
    const sans = { dns: ['a.example'], ip: ['::ffff:192.0.2.1'], email: ['x@y.example'], uri: ['urn:uuid:1234'] };
    const info = encodeRequestInfo(subjectName('roundtrip'), spkiOf(P256.publicKey), [subjectAltNameExtension(sans, false)]);
    const der = sequence(info, sequence(oid(OID.ecdsaWithSha256)), bitString(sign('sha256', info, P256.privateKey)));
    expect(parseAndVerifyCsr(der).sans).toEqual({ ...sans, ip: ['::ffff:c000:201'] });
  });
});

describe('parseVerifiedCsr (a request whose DER this batch verified already: a renewal request\'s inner request)', () => {
  it('gives the same facts as parseAndVerifyCsr for the same DER', () => {
    const der = parseAndVerifyCsr(makeCsr('p256', 'agent-42', { dns: ['agent-42.fleet.example'], ip: ['192.0.2.7'], email: [], uri: [] })).der;
    const again = parseVerifiedCsr(der);
    const first = parseAndVerifyCsr(der);
    expect({ ...again, der: Buffer.from(again.der) }).toEqual({ ...first, der: Buffer.from(first.der) });
  });

  it('still refuses what is not a request, and every check but the signature', () => {
    expect(refusedWith(() => parseVerifiedCsr(makeCsr('p256').subarray(0, 100)))).toBe('CSR_UNPARSEABLE');
    expect(refusedWith(() => parseVerifiedCsr(rawRequest({ subjectDer: subjectName('agent\u202e-7') })))).toBe('SUBJECT_SPOOFING_CHARACTERS');
    expect(refusedWith(() => parseVerifiedCsr(rawRequest({ version: 1 })))).toBe('CSR_UNPARSEABLE');
    // What it does not check: the signature (parseAndVerifyCsr refuses this one).
    const tampered = rawRequest({ tamper: () => sequence(integer(0), subjectName('someone-else'), spkiOf(P256.publicKey), explicit(0)) });
    expect(refusedWith(() => parseAndVerifyCsr(tampered))).toBe('CSR_BAD_SIGNATURE');
    expect(parseVerifiedCsr(tampered).subject).toContain('someone-else');
  });
});
