/**
 * TBSCertificate and Certificate (RFC 5280 4.1) written as DER from fields that
 * are already encoded where they are copied (names, key) or precomputed per
 * issuer (algorithm, AKI).
 */
import { bitString, explicit, integerFromUnsigned, sequence, time } from '../asn1/der-writer.ts';

export interface TbsCertificateFields {
  /** Serial number magnitude, big-endian (positive). */
  readonly serial: Uint8Array;
  /** AlgorithmIdentifier DER of the issuer's signature. */
  readonly signatureAlgorithm: Uint8Array;
  readonly issuerDer: Uint8Array;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly subjectDer: Uint8Array;
  readonly spkiDer: Uint8Array;
  /** Each Extension DER, in order. */
  readonly extensions: readonly Uint8Array[];
}

const VERSION_V3 = explicit(0, Buffer.from([0x02, 0x01, 0x02]));

export function encodeTbsCertificate(f: TbsCertificateFields): Buffer {
  return sequence(
    VERSION_V3,
    integerFromUnsigned(f.serial),
    f.signatureAlgorithm,
    f.issuerDer,
    sequence(time(f.notBefore), time(f.notAfter)),
    f.subjectDer,
    f.spkiDer,
    explicit(3, sequence(...f.extensions)),
  );
}

/** Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue BIT STRING }. */
export function encodeSignedStructure(tbs: Uint8Array, signatureAlgorithm: Uint8Array, signature: Uint8Array): Buffer {
  return sequence(tbs, signatureAlgorithm, bitString(signature));
}
