/**
 * Differential proof of the hand-written certificate DER: for thousands of
 * random inputs, encodeTbsCertificate + certificateExtensions produce exactly
 * the bytes @peculiar/asn1-schema serializes for the same structure built
 * with the @peculiar/asn1-x509 classes.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import {
  AlgorithmIdentifier,
  AttributeTypeAndValue,
  AttributeValue,
  AuthorityKeyIdentifier,
  BasicConstraints,
  Certificate,
  Extension,
  Extensions,
  ExtendedKeyUsage,
  GeneralName,
  KeyIdentifier,
  KeyUsage,
  KeyUsageFlags,
  Name,
  RelativeDistinguishedName,
  SubjectAlternativeName,
  SubjectKeyIdentifier,
  SubjectPublicKeyInfo,
  TBSCertificate,
  Validity,
  Version,
} from '@peculiar/asn1-x509';
import { KEY_ALGORITHMS } from '../pki/algorithms.ts';
import { authorityKeyIdentifierExtension, certificateExtensions } from './certificate-extensions.ts';
import { readRoot } from '../asn1/der-reader.ts';
import { encodeName } from '../asn1/name.ts';
import type { NameAttributeInput } from '../asn1/name.ts';
import { OID } from '../asn1/oids.ts';
import { PROFILES, PROFILE_NAMES } from './profiles.ts';
import type { KeyUsageName, ProfileName } from './profiles.ts';
import { caSignatureAlgorithm } from './signature-algorithms.ts';
import type { SubjectAltNames } from './subject-alt-names.ts';
import { readSubjectPublicKey } from './subject-public-key.ts';
import { encodeSignedStructure, encodeTbsCertificate } from './tbs-certificate.ts';

const hex = (b: Uint8Array | ArrayBuffer): string => Buffer.from(b instanceof ArrayBuffer ? new Uint8Array(b) : b).toString('hex');
const ab = (b: Uint8Array): ArrayBuffer => new Uint8Array(b).buffer;

const SPKIS = [
  generateKeyPairSync('ec', { namedCurve: 'P-256' }),
  generateKeyPairSync('ec', { namedCurve: 'P-384' }),
  generateKeyPairSync('rsa', { modulusLength: 2048 }),
  generateKeyPairSync('ed25519'),
].map((k) => k.publicKey.export({ format: 'der', type: 'spki' }));

const PRINTABLE_CHARS = fc.constantFrom(...'ABCXYZabcxyz0189 \'()+,-./:=?'.split(''));
const attribute: fc.Arbitrary<NameAttributeInput> = fc.oneof(
  fc.record({ type: fc.constantFrom(OID.commonName, OID.organizationName, OID.organizationalUnitName, OID.localityName), value: fc.string({ minLength: 1, maxLength: 40, unit: 'grapheme' }), encoding: fc.constant('utf8' as const) }),
  fc.record({ type: fc.constantFrom(OID.commonName, OID.serialNumber, OID.organizationName), value: fc.string({ minLength: 1, maxLength: 40, unit: PRINTABLE_CHARS }), encoding: fc.constant('printable' as const) }),
  fc.record({ type: fc.constantFrom(OID.emailAddress, OID.domainComponent), value: fc.string({ minLength: 1, maxLength: 40, unit: fc.constantFrom(...'abc.@-_0'.split('')) }), encoding: fc.constant('ia5' as const) }),
  fc.record({ type: fc.constant(OID.countryName), value: fc.constantFrom('DE', 'FR', 'US'), encoding: fc.constant('printable' as const) }),
);
const rdns = fc.array(fc.array(attribute, { minLength: 1, maxLength: 3 }), { maxLength: 6 });

function theirAttribute(a: NameAttributeInput): AttributeTypeAndValue {
  const value =
    a.encoding === 'utf8' ? new AttributeValue({ utf8String: a.value }) : a.encoding === 'printable' ? new AttributeValue({ printableString: a.value }) : new AttributeValue({ ia5String: a.value });
  return new AttributeTypeAndValue({ type: a.type, value });
}

/** The asn1-x509 Name; SET OF members are put in DER order (X.690 11.6), which asn1-schema leaves to the caller. */
function theirName(model: readonly (readonly NameAttributeInput[])[]): Name {
  return new Name(
    model.map((rdn) => {
      const atvs = rdn.map(theirAttribute);
      atvs.sort((x, y) => Buffer.compare(Buffer.from(AsnConvert.serialize(x)), Buffer.from(AsnConvert.serialize(y))));
      return new RelativeDistinguishedName(atvs);
    }),
  );
}

