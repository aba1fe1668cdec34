/**
 * A fast reader for CRLs (RFC 5280 5.1), walking the DER in place.
 * @peculiar/x509's X509Crl refuses CRLs of about 10,000 entries unless given
 * larger BER limits and is then ~100x slower than this, so big CRLs
 * are read here. Entries are decoded lazily, one at a time.
 */
import { verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { DomainError } from '../errors.ts';
import { readAuthorityKeyIdentifier, readExtensionList, readWrappedExtensions } from '../asn1/certificate-reader.ts';
import { DerError, children, readBigInt, readBitString, readNode, readOid, readRoot, readSmallInt, readTime, whole } from '../asn1/der-reader.ts';
import type { DerNode } from '../asn1/der-reader.ts';
import { NameError, parseName } from '../asn1/name.ts';
import { OID } from '../asn1/oids.ts';
import { pemBlocksOf } from '../asn1/pem.ts';
import { reasonFromCode } from './revocation-reasons.ts';
import { signatureDigest } from './signature-algorithms.ts';
import type { ReasonName } from './revocation-reasons.ts';

export interface CrlEntry {
  /** Lowercase hex, no leading zero octets ('-' prefix for the negative serials of broken CAs). */
  readonly serialHex: string;
  readonly revokedAt: Date;
  /** The reasonCode; `unspecified` when the extension is absent (RFC 5280 5.3.1). */
  readonly reason: ReasonName;
}

export interface CrlView {
  /** 1 for v2 CRLs, 0 for v1. */
  readonly version: number;
  readonly issuerDer: Uint8Array;
  /** Issuer in RFC 4514 form. */
  readonly issuer: string;
  readonly thisUpdate: Date;
  readonly nextUpdate: Date | undefined;
  readonly crlNumber: bigint | undefined;
  readonly authorityKeyId: Uint8Array | undefined;
  readonly signatureAlgorithm: Uint8Array;
  readonly tbsDer: Uint8Array;
  readonly signature: Uint8Array;
  readonly entryCount: number;
  /** Decode the entries in order; throws CRL_UNPARSEABLE on the first bad one. */
  entries(): Generator<CrlEntry, void, undefined>;
}

export interface ReadCrlOptions {
  /** Largest accepted input (default 512 MiB). */
  readonly maxBytes?: number;
}

function unparseable(detail: string): DomainError {
  return new DomainError('CRL_UNPARSEABLE', 'The file is not a readable X.509 CRL (PEM or DER).', detail);
}

function toDer(input: Uint8Array): Uint8Array {
  const blocks = pemBlocksOf(input, unparseable);
  if (!blocks) return input;
  const block = blocks[0];
  if (!block || block.label !== 'X509 CRL' || blocks.length !== 1) throw unparseable('expected one X509 CRL PEM block');
  return block.der;
}

function serialHexOf(buf: Buffer, node: DerNode): string {
  if (node.tag !== 0x02) throw new DerError('entry serial is not an INTEGER');
  const len = node.end - node.contentStart;
  if (len === 0) throw new DerError('empty INTEGER');
  const first = buf[node.contentStart] as number;
  if (first & 0x80) return '-' + (-readBigInt(buf, node)).toString(16).padStart(2, '0');
  if (len > 1 && first === 0) {
    if (((buf[node.contentStart + 1] as number) & 0x80) === 0) throw new DerError('non-minimal INTEGER');
    return buf.toString('hex', node.contentStart + 1, node.end);
  }
  return buf.toString('hex', node.contentStart, node.end);
}

/** crlEntryExtensions holding only a reasonCode, as we and OpenSSL write it, minus the final code octet. */
const REASON_ONLY_PREFIX = Buffer.from('300c300a0603551d1504030a01', 'hex');

/** crlEntryExtensions: the reason, refusing critical extensions we cannot process (RFC 5280 5.3). */
function entryReason(buf: Buffer, extsNode: DerNode): ReasonName {
  // Fast path for the common shape; anything else takes the general walk below.
  const prefixEnd = extsNode.start + REASON_ONLY_PREFIX.length;
  if (extsNode.end === prefixEnd + 1 && buf.compare(REASON_ONLY_PREFIX, 0, REASON_ONLY_PREFIX.length, extsNode.start, prefixEnd) === 0) {
    const name = reasonFromCode(buf[prefixEnd] as number);
    if (!name) throw new DerError('unknown CRLReason');
    return name;
  }
  let reason: ReasonName = 'unspecified';
  for (const ext of readExtensionList(buf, extsNode)) {
    if (ext.id === OID.crlReason) {
      const e = readRoot(ext.value, 0x0a, 'CRLReason');
      const name = e.end - e.contentStart === 1 ? reasonFromCode(ext.value[2] as number) : undefined;
      if (!name) throw new DerError('unknown CRLReason');
      reason = name;
    } else if (ext.critical) {
      throw new DerError(`critical entry extension ${ext.id}`);
    }
  }
  return reason;
}

function* decodeEntries(buf: Buffer, list: DerNode | undefined): Generator<CrlEntry, void, undefined> {
  if (!list) return;
  let lastTimeStart = -1;
  let lastTimeLen = 0;
  let lastMs = 0;
  try {
    for (let pos = list.contentStart; pos < list.end; ) {
      const entry = readNode(buf, pos, list.end);
      pos = entry.end;
      if (entry.tag !== 0x30) throw new DerError('entry is not a SEQUENCE');
      const serial = readNode(buf, entry.contentStart, entry.end);
      const serialHex = serialHexOf(buf, serial);
      const t = readNode(buf, serial.end, entry.end);
      const tLen = t.end - t.start;
      let ms: number;
      // Revoke-all CRLs repeat one revocation time: reuse its parse when the bytes match.
      if (lastTimeStart >= 0 && tLen === lastTimeLen && buf.compare(buf, lastTimeStart, lastTimeStart + tLen, t.start, t.end) === 0) {
        ms = lastMs;
      } else {
        ms = readTime(buf, t).getTime();
        lastTimeStart = t.start;
        lastTimeLen = tLen;
        lastMs = ms;
      }
      let reason: ReasonName = 'unspecified';
      if (t.end < entry.end) {
        const exts = readNode(buf, t.end, entry.end);
        if (exts.tag !== 0x30 || exts.end !== entry.end) throw new DerError('entry has extra fields');
        reason = entryReason(buf, exts);
      }
      yield { serialHex, revokedAt: new Date(ms), reason };
    }
  } catch (e) {
    if (e instanceof DerError) throw unparseable(`revoked certificate entry: ${e.message}`);
    throw e;
  }
}

function walk(der: Uint8Array): CrlView {
  const buf = Buffer.from(der.buffer, der.byteOffset, der.length);
  const root = readRoot(buf, 0x30, 'CertificateList');
  const [tbs, sigAlg, sigNode, extra] = children(buf, root);
  if (!tbs || !sigAlg || !sigNode || extra || tbs.tag !== 0x30 || sigAlg.tag !== 0x30) throw new DerError('CertificateList has the wrong fields');
  const sig = readBitString(buf, sigNode);
  if (sig.unusedBits !== 0) throw new DerError('signature has padding bits');

  let pos = tbs.contentStart;
  let node = readNode(buf, pos, tbs.end);
  let version = 0;
  if (node.tag === 0x02) {
    version = readSmallInt(buf, node);
    if (version !== 1) throw new DerError('CRL version is not v2');
    node = readNode(buf, node.end, tbs.end);
  }
  if (node.tag !== 0x30) throw new DerError('TBSCertList signature is not an AlgorithmIdentifier');
  const innerSigAlg = node;
  const issuerNode = readNode(buf, innerSigAlg.end, tbs.end);
  let issuer: string;
  try {
    issuer = parseName(buf, issuerNode).text;
  } catch (e) {
    if (e instanceof NameError) throw new DerError(`issuer: ${e.message}`);
    throw e;
  }
  const thisUpdateNode = readNode(buf, issuerNode.end, tbs.end);
  const thisUpdate = readTime(buf, thisUpdateNode);
  pos = thisUpdateNode.end;
  let nextUpdate: Date | undefined;
  let list: DerNode | undefined;
  let crlNumber: bigint | undefined;
  let authorityKeyId: Uint8Array | undefined;
  if (pos < tbs.end) {
    node = readNode(buf, pos, tbs.end);
    if (node.tag === 0x17 || node.tag === 0x18) {
      nextUpdate = readTime(buf, node);
      pos = node.end;
    }
  }
  if (pos < tbs.end) {
    node = readNode(buf, pos, tbs.end);
    if (node.tag === 0x30) {
      list = node;
      pos = node.end;
    }
  }
  if (pos < tbs.end) {
    node = readNode(buf, pos, tbs.end);
    if (node.tag !== 0xa0 || node.end !== tbs.end) throw new DerError('unexpected field in TBSCertList');
    if (version !== 1) throw new DerError('extensions in a v1 CRL');
    for (const ext of readWrappedExtensions(buf, node)) {
      if (ext.id === OID.crlNumber) crlNumber = readBigInt(ext.value, readRoot(ext.value, 0x02, 'CRLNumber'));
      else if (ext.id === OID.authorityKeyIdentifier) authorityKeyId = readAuthorityKeyIdentifier(ext.value).keyId;
      // RFC 5280 5.2: a critical CRL extension we cannot process makes the CRL unusable.
      else if (ext.critical) throw new DerError(`critical CRL extension ${ext.id} is not supported`);
    }
  }
  if (!bufEqual(buf, innerSigAlg, sigAlg)) throw new DerError('signature algorithms differ (RFC 5280 5.1.1.2)');

  // Count by skipping headers only; entries are decoded on demand.
  let entryCount = 0;
  if (list) {
    for (let p = list.contentStart; p < list.end; entryCount++) p = readNode(buf, p, list.end).end;
  }
  const entryList = list;
  return {
    version,
    issuerDer: whole(buf, issuerNode),
    issuer,
    thisUpdate,
    nextUpdate,
    crlNumber,
    authorityKeyId,
    signatureAlgorithm: whole(buf, sigAlg),
    tbsDer: whole(buf, tbs),
    signature: sig.bytes,
    entryCount,
    entries: () => decodeEntries(buf, entryList),
  };
}

function bufEqual(buf: Buffer, a: DerNode, b: DerNode): boolean {
  return a.end - a.start === b.end - b.start && buf.compare(buf, a.start, a.end, b.start, b.end) === 0;
}

/** Read a CRL given as DER or PEM. */
export function readCrl(input: Uint8Array, options: ReadCrlOptions = {}): CrlView {
  const max = options.maxBytes ?? 512 * 1024 * 1024;
  if (input.length === 0) throw unparseable('empty input');
  if (input.length > max) throw new DomainError('CRL_UNPARSEABLE', `The CRL is larger than ${max} bytes.`);
  const der = toDer(input);
  try {
    return walk(der);
  } catch (e) {
    if (e instanceof DerError) throw unparseable(e.message);
    throw e;
  }
}

/** Whether the CRL's signature verifies with the issuer's public key. */
export function verifyCrlSignature(crl: CrlView, issuerPublicKey: KeyObject): boolean {
  let algorithm: string;
  try {
    const seq = readRoot(crl.signatureAlgorithm, 0x30, 'AlgorithmIdentifier');
    algorithm = readOid(crl.signatureAlgorithm, readNode(crl.signatureAlgorithm, seq.contentStart, seq.end));
  } catch {
    return false;
  }
  const digest = signatureDigest(algorithm);
  if (digest === undefined) return false;
  try {
    return verify(digest, crl.tbsDer, issuerPublicKey, crl.signature);
  } catch {
    return false;
  }
}
