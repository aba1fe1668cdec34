/**
 * The signing-key algorithms a CA key may have, and how each is used with
 * WebCrypto and with node:crypto. RSA CA keys sign with RSASSA-PKCS1-v1_5 and
 * SHA-256 (RFC 4055 section 5 / RFC 8017), the widest-supported choice for
 * certificates and CRLs; ECDSA uses the hash matching the curve size
 * (RFC 5480 section 4).
 */
import type { KeyAlgorithm } from './key-algorithm-names.ts';

export { KEY_ALGORITHMS, isKeyAlgorithm, type KeyAlgorithm } from './key-algorithm-names.ts';

import type { webcrypto } from 'node:crypto';

export interface AlgorithmInfo {
  /** For crypto.subtle.generateKey / importKey. */
  webcryptoImport: { name: string; namedCurve?: string; hash?: string };
  webcryptoGenerate: webcrypto.RsaHashedKeyGenParams | webcrypto.EcKeyGenParams | { name: 'Ed25519' };
  /** For crypto.subtle.sign and @peculiar/x509's signingAlgorithm. */
  webcryptoSign: { name: string; hash?: string };
  /** For node:crypto sign(): the digest name, or null for Ed25519. */
  nodeDigest: 'sha256' | 'sha384' | null;
}

const RSA_E = new Uint8Array([1, 0, 1]);

export const ALGORITHMS: Record<KeyAlgorithm, AlgorithmInfo> = {
  'ecdsa-p256': {
    webcryptoImport: { name: 'ECDSA', namedCurve: 'P-256' },
    webcryptoGenerate: { name: 'ECDSA', namedCurve: 'P-256' },
    webcryptoSign: { name: 'ECDSA', hash: 'SHA-256' },
    nodeDigest: 'sha256',
  },
  'ecdsa-p384': {
    webcryptoImport: { name: 'ECDSA', namedCurve: 'P-384' },
    webcryptoGenerate: { name: 'ECDSA', namedCurve: 'P-384' },
    webcryptoSign: { name: 'ECDSA', hash: 'SHA-384' },
    nodeDigest: 'sha384',
  },
  'rsa-3072': {
    webcryptoImport: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
    webcryptoGenerate: { name: 'RSASSA-PKCS1-v1_5', modulusLength: 3072, publicExponent: RSA_E, hash: 'SHA-256' },
    webcryptoSign: { name: 'RSASSA-PKCS1-v1_5' },
    nodeDigest: 'sha256',
  },
  'rsa-4096': {
    webcryptoImport: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
    webcryptoGenerate: { name: 'RSASSA-PKCS1-v1_5', modulusLength: 4096, publicExponent: RSA_E, hash: 'SHA-256' },
    webcryptoSign: { name: 'RSASSA-PKCS1-v1_5' },
    nodeDigest: 'sha256',
  },
  ed25519: {
    webcryptoImport: { name: 'Ed25519' },
    webcryptoGenerate: { name: 'Ed25519' },
    webcryptoSign: { name: 'Ed25519' },
    nodeDigest: null,
  },
};