const dnsName = fc.constantFrom('agent-1.fleet.example', 'a.b', '*.svc.example', 'xn--bcher-kva.example', 'host');
const ipAddr = fc.oneof(
  fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((p) => p.join('.')),
  fc.constantFrom('2001:db8::1', '::1', 'fe80::1:2:3:4', '2001:db8:1:2:3:4:5:6'),
);
const sans: fc.Arbitrary<SubjectAltNames> = fc.record({
  dns: fc.uniqueArray(dnsName, { maxLength: 3 }),
  ip: fc.uniqueArray(ipAddr, { maxLength: 2 }),
  email: fc.uniqueArray(fc.constantFrom('ops@fleet.example', 'a.b@c.example'), { maxLength: 2 }),
  uri: fc.uniqueArray(fc.constantFrom('spiffe://fleet/agent/1', 'https://fleet.example/a?b=c'), { maxLength: 2 }),
});

const wholeSecond = (min: string, max: string): fc.Arbitrary<Date> =>
  fc.date({ min: new Date(min), max: new Date(max), noInvalidDate: true }).map((d) => new Date(Math.floor(d.getTime() / 1000) * 1000));

const KU_FLAGS: Record<KeyUsageName, number> = {
  digitalSignature: KeyUsageFlags.digitalSignature,
  nonRepudiation: KeyUsageFlags.nonRepudiation,
  keyEncipherment: KeyUsageFlags.keyEncipherment,
  dataEncipherment: KeyUsageFlags.dataEncipherment,
  keyAgreement: KeyUsageFlags.keyAgreement,
  keyCertSign: KeyUsageFlags.keyCertSign,
  cRLSign: KeyUsageFlags.cRLSign,
  encipherOnly: KeyUsageFlags.encipherOnly,
  decipherOnly: KeyUsageFlags.decipherOnly,
};

function theirExtension(id: string, critical: boolean, value: unknown): Extension {
  return new Extension({ extnID: id, critical, extnValue: new OctetString(AsnConvert.serialize(value)) });
}

/** The extensions a profile asks for, built with asn1-x509, in the order the profile documents. */
function theirExtensions(p: ProfileName, spki: Uint8Array, s: SubjectAltNames, subjectIsEmpty: boolean, ski: Uint8Array, aki: Uint8Array, pathLen: number | undefined): Extension[] {
  const profile = PROFILES[p];
  const key = readSubjectPublicKey(spki, readRoot(spki, 0x30, 'spki')).description;
  const out: Extension[] = [];
  if (profile.ca) out.push(theirExtension(OID.basicConstraints, true, new BasicConstraints({ cA: true, ...(pathLen === undefined ? {} : { pathLenConstraint: pathLen }) })));
  out.push(theirExtension(OID.keyUsage, true, new KeyUsage(profile.keyUsage(key).reduce((f, u) => f | KU_FLAGS[u], 0))));
  if (profile.extendedKeyUsage.length) out.push(theirExtension(OID.extKeyUsage, false, new ExtendedKeyUsage([...profile.extendedKeyUsage])));
  if (s.dns.length + s.ip.length + s.email.length + s.uri.length > 0) {
    const names = [
      ...s.email.map((rfc822Name) => new GeneralName({ rfc822Name })),
      ...s.dns.map((dNSName) => new GeneralName({ dNSName })),
      ...s.uri.map((uniformResourceIdentifier) => new GeneralName({ uniformResourceIdentifier })),
      ...s.ip.map((iPAddress) => new GeneralName({ iPAddress })),
    ];
    out.push(theirExtension(OID.subjectAltName, subjectIsEmpty, new SubjectAlternativeName(names)));
  }
  out.push(theirExtension(OID.subjectKeyIdentifier, false, new SubjectKeyIdentifier(ab(ski))));
  out.push(theirExtension(OID.authorityKeyIdentifier, false, new AuthorityKeyIdentifier({ keyIdentifier: new KeyIdentifier(ab(aki)) })));
  if (profile.ocspNoCheck) out.push(new Extension({ extnID: OID.ocspNoCheck, critical: false, extnValue: new OctetString(new Uint8Array([5, 0])) }));
  return out;
}

