/**
 * SubjectPublicKeyInfo of a request: which keys a certificate may carry, and
 * the node:crypto key to check the request's signature with.
 *
 * Allowed: ECDSA on P-256, P-384, P-521 (RFC 5480, named curves only), RSA
 * from 2048 to 16384 bits (RFC 3279 2.3.1), Ed25519 (RFC 8410). Anything else
 * is refused before any cryptography runs.
 */
import { createPublicKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { DerError, children, content, integerContent, readBitString, readNode, readOid, whole } from '../asn1/der-reader.ts';
import type { DerNode } from '../asn1/der-reader.ts';
import { OID } from '../asn1/oids.ts';

export type KeyProblem = 'weak' | 'unsupported' | 'malformed';

export class KeyError extends Error {
  readonly problem: KeyProblem;
  constructor(problem: KeyProblem, message: string) {
    super(message);
    this.name = 'KeyError';
    this.problem = problem;
  }
}

export type EcCurve = 'P-256' | 'P-384' | 'P-521';

export interface KeyDescription {
  readonly type: 'ec' | 'rsa' | 'ed25519';
  /** Curve for EC keys, else null. */
  readonly curve: EcCurve | null;
  /** Modulus size for RSA, field size for EC, 256 for Ed25519. */
  readonly bits: number;
  /** Short label such as `ecdsa-p256`, `rsa-3072`, `ed25519`. */
  readonly label: string;
}

export interface SubjectPublicKey {
  readonly description: KeyDescription;
  /** The whole SubjectPublicKeyInfo DER. */
  readonly spkiDer: Uint8Array;
  /** The subjectPublicKey BIT STRING's octets (what key identifiers hash). */
  readonly keyBits: Uint8Array;
}

const CURVES: Record<string, { curve: EcCurve; bits: number; coordinate: number }> = {
  [OID.p256]: { curve: 'P-256', bits: 256, coordinate: 32 },
  [OID.p384]: { curve: 'P-384', bits: 384, coordinate: 48 },
  [OID.p521]: { curve: 'P-521', bits: 521, coordinate: 66 },
};

export const RSA_MIN_BITS = 2048;
const RSA_MAX_BITS = 16384;

function bitLength(magnitude: Uint8Array): number {
  let i = 0;
  while (i < magnitude.length && magnitude[i] === 0) i++;
  if (i === magnitude.length) return 0;
  return (magnitude.length - i - 1) * 8 + (32 - Math.clz32(magnitude[i] as number));
}

function describeRsa(keyBits: Uint8Array): KeyDescription {
  const seq = readNode(keyBits, 0, keyBits.length);
  if (seq.tag !== 0x30 || seq.end !== keyBits.length) throw new KeyError('malformed', 'RSA public key is not an RSAPublicKey');
  const [n, e, extra] = children(keyBits, seq);
  if (!n || !e || extra) throw new KeyError('malformed', 'RSAPublicKey has the wrong fields');
  const modulus = integerContent(keyBits, n);
  const exponent = integerContent(keyBits, e);
  if (((modulus[0] as number) & 0x80) || ((exponent[0] as number) & 0x80)) throw new KeyError('malformed', 'RSA key has a negative value');
  const bits = bitLength(modulus);
  const eBits = bitLength(exponent);
  if (((modulus[modulus.length - 1] as number) & 1) === 0) throw new KeyError('malformed', 'RSA modulus is even');
  if (bits < RSA_MIN_BITS) throw new KeyError('weak', `RSA key of ${bits} bits; at least ${RSA_MIN_BITS} are required`);
  if (bits > RSA_MAX_BITS) throw new KeyError('unsupported', `RSA key of ${bits} bits; at most ${RSA_MAX_BITS} are supported`);
  // An exponent of 1 makes the "signature" the message itself; even exponents are not RSA.
  if (eBits < 2 || ((exponent[exponent.length - 1] as number) & 1) === 0) throw new KeyError('weak', 'RSA public exponent must be odd and at least 3');
  if (eBits > 256) throw new KeyError('unsupported', 'RSA public exponent is larger than 256 bits');
  return { type: 'rsa', curve: null, bits, label: `rsa-${bits}` };
}

/** Read and check a SubjectPublicKeyInfo (RFC 5280 4.1.2.7) at `node`. */
export function readSubjectPublicKey(buf: Uint8Array, node: DerNode): SubjectPublicKey {
  try {
    if (node.tag !== 0x30) throw new KeyError('malformed', 'SubjectPublicKeyInfo is not a SEQUENCE');
    const [algNode, keyNode, extra] = children(buf, node);
    if (!algNode || !keyNode || extra || algNode.tag !== 0x30) throw new KeyError('malformed', 'SubjectPublicKeyInfo has the wrong fields');
    const [oidNode, params, extraParam] = children(buf, algNode);
    if (!oidNode || extraParam) throw new KeyError('malformed', 'key AlgorithmIdentifier has the wrong fields');
    const algorithm = readOid(buf, oidNode);
    const { unusedBits, bytes: keyBits } = readBitString(buf, keyNode);
    if (unusedBits !== 0) throw new KeyError('malformed', 'subjectPublicKey has padding bits');
    let description: KeyDescription;
    if (algorithm === OID.ecPublicKey) {
      // RFC 5480 2.1.1: namedCurve is the only form allowed in PKIX.
      if (!params || params.tag !== 0x06) throw new KeyError('unsupported', 'EC key without a named curve');
      const curveOid = readOid(buf, params);
      const curve = CURVES[curveOid];
      if (!curve) throw new KeyError('unsupported', `EC curve ${curveOid} is not supported (P-256, P-384, P-521 are)`);
      const first = keyBits[0];
      const ok =
        (first === 0x04 && keyBits.length === 1 + 2 * curve.coordinate) ||
        ((first === 0x02 || first === 0x03) && keyBits.length === 1 + curve.coordinate);
      if (!ok) throw new KeyError('malformed', `EC point has the wrong size for ${curve.curve}`);
      description = { type: 'ec', curve: curve.curve, bits: curve.bits, label: `ecdsa-${curve.curve.toLowerCase().replace('-', '')}` };
    } else if (algorithm === OID.rsaEncryption) {
      // RFC 3279 2.3.1: the parameters field MUST be NULL.
      if (!params || params.tag !== 0x05 || params.end !== params.contentStart) throw new KeyError('malformed', 'rsaEncryption parameters must be NULL');
      description = describeRsa(keyBits);
    } else if (algorithm === OID.ed25519) {
      // RFC 8410 3: parameters MUST be absent.
      if (params) throw new KeyError('malformed', 'Ed25519 key with parameters');
      if (keyBits.length !== 32) throw new KeyError('malformed', 'Ed25519 key is not 32 bytes');
      description = { type: 'ed25519', curve: null, bits: 256, label: 'ed25519' };
    } else {
      throw new KeyError('unsupported', `public key algorithm ${algorithm} is not supported`);
    }
    return { description, spkiDer: whole(buf, node), keyBits };
  } catch (e) {
    if (e instanceof DerError) throw new KeyError('malformed', `malformed public key: ${e.message}`);
    throw e;
  }
}

/** The node:crypto key; throws KeyError('malformed') when OpenSSL rejects it (an EC point off the curve, say). */
export function importSubjectPublicKey(key: SubjectPublicKey): KeyObject {
  try {
    // As a PEM string: Node's createPublicKey tells a KeyObject, a CryptoKey and an options object (or a
    // Buffer) apart by catching the TypeErrors its private-field checks throw, two to four per call, each
    // capturing a stack trace; a string is told apart without one. A P-256 key costs ~18 µs this way
    // against ~30-60 µs as { key: der, format: 'der' } (measured on Node 24 in a batch's call depth;
    // the JWK import used before for speed cost the same as the DER one).
    const der = Buffer.from(key.spkiDer.buffer, key.spkiDer.byteOffset, key.spkiDer.length);
    return createPublicKey(`-----BEGIN PUBLIC KEY-----\n${der.toString('base64')}\n-----END PUBLIC KEY-----\n`);
  } catch (e) {
    throw new KeyError('malformed', `public key rejected: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** The bytes after the tag/length of the key's BIT STRING, for key identifiers. */
export function subjectPublicKeyBits(buf: Uint8Array, spkiNode: DerNode): Uint8Array {
  const [, keyNode] = children(buf, spkiNode);
  if (!keyNode) throw new DerError('SubjectPublicKeyInfo without a key');
  return content(buf, keyNode).subarray(1);
}
