/**
 * Lint of a to-be-signed certificate before it is signed, in the manner of
 * Let's Encrypt's ceremony tool: the TBSCertificate is read back from its DER
 * (not from the inputs it was built from) and checked against the RFC 5280
 * rules that apply to what we issue. Any finding refuses issuance with
 * LINT_FAILED naming the rule.
 */
import { DomainError } from '../errors.ts';
import {
  readAuthorityKeyIdentifier,
  readBasicConstraints,
  readExtendedKeyUsage,
  readKeyUsage,
  readOctetStringValue,
  readTbsCertificate,
} from '../asn1/certificate-reader.ts';
import type { ExtensionField, TbsCertificateView } from '../asn1/certificate-reader.ts';
import { bytesEqual } from '../asn1/bytes.ts';
import { DerError, readRoot } from '../asn1/der-reader.ts';
import { usesUtcTime } from '../asn1/der-writer.ts';
import { NameError, parseName } from '../asn1/name.ts';
import { keyIdentifier } from './key-identifier.ts';
import { OID } from '../asn1/oids.ts';
import type { Profile } from './profiles.ts';
import { KEY_USAGE_BIT } from './profiles.ts';
import { SanError, readSubjectAltNames } from './subject-alt-names.ts';
import { KeyError, readSubjectPublicKey } from './subject-public-key.ts';
import type { SubjectPublicKey } from './subject-public-key.ts';

export interface LintIssuer {
  readonly subjectDer: Uint8Array;
  readonly keyId: Uint8Array;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly signatureAlgorithm: Uint8Array;
}

export interface LintExpectations {
  readonly profile: Profile;
  readonly issuer: LintIssuer;
  /** basicConstraints pathLenConstraint expected on a CA profile. */
  readonly pathLen?: number | undefined;
  /**
   * The subjectKeyIdentifier the certificate must carry. Absent: the RFC 7093
   * identifier every certificate the Issuer signs uses. Roots keep the RFC 5280
   * method-1 (SHA-1) identifier they were first published with, and a link
   * certificate repeats the new root's, so chains already in the field still match.
   */
  readonly subjectKeyId?: Uint8Array | undefined;
}

/** Names of the rules, each one RFC 5280 requirement (or RFC 6960 for ocsp-nocheck). */
export const LINT_RULES = [
  'version-v3',
  'serial-positive',
  'serial-size',
  'serial-entropy',
  'signature-algorithm-matches-issuer',
  'issuer-name-matches-issuer',
  'validity-order',
  'validity-encoding',
  'validity-within-issuer',
  'subject-encoding',
  'ca-subject-not-empty',
  'unique-ids-absent',
  'public-key-allowed',
  'extensions-unique',
  'extension-der-default',
  'extension-known',
  'basic-constraints',
  'key-usage',
  'extended-key-usage',
  'subject-alt-name',
  'subject-key-identifier',
  'authority-key-identifier',
  'ocsp-nocheck',
] as const;
export type LintRule = (typeof LINT_RULES)[number];

class Finding extends Error {
  readonly rule: LintRule;
  constructor(rule: LintRule, message: string) {
    super(message);
    this.rule = rule;
  }
}

function check(condition: boolean, rule: LintRule, message: string): asserts condition {
  if (!condition) throw new Finding(rule, message);
}

const KNOWN_EXTENSIONS = new Set<string>([
  OID.basicConstraints,
  OID.keyUsage,
  OID.extKeyUsage,
  OID.subjectAltName,
  OID.subjectKeyIdentifier,
  OID.authorityKeyIdentifier,
  OID.ocspNoCheck,
]);

