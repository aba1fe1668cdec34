import { generateKeyPairSync } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { DomainError } from '../errors.ts';
import { authorityKeyIdentifierExtension, certificateExtensions, extension, keyUsageValue } from './certificate-extensions.ts';
import { LINT_RULES, lintTbsCertificate } from './certificate-lint.ts';
import type { LintRule } from './certificate-lint.ts';
import { boolean, explicit, implicit, integer, integerFromUnsigned, nullValue, octetString, oid, sequence, setOf, time, tlv } from '../asn1/der-writer.ts';
import { readRoot } from '../asn1/der-reader.ts';
import { encodeName } from '../asn1/name.ts';
import { keyIdentifier } from './key-identifier.ts';
import { NOW, makeTestCa, subjectName } from '../../testing/issuance-fixtures.ts';
import type { TestCa } from '../../testing/issuance-fixtures.ts';
import { OID } from '../asn1/oids.ts';
import { PROFILES } from './profiles.ts';
import type { ProfileName } from './profiles.ts';
import { NO_SANS } from './subject-alt-names.ts';
import type { SubjectAltNames } from './subject-alt-names.ts';
import { readSubjectPublicKey, subjectPublicKeyBits } from './subject-public-key.ts';

let ca: TestCa;
beforeAll(async () => {
  ca = await makeTestCa('ecdsa-p256');
});

const SPKI = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'der', type: 'spki' });
const RSA1024 = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'der', type: 'spki' });
const SERIAL = Buffer.from('4f' + '23'.repeat(15), 'hex');
const SANS: SubjectAltNames = { dns: ['svc.example'], ip: [], email: [], uri: [] };

interface Parts {
  profile: ProfileName;
  version: Buffer | null;
  serial: Buffer;
  signature: Buffer;
  issuer: Buffer;
  notBefore: Buffer;
  notAfter: Buffer;
  subject: Buffer;
  spki: Buffer;
  uniqueIds: Buffer[];
  extensions: Uint8Array[];
  pathLen?: number;
}

function spkiBits(spki: Buffer): Uint8Array {
  return subjectPublicKeyBits(spki, readRoot(spki, 0x30, 'spki'));
}

function validParts(profile: ProfileName, sans: SubjectAltNames = NO_SANS, spki: Buffer = SPKI, subject = subjectName('lint-me')): Parts {
  const pathLen = PROFILES[profile].ca ? 0 : undefined;
  return {
    profile,
    version: explicit(0, integer(2)),
    serial: integerFromUnsigned(SERIAL),
    signature: ca.issuer.signatureAlgorithm,
    issuer: Buffer.from(ca.issuer.subjectDer),
    notBefore: time(NOW),
    notAfter: time(new Date('2026-06-01T12:00:00Z')),
    subject,
    spki,
    uniqueIds: [],
    extensions: certificateExtensions({
      profile: PROFILES[profile],
      key: readSubjectPublicKey(spki, readRoot(spki, 0x30, 'spki')).description,
      sans,
      subjectIsEmpty: subject.length === 2,
      subjectKeyId: keyIdentifier(spkiBits(spki)),
      authorityKeyIdExtension: authorityKeyIdentifierExtension(ca.issuer.keyId),
      pathLen,
    }),
    ...(pathLen === undefined ? {} : { pathLen }),
  };
}

function encode(p: Parts): Buffer {
  return sequence(...(p.version ? [p.version] : []), p.serial, p.signature, p.issuer, sequence(p.notBefore, p.notAfter), p.subject, p.spki, ...p.uniqueIds, explicit(3, sequence(...p.extensions)));
}

function ruleBroken(p: Parts): string {
  try {
    lintTbsCertificate(encode(p), { profile: PROFILES[p.profile], issuer: ca.issuer, pathLen: p.pathLen });
    return 'passed';
  } catch (e) {
    if (e instanceof DomainError && e.code === 'LINT_FAILED') return e.detail ?? '?';
    throw e;
  }
}

function withExtension(p: Parts, id: string, replacement: Buffer | null): Parts {
  const idDer = oid(id);
  const extensions = p.extensions.flatMap((e) => (Buffer.from(e.buffer, e.byteOffset, e.length).includes(idDer) ? (replacement ? [replacement] : []) : [e]));
  return { ...p, extensions };
}

