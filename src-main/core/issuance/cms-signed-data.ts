/**
 * Reading a CMS SignedData (RFC 5652 section 5) from untrusted bytes, PEM
 * (RFC 7468 labels CMS and PKCS7) or DER, with one signer and its content
 * inside (not detached): what `openssl cms -sign -binary -nodetach` makes.
 * The structure is parsed with @peculiar/asn1-cms; the signature is checked
 * with node:crypto. Every refusal is a DomainError with a CMS_* code and
 * nothing else escapes for any input (cms-signed-data.property.test.ts).
 *
 * Strict DER only: the parsed structure must encode back to exactly the bytes
 * given, so every byte that was signed or digested is the byte that was read
 * (BER's indefinite lengths, as `openssl cms -stream` writes, are refused).
 */
import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { ContentInfo, SignedData, type SignerInfo } from '@peculiar/asn1-cms';
import { AsnConvert } from '@peculiar/asn1-schema';
import { DomainError, rethrowAs } from '../errors.ts';
import { readCertificate, readOctetStringValue } from '../asn1/certificate-reader.ts';
import { DerError, content as contentOf, readOid, readRoot } from '../asn1/der-reader.ts';
import { setOf } from '../asn1/der-writer.ts';
import { bytesEqual } from '../asn1/bytes.ts';
import { OID } from '../asn1/oids.ts';
import { pemBlocksOf } from '../asn1/pem.ts';
import { sniffDer } from '../media/asn1-sniff.ts';

export const DEFAULT_CMS_MAX_BYTES = 1024 * 1024;

const CMS = { signedData: OID.cmsSignedData, data: OID.cmsData, contentType: OID.cmsContentType, messageDigest: OID.cmsMessageDigest, sha256: OID.sha256, sha384: OID.sha384, sha512: OID.sha512 } as const;

const DIGESTS: Readonly<Record<string, 'sha256' | 'sha384' | 'sha512'>> = { [CMS.sha256]: 'sha256', [CMS.sha384]: 'sha384', [CMS.sha512]: 'sha512' };

/** Signature algorithms a signer may use (RFC 5754, RFC 8419): the digest a combined OID fixes, or null when the digestAlgorithm decides. */
const SIGNATURES: Readonly<Record<string, { kind: 'rsa' | 'ecdsa' | 'ed25519'; digest: 'sha256' | 'sha384' | 'sha512' | null }>> = {
  [OID.rsaEncryption]: { kind: 'rsa', digest: null },
  [OID.sha256WithRSA]: { kind: 'rsa', digest: 'sha256' },
  [OID.sha384WithRSA]: { kind: 'rsa', digest: 'sha384' },
  [OID.sha512WithRSA]: { kind: 'rsa', digest: 'sha512' },
  [OID.ecPublicKey]: { kind: 'ecdsa', digest: null },
  [OID.ecdsaWithSha256]: { kind: 'ecdsa', digest: 'sha256' },
  [OID.ecdsaWithSha384]: { kind: 'ecdsa', digest: 'sha384' },
  [OID.ecdsaWithSha512]: { kind: 'ecdsa', digest: 'sha512' },
  [OID.ed25519]: { kind: 'ed25519', digest: null },
};

export interface SignedContent {
  /** The encapsulated content (eContent), as signed. */
  readonly content: Uint8Array;
  /** The certificate the signer identifier names, DER as carried. */
  readonly signerCertificate: Uint8Array;
  /** Every other certificate the SignedData carries, DER. */
  readonly otherCertificates: readonly Uint8Array[];
  /** The digest algorithm of the signature (node:crypto name). */
  readonly digest: 'sha256' | 'sha384' | 'sha512';
}

function unparseable(why: string, detail?: string): DomainError {
  return new DomainError('CMS_UNPARSEABLE', `The file is not a readable CMS SignedData (PEM or DER) holding its content: ${why}.`, detail);
}

function unsupported(what: string): DomainError {
  return new DomainError('CMS_UNSUPPORTED_ALGORITHM', `The CMS ${what} is not supported (SHA-256/384/512 with RSA PKCS #1 v1.5, ECDSA or Ed25519). Have the agent sign with one of those.`);
}

function badSignature(why: string): DomainError {
  return new DomainError('CMS_BAD_SIGNATURE', `The CMS signature does not verify: ${why}. The request was altered or signed with another key; nothing is issued for it.`);
}

const PEM_LABELS = new Set(['CMS', 'PKCS7']);