function lintExtensions(tbs: TbsCertificateView, x: LintExpectations, subjectIsEmpty: boolean, key: SubjectPublicKey): void {
  const keyType = key.description.type;
  const byId = new Map<string, ExtensionField>();
  for (const e of tbs.extensions) {
    // RFC 5280 4.2: "A certificate MUST NOT include more than one instance of a particular extension."
    check(!byId.has(e.id), 'extensions-unique', `extension ${e.id} appears twice`);
    byId.set(e.id, e);
    // X.690 11.5: a DEFAULT value (critical FALSE) is not encoded in DER.
    check(!e.explicitFalse, 'extension-der-default', `extension ${e.id} encodes critical FALSE`);
    check(KNOWN_EXTENSIONS.has(e.id), 'extension-known', `extension ${e.id} is not one this CA issues`);
  }
  const p = x.profile;

  // RFC 5280 4.2.1.9: CA certificates MUST carry basicConstraints, critical, with cA TRUE;
  // pathLenConstraint only where cA is TRUE and keyCertSign is asserted.
  const bc = byId.get(OID.basicConstraints);
  if (p.ca) {
    check(bc !== undefined && bc.critical, 'basic-constraints', 'a CA certificate needs a critical basicConstraints');
    const v = readBasicConstraints(bc.value);
    check(v.ca, 'basic-constraints', 'cA must be TRUE in a CA certificate');
    check(v.pathLen === x.pathLen, 'basic-constraints', `pathLenConstraint is ${v.pathLen}, expected ${x.pathLen}`);
  } else if (bc) {
    const v = readBasicConstraints(bc.value);
    check(!v.ca && v.pathLen === undefined, 'basic-constraints', 'an end-entity certificate must not assert cA or a path length');
  }

  // RFC 5280 4.2.1.3: keyUsage SHOULD be critical, at least one bit set; keyCertSign only with cA TRUE.
  const ku = byId.get(OID.keyUsage);
  check(ku !== undefined && ku.critical, 'key-usage', 'keyUsage must be present and critical');
  const usage = readKeyUsage(ku.value);
  check(usage.bits.size > 0, 'key-usage', 'keyUsage asserts no bit');
  const last = usage.bytes[usage.bytes.length - 1] as number;
  // X.690 11.2.2: a named bit list drops trailing zero bits.
  check(((last >> usage.unusedBits) & 1) === 1, 'key-usage', 'keyUsage BIT STRING keeps trailing zero bits');
  const expected = new Set<number>(p.keyUsage(key.description).map((u) => KEY_USAGE_BIT[u]));
  check(usage.bits.size === expected.size && [...usage.bits].every((b) => expected.has(b)), 'key-usage', `keyUsage does not match the ${p.name} profile`);
  check(!usage.bits.has(KEY_USAGE_BIT.keyCertSign) || p.ca, 'key-usage', 'keyCertSign without cA TRUE');
  check(
    keyType !== 'rsa' || !usage.bits.has(KEY_USAGE_BIT.keyAgreement),
    'key-usage',
    'keyAgreement on an RSA key',
  );
  check(
    keyType === 'rsa' || (!usage.bits.has(KEY_USAGE_BIT.keyEncipherment) && !usage.bits.has(KEY_USAGE_BIT.dataEncipherment)),
    'key-usage',
    'encipherment on a key that cannot encrypt',
  );

  const eku = byId.get(OID.extKeyUsage);
  if (p.extendedKeyUsage.length === 0) {
    check(eku === undefined, 'extended-key-usage', `the ${p.name} profile has no extendedKeyUsage`);
  } else {
    check(eku !== undefined && !eku.critical, 'extended-key-usage', 'extendedKeyUsage missing or critical');
    const purposes = readExtendedKeyUsage(eku.value);
    check(purposes.length === p.extendedKeyUsage.length && purposes.every((o, i) => o === p.extendedKeyUsage[i]), 'extended-key-usage', `extendedKeyUsage does not match the ${p.name} profile`);
  }

  // RFC 5280 4.2.1.6: an empty subject needs a critical subjectAltName; otherwise it SHOULD NOT be critical.
  const san = byId.get(OID.subjectAltName);
  if (san) {
    check(san.critical === subjectIsEmpty, 'subject-alt-name', subjectIsEmpty ? 'subjectAltName must be critical when the subject is empty' : 'subjectAltName must not be critical when the subject is set');
    try {
      readSubjectAltNames(san.value);
    } catch (e) {
      if (e instanceof SanError) throw new Finding('subject-alt-name', e.message);
      throw e;
    }
  } else {
    check(!subjectIsEmpty, 'subject-alt-name', 'an empty subject needs a subjectAltName');
    check(!p.sanRequired, 'subject-alt-name', `the ${p.name} profile requires a subjectAltName`);
  }

  // RFC 5280 4.2.1.2: SKI MUST be present in CA certificates, SHOULD in end entities, and MUST NOT be critical.
  const ski = byId.get(OID.subjectKeyIdentifier);
  check(ski !== undefined && !ski.critical, 'subject-key-identifier', 'subjectKeyIdentifier missing or critical');
  check(bytesEqual(readOctetStringValue(ski.value, 'SubjectKeyIdentifier'), x.subjectKeyId ?? keyIdentifier(key.keyBits)), 'subject-key-identifier', x.subjectKeyId ? 'subjectKeyIdentifier is not the expected key identifier' : 'subjectKeyIdentifier is not the RFC 7093 identifier of the subject key');

  // RFC 5280 4.2.1.1: AKI MUST be present (not self-signed), MUST NOT be critical, keyIdentifier from the issuer's SKI.
  const aki = byId.get(OID.authorityKeyIdentifier);
  check(aki !== undefined && !aki.critical, 'authority-key-identifier', 'authorityKeyIdentifier missing or critical');
  const akiValue = readAuthorityKeyIdentifier(aki.value);
  check(akiValue.keyId !== undefined && !akiValue.otherFields, 'authority-key-identifier', 'authorityKeyIdentifier must hold the key identifier only');
  check(bytesEqual(akiValue.keyId, x.issuer.keyId), 'authority-key-identifier', "authorityKeyIdentifier is not the issuer's key identifier");

  // RFC 6960 4.2.2.2.1: id-pkix-ocsp-nocheck with a NULL value on OCSP signers.
  const noCheck = byId.get(OID.ocspNoCheck);
  if (p.ocspNoCheck) {
    check(noCheck !== undefined && !noCheck.critical && bytesEqual(noCheck.value, Buffer.from([5, 0])), 'ocsp-nocheck', 'ocsp-nocheck must be present, non-critical, NULL');
  } else {
    check(noCheck === undefined, 'ocsp-nocheck', `ocsp-nocheck does not belong in a ${p.name} certificate`);
  }
}

