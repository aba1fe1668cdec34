import { CertificateStore } from '../../core/store/certificate-store.ts';
import { SigningKeyStore } from '../../core/store/signing-key-store.ts';
import type { Vault } from '../../core/vault/vault.ts';

/** The repositories of an unlocked vault. */
export function storesOf(v: Vault): { keys: SigningKeyStore; certs: CertificateStore } {
  return { keys: new SigningKeyStore(v), certs: new CertificateStore(v.db) };
}
