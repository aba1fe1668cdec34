/**
 * Walks a Certificate / TBSCertificate (RFC 5280 4.1) into its fields without
 * an object model. Used to load an issuer once per signing session and to
 * lint every TBSCertificate we build before it is signed.
 */
import { DerError, children, content, integerContent, readBitString, readBoolean, readNode, readOid, readRoot, readSmallInt, readTime, whole } from '../asn1/der-reader.ts';
import type { DerNode } from '../asn1/der-reader.ts';

export interface ExtensionField {
  readonly id: string;
  readonly critical: boolean;
  /** Was the criticality written out as FALSE (not DER: the DEFAULT must be omitted, X.690 11.5)? */
  readonly explicitFalse: boolean;
  /** extnValue's content. */
  readonly value: Uint8Array;
}

export interface TbsCertificateView {
  /** 0 for v1, 2 for v3. */
  readonly version: number;
  readonly serial: Uint8Array;
  readonly signatureAlgorithm: Uint8Array;
  readonly issuerDer: Uint8Array;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly notBeforeTag: number;
  readonly notAfterTag: number;
  readonly subjectDer: Uint8Array;
  readonly subjectNode: DerNode;
  readonly spkiNode: DerNode;
  readonly spkiDer: Uint8Array;
  readonly extensions: readonly ExtensionField[];
  /** Whether issuerUniqueID / subjectUniqueID are present (RFC 5280 4.1.2.8: CAs MUST NOT generate them). */
  readonly hasUniqueIds: boolean;
}

export interface CertificateView {
  readonly tbsDer: Uint8Array;
  readonly tbs: TbsCertificateView;
  readonly signatureAlgorithm: Uint8Array;
  readonly signature: Uint8Array;
}

/** Extensions ::= SEQUENCE OF Extension (RFC 5280 4.1), shared by certificates, CRLs, CRL entries and requests. */
export function readExtensionList(buf: Uint8Array, seq: DerNode): ExtensionField[] {
  if (seq.tag !== 0x30) throw new DerError('Extensions is not a SEQUENCE');
  const out: ExtensionField[] = [];
  for (const ext of children(buf, seq)) {
    if (ext.tag !== 0x30) throw new DerError('extension is not a SEQUENCE');
    const fields = children(buf, ext);
    const idNode = fields[0];
    const valueNode = fields[fields.length - 1];
    if (!idNode || !valueNode || fields.length < 2 || fields.length > 3 || valueNode.tag !== 0x04) throw new DerError('extension has the wrong fields');
    let critical = false;
    let explicitFalse = false;
    if (fields.length === 3) {
      critical = readBoolean(buf, fields[1] as DerNode);
      explicitFalse = !critical;
    }
    out.push({ id: readOid(buf, idNode), critical, explicitFalse, value: content(buf, valueNode) });
  }
  return out;
}

/** The [n] EXPLICIT wrapper around Extensions in a TBSCertificate or TBSCertList. */
export function readWrappedExtensions(buf: Uint8Array, wrapper: DerNode): ExtensionField[] {
  const seq = readNode(buf, wrapper.contentStart, wrapper.end);
  if (seq.end !== wrapper.end) throw new DerError('extensions are not one SEQUENCE');
  return readExtensionList(buf, seq);
}

