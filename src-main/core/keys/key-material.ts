/**
 * CA signing-key material: generation, the key id, and importing the PKCS#8
 * the vault unwraps. Private keys cross this API only as PKCS#8 DER bytes
 * (which the vault wraps at once) or as non-extractable CryptoKeys; nothing
 * here logs them or puts them in an error.
 */
import { createPrivateKey, createPublicKey } from 'node:crypto';
import type { KeyObject, webcrypto } from 'node:crypto';
import { ALGORITHMS, isKeyAlgorithm } from '../pki/algorithms.ts';
import type { KeyAlgorithm } from '../pki/algorithms.ts';
import { subtleCrypto } from '../pki/webcrypto.ts';
import { DomainError } from '../errors.ts';
import { toBytes } from '../asn1/bytes.ts';
import { keyIdOf } from '../asn1/key-id.ts';

export interface GeneratedKey {
  /** PKCS#8 DER of the private key: wrap it in the vault at once, never log or return it across the api boundary. */
  pkcs8: Uint8Array;
  /** SubjectPublicKeyInfo DER. */
  spki: Uint8Array;
  /** keyIdOf(spki). */
  keyId: string;
}

export function assertAlgorithm(alg: string): asserts alg is KeyAlgorithm {
  if (!isKeyAlgorithm(alg)) {
    throw new DomainError('UNSUPPORTED_ALGORITHM', `"${alg}" is not a supported key algorithm: use ecdsa-p256, ecdsa-p384, rsa-3072, rsa-4096 or ed25519.`);
  }
}

/**
 * A fresh CA key pair. The WebCrypto key is extractable only so that the
 * PKCS#8 can be exported once for wrapping; the CryptoKey objects are dropped
 * here and every later use re-imports the key as non-extractable.
 */
export async function generateSigningKey(alg: KeyAlgorithm): Promise<GeneratedKey> {
  assertAlgorithm(alg);
  const info = ALGORITHMS[alg];
  const pair = (await subtleCrypto.subtle.generateKey(info.webcryptoGenerate, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const pkcs8 = toBytes(await subtleCrypto.subtle.exportKey('pkcs8', pair.privateKey));
  const spki = toBytes(await subtleCrypto.subtle.exportKey('spki', pair.publicKey));
  return { pkcs8, spki, keyId: keyIdOf(spki) };
}


/** The private key as a non-extractable CryptoKey that can only sign. */
export async function importSigningKey(alg: KeyAlgorithm, pkcs8: Uint8Array): Promise<webcrypto.CryptoKey> {
  assertAlgorithm(alg);
  try {
    return await subtleCrypto.subtle.importKey('pkcs8', pkcs8, ALGORITHMS[alg].webcryptoImport, false, ['sign']);
  } catch (e) {
    // The cause may quote key bytes in some engines: keep only its class name.
    throw new DomainError('KEY_UNHEALTHY', `The private key does not import as ${alg}: the stored key is damaged or of another algorithm. Run "key show" to check the key's health.`, e instanceof Error ? e.name : 'unknown');
  }
}

/** The public key as a CryptoKey that can only verify. */
export async function importVerifyKey(alg: KeyAlgorithm, spki: Uint8Array): Promise<webcrypto.CryptoKey> {
  assertAlgorithm(alg);
  try {
    return await subtleCrypto.subtle.importKey('spki', spki, ALGORITHMS[alg].webcryptoImport, true, ['verify']);
  } catch (e) {
    throw new DomainError('KEY_UNHEALTHY', `The public key does not import as ${alg}.`, e instanceof Error ? e.message : String(e));
  }
}

/** The WebCrypto parameters to sign with a CA key of this algorithm (the hash is the one the curve or RSA policy asks for). */
export function signingParams(alg: KeyAlgorithm): { name: string; hash?: string } {
  return ALGORITHMS[alg].webcryptoSign;
}

/**
 * The SubjectPublicKeyInfo DER of a PKCS#8 private key, derived from the
 * private key itself: what the health check compares with the certificate.
 */
export function spkiOfPrivateKey(pkcs8: Uint8Array): Uint8Array {
  let priv: KeyObject;
  try {
    priv = createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' });
  } catch (e) {
    throw new DomainError('KEY_UNHEALTHY', 'The private key is not a readable PKCS#8 key: the stored key is damaged.', e instanceof Error ? e.name : 'unknown');
  }
  return toBytes(createPublicKey(priv).export({ type: 'spki', format: 'der' }));
}

/**
 * Which of our key algorithms an SPKI holds, or null if it is none of them
 * (a corporate root may well use another one; that is fine for an issuer but
 * not for one of our keys).
 */
export function algorithmOfSpki(spki: Uint8Array): KeyAlgorithm | null {
  let key: KeyObject;
  try {
    key = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
  } catch {
    return null;
  }
  const details = key.asymmetricKeyDetails ?? {};
  switch (key.asymmetricKeyType) {
    case 'ec':
      if (details.namedCurve === 'prime256v1') return 'ecdsa-p256';
      if (details.namedCurve === 'secp384r1') return 'ecdsa-p384';
      return null;
    case 'rsa':
      if (details.modulusLength === 3072) return 'rsa-3072';
      if (details.modulusLength === 4096) return 'rsa-4096';
      return null;
    case 'ed25519':
      return 'ed25519';
    default:
      return null;
  }
}
