/**
 * The PKCS#10 request (RFC 2986) a draft key sends to a corporate root to
 * become its sub-CA. The CA extensions ride in the extensionRequest attribute
 * (PKCS#9, RFC 2985 section 5.4.2) so the corporate CA can copy them; the
 * chain import checks afterwards that it really did.
 */
import type { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import type { KeyAlgorithm } from '../pki/algorithms.ts';
import { subtleCrypto } from '../pki/crypto-provider.ts';
import { DomainError } from '../errors.ts';
import { encodeDistinguishedName } from '../asn1/name.ts';
import { bytesEqual, toBytes } from '../asn1/bytes.ts';
import { toPem } from '../asn1/pem.ts';
import { importSigningKey, importVerifyKey, signingParams, spkiOfPrivateKey } from './key-material.ts';
import { caBasicConstraints, caKeyUsage } from './ca-extensions.ts';

export type CsrFormat = 'pem' | 'der';

export interface CsrInput {
  algorithm: KeyAlgorithm;
  /** The draft's PKCS#8, used for this one signature. */
  pkcs8: Uint8Array;
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
 * (pathLength), UNSUPPORTED_ALGORITHM, KEY_UNHEALTHY (key unreadable or not
 * the SPKI's), SIGNATURE_SELF_CHECK_FAILED.
 */
export async function createSubCaRequest(input: CsrInput): Promise<SubCaRequest> {
  const name = new x509.Name(encodeDistinguishedName(input.subject));
  const basic = caBasicConstraints(input.pathLength);
  if (!bytesEqual(spkiOfPrivateKey(input.pkcs8), input.spki)) {
    throw new DomainError('KEY_UNHEALTHY', 'The stored private key does not belong to this key\'s public key; the key record is damaged. Do not use this key.');
  }
  const privateKey = await importSigningKey(input.algorithm, input.pkcs8);
  const publicKey = await importVerifyKey(input.algorithm, input.spki);
  const ski = await x509.SubjectKeyIdentifierExtension.create(input.spki, false, subtleCrypto);
  const csr = await x509.Pkcs10CertificateRequestGenerator.create(
    {
      name,
      keys: { privateKey, publicKey },
      signingAlgorithm: signingParams(input.algorithm) as webcrypto.Algorithm,
      extensions: [basic, caKeyUsage(), ski],
    },
    subtleCrypto,
  );
  // Self-check: the request must verify before anyone carries it out of the room.
  if (!(await csr.verify(subtleCrypto))) {
    throw new DomainError('SIGNATURE_SELF_CHECK_FAILED', 'The request does not verify with the key\'s public key, so it was discarded. Run the key health check.');
  }
  const der = toBytes(csr.rawData);
  return { der, pem: toPem(der, 'CERTIFICATE REQUEST') };
}

/** The bytes to write for the chosen --format. */
export function encodeRequest(req: SubCaRequest, format: CsrFormat): Uint8Array {
  return format === 'der' ? req.der : new TextEncoder().encode(req.pem);
}
