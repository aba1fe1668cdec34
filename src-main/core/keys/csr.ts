/**
 * The PKCS#10 request (RFC 2986) a draft key sends to a corporate root to
 * become its sub-CA. The CA extensions ride in the extensionRequest attribute
 * (PKCS#9, RFC 2985 section 5.4.2) so the corporate CA can copy them; the
 * chain import checks afterwards that it really did. This module only checks
 * the key and chooses the fields: the request is written by the one PKCS#10
 * writer, `core/issuance/certification-request.ts`, with the extension
 * encoders and signature algorithms the Issuer uses.
 */
import type { KeyAlgorithm } from '../pki/algorithms.ts';
import { DomainError } from '../errors.ts';
import { encodeDistinguishedName } from '../asn1/name.ts';
import { bytesEqual, toBytes } from '../asn1/bytes.ts';
import { readRoot } from '../asn1/der-reader.ts';
import { toPem } from '../asn1/pem.ts';
import { algorithmOfSpki, assertAlgorithm } from './key-material.ts';
import { signerFor } from '../signing/signer.ts';
import type { Signer } from '../signing/signer.ts';
import { checkPathLength } from './ca-extensions.ts';
import { buildCertificationRequest } from '../issuance/certification-request.ts';
import { parseAndVerifyCsr } from '../issuance/csr-intake.ts';
import { caBasicConstraintsExtension, extension, keyUsageValue, subjectKeyIdentifierExtension } from '../issuance/certificate-extensions.ts';
import { caSignatureAlgorithm } from '../issuance/signature-algorithms.ts';
import { rootKeyIdentifier } from '../issuance/key-identifier.ts';
import { readSubjectPublicKey } from '../issuance/subject-public-key.ts';
import { OID } from '../asn1/oids.ts';

export type CsrFormat = 'pem' | 'der';

export interface CsrInput {
  algorithm: KeyAlgorithm;
  /** The draft's PKCS#8, used for this one signature; or its Signer (vault or token). */
  pkcs8?: Uint8Array;
  signer?: Signer;
  /** The draft's SPKI as stored with the key record. */
  spki: Uint8Array;
  /** RFC 4514 string, e.g. "CN=Acme Agents Issuing CA,O=Acme,C=DE". */
  subject: string;
  /** Requested pathLenConstraint; absent requests none (the corporate CA decides). */
  pathLength?: number;
}

export interface SubCaRequest {
  der: Uint8Array;
  /** "CERTIFICATE REQUEST" PEM (RFC 7468 section 7). */
  pem: string;
}

/**
 * Build and sign the sub-CA request. Throws INVALID_SUBJECT, INVALID_INPUT
 * (pathLength), UNSUPPORTED_ALGORITHM, KEY_UNHEALTHY (key unreadable, not
 * the SPKI's, or not of the record's algorithm), SIGNATURE_SELF_CHECK_FAILED.
 */
// async so that every refusal arrives as a rejection, as callers await it.
export async function createSubCaRequest(input: CsrInput): Promise<SubCaRequest> {
  const subjectDer = encodeDistinguishedName(input.subject);
  const pathLength = checkPathLength(input.pathLength);
  const signer = signerFor(input.algorithm, input, input.spki, 'The stored private key does not belong to this key\'s public key; the key record is damaged. Do not use this key.');
  assertAlgorithm(input.algorithm);
  if (algorithmOfSpki(input.spki) !== input.algorithm) {
    throw new DomainError('KEY_UNHEALTHY', `The private key does not import as ${input.algorithm}: the stored key is damaged or of another algorithm. Run "key show" to check the key's health.`);
  }
  // Method 1 (SHA-1) like our roots' SKI: what the corporate CA is asked to copy.
  const keyBits = readSubjectPublicKey(input.spki, readRoot(input.spki, 0x30, 'SubjectPublicKeyInfo')).keyBits;
  const der = buildCertificationRequest({
    subjectDer,
    privateKey: signer,
    signature: caSignatureAlgorithm(input.algorithm),
    extensions: [caBasicConstraintsExtension(pathLength), extension(OID.keyUsage, true, keyUsageValue(['keyCertSign', 'cRLSign'])), subjectKeyIdentifierExtension(rootKeyIdentifier(keyBits))],
  });
  // Self-check: the request must verify before anyone carries it out of the
  // room; the one request reader checks its signature with the key it holds.
  try {
    if (!bytesEqual(parseAndVerifyCsr(der).spkiDer, input.spki)) throw new Error('the request holds another public key');
  } catch (e) {
    throw new DomainError('SIGNATURE_SELF_CHECK_FAILED', 'The request does not verify with the key\'s public key, so it was discarded. Run the key health check.', e instanceof Error ? e.message : String(e));
  }
  const bytes = toBytes(der);
  return { der: bytes, pem: toPem(bytes, 'CERTIFICATE REQUEST') };
}

/** The bytes to write for the chosen --format. */
export function encodeRequest(req: SubCaRequest, format: CsrFormat): Uint8Array {
  return format === 'der' ? req.der : new TextEncoder().encode(req.pem);
}