function cmsDer(input: Uint8Array): Uint8Array {
  const blocks = pemBlocksOf(input, (detail) => unparseable('its PEM is damaged', detail));
  if (!blocks) return input;
  const [first, ...rest] = blocks;
  if (!first) throw unparseable('no complete PEM block');
  if (!PEM_LABELS.has(first.label)) throw unparseable(`its PEM block is labelled "${first.label}", not CMS or PKCS7`);
  if (rest.length > 0) throw unparseable('it holds more than one PEM block');
  return first.der;
}

/** asn1-schema's parse, any failure (asn1js throws plain Errors and strings) as CMS_UNPARSEABLE. */
function parseAs<T>(bytes: Uint8Array | ArrayBuffer, type: new () => T, what: string): T {
  try {
    return AsnConvert.parse(bytes, type);
  } catch (e) {
    throw unparseable(`its ${what} does not parse`, e instanceof Error ? e.message : String(e));
  }
}

function serialize(value: unknown, what: string): Buffer {
  try {
    return Buffer.from(AsnConvert.serialize(value));
  } catch (e) {
    throw unparseable(`its ${what} cannot be encoded again`, e instanceof Error ? e.message : String(e));
  }
}

/** The certificate among `certs` that the SignerIdentifier names (RFC 5652 5.3): issuer and serial, or subjectKeyIdentifier. */
function findSigner(signer: SignerInfo, certs: readonly Uint8Array[]): number {
  const byIssuer = signer.sid.issuerAndSerialNumber;
  const issuerDer = byIssuer ? serialize(byIssuer.issuer, 'signer identifier') : null;
  const serial = byIssuer ? new Uint8Array(byIssuer.serialNumber) : null;
  const ski = signer.sid.subjectKeyIdentifier ? new Uint8Array(signer.sid.subjectKeyIdentifier.buffer) : null;
  return certs.findIndex((der) => {
    try {
      const { tbs } = readCertificate(der);
      if (issuerDer && serial) return bytesEqual(tbs.issuerDer, issuerDer) && bytesEqual(tbs.serial, serial);
      const ext = tbs.extensions.find((e) => e.id === OID.subjectKeyIdentifier);
      return ski !== null && ext !== undefined && bytesEqual(readOctetStringValue(ext.value, 'SubjectKeyIdentifier'), ski);
    } catch (e) {
      // A carried certificate we cannot read is not the signer's; the signer's own is read by the caller.
      if (e instanceof DerError) return false;
      throw e;
    }
  });
}

function publicKeyOf(certDer: Uint8Array): KeyObject {
  return rethrowAs('CMS_SIGNER_MISSING', "The signer's certificate in the CMS does not hold a readable public key.", () => {
    const { tbs } = readCertificate(certDer);
    return createPublicKey({ key: Buffer.from(tbs.spkiDer), format: 'der', type: 'spki' });
  });
}

/** The signed attributes' messageDigest, after checking contentType (RFC 5652 5.3, 11.1, 11.2). */
function signedDigest(signer: SignerInfo, contentType: string): Uint8Array {
  const attrs = signer.signedAttrs ?? [];
  const one = (type: string, name: string): ArrayBuffer => {
    const found = attrs.filter((a) => a.attrType === type);
    const values = found[0]?.attrValues ?? [];
    if (found.length !== 1 || values.length !== 1) throw unparseable(`its signed attributes must hold exactly one ${name}`);
    return values[0] as ArrayBuffer;
  };
  const type = rethrowAs('CMS_UNPARSEABLE', 'The CMS contentType attribute is not an object identifier.', () => {
    const b = new Uint8Array(one(CMS.contentType, 'contentType'));
    return readOid(b, readRoot(b, 0x06, 'contentType'));
  }, DerError);
  if (type !== contentType) throw badSignature('the signed contentType is not the content type of the content');
  return rethrowAs('CMS_UNPARSEABLE', 'The CMS messageDigest attribute is not an OCTET STRING.', () => {
    const b = new Uint8Array(one(CMS.messageDigest, 'messageDigest'));
    return contentOf(b, readRoot(b, 0x04, 'messageDigest'));
  }, DerError);
}

/**
 * Parse and verify a SignedData: exactly one signer, the content inside, the
 * signer's certificate carried, the message digest and the signature good.
 */
