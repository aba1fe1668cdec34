import { DomainError } from '../errors.ts';
import { open, seal } from './aead.ts';

/**
 * Private keys are wrapped again inside the encrypted database (AES-256-GCM,
 * a fresh nonce per key, the key id as associated data so a wrapped key cannot
 * be moved to another key's row). They are unwrapped only to sign.
 */
export function wrapPrivateKey(wrapKey: Uint8Array, keyId: string, pkcs8: Uint8Array): { nonce: Buffer; wrapped: Buffer } {
  const s = seal(wrapKey, pkcs8, Buffer.from(`airgap-ca/v1/private-key/${keyId}`));
  return { nonce: s.nonce, wrapped: s.ciphertext };
}

export function unwrapPrivateKey(wrapKey: Uint8Array, keyId: string, nonce: Uint8Array, wrapped: Uint8Array): Buffer {
  const pkcs8 = open(wrapKey, { nonce: Buffer.from(nonce), ciphertext: Buffer.from(wrapped) }, Buffer.from(`airgap-ca/v1/private-key/${keyId}`));
  if (!pkcs8) {
    throw new DomainError('KEY_UNHEALTHY', `The private key of ${keyId} does not unwrap: its stored form is damaged. Restore the vault from a backup.`);
  }
  return pkcs8;
}
