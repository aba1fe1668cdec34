/**
 * The one way the CA signs: every signature (self-signed roots, requests,
 * link certificates, single and batch issuance, CRLs, export manifests,
 * audit checkpoints) is made by a Signer. A Signer returns the encoding
 * X.509 and `openssl dgst -verify` want (DER ECDSA-Sig-Value, RSASSA-PKCS1-v1_5
 * with the algorithm's digest, raw Ed25519) whatever holds the key: the vault
 * (software, node:crypto over the unwrapped PKCS#8) or a PKCS#11 token
 * (core/token/pkcs11-signer.ts). Callers verify what it returns with the
 * stored public key before they use it (signAndVerify here, Issuer#sign for
 * certificates and CRLs).
 */
import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { DomainError } from '../errors.ts';
import { ALGORITHMS } from '../pki/algorithms.ts';
import type { KeyAlgorithm } from '../pki/algorithms.ts';
import { toBytes } from '../asn1/bytes.ts';

/** Where a token key lives, as the vault records it; enough for another thread to open its own session. */
export interface TokenKeySpec {
  readonly kind: 'pkcs11';
  readonly modulePath: string;
  /** The token's serial number (CK_TOKEN_INFO serialNumber, trimmed): it, not the label, picks the token. */
  readonly tokenSerial: string;
  readonly tokenLabel: string;
  /** CKA_ID, lowercase hex. */
  readonly ckaId: string;
  readonly algorithm: KeyAlgorithm;
  readonly spki: Uint8Array;
  /** The user PIN, in memory only: never stored, logged or put in an environment. */
  readonly pin: string;
}

export interface SoftwareKeySpec {
  readonly kind: 'software';
  readonly pkcs8: Uint8Array;
  readonly algorithm: KeyAlgorithm;
}

/** A cloneable description of a signer (a worker thread opens its own from it). */
export type SignerSpec = SoftwareKeySpec | TokenKeySpec;

export interface Signer {
  readonly algorithm: KeyAlgorithm;
  /** Where the private key lives. */
  readonly kind: 'software' | 'pkcs11';
  /** The SubjectPublicKeyInfo DER of the key that signs (the software key's own; the token's public key object's). */
  readonly spki: Uint8Array;
  /** Sign `data` with the algorithm's digest; the X.509 encoding of the signature. */
  sign(data: Uint8Array): Buffer;
  /** What a worker thread needs to open a signer of its own for this key. */
  spec(): SignerSpec;
  /** Release what the signer holds (a session, key bytes). */
  close(): void;
}

export function isSigner(x: unknown): x is Signer {
  return typeof x === 'object' && x !== null && typeof (x as Signer).sign === 'function' && typeof (x as Signer).spec === 'function';
}

/** Today's signer: the PKCS#8 unwrapped from the vault, imported once. */
export class SoftwareSigner implements Signer {
  readonly kind = 'software' as const;
  readonly algorithm: KeyAlgorithm;
  readonly spki: Uint8Array;
  readonly #key: KeyObject;
  readonly #pkcs8: Uint8Array | null;

  /** `pkcs8` (bytes, kept for spec() until close()) or an already imported private key. */
  constructor(algorithm: KeyAlgorithm, key: Uint8Array | KeyObject) {
    this.algorithm = algorithm;
    try {
      this.#key = key instanceof Uint8Array ? createPrivateKey({ key: Buffer.from(key.buffer, key.byteOffset, key.length), format: 'der', type: 'pkcs8' }) : key;
    } catch (e) {
      throw new DomainError('KEY_UNHEALTHY', 'The private key is not a readable PKCS#8 key: the stored key is damaged.', e instanceof Error ? e.name : 'unknown');
    }
    this.#pkcs8 = key instanceof Uint8Array ? key : null;
    this.spki = toBytes(createPublicKey(this.#key).export({ type: 'spki', format: 'der' }));
  }

  sign(data: Uint8Array): Buffer {
    return sign(ALGORITHMS[this.algorithm].nodeDigest, data, this.#key);
  }

  spec(): SoftwareKeySpec {
    const pkcs8 = this.#pkcs8 ?? toBytes(this.#key.export({ type: 'pkcs8', format: 'der' }));
    return { kind: 'software', pkcs8: new Uint8Array(pkcs8), algorithm: this.algorithm };
  }

  close(): void {
    // The bytes are the caller's (the store zeroes what it unwrapped); the KeyObject goes with this object.
  }
}

/** A signer for `key`: a Signer as it is, PKCS#8 bytes or a KeyObject as a software signer. */
export function asSigner(algorithm: KeyAlgorithm, key: Uint8Array | KeyObject | Signer): Signer {
  return isSigner(key) ? key : new SoftwareSigner(algorithm, key);
}

/** Does `signature` over `data` verify with `spki` under the key's algorithm? Never throws. */
export function verifiesWith(algorithm: KeyAlgorithm, spki: Uint8Array, data: Uint8Array, signature: Uint8Array): boolean {
  try {
    return verify(ALGORITHMS[algorithm].nodeDigest, data, createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' }), signature);
  } catch {
    return false;
  }
}

/**
 * A detached signature (export manifests, audit checkpoints), checked with the
 * stored public key before anyone sees it: a token that signs with another key,
 * or a damaged signature, is refused here and nothing is written.
 */
export function signAndVerify(signer: Signer, expectedSpki: Uint8Array, data: Uint8Array, what: string): Buffer {
  const signature = signer.sign(data);
  if (!verifiesWith(signer.algorithm, expectedSpki, data, signature)) {
    throw new DomainError('SIGNATURE_SELF_CHECK_FAILED', `The signature of the ${what} did not verify with the key's stored public key; nothing was written. Run "key show" to check the key's health.`);
  }
  return signature;
}

/** A key as the key ceremonies take it: the unwrapped PKCS#8 (tests, older callers) or the key's Signer. */
export interface SigningKeyInput {
  pkcs8?: Uint8Array | undefined;
  signer?: Signer | undefined;
}

/**
 * The Signer of `input`, which must belong to `spki` (KEY_UNHEALTHY with
 * `mismatch` otherwise): a stored private key that is not the record's would
 * sign certificates nobody can verify.
 */
export function signerFor(algorithm: KeyAlgorithm, input: SigningKeyInput, spki: Uint8Array, mismatch: string): Signer {
  const signer = input.signer ?? (input.pkcs8 ? new SoftwareSigner(algorithm, input.pkcs8) : null);
  if (!signer) throw new DomainError('INTERNAL', 'No key was given to sign with.');
  if (!Buffer.from(signer.spki).equals(Buffer.from(spki))) throw new DomainError('KEY_UNHEALTHY', mismatch);
  return signer;
}
