/**
 * A standalone root: the draft key certifies itself, through the one signing
 * path (Issuer.selfSigned -> issueCaCertificate: lint, sign, re-verify).
 *
 * Profile (RFC 5280):
 * - basicConstraints cA=TRUE, critical, optional pathLenConstraint (4.2.1.9:
 *   "Conforming CAs MUST include this extension in all CA certificates ...
 *   and MUST mark the extension as critical").
 * - keyUsage keyCertSign + cRLSign, critical (4.2.1.3).
 * - subjectKeyIdentifier (4.2.1.2: MUST appear in all conforming CA
 *   certificates), method 1: SHA-1 of the subjectPublicKey bits.
 * - authorityKeyIdentifier with keyIdentifier only, equal to the SKI (4.2.1.1:
 *   MAY be omitted in a self-signed certificate, but keeping it lets a chain
 *   builder match a link certificate and the root by key id alone).
 */
import type { KeyAlgorithm } from '../pki/algorithms.ts';
import type { Clock } from '../clock.ts';
import { DAY_MS } from '../clock.ts';
import { DomainError, rethrowAs } from '../errors.ts';
import { encodeDistinguishedName } from '../asn1/name.ts';
import { readRoot } from '../asn1/der-reader.ts';
import type { RandomBytes } from '../asn1/serial.ts';
import { signerFor } from '../signing/signer.ts';
import type { Signer } from '../signing/signer.ts';
import { checkPathLength } from './ca-extensions.ts';
import { Issuer } from '../issuance/issuer.ts';
import type { SignedCertificate } from '../issuance/issuer.ts';
import { rootKeyIdentifier } from '../issuance/key-identifier.ts';
import { readSubjectPublicKey } from '../issuance/subject-public-key.ts';
import { truncateToSecond } from '../issuance/validity-window.ts';

export const DEFAULT_ROOT_DAYS = 3650;
export const MAX_CERT_DAYS = 36500;

export interface SelfSignInput {
  algorithm: KeyAlgorithm;
  /** The draft's PKCS#8 as unwrapped from the vault, used for this signature only; or its Signer (vault or token). */
  pkcs8?: Uint8Array;
  signer?: Signer;
  /** The draft's SPKI as stored with the key record. */
  spki: Uint8Array;
  /** RFC 4514 string, e.g. "CN=Acme Agents CA,O=Acme,C=DE". */
  subject: string;
  /** Validity in days from now (default DEFAULT_ROOT_DAYS). */
  days?: number;
  /** basicConstraints pathLenConstraint; absent means unlimited. */
  pathLength?: number;
  clock: Clock;
  /** The serial number's random source; the CSPRNG when absent. */
  random?: RandomBytes;
}

export function checkDays(days: number): number {
  if (!Number.isInteger(days) || days < 1 || days > MAX_CERT_DAYS) {
    throw new DomainError('INVALID_INPUT', `The validity must be a whole number of days from 1 to ${MAX_CERT_DAYS}, not ${String(days)}.`);
  }
  return days;
}

/** The method-1 subjectKeyIdentifier a root of ours carries, from its SPKI DER. */
export function rootKeyIdOfSpki(spki: Uint8Array): Buffer {
  return rethrowAs(
    'UNSUPPORTED_ALGORITHM',
    'The public key cannot be read.',
    () => rootKeyIdentifier(readSubjectPublicKey(spki, readRoot(spki, 0x30, 'SubjectPublicKeyInfo')).keyBits),
    Error,
  );
}

/**
 * Self-sign the draft key as a standalone root. NotBefore is the clock's now
 * (to the second); NotAfter is NotBefore + days.
 *
 * Throws INVALID_SUBJECT (subject string), INVALID_INPUT (days, pathLength),
 * UNSUPPORTED_ALGORITHM, KEY_UNHEALTHY (PKCS#8 unreadable or not the SPKI's
 * private key), LINT_FAILED (the certificate breaks a lint rule; nothing is
 * signed), SIGNATURE_SELF_CHECK_FAILED.
 */
export async function selfSignRoot(input: SelfSignInput): Promise<SignedCertificate> {
  const subjectDer = encodeDistinguishedName(input.subject);
  const days = checkDays(input.days ?? DEFAULT_ROOT_DAYS);
  const pathLen = checkPathLength(input.pathLength);
  const signer = signerFor(input.algorithm, input, input.spki, 'The stored private key does not belong to this key\'s public key; the key record is damaged. Do not use this key.');
  const notBefore = truncateToSecond(input.clock.now());
  const notAfter = new Date(notBefore.getTime() + days * DAY_MS);
  const keyId = rootKeyIdOfSpki(input.spki);
  const issuer = Issuer.selfSigned({ subjectDer, spkiDer: input.spki, keyId, notBefore, notAfter, pathLen, privateKey: signer, algorithm: input.algorithm, random: input.random });
  return issuer.issueCaCertificate({ subjectDer, spkiDer: input.spki, notBefore, notAfter, pathLen, subjectKeyId: keyId });
}
