import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** AES-256-GCM with a random 96-bit nonce (NIST SP 800-38D 8.2.2); the tag is appended to the ciphertext. */
export interface Sealed {
  nonce: Buffer;
  ciphertext: Buffer;
}

const TAG_LENGTH = 16;

export function seal(key: Uint8Array, plaintext: Uint8Array, aad: Uint8Array, nonce: Buffer = randomBytes(12)): Sealed {
  const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_LENGTH });
  cipher.setAAD(aad);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  return { nonce, ciphertext: body };
}

/** Returns null when the key, nonce, AAD or ciphertext do not match: callers decide which error that is. */
export function open(key: Uint8Array, sealed: Sealed, aad: Uint8Array): Buffer | null {
  if (sealed.nonce.length !== 12 || sealed.ciphertext.length < TAG_LENGTH) return null;
  const body = sealed.ciphertext.subarray(0, sealed.ciphertext.length - TAG_LENGTH);
  const tag = sealed.ciphertext.subarray(sealed.ciphertext.length - TAG_LENGTH);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, sealed.nonce, { authTagLength: TAG_LENGTH });
    decipher.setAAD(aad);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]);
  } catch {
    return null;
  }
}