function lint(tbsDer: Uint8Array, x: LintExpectations): void {
  let tbs: TbsCertificateView;
  try {
    tbs = readTbsCertificate(tbsDer, readRoot(tbsDer, 0x30, 'TBSCertificate'));
  } catch (e) {
    if (e instanceof DerError) throw new Finding('version-v3', `TBSCertificate does not read back: ${e.message}`);
    throw e;
  }
  // RFC 5280 4.1.2.1: extensions require v3.
  check(tbs.version === 2, 'version-v3', 'version is not v3');
  // RFC 5280 4.1.2.2: positive, at most 20 octets; entropy of at least 64 bits (CA/B BR 7.1).
  const s = tbs.serial;
  check(((s[0] as number) & 0x80) === 0 && !(s.length === 1 && s[0] === 0), 'serial-positive', 'serial number is not positive');
  check(s.length <= 20, 'serial-size', 'serial number is longer than 20 octets');
  check(s.length >= 8, 'serial-entropy', 'serial number is shorter than 64 bits');
  // RFC 5280 4.1.1.2: signatureAlgorithm and tbsCertificate.signature MUST be the same.
  check(bytesEqual(tbs.signatureAlgorithm, x.issuer.signatureAlgorithm), 'signature-algorithm-matches-issuer', "signature algorithm is not the issuer's");
  // RFC 5280 4.1.2.4 / 6.1.3 (a)(4): name chaining compares issuer with the issuer's subject.
  check(bytesEqual(tbs.issuerDer, x.issuer.subjectDer), 'issuer-name-matches-issuer', "issuer name is not the issuer certificate's subject");
  check(tbs.notBefore < tbs.notAfter, 'validity-order', 'notBefore is not before notAfter');
  // RFC 5280 4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050.
  for (const [d, tag] of [
    [tbs.notBefore, tbs.notBeforeTag],
    [tbs.notAfter, tbs.notAfterTag],
  ] as const) {
    check((tag === 0x17) === usesUtcTime(d), 'validity-encoding', `${d.toISOString()} is encoded as the wrong Time type`);
  }
  check(tbs.notBefore >= x.issuer.notBefore && tbs.notAfter <= x.issuer.notAfter, 'validity-within-issuer', "validity is not inside the issuer's validity");
  let subjectIsEmpty: boolean;
  try {
    subjectIsEmpty = parseName(tbsDer, tbs.subjectNode).rdns.length === 0;
  } catch (e) {
    if (e instanceof NameError) throw new Finding('subject-encoding', e.message);
    throw e;
  }
  // RFC 5280 4.1.2.6: a CA's subject MUST be a non-empty distinguished name.
  check(!(x.profile.ca && subjectIsEmpty), 'ca-subject-not-empty', 'a CA certificate needs a subject');
  check(!tbs.hasUniqueIds, 'unique-ids-absent', 'unique identifiers MUST NOT be generated (RFC 5280 4.1.2.8)');
  let key: SubjectPublicKey;
  try {
    key = readSubjectPublicKey(tbsDer, tbs.spkiNode);
  } catch (e) {
    if (e instanceof KeyError) throw new Finding('public-key-allowed', e.message);
    throw e;
  }
  lintExtensions(tbs, x, subjectIsEmpty, key);
}

/** Lint a TBSCertificate; throws LINT_FAILED naming the first rule broken. */
export function lintTbsCertificate(tbsDer: Uint8Array, expectations: LintExpectations): void {
  try {
    lint(tbsDer, expectations);
  } catch (e) {
    if (e instanceof Finding) {
      throw new DomainError('LINT_FAILED', `The certificate was not signed: lint rule ${e.rule} failed (${e.message}).`, e.rule);
    }
    if (e instanceof DerError) {
      throw new DomainError('LINT_FAILED', `The certificate was not signed: an extension does not read back (${e.message}).`, 'extension-der');
    }
    throw e;
  }
}
