/**
 * The one certificate reader. It walks a Certificate / TBSCertificate
 * (RFC 5280 4.1) into its fields without an object model (`readCertificate`:
 * the Issuer loads its issuer with it once per signing session, the lint reads
 * every TBSCertificate we build before it is signed, CRL and request intake
 * share its Extensions walker), and it reads the facts the chain checks and
 * the key views print (`readCertificateFacts`: names, validity, key id,
 * fingerprint, basicConstraints, keyUsage, SKI/AKI), read once and eagerly so
 * a malformed extension fails there, as CHAIN_UNPARSEABLE, and not later in
 * the middle of a check.
 *
 * It needs no object-model library (so the batch-issuance worker threads load
 * it without the reflect-metadata polyfill). Signatures are verified with
 * node:crypto (OpenSSL), which covers every algorithm a corporate root may
 * use, RSA-PSS included.
 */
import { X509Certificate as NodeX509Certificate, createHash } from 'node:crypto';
import { DomainError } from '../errors.ts';
import { DerError, derFromBer, children, content, integerContent, readBitString, readBoolean, readNode, readOid, readRoot, readSmallInt, readTime, whole } from './der-reader.ts';
import type { DerNode } from './der-reader.ts';
import { OID } from './oids.ts';
import { formatName } from './name.ts';
import { bytesEqual, toHex } from './bytes.ts';
import { keyIdOf } from './key-id.ts';

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

/**
 * Read a whole Certificate DER; throws DerError when it is not one. Strict by
 * default (the Issuer's own certificate, every TBSCertificate we lint);
 * `lenient` first takes the DER re-encoding of BER length forms and BOOLEANs
 * (derFromBer), for certificates other CAs wrote. The view's byte fields then
 * come from the re-encoding; the signature must still be checked on `der`.
 */