describe('lintTbsCertificate', () => {
  it.each(['agent', 'server', 'sub-ca', 'ocsp-signer'] as const)('passes what the %s profile builds', (profile) => {
    expect(ruleBroken(validParts(profile, SANS))).toBe('passed');
  });

  const cases: [string, () => Parts, LintRule][] = [
    ['version: absent (v1)', () => ({ ...validParts('agent'), version: null }), 'version-v3'],
    ['serial: negative', () => ({ ...validParts('agent'), serial: tlv(0x02, Buffer.from('8f' + '11'.repeat(15), 'hex')) }), 'serial-positive'],
    ['serial: zero', () => ({ ...validParts('agent'), serial: integer(0) }), 'serial-positive'],
    ['serial: 21 octets', () => ({ ...validParts('agent'), serial: integerFromUnsigned(Buffer.alloc(21, 0x11)) }), 'serial-size'],
    ['serial: 32 bits', () => ({ ...validParts('agent'), serial: integer(0x12345678) }), 'serial-entropy'],
    ['signature: not the issuer’s algorithm', () => ({ ...validParts('agent'), signature: sequence(oid(OID.ecdsaWithSha384)) }), 'signature-algorithm-matches-issuer'],
    ['issuer: another name', () => ({ ...validParts('agent'), issuer: subjectName('Someone Else CA') }), 'issuer-name-matches-issuer'],
    ['validity: notAfter before notBefore', () => ({ ...validParts('agent'), notAfter: time(new Date('2025-01-01T00:00:00Z')) }), 'validity-order'],
    ['validity: 2030 written as GeneralizedTime', () => ({ ...validParts('agent'), notAfter: tlv(0x18, Buffer.from('20300101000000Z')) }), 'validity-encoding'],
    ['validity: past the issuer’s NotAfter', () => ({ ...validParts('agent'), notAfter: time(new Date('2035-01-01T00:00:00Z')) }), 'validity-within-issuer'],
    ['subject: BMPString', () => ({ ...validParts('agent'), subject: sequence(setOf(sequence(oid(OID.commonName), tlv(0x1e, Buffer.from('0041', 'hex'))))) }), 'subject-encoding'],
    ['subject: empty on a CA', () => validParts('sub-ca', SANS, SPKI, sequence()), 'ca-subject-not-empty'],
    ['unique ids: issuerUniqueID present', () => ({ ...validParts('agent'), uniqueIds: [implicit(1, Buffer.from([0, 1]))] }), 'unique-ids-absent'],
    ['public key: RSA 1024', () => ({ ...validParts('agent'), spki: RSA1024 }), 'public-key-allowed'],
    ['extensions: keyUsage twice', () => {
      const p = validParts('agent');
      return { ...p, extensions: [...p.extensions, extension(OID.keyUsage, true, keyUsageValue(['digitalSignature']))] };
    }, 'extensions-unique'],
    ['extensions: critical FALSE written out', () => withExtension(validParts('agent'), OID.extKeyUsage, sequence(oid(OID.extKeyUsage), boolean(false), octetString(sequence(oid(OID.kpClientAuth))))), 'extension-der-default'],
    ['extensions: one this CA never issues', () => {
      const p = validParts('agent');
      return { ...p, extensions: [...p.extensions, extension('2.5.29.32', false, sequence())] };
    }, 'extension-known'],
    ['basicConstraints: missing on a CA', () => withExtension(validParts('sub-ca'), OID.basicConstraints, null), 'basic-constraints'],
    ['basicConstraints: not critical on a CA', () => withExtension(validParts('sub-ca'), OID.basicConstraints, extension(OID.basicConstraints, false, sequence(boolean(true), integer(0)))), 'basic-constraints'],
    ['basicConstraints: wrong path length', () => withExtension(validParts('sub-ca'), OID.basicConstraints, extension(OID.basicConstraints, true, sequence(boolean(true), integer(3)))), 'basic-constraints'],
    ['basicConstraints: cA on an end entity', () => {
      const p = validParts('agent');
      return { ...p, extensions: [extension(OID.basicConstraints, true, sequence(boolean(true))), ...p.extensions] };
    }, 'basic-constraints'],
    ['keyUsage: not critical', () => withExtension(validParts('agent'), OID.keyUsage, extension(OID.keyUsage, false, keyUsageValue(['digitalSignature']))), 'key-usage'],
    ['keyUsage: keyCertSign on an agent', () => withExtension(validParts('agent'), OID.keyUsage, extension(OID.keyUsage, true, keyUsageValue(['digitalSignature', 'keyCertSign']))), 'key-usage'],
    ['keyUsage: trailing zero bits kept', () => withExtension(validParts('agent'), OID.keyUsage, extension(OID.keyUsage, true, tlv(0x03, Buffer.from([0x00, 0x80])))), 'key-usage'],
    ['keyUsage: missing', () => withExtension(validParts('agent'), OID.keyUsage, null), 'key-usage'],
    ['extendedKeyUsage: serverAuth on an agent', () => withExtension(validParts('agent'), OID.extKeyUsage, extension(OID.extKeyUsage, false, sequence(oid(OID.kpServerAuth)))), 'extended-key-usage'],
    ['extendedKeyUsage: present on a CA', () => {
      const p = validParts('sub-ca');
      return { ...p, extensions: [...p.extensions, extension(OID.extKeyUsage, false, sequence(oid(OID.kpClientAuth)))] };
    }, 'extended-key-usage'],
    ['subjectAltName: missing on a server', () => withExtension(validParts('server', SANS), OID.subjectAltName, null), 'subject-alt-name'],
    ['subjectAltName: critical beside a subject', () => withExtension(validParts('server', SANS), OID.subjectAltName, extension(OID.subjectAltName, true, sequence(tlv(0x82, Buffer.from('svc.example'))))), 'subject-alt-name'],
    ['subjectKeyIdentifier: not the key’s', () => withExtension(validParts('agent'), OID.subjectKeyIdentifier, extension(OID.subjectKeyIdentifier, false, octetString(Buffer.alloc(20, 1)))), 'subject-key-identifier'],
    ['subjectKeyIdentifier: critical', () => withExtension(validParts('agent'), OID.subjectKeyIdentifier, extension(OID.subjectKeyIdentifier, true, octetString(keyIdentifier(spkiBits(SPKI))))), 'subject-key-identifier'],
    ['authorityKeyIdentifier: another issuer’s', () => withExtension(validParts('agent'), OID.authorityKeyIdentifier, authorityKeyIdentifierExtension(Buffer.alloc(20, 7))), 'authority-key-identifier'],
    ['authorityKeyIdentifier: with issuer and serial', () => withExtension(validParts('agent'), OID.authorityKeyIdentifier, extension(OID.authorityKeyIdentifier, false, sequence(implicit(0, ca.issuer.keyId), implicit(2, Buffer.from([1]))))), 'authority-key-identifier'],
    ['ocsp-nocheck: missing on an OCSP signer', () => withExtension(validParts('ocsp-signer'), OID.ocspNoCheck, null), 'ocsp-nocheck'],
    ['ocsp-nocheck: on an agent', () => {
      const p = validParts('agent');
      return { ...p, extensions: [...p.extensions, extension(OID.ocspNoCheck, false, nullValue())] };
    }, 'ocsp-nocheck'],
  ];

  it.each(cases)('%s', (_name, make, rule) => {
    expect(ruleBroken(make())).toBe(rule);
  });

  it('names every rule it can report', () => {
    const covered = new Set(cases.map((c) => c[2]));
    expect(LINT_RULES.filter((r) => !covered.has(r))).toEqual([]);
  });

  it('refuses with a message naming the rule', () => {
    expect(() => lintTbsCertificate(encode({ ...validParts('agent'), serial: integer(7) }), { profile: PROFILES.agent, issuer: ca.issuer })).toThrow(
      expect.objectContaining({ code: 'LINT_FAILED', message: expect.stringMatching(/lint rule serial-entropy failed/) }),
    );
  });

  it('passes an RSA server key with keyEncipherment', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'der', type: 'spki' });
    expect(ruleBroken(validParts('server', SANS, rsa))).toBe('passed');
  });

  it('uses the name encoder for subjects', () => {
    expect(ruleBroken({ ...validParts('agent'), subject: encodeName([[{ type: OID.commonName, value: 'x', encoding: 'printable' }]]) })).toBe('passed');
  });
});
