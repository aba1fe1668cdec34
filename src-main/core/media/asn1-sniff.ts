/**
 * Telling what a file from the media holds without parsing it fully: the
 * outer DER structure of a certificate (RFC 5280 section 4.1), a CRL
 * (RFC 5280 section 5.1), a PKCS#10 request (RFC 2986 section 4) and a
 * PKCS#7/CMS SignedData (RFC 5652 section 3) differ in the first few
 * elements. PEM is told by its label (RFC 7468) and then checked the same
 * way; a text file of hex serial numbers is a revocation list. Full parsing
 * and every policy check stay with the importers (chain import, issuance).
 */
import { DerError, readNodeLenient } from '../asn1/der-reader.ts';
import { PemError, pemBlocks, type PemBlock } from '../asn1/pem.ts';

export type FileKind = 'csr' | 'certificate' | 'pkcs7' | 'crl' | 'serial-list';
export type DerKind = Exclude<FileKind, 'serial-list'>;

interface Tlv {
  tag: number;
  /** Offset of the contents. */
  start: number;
  end: number;
}

const SEQUENCE = 0x30;
const INTEGER = 0x02;
const BIT_STRING = 0x03;
const OID = 0x06;
const SET = 0x31;
const UTC_TIME = 0x17;
const GENERALIZED_TIME = 0x18;
const CTX0 = 0xa0;
/** 1.2.840.113549.1.7.2 id-signedData */
const SIGNED_DATA_OID = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02];

/**
 * One definite-length TLV, or null. The sniffer reads with the lenient mode
 * of the one DER reader (length octets need not be minimal, the importers
 * judge that) but refuses BER's indefinite length, as the importers do.
 */
function readTlv(b: Uint8Array, off: number, limit: number): Tlv | null {
  try {
    const node = readNodeLenient(b, off, limit);
    return node.contentEnd === node.end ? { tag: node.tag, start: node.contentStart, end: node.end } : null;
  } catch (e) {
    if (e instanceof DerError) return null;
    throw e;
  }
}

function children(b: Uint8Array, t: Tlv, max = 16): Tlv[] | null {
  const out: Tlv[] = [];
  let p = t.start;
  while (p < t.end) {
    if (out.length === max) return out; // enough to decide
    const c = readTlv(b, p, t.end);
    if (!c) return null;
    out.push(c);
    p = c.end;
  }
  return out;
}

const isTime = (t: Tlv | undefined): boolean => t !== undefined && (t.tag === UTC_TIME || t.tag === GENERALIZED_TIME);

/** The kind of a DER blob, or null when its outer structure is none of ours. */
export function sniffDer(b: Uint8Array): DerKind | null {
  const outer = readTlv(b, 0, b.length);
  if (!outer || outer.tag !== SEQUENCE || outer.end !== b.length) return null;
  const top = children(b, outer, 4);
  if (!top || top.length === 0) return null;
  const [first, second, third] = top;
  if (!first) return null;

  if (first.tag === OID) {
    const oid = b.subarray(first.start, first.end);
    const isSignedData = oid.length === SIGNED_DATA_OID.length && SIGNED_DATA_OID.every((x, i) => oid[i] === x);
    return isSignedData && top.length === 2 && second?.tag === CTX0 ? 'pkcs7' : null;
  }

  if (top.length !== 3 || first.tag !== SEQUENCE || second?.tag !== SEQUENCE || third?.tag !== BIT_STRING) return null;
  const tbs = children(b, first, 8);
  if (!tbs) return null;
  const tags = tbs.map((t) => t.tag);

  // Certificate: [0] version?, serial INTEGER, signature AlgorithmIdentifier, issuer Name, validity { Time, Time }, subject Name, SPKI.
  const c = tags[0] === CTX0 ? 1 : 0;
  if (tags[c] === INTEGER && tags[c + 1] === SEQUENCE && tags[c + 2] === SEQUENCE && tags[c + 3] === SEQUENCE && tags[c + 4] === SEQUENCE && tags[c + 5] === SEQUENCE) {
    const validity = children(b, tbs[c + 3] as Tlv, 3);
    if (validity && validity.length === 2 && isTime(validity[0]) && isTime(validity[1])) return 'certificate';
  }

  // CRL: version INTEGER?, signature AlgorithmIdentifier, issuer Name, thisUpdate Time, …
  const l = tags[0] === INTEGER ? 1 : 0;
  if (tags[l] === SEQUENCE && tags[l + 1] === SEQUENCE && isTime(tbs[l + 2])) return 'crl';

  // CertificationRequestInfo: version INTEGER, subject Name, SubjectPublicKeyInfo { AlgorithmIdentifier, BIT STRING }, [0] attributes.
  if (tags.length === 4 && tags[0] === INTEGER && tags[1] === SEQUENCE && tags[2] === SEQUENCE && tags[3] === CTX0) {
    const name = children(b, tbs[1] as Tlv, 64);
    const spki = children(b, tbs[2] as Tlv, 3);
    if (name && name.every((r) => r.tag === SET) && spki && spki.length === 2 && spki[0]?.tag === SEQUENCE && spki[1]?.tag === BIT_STRING) return 'csr';
  }
  return null;
}

export const PEM_LABELS: Record<string, DerKind> = {
  CERTIFICATE: 'certificate',
  'X509 CERTIFICATE': 'certificate',
  'CERTIFICATE REQUEST': 'csr',
  'NEW CERTIFICATE REQUEST': 'csr',
  PKCS7: 'pkcs7',
  CMS: 'pkcs7',
  'X509 CRL': 'crl',
};

/** PEM blocks (RFC 7468 section 2: text outside them is ignored); null when a block is malformed. */
export function parsePemBlocks(text: string): PemBlock[] | null {
  try {
    return pemBlocks(text);
  } catch (e) {
    if (e instanceof PemError) return null;
    throw e;
  }
}

/** One serial per line: hex (optionally 0x-prefixed or colon-separated octets), `#` comments and blank lines allowed. Returns lowercase hex as written, or null. */
export function parseSerialList(text: string): string[] | null {
  const serials: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/#.*$/, '').trim();
    if (line === '') continue;
    let hex: string;
    if (/^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){0,20}$/.test(line)) hex = line.replace(/:/g, '');
    else if (/^(0x)?[0-9a-fA-F]{1,42}$/i.test(line)) hex = line.replace(/^0x/i, '');
    else return null;
    // RFC 5280 section 4.1.2.2: at most 20 octets (a sign octet may precede them).
    if (hex.replace(/^0+/, '').length > 40) return null;
    serials.push(hex.toLowerCase());
  }
  return serials.length > 0 ? serials : null;
}