function theirAlgorithm(der: Uint8Array): AlgorithmIdentifier {
  return AsnConvert.parse(der, AlgorithmIdentifier);
}

const model = fc.record({
  serial: fc.uint8Array({ minLength: 1, maxLength: 20 }).filter((b) => b.some((x) => x !== 0)),
  algorithm: fc.constantFrom(...KEY_ALGORITHMS),
  issuer: rdns.filter((r) => r.length > 0),
  subject: rdns,
  notBefore: wholeSecond('1950-01-01T00:00:00Z', '2060-12-31T23:59:59Z'),
  notAfter: wholeSecond('1950-01-01T00:00:00Z', '9999-12-31T23:59:59Z'),
  spki: fc.constantFrom(...SPKIS),
  profile: fc.constantFrom(...PROFILE_NAMES),
  sans,
  pathLen: fc.option(fc.nat(40), { nil: undefined }),
  ski: fc.uint8Array({ minLength: 20, maxLength: 20 }),
  aki: fc.uint8Array({ minLength: 1, maxLength: 32 }),
});

describe('TBSCertificate DER is byte-for-byte what @peculiar/asn1-schema serializes', () => {
  it('for thousands of random certificates of every profile', () => {
    fc.assert(
      fc.property(model, (m) => {
        const profile = PROFILES[m.profile];
        const issuerDer = encodeName(m.issuer);
        const subjectDer = encodeName(m.subject);
        const sigAlg = caSignatureAlgorithm(m.algorithm).algorithmIdentifier;
        const pathLen = profile.ca ? m.pathLen : undefined;
        const key = readSubjectPublicKey(m.spki, readRoot(m.spki, 0x30, 'spki')).description;
        const ours = encodeTbsCertificate({
          serial: m.serial,
          signatureAlgorithm: sigAlg,
          issuerDer,
          notBefore: m.notBefore,
          notAfter: m.notAfter,
          subjectDer,
          spkiDer: m.spki,
          extensions: certificateExtensions({
            profile,
            key,
            sans: m.sans,
            subjectIsEmpty: m.subject.length === 0,
            subjectKeyId: m.ski,
            authorityKeyIdExtension: authorityKeyIdentifierExtension(m.aki),
            pathLen,
          }),
        });

        let start = 0;
        while (m.serial[start] === 0) start++;
        const magnitude = m.serial.subarray(start);
        const serialContent = (magnitude[0] as number) & 0x80 ? Buffer.concat([Buffer.from([0]), magnitude]) : magnitude;
        const tbs = new TBSCertificate({
          version: Version.v3,
          serialNumber: ab(serialContent),
          signature: theirAlgorithm(sigAlg),
          issuer: theirName(m.issuer),
          // Validity wraps each Date in a Time, choosing UTCTime or GeneralizedTime itself.
          validity: new Validity({ notBefore: m.notBefore, notAfter: m.notAfter }),
          subject: theirName(m.subject),
          subjectPublicKeyInfo: AsnConvert.parse(m.spki, SubjectPublicKeyInfo),
          extensions: new Extensions(theirExtensions(m.profile, m.spki, m.sans, m.subject.length === 0, m.ski, m.aki, pathLen)),
        });
        expect(hex(ours)).toBe(hex(AsnConvert.serialize(tbs)));

        const signature = randomBytes(64);
        const cert = new Certificate({ tbsCertificate: tbs, signatureAlgorithm: theirAlgorithm(sigAlg), signatureValue: ab(signature) });
        expect(hex(encodeSignedStructure(ours, sigAlg, signature))).toBe(hex(AsnConvert.serialize(cert)));
      }),
      { numRuns: 2000 },
    );
  });

  it('signature AlgorithmIdentifiers match RFC 5758 / RFC 4055 / RFC 8410 encodings', () => {
    expect(hex(caSignatureAlgorithm('ecdsa-p256').algorithmIdentifier)).toBe('300a06082a8648ce3d040302');
    expect(hex(caSignatureAlgorithm('ecdsa-p384').algorithmIdentifier)).toBe('300a06082a8648ce3d040303');
    expect(hex(caSignatureAlgorithm('rsa-3072').algorithmIdentifier)).toBe('300d06092a864886f70d01010b0500');
    expect(hex(caSignatureAlgorithm('ed25519').algorithmIdentifier)).toBe('300506032b6570');
  });
});
