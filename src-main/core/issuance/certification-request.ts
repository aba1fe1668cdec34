/**
 * Writes PKCS #10 requests (RFC 2986) with node:crypto keys. The CA itself
 * never needs one for its leaves; tests and bench/ use it to make thousands
 * of requests in seconds, where spawning OpenSSL per request takes minutes.
 */
import { createPublicKey, sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { bitString, explicit, integer, nullValue, oid, sequence, setOf } from '../asn1/der-writer.ts';
import { extension } from './certificate-extensions.ts';
import { OID } from '../asn1/oids.ts';
import { encodeGeneralNames, sanCount, NO_SANS } from './subject-alt-names.ts';
import type { SubjectAltNames } from './subject-alt-names.ts';

export interface RequestInput {
  readonly subjectDer: Uint8Array;
  readonly privateKey: KeyObject;
  /** Defaults to the public half of privateKey. */
  readonly publicKey?: KeyObject;
  readonly sans?: SubjectAltNames;
}

function signatureFor(key: KeyObject): { algorithmIdentifier: Buffer; digest: string | null } {
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

/** CertificationRequestInfo DER, for callers that sign it themselves. */
export function encodeRequestInfo(subjectDer: Uint8Array, spkiDer: Uint8Array, sans: SubjectAltNames = NO_SANS): Buffer {
  const attributes: Buffer[] = [];
  if (sanCount(sans) > 0) {
    const extensions = sequence(extension(OID.subjectAltName, false, encodeGeneralNames(sans)));
    attributes.push(sequence(oid(OID.extensionRequest), setOf(extensions)));
  }
  return sequence(integer(0), subjectDer, spkiDer, explicit(0, ...attributes));
}

export function buildCertificationRequest(input: RequestInput): Buffer {
  const pub = input.publicKey ?? createPublicKey(input.privateKey);
  const spki = pub.export({ format: 'der', type: 'spki' });
  const info = encodeRequestInfo(input.subjectDer, spki, input.sans);
  const alg = signatureFor(input.privateKey);
  return sequence(info, alg.algorithmIdentifier, bitString(sign(alg.digest, info, input.privateKey)));
}
