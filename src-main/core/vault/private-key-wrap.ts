import { DomainError } from '../errors.ts';
import type { Db } from './database.ts';
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

/** A rekey: every private key in the database unwrapped under the old wrap key and wrapped under the new one. Returns how many. */
export function rewrapPrivateKeys(db: Db, from: Uint8Array, to: Uint8Array): number {
  // A key on a token has nothing wrapped here (empty blobs): there is nothing to rewrap.
  const rows = db.prepare('SELECT id, wrapped_private_key AS w, wrap_nonce AS n FROM signing_keys WHERE length(wrapped_private_key) > 0 ORDER BY id').all() as Array<{ id: string; w: Buffer; n: Buffer }>;
  const update = db.prepare('UPDATE signing_keys SET wrapped_private_key = ?, wrap_nonce = ? WHERE id = ?');
  for (const r of rows) {
    const pkcs8 = unwrapPrivateKey(from, r.id, r.n, r.w);
    try {
      const { nonce, wrapped } = wrapPrivateKey(to, r.id, pkcs8);
      update.run(wrapped, nonce, r.id);
    } finally {
      pkcs8.fill(0);
    }
  }
  return rows.length;
}
