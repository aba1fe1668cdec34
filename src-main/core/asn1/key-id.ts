/**
 * The key id that names a signing key everywhere (vault, audit, media,
 * trust anchors): "sha256:" + lowercase hex SHA-256 over the
 * SubjectPublicKeyInfo DER. Computed here only, so every place agrees.
 */
import { createHash } from 'node:crypto';

export function keyIdOf(spkiDer: Uint8Array): string {
  return 'sha256:' + createHash('sha256').update(spkiDer).digest('hex');
}
