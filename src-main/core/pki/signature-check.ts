/**
 * Checking a detached signature made by node:crypto sign(): DER ECDSA
 * (RFC 3279 section 2.2.3), RSASSA-PKCS1-v1_5 (RFC 8017 section 8.2), raw
 * Ed25519 (RFC 8032) — what `openssl dgst -verify` / `pkeyutl -verify` check.
 * Used for export manifests and audit checkpoints.
 */
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { ALGORITHMS, type KeyAlgorithm } from './algorithms.ts';

/** Does the key object really have the declared algorithm? A mismatch means the anchor lies about its key. */
export function keyMatchesAlgorithm(key: KeyObject, algorithm: KeyAlgorithm): boolean {
  const d = key.asymmetricKeyDetails ?? {};
  switch (algorithm) {
    case 'ecdsa-p256':
      return key.asymmetricKeyType === 'ec' && d.namedCurve === 'prime256v1';
    case 'ecdsa-p384':
      return key.asymmetricKeyType === 'ec' && d.namedCurve === 'secp384r1';
    case 'rsa-3072':
      return key.asymmetricKeyType === 'rsa' && d.modulusLength === 3072;
    case 'rsa-4096':
      return key.asymmetricKeyType === 'rsa' && d.modulusLength === 4096;
    case 'ed25519':
      return key.asymmetricKeyType === 'ed25519';
  }
}

/** Verify a detached node:crypto signature; false (never a throw) on any malformed input. */
export function verifyDetached(algorithm: KeyAlgorithm, key: KeyObject, data: Uint8Array, signature: Uint8Array): boolean {
  try {
    return verify(ALGORITHMS[algorithm].nodeDigest, data, key, signature);
  } catch {
    return false;
  }
}

export function publicKeyFromBase64url(b64: string): { spki: Uint8Array; key: KeyObject } {
  const spki = new Uint8Array(Buffer.from(b64, 'base64url'));
  const key = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
  return { spki, key };
}
