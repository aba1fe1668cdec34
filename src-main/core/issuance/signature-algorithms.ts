/**
 * Signature AlgorithmIdentifiers: the one a CA key signs with (RFC 5480 3,
 * RFC 4055 5, RFC 8410 3), and the ones we accept on a request's proof of
 * possession.
 */
import type { KeyAlgorithm } from '../pki/algorithms.ts';
import { ALGORITHMS } from '../pki/algorithms.ts';
import { nullValue, oid, sequence } from '../asn1/der-writer.ts';
import { OID } from '../asn1/oids.ts';
import type { KeyDescription } from './subject-public-key.ts';

export interface CaSignatureAlgorithm {
  /** The full AlgorithmIdentifier DER, as it appears in tbsCertificate.signature and Certificate.signatureAlgorithm. */
  readonly algorithmIdentifier: Buffer;
  /** Digest for node:crypto sign()/verify(), or null for Ed25519. */
  readonly digest: 'sha256' | 'sha384' | null;
}

export function caSignatureAlgorithm(algorithm: KeyAlgorithm): CaSignatureAlgorithm {
  const digest = ALGORITHMS[algorithm].nodeDigest;
  switch (algorithm) {
    case 'ecdsa-p256':
      // RFC 5758 3.2: the parameters field MUST be absent for ECDSA.
      return { algorithmIdentifier: sequence(oid(OID.ecdsaWithSha256)), digest };
    case 'ecdsa-p384':
      return { algorithmIdentifier: sequence(oid(OID.ecdsaWithSha384)), digest };
    case 'rsa-3072':
    case 'rsa-4096':
      // RFC 4055 5: the parameters MUST be NULL for sha256WithRSAEncryption.
      return { algorithmIdentifier: sequence(oid(OID.sha256WithRSA), nullValue()), digest };
    case 'ed25519':
      // RFC 8410 3: parameters MUST be absent.
      return { algorithmIdentifier: sequence(oid(OID.ed25519)), digest };
  }
}

/** A request's signature algorithm that fits its key, or a reason it does not. */
export type RequestSignatureCheck =
  | { ok: true; digest: 'sha256' | 'sha384' | 'sha512' | null }
  | { ok: false; problem: 'unsupported' | 'mismatch'; message: string };

const RSA_DIGESTS: Record<string, 'sha256' | 'sha384' | 'sha512'> = {
  [OID.sha256WithRSA]: 'sha256',
  [OID.sha384WithRSA]: 'sha384',
  [OID.sha512WithRSA]: 'sha512',
};
const ECDSA_DIGESTS: Record<string, 'sha256' | 'sha384' | 'sha512'> = {
  [OID.ecdsaWithSha256]: 'sha256',
  [OID.ecdsaWithSha384]: 'sha384',
  [OID.ecdsaWithSha512]: 'sha512',
};

/**
 * SHA-1 and MD5 based signatures are refused as unsupported: a proof of
 * possession over a broken hash proves little.
 */
/** The digest of a signature algorithm we can verify (null for Ed25519), or undefined for one we cannot. */
export function signatureDigest(algorithm: string): 'sha256' | 'sha384' | 'sha512' | null | undefined {
  if (algorithm === OID.ed25519) return null;
  return RSA_DIGESTS[algorithm] ?? ECDSA_DIGESTS[algorithm];
}

export function requestSignatureAlgorithm(algorithm: string, hasParams: boolean, paramsIsNull: boolean, key: KeyDescription): RequestSignatureCheck {
  const rsa = RSA_DIGESTS[algorithm];
  if (rsa) {
    if (key.type !== 'rsa') return { ok: false, problem: 'mismatch', message: 'RSA signature over a non-RSA key' };
    if (hasParams && !paramsIsNull) return { ok: false, problem: 'mismatch', message: 'RSA signature parameters must be NULL' };
    return { ok: true, digest: rsa };
  }
  const ec = ECDSA_DIGESTS[algorithm];
  if (ec) {
    if (key.type !== 'ec') return { ok: false, problem: 'mismatch', message: 'ECDSA signature over a non-EC key' };
    if (hasParams) return { ok: false, problem: 'mismatch', message: 'ECDSA signature with parameters' };
    return { ok: true, digest: ec };
  }
  if (algorithm === OID.ed25519) {
    if (key.type !== 'ed25519') return { ok: false, problem: 'mismatch', message: 'Ed25519 signature over a non-Ed25519 key' };
    if (hasParams) return { ok: false, problem: 'mismatch', message: 'Ed25519 signature with parameters' };
    return { ok: true, digest: null };
  }
  return { ok: false, problem: 'unsupported', message: `signature algorithm ${algorithm} is not accepted` };
}
