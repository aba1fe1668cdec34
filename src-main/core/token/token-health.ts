/**
 * Is a token key usable now? The module loads, the token the vault recorded
 * (by serial) is present, the key is on it, and — with the PIN — it signs a
 * fresh message that verifies with the public key the vault stores. Each way
 * it can fail has its own code and a message that says what to do; the check
 * changes nothing, on the token or in the vault.
 */
import { randomBytes } from 'node:crypto';
import { isDomainError } from '../errors.ts';
import type { ErrorCode } from '../errors.ts';
import type { KeyAlgorithm } from '../pki/algorithms.ts';
import { verifiesWith } from '../signing/signer.ts';
import { TokenSession } from './pkcs11.ts';

export interface TokenKeyCheck {
  /** OK: present and signs; UNCHECKED: present, signing not tried (no PIN); else why not. */
  readonly status: 'OK' | 'UNCHECKED' | ErrorCode;
  readonly message: string;
  /** The key signed and the signature verified with the stored public key. */
  readonly signs: boolean;
}

export interface TokenKeyRef {
  /** Resolves the module path (throws TOKEN_MODULE_MISSING when none is configured). */
  readonly modulePath: () => string;
  readonly tokenSerial: string;
  readonly tokenLabel: string;
  readonly ckaId: string;
  readonly algorithm: KeyAlgorithm;
  readonly spki: Uint8Array;
  readonly pin: string | undefined;
}

export function checkTokenKey(ref: TokenKeyRef): TokenKeyCheck {
  let session: TokenSession | null = null;
  try {
    session = new TokenSession(ref.modulePath(), { serial: ref.tokenSerial }, ref.pin);
    const id = Buffer.from(ref.ckaId, 'hex');
    if (ref.pin === undefined) {
      const spki = session.publicKeySpki(id);
      if (spki && !Buffer.from(spki).equals(Buffer.from(ref.spki))) {
        return { status: 'TOKEN_KEY_MISSING', message: `The key with CKA_ID ${ref.ckaId} on token "${ref.tokenLabel}" is another key than the vault recorded: it was replaced. Do not use this key.`, signs: false };
      }
      const where = spki ? 'its public key is on the token' : 'the token is present';
      return { status: 'UNCHECKED', message: `Key on token "${ref.tokenLabel}" (serial ${ref.tokenSerial}): ${where}; give the PIN (--pin-file FILE or AIRGAP_CA_PIN) to check that it signs.`, signs: false };
    }
    const key = session.privateKey(id);
    const message = randomBytes(32);
    const ok = verifiesWith(ref.algorithm, ref.spki, message, session.sign(key, ref.algorithm, message));
    if (!ok) return { status: 'TOKEN_KEY_MISSING', message: `The key with CKA_ID ${ref.ckaId} on token "${ref.tokenLabel}" signs, but not as the vault's public key: it was replaced. Do not use this key.`, signs: false };
    return { status: 'OK', message: `On token "${ref.tokenLabel}" (serial ${ref.tokenSerial}); it signs.`, signs: true };
  } catch (e) {
    if (!isDomainError(e)) throw e;
    return { status: e.code, message: e.message, signs: false };
  } finally {
    session?.close();
  }
}
