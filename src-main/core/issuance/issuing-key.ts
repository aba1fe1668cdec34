import { DomainError } from '../errors.ts';
import type { SigningKeyRecord, SigningKeyStore } from '../store/signing-key-store.ts';

/** The CA's active key with its certificate: what every issuance signs with. */
export function activeIssuingKey(keys: SigningKeyStore): SigningKeyRecord & { certificate: Buffer } {
  const k = keys.active();
  if (!k) throw new DomainError('NO_ACTIVE_KEY', 'There is no active signing key to issue with. Create a key, give it a certificate and activate it first.');
  if (!k.certificate) throw new DomainError('KEY_NO_CERTIFICATE', `The active key "${k.name}" has no certificate.`);
  return k as SigningKeyRecord & { certificate: Buffer };
}
