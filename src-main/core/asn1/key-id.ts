/**
 * The key id that names a signing key everywhere (vault, audit, media,
 * trust anchors): "sha256:" + lowercase hex SHA-256 over the
 * SubjectPublicKeyInfo DER. Computed here only, so every place agrees.
 */
import { createHash } from 'node:crypto';

export function keyIdOf(spkiDer: Uint8Array): string {
  return 'sha256:' + createHash('sha256').update(spkiDer).digest('hex');
}

/** A well-formed key id: "sha256:" + 64 lowercase hex digits. */
export const KEY_ID_RE = /^sha256:[0-9a-f]{64}$/;

export function isKeyId(s: string): boolean {
  return KEY_ID_RE.test(s);
}

/** A short fingerprint for messages: the key id's first 16 hex digits. */
export function shortKeyId(keyId: string): string {
  return keyId.startsWith('sha256:') ? keyId.slice(0, 7 + 16) : keyId;
}
