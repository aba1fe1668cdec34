/**
 * trust-anchor.json: the public keys a receiving side checks the package
 * signature against.
 *
 *   { "active_key_id": "sha256:…",
 *     "keys": [ { "key_id", "algorithm", "public_key" (base64url SPKI DER),
 *                 "valid_from", "trusted_until"?, "state" } ] }
 *
 * key_id = "sha256:" + lowercase hex SHA-256 of the SPKI DER
 * (docs/architecture.md, "Keys"). Signatures are node:crypto sign() output: DER ECDSA
 * (RFC 3279 section 2.2.3), RSASSA-PKCS1-v1_5 (RFC 8017 section 8.2),
 * raw Ed25519 (RFC 8032) — what `openssl dgst -verify` / `pkeyutl -verify`
 * check.
 */
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { ALGORITHMS, KEY_ALGORITHMS, type KeyAlgorithm } from '../pki/algorithms.ts';
import { KEY_STATES } from '../ca/key-state.ts';
import { KEY_ID_RE } from '../asn1/key-id.ts';

export const trustAnchorKeySchema = z.object({
  key_id: z.string().regex(KEY_ID_RE),
  algorithm: z.enum(KEY_ALGORITHMS),
  public_key: z.string().regex(/^[A-Za-z0-9_-]+$/).max(4096),
  valid_from: z.iso.datetime(),
  trusted_until: z.iso.datetime().nullable().optional(),
  state: z.enum(KEY_STATES),
});

export const trustAnchorSchema = z.object({
  active_key_id: z.string().regex(KEY_ID_RE),
  keys: z.array(trustAnchorKeySchema).min(1).max(1000),
});

export type TrustAnchor = z.infer<typeof trustAnchorSchema>;
export type TrustAnchorKey = z.infer<typeof trustAnchorKeySchema>;


/** The trust-anchor.json bytes for the given keys (two-space JSON, final newline). */
export function serializeTrustAnchor(anchor: TrustAnchor): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(anchor, null, 2) + '\n');
}

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
