/**
 * The extensions of a certificate we issue (RFC 5280 4.2), written as DER.
 * Order: basicConstraints, keyUsage, extKeyUsage, subjectAltName,
 * subjectKeyIdentifier, authorityKeyIdentifier, ocsp-nocheck.
 */
import { boolean, implicit, integer, namedBitString, nullValue, octetString, oid, sequence } from '../asn1/der-writer.ts';
import { OID } from '../asn1/oids.ts';
import type { Profile } from './profiles.ts';
import { KEY_USAGE_BIT } from './profiles.ts';
import type { KeyUsageName } from './profiles.ts';
import { encodeGeneralNames, sanCount } from './subject-alt-names.ts';
import type { SubjectAltNames } from './subject-alt-names.ts';
import type { KeyDescription } from './subject-public-key.ts';

/** Extension ::= SEQUENCE { extnID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING }; DER omits a FALSE default. */
export function extension(id: string, critical: boolean, value: Uint8Array): Buffer {
  return critical ? sequence(oid(id), boolean(true), octetString(value)) : sequence(oid(id), octetString(value));
}

export function keyUsageValue(usages: readonly KeyUsageName[]): Buffer {
  return namedBitString(usages.map((u) => KEY_USAGE_BIT[u]));
}

/** basicConstraints of a CA: cA TRUE, the optional pathLenConstraint; RFC 5280 4.2.1.9: CAs MUST mark it critical. */
export function caBasicConstraintsExtension(pathLen: number | undefined): Buffer {
  const fields = [boolean(true)];
  if (pathLen !== undefined) fields.push(integer(pathLen));
  return extension(OID.basicConstraints, true, sequence(...fields));
}

/** RFC 5280 4.2.1.6: with an empty subject the extension MUST be critical. */
export function subjectAltNameExtension(sans: SubjectAltNames, critical: boolean): Buffer {
  return extension(OID.subjectAltName, critical, encodeGeneralNames(sans));
}

/** RFC 5280 4.2.1.2: "Conforming CAs MUST mark this extension as non-critical." */
export function subjectKeyIdentifierExtension(keyId: Uint8Array): Buffer {
  return extension(OID.subjectKeyIdentifier, false, octetString(keyId));
}

/** AuthorityKeyIdentifier with keyIdentifier [0] only (RFC 5280 4.2.1.1). */
export function authorityKeyIdentifierExtension(issuerKeyId: Uint8Array): Buffer {
  // RFC 5280 4.2.1.1: "Conforming CAs MUST mark this extension as non-critical."
  return extension(OID.authorityKeyIdentifier, false, sequence(implicit(0, issuerKeyId)));
}

export interface ExtensionInputs {
  readonly profile: Profile;
  readonly key: KeyDescription;
  readonly sans: SubjectAltNames;
  readonly subjectIsEmpty: boolean;
  readonly subjectKeyId: Uint8Array;
  /** The issuer's prebuilt AKI extension (authorityKeyIdentifierExtension). */
  readonly authorityKeyIdExtension: Uint8Array;
  /** basicConstraints pathLenConstraint for a CA profile. */
  readonly pathLen?: number | undefined;
}

// keyUsage and extKeyUsage depend only on the profile and the key type: built once each.
const usageCache = new Map<string, Buffer[]>();

function usageExtensions(profile: Profile, key: KeyDescription): Buffer[] {
  const cacheKey = `${profile.name}/${key.type}`;
  let cached = usageCache.get(cacheKey);
  if (!cached) {
    // RFC 5280 4.2.1.3: "conforming CAs SHOULD mark this extension as critical."
    cached = [extension(OID.keyUsage, true, keyUsageValue(profile.keyUsage(key)))];
    if (profile.extendedKeyUsage.length > 0) cached.push(extension(OID.extKeyUsage, false, sequence(...profile.extendedKeyUsage.map(oid))));
    usageCache.set(cacheKey, cached);
  }
  return cached;
}

export function certificateExtensions(x: ExtensionInputs): Uint8Array[] {
  const out: Uint8Array[] = [];
  if (x.profile.ca) out.push(caBasicConstraintsExtension(x.pathLen));
  out.push(...usageExtensions(x.profile, x.key));
  if (sanCount(x.sans) > 0) out.push(subjectAltNameExtension(x.sans, x.subjectIsEmpty));
  out.push(subjectKeyIdentifierExtension(x.subjectKeyId));
  out.push(x.authorityKeyIdExtension);
  if (x.profile.ocspNoCheck) {
    // RFC 6960 4.2.2.2.1: the value of the extension SHALL be NULL.
    out.push(extension(OID.ocspNoCheck, false, nullValue()));
  }
  return out;
}