export function readCertificate(input: Uint8Array, opts: { lenient?: boolean } = {}): CertificateView {
  const der = opts.lenient ? derFromBer(input) : input;
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

/** What the chain checks, the key views and the trust bundle need to know about one certificate. */
export interface CertificateFacts {
  der: Uint8Array;
  /** How messages name this certificate, e.g. 'certificate 2 in the chain file (CN=Acme Root,O=Acme)'. */
  label: string;
  subject: string;
  issuer: string;
  subjectDer: Uint8Array;
  issuerDer: Uint8Array;
  spki: Uint8Array;
  keyId: string;
  serialHex: string;
  notBefore: Date;
  notAfter: Date;
  /** basicConstraints: null when the extension is absent. */
  basicConstraints: { ca: boolean; pathLength: number | undefined } | null;
  /** keyUsage as a bit mask, bit n of the BIT STRING = 1 << n (KEY_USAGE), null when absent. */
  keyUsage: number | null;
  /** Lowercase hex, null when absent. */
  subjectKeyId: string | null;
  authorityKeyId: string | null;
  /** SHA-256 of the DER, for duplicate detection. */
  fingerprint: string;
  node: NodeX509Certificate;
}

/** keyUsage bits as masks of CertificateFacts.keyUsage (RFC 5280 4.2.1.3 numbers the bits). */
export const KEY_USAGE = {
  digitalSignature: 1 << 0,
  keyCertSign: 1 << 5,
  cRLSign: 1 << 6,
} as const;

/** The serial as hex of its INTEGER content, without the sign octet of a positive serial. */
function serialHexOf(serial: Uint8Array): string {
  const magnitude = serial.length > 1 && serial[0] === 0 && (serial[1] as number) > 0x7f ? serial.subarray(1) : serial;
  return toHex(magnitude);
}

function keyUsageMask(value: Uint8Array): number {
  let mask = 0;
  for (const bit of readKeyUsage(value).bits) if (bit < 31) mask |= 1 << bit;
  return mask;
}

/**
 * Read a certificate's facts. `where` names it before its subject is known,
 * e.g. "certificate 2 in the chain file". Every caller reads certificates a
 * corporate CA may have written (an imported chain, a sub-CA's certificate),
 * so this reads in the lenient mode: BER length forms and BOOLEANs are
 * tolerated, as the chain import always has; everything else is strict.
 * Throws CHAIN_UNPARSEABLE when it is not a certificate, repeats an
 * extension, or carries a basicConstraints, keyUsage, SKI or AKI that does
 * not parse.
 */
export function readCertificateFacts(der: Uint8Array, where: string): CertificateFacts {
  try {
    const { tbs } = readCertificate(der, { lenient: true });
    // RFC 5280 section 4.2: "A certificate MUST NOT include more than one instance of a particular extension."
    const ext = new Map<string, Uint8Array>();
    for (const e of tbs.extensions) {
      if (ext.has(e.id)) throw new DerError('duplicate extension');
      ext.set(e.id, e.value);
    }
    // Only the four extensions the checks use are read (leniently); others stay opaque.
    const known = (id: string): Uint8Array | undefined => {
      const value = ext.get(id);
      return value && derFromBer(value);
    };
    const bc = known(OID.basicConstraints);
    const ku = known(OID.keyUsage);
    const ski = known(OID.subjectKeyIdentifier);
    const aki = known(OID.authorityKeyIdentifier);
    const basic = bc ? readBasicConstraints(bc) : null;
    const akiKeyId = aki ? readAuthorityKeyIdentifier(aki).keyId : undefined;
    const subject = formatName(tbs.subjectDer);
    const spki = new Uint8Array(tbs.spkiDer);
    const node = new NodeX509Certificate(der);
    return {
      der,
      label: `${where} (${subject})`,
      subject,
      issuer: formatName(tbs.issuerDer),
      subjectDer: new Uint8Array(tbs.subjectDer),
      issuerDer: new Uint8Array(tbs.issuerDer),
      spki,
      keyId: keyIdOf(spki),
      serialHex: serialHexOf(tbs.serial),
      notBefore: tbs.notBefore,
      notAfter: tbs.notAfter,
      basicConstraints: basic ? { ca: basic.ca, pathLength: basic.pathLen } : null,
      keyUsage: ku ? keyUsageMask(ku) : null,
      subjectKeyId: ski ? toHex(readOctetStringValue(ski, 'SubjectKeyIdentifier')) : null,
      authorityKeyId: akiKeyId ? toHex(akiKeyId) : null,
      fingerprint: createHash('sha256').update(der).digest('hex'),
      node,
    };
  } catch (e) {
    throw new DomainError('CHAIN_UNPARSEABLE', `${where[0]?.toUpperCase() ?? ''}${where.slice(1)} is not a readable X.509 certificate: it is damaged or not a certificate. Ask for the file again.`, e instanceof Error ? e.message : String(e));
  }
}

/** Same name bytes (RFC 5280 section 7.1 allows a finer comparison; binary equality is what the issuer wrote). */
export function sameName(a: Uint8Array, b: Uint8Array): boolean {
  return bytesEqual(a, b);
}

/** RFC 5280 section 6.1: self-issued = subject and issuer are the same name. */
export function isSelfIssued(c: CertificateFacts): boolean {
  return sameName(c.subjectDer, c.issuerDer);
}

/** The key ids do not rule `issuer` out as the issuer of `child` (RFC 5280 section 4.2.1.1). */
export function keyIdsAgree(child: CertificateFacts, issuer: CertificateFacts): boolean {
  return child.authorityKeyId === null || issuer.subjectKeyId === null || child.authorityKeyId === issuer.subjectKeyId;
}

/** Does `issuer`'s key verify `child`'s signature? Unsupported algorithms count as "no". */
export function signedBy(child: CertificateFacts, issuer: CertificateFacts): boolean {
  try {
    return child.node.verify(issuer.node.publicKey);
  } catch {
    return false;
  }
}

/** A root: self-issued, key ids agree with itself, and its own key verifies its signature. */
export function isSelfSigned(c: CertificateFacts): boolean {
  return isSelfIssued(c) && keyIdsAgree(c, c) && signedBy(c, c);
}

/** Looks like a root (self-issued with matching key ids) whether or not its signature verifies. */
export function claimsToBeRoot(c: CertificateFacts): boolean {
  return isSelfIssued(c) && keyIdsAgree(c, c);
}
