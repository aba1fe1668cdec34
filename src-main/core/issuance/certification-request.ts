/**
 * The one PKCS #10 writer (RFC 2986), with node:crypto keys. Two callers with
 * different jobs build on it: the sub-CA request a draft key sends to a
 * corporate root (`core/keys/csr.ts`, which chooses the CA extensions and
 * checks the key), and tests and bench/, which make thousands of leaf
 * requests in seconds where spawning OpenSSL per request takes minutes.
 * Requests are read by `csr-intake.ts`; both share the DER writer and the
 * extension encoders of `certificate-extensions.ts`.
 */
import { createPublicKey, sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { bitString, explicit, integer, nullValue, oid, sequence, setOf } from '../asn1/der-writer.ts';
import { subjectAltNameExtension } from './certificate-extensions.ts';
import { OID } from '../asn1/oids.ts';
import { sanCount } from './subject-alt-names.ts';
import { isSigner } from '../signing/signer.ts';
import type { Signer } from '../signing/signer.ts';
import { caSignatureAlgorithm } from './signature-algorithms.ts';
import type { SubjectAltNames } from './subject-alt-names.ts';

/** An AlgorithmIdentifier and the node:crypto digest that goes with it (null for Ed25519). */
export interface RequestSignature {
  readonly algorithmIdentifier: Uint8Array;
  readonly digest: string | null;
}

export interface RequestInput {
  readonly subjectDer: Uint8Array;
  /** The key that signs: a node:crypto private key, or a CA key's Signer (vault or token). */
  readonly privateKey: KeyObject | Signer;
  /** Defaults to the public half of privateKey. */
  readonly publicKey?: KeyObject;
  /** Requested as subjectAltName (non-critical). */
  readonly sans?: SubjectAltNames;
  /** Further extensions (Extension DER) to request, after the SANs. */
  readonly extensions?: readonly Uint8Array[];
  /** Defaults to the usual one for the key (signatureFor). */
  readonly signature?: RequestSignature;
}

function signatureFor(key: KeyObject): RequestSignature {
  switch (key.asymmetricKeyType) {
    case 'ec': {
      const curve = key.asymmetricKeyDetails?.namedCurve;
      if (curve === 'secp384r1') return { algorithmIdentifier: sequence(oid(OID.ecdsaWithSha384)), digest: 'sha384' };
      if (curve === 'secp521r1') return { algorithmIdentifier: sequence(oid(OID.ecdsaWithSha512)), digest: 'sha512' };
      return { algorithmIdentifier: sequence(oid(OID.ecdsaWithSha256)), digest: 'sha256' };
    }
    case 'rsa':
      return { algorithmIdentifier: sequence(oid(OID.sha256WithRSA), nullValue()), digest: 'sha256' };
    case 'ed25519':
      return { algorithmIdentifier: sequence(oid(OID.ed25519)), digest: null };
    default:
      throw new RangeError(`cannot sign a request with a ${String(key.asymmetricKeyType)} key`);
  }
}

/**
 * CertificationRequestInfo DER, for callers that sign it themselves. The
 * extensions ride in one extensionRequest attribute (PKCS #9, RFC 2985
 * section 5.4.2); without extensions the attributes are empty.
 */
export function encodeRequestInfo(subjectDer: Uint8Array, spkiDer: Uint8Array, extensions: readonly Uint8Array[] = []): Buffer {
  const attributes: Buffer[] = [];
  if (extensions.length > 0) attributes.push(sequence(oid(OID.extensionRequest), setOf(sequence(...extensions))));
  return sequence(integer(0), subjectDer, spkiDer, explicit(0, ...attributes));
}

export function buildCertificationRequest(input: RequestInput): Buffer {
  const key = input.privateKey;
  const spki = input.publicKey?.export({ format: 'der', type: 'spki' }) ?? (isSigner(key) ? Buffer.from(key.spki) : createPublicKey(key).export({ format: 'der', type: 'spki' }));
  const extensions = [...(input.sans && sanCount(input.sans) > 0 ? [subjectAltNameExtension(input.sans, false)] : []), ...(input.extensions ?? [])];
  const info = encodeRequestInfo(input.subjectDer, spki, extensions);
  if (isSigner(key)) {
    const alg = input.signature ?? caSignatureAlgorithm(key.algorithm);
    return sequence(info, alg.algorithmIdentifier, bitString(key.sign(info)));
  }
  const alg = input.signature ?? signatureFor(key);
  return sequence(info, alg.algorithmIdentifier, bitString(sign(alg.digest, info, key)));
}
