/**
 * The Signer of a key on a PKCS#11 token: one logged-in session, the private
 * key found by its CKA_ID on the token whose serial the vault recorded. Each
 * thread (each batch worker) opens its own, so the token, not the app, is the
 * limit.
 */
import { DomainError } from '../errors.ts';
import { SoftwareSigner } from '../signing/signer.ts';
import type { Signer, SignerSpec, TokenKeySpec } from '../signing/signer.ts';
import { TokenSession } from './pkcs11.ts';

export class TokenSigner implements Signer {
  readonly kind = 'pkcs11' as const;
  readonly algorithm: TokenKeySpec['algorithm'];
  readonly spki: Uint8Array;
  readonly #spec: TokenKeySpec;
  readonly #session: TokenSession;
  readonly #key: Buffer;

  constructor(spec: TokenKeySpec) {
    this.#spec = spec;
    this.algorithm = spec.algorithm;
    this.spki = spec.spki;
    this.#session = new TokenSession(spec.modulePath, { serial: spec.tokenSerial }, spec.pin);
    try {
      this.#key = this.#session.privateKey(Buffer.from(spec.ckaId, 'hex'));
    } catch (e) {
      this.#session.close();
      throw e;
    }
  }

  sign(data: Uint8Array): Buffer {
    return this.#session.sign(this.#key, this.algorithm, data);
  }

  spec(): TokenKeySpec {
    return { ...this.#spec, spki: new Uint8Array(this.#spec.spki) };
  }

  close(): void {
    this.#session.close();
  }
}

/** A signer for a token key; TOKEN_PIN_REQUIRED when the caller has no PIN for it. */
export function openTokenSigner(spec: Omit<TokenKeySpec, 'pin'> & { pin: string | undefined }): TokenSigner {
  if (spec.pin === undefined) {
    throw new DomainError('TOKEN_PIN_REQUIRED', `Key on token "${spec.tokenLabel}" (serial ${spec.tokenSerial}) needs the token's user PIN: give --pin-file FILE or AIRGAP_CA_PIN, or run on a terminal to be asked (in the app: the PIN field).`);
  }
  return new TokenSigner({ ...spec, pin: spec.pin });
}

/** A signer of this thread's own from a spec another thread made (batch workers). */
export function openSigner(spec: SignerSpec): Signer {
  return spec.kind === 'pkcs11' ? new TokenSigner(spec) : new SoftwareSigner(spec.algorithm, spec.pkcs8);
}