export function readTbsCertificate(buf: Uint8Array, tbs: DerNode): TbsCertificateView {
  if (tbs.tag !== 0x30) throw new DerError('TBSCertificate is not a SEQUENCE');
  const fields = children(buf, tbs);
  let i = 0;
  let version = 0;
  if (fields[0]?.tag === 0xa0) {
    const v = readNode(buf, fields[0].contentStart, fields[0].end);
    if (v.end !== fields[0].end) throw new DerError('version has extra bytes');
    version = readSmallInt(buf, v);
    i = 1;
  }
  const [serialNode, sigAlg, issuer, validity, subject, spki] = fields.slice(i, i + 6);
  if (!serialNode || !sigAlg || !issuer || !validity || !subject || !spki) throw new DerError('TBSCertificate is missing fields');
  if (sigAlg.tag !== 0x30 || issuer.tag !== 0x30 || validity.tag !== 0x30 || subject.tag !== 0x30 || spki.tag !== 0x30) {
    throw new DerError('TBSCertificate has the wrong field types');
  }
  const [nb, na, extraTime] = children(buf, validity);
  if (!nb || !na || extraTime) throw new DerError('Validity has the wrong fields');
  let extensions: ExtensionField[] = [];
  let hasUniqueIds = false;
  for (const f of fields.slice(i + 6)) {
    if (f.tag === 0x81 || f.tag === 0x82 || f.tag === 0xa1 || f.tag === 0xa2) hasUniqueIds = true;
    else if (f.tag === 0xa3) extensions = readWrappedExtensions(buf, f);
    else throw new DerError('unexpected field in TBSCertificate');
  }
  return {
    version,
    serial: integerContent(buf, serialNode),
    signatureAlgorithm: whole(buf, sigAlg),
    issuerDer: whole(buf, issuer),
    notBefore: readTime(buf, nb),
    notAfter: readTime(buf, na),
    notBeforeTag: nb.tag,
    notAfterTag: na.tag,
    subjectDer: whole(buf, subject),
    subjectNode: subject,
    spkiNode: spki,
    spkiDer: whole(buf, spki),
    extensions,
    hasUniqueIds,
  };
}

/** Read a whole Certificate DER; throws DerError when it is not one. */
export function readCertificate(der: Uint8Array): CertificateView {
  const root = readRoot(der, 0x30, 'Certificate');
  const [tbs, sigAlg, sig, extra] = children(der, root);
  if (!tbs || !sigAlg || !sig || extra || sigAlg.tag !== 0x30) throw new DerError('Certificate has the wrong fields');
  const signature = readBitString(der, sig);
  if (signature.unusedBits !== 0) throw new DerError('signature has padding bits');
  return { tbsDer: whole(der, tbs), tbs: readTbsCertificate(der, tbs), signatureAlgorithm: whole(der, sigAlg), signature: signature.bytes };
}

/** basicConstraints value (RFC 5280 4.2.1.9). */
export function readBasicConstraints(value: Uint8Array): { ca: boolean; pathLen: number | undefined } {
  const seq = readRoot(value, 0x30, 'BasicConstraints');
  let ca = false;
  let pathLen: number | undefined;
  for (const f of children(value, seq)) {
    if (f.tag === 0x01) ca = readBoolean(value, f);
    else if (f.tag === 0x02) pathLen = readSmallInt(value, f);
    else throw new DerError('unexpected field in BasicConstraints');
  }
  return { ca, pathLen };
}

/** keyUsage value as the set of asserted bit numbers (RFC 5280 4.2.1.3), plus the raw BIT STRING. */
export function readKeyUsage(value: Uint8Array): { bits: Set<number>; unusedBits: number; bytes: Uint8Array } {
  const node = readRoot(value, 0x03, 'KeyUsage');
  const { unusedBits, bytes } = readBitString(value, node);
  const bits = new Set<number>();
  for (let i = 0; i < bytes.length * 8 - unusedBits; i++) if (((bytes[i >> 3] as number) >> (7 - (i & 7))) & 1) bits.add(i);
  return { bits, unusedBits, bytes };
}

/** subjectKeyIdentifier value: the key identifier octets. */
export function readOctetStringValue(value: Uint8Array, what: string): Uint8Array {
  const node = readRoot(value, 0x04, what);
  return content(value, node);
}

/** extKeyUsage value: the purpose OIDs. */
export function readExtendedKeyUsage(value: Uint8Array): string[] {
  const seq = readRoot(value, 0x30, 'ExtKeyUsageSyntax');
  return children(value, seq).map((n) => readOid(value, n));
}

/** authorityKeyIdentifier's keyIdentifier, and whether other fields are present. */
export function readAuthorityKeyIdentifier(value: Uint8Array): { keyId: Uint8Array | undefined; otherFields: boolean } {
  const seq = readRoot(value, 0x30, 'AuthorityKeyIdentifier');
  let keyId: Uint8Array | undefined;
  let otherFields = false;
  for (const f of children(value, seq)) {
    if (f.tag === 0x80) keyId = content(value, f);
    else otherFields = true;
  }
  return { keyId, otherFields };
}
