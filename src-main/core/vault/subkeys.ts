import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

/**
 * Every use of the vault key gets its own subkey (HKDF-SHA256, RFC 5869), so
 * that the database cipher, the header MAC, the key commitment, private-key
 * wrapping and backups never share key material.
 */
export type SubkeyPurpose = 'database' | 'header-mac' | 'key-commitment' | 'private-keys' | 'backup';

export const VAULT_KEY_BYTES = 32;

export function deriveSubkey(vaultKey: Uint8Array, purpose: SubkeyPurpose): Buffer {
  return Buffer.from(hkdfSync('sha256', vaultKey, new Uint8Array(0), `airgap-ca/v1/${purpose}`, 32));
}

export function hmac(key: Uint8Array, data: string | Uint8Array): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

/** The header's commitment to the vault key: proves an unwrapped or reconstructed key is the right one. */
export function keyCommitment(vaultKey: Uint8Array, vaultId: string): string {
  return hmac(deriveSubkey(vaultKey, 'key-commitment'), `vault:${vaultId}`).toString('base64url');
}

export function constantTimeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