export function readSignedData(input: Uint8Array, options: { maxBytes?: number } = {}): SignedContent {
  const maxBytes = options.maxBytes ?? DEFAULT_CMS_MAX_BYTES;
  if (input.length > maxBytes) throw unparseable(`it is ${input.length} bytes, more than the ${maxBytes} accepted`);
  if (input.length === 0) throw unparseable('it is empty');
  const der = cmsDer(input);
  const info = parseAs(der, ContentInfo, 'ContentInfo');
  if (info.contentType !== CMS.signedData) throw unparseable(`its content type is ${info.contentType}, not SignedData`);
  const sd = parseAs(info.content, SignedData, 'SignedData');
  if (!serialize(info, 'ContentInfo').equals(Buffer.from(der.buffer, der.byteOffset, der.length))) {
    throw unparseable('it is not DER (BER indefinite or non-minimal lengths, or trailing bytes); have the agent write it with -outform DER or PEM, without -stream');
  }
  if (sd.signerInfos.length !== 1) throw unparseable(`it has ${sd.signerInfos.length} signers, not one`);
  const signer = sd.signerInfos[0] as SignerInfo;
  const eci = sd.encapContentInfo;
  if (eci.eContentType !== CMS.data) throw unparseable(`its content type is ${eci.eContentType}, not data`);
  const octets = eci.eContent?.single;
  if (!octets) throw unparseable('its content is not inside (a detached signature); sign with -nodetach');
  const content = new Uint8Array(octets.buffer);

  const certs = (sd.certificates ?? []).flatMap((c) => (c.certificate ? [serialize(c.certificate, 'certificate')] : []));
  const at = findSigner(signer, certs);
  const signerCertificate = certs[at];
  if (at < 0 || !signerCertificate) {
    throw new DomainError('CMS_SIGNER_MISSING', "The CMS does not carry the signer's certificate: have the agent sign with -signer its current certificate (and not -nocerts).");
  }

  const digest = DIGESTS[signer.digestAlgorithm.algorithm];
  if (!digest) throw unsupported(`digest algorithm ${signer.digestAlgorithm.algorithm}`);
  const sig = SIGNATURES[signer.signatureAlgorithm.algorithm];
  if (!sig) throw unsupported(`signature algorithm ${signer.signatureAlgorithm.algorithm}`);
  if (sig.digest !== null && sig.digest !== digest) throw badSignature(`the signature algorithm uses ${sig.digest} but the digest algorithm is ${digest}`);

  // With signed attributes the signature covers their DER as a SET OF (RFC 5652 5.4), which holds the content's digest.
  let signedBytes: Uint8Array = content;
  if (signer.signedAttrs && signer.signedAttrs.length > 0) {
    const expected = signedDigest(signer, eci.eContentType);
    if (!bytesEqual(createHash(digest).update(content).digest(), expected)) throw badSignature('the message digest does not match the content');
    signedBytes = setOf(...signer.signedAttrs.map((a) => serialize(a, 'signed attribute')));
  }
  const key = publicKeyOf(signerCertificate);
  const keyKind = key.asymmetricKeyType === 'ec' ? 'ecdsa' : key.asymmetricKeyType === 'rsa' ? 'rsa' : key.asymmetricKeyType === 'ed25519' ? 'ed25519' : null;
  if (keyKind !== sig.kind) throw badSignature(`the signature algorithm does not fit the signer's ${key.asymmetricKeyType ?? 'unknown'} key`);
  let good: boolean;
  try {
    good = verify(sig.kind === 'ed25519' ? null : digest, signedBytes, key, new Uint8Array(signer.signature.buffer));
  } catch {
    good = false;
  }
  if (!good) throw badSignature("it was not made by the key of the signer's certificate");
  return { content, signerCertificate, otherCertificates: certs.filter((_, i) => i !== at), digest };
}

/**
 * The encapsulated content of what looks like a SignedData, without any
 * check of its signature: for telling renewal requests from other PKCS #7
 * files in a folder. Null when it is not a SignedData with its content inside.
 */
export function encapsulatedContent(der: Uint8Array): Uint8Array | null {
  try {
    const info = AsnConvert.parse(der, ContentInfo);
    if (info.contentType !== CMS.signedData) return null;
    const octets = AsnConvert.parse(info.content, SignedData).encapContentInfo.eContent?.single;
    return octets ? new Uint8Array(octets.buffer) : null;
  } catch {
    return null;
  }
}

/** A renewal request by its looks: a SignedData whose content is a PKCS #10 request (nothing verified yet). */
export function looksLikeRenewalRequest(file: { kind: string; ders: readonly Uint8Array[] }): boolean {
  const [der, ...rest] = file.ders;
  if (file.kind !== 'pkcs7' || !der || rest.length > 0) return false;
  const content = encapsulatedContent(der);
  return content !== null && sniffDer(content) === 'csr';
}
