/**
 * A strict DER walker for untrusted bytes (CSRs, certificates, CRLs). It reads
 * tag/length headers in place, without building an object model, so walking a
 * million-entry CRL costs a few allocations per entry.
 *
 * Strict means DER, not BER (X.690 section 10): definite lengths only, in the
 * shortest form, and every length inside its parent. Anything else throws a
 * DerError, which callers turn into their own DomainError code. The one
 * exception is the explicit lenient mode at the end of this file
 * (readNodeLenient, childrenLenient, derFromBer), which chain import uses to
 * find certificates in BER containers and the certificate facts reader uses
 * on certificates other CAs wrote; both modes share one header parser.
 */

import { tlv } from './der-writer.ts';

export class DerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DerError';
  }
}

/** One TLV: `start` is the tag octet, `contentStart`..`end` the value. */
export interface DerNode {
  readonly tag: number;
  readonly start: number;
  readonly contentStart: number;
  readonly end: number;
}

/**
 * The one tag-and-length parser. `ber` is the lenient mode (see
 * readNodeLenient): it also accepts the indefinite length (returned as null)
 * and length octets that are not the shortest form.
 */
function readHeader(buf: Uint8Array, offset: number, limit: number, mode: 'der' | 'ber'): { tag: number; pos: number; length: number | null } {
  if (offset + 2 > limit) throw new DerError('truncated header');
  const tag = buf[offset] as number;
  // High tag numbers (X.690 8.1.2.4) never occur in the structures we read.
  if ((tag & 0x1f) === 0x1f) throw new DerError('high tag number');
  const first = buf[offset + 1] as number;
  let pos = offset + 2;
  if (first < 0x80) return { tag, pos, length: first };
  if (first === 0x80 && mode === 'ber') return { tag, pos, length: null };
  const n = first & 0x7f;
  // 0x80 is BER's indefinite length; four length octets address 4 GiB, far beyond any input we accept.
  if (n === 0 || n > 4) throw new DerError('unsupported length form');
  if (pos + n > limit) throw new DerError('truncated length');
  if (mode === 'der' && buf[pos] === 0) throw new DerError('non-minimal length');
  let length = 0;
  for (let i = 0; i < n; i++) length = length * 256 + (buf[pos + i] as number);
  pos += n;
  if (mode === 'der' && length < 0x80) throw new DerError('non-minimal length');
  return { tag, pos, length };
}

/** Read the TLV at `offset`, which must end at or before `limit`. */
export function readNode(buf: Uint8Array, offset: number, limit: number): DerNode {
  const { tag, pos, length } = readHeader(buf, offset, limit, 'der');
  const end = pos + (length as number);
  if (end > limit) throw new DerError('length exceeds parent');
  return { tag, start: offset, contentStart: pos, end };
}

/** Read the TLV at `offset` and require its tag. */
export function expectNode(buf: Uint8Array, offset: number, limit: number, tag: number, what: string): DerNode {
  const node = readNode(buf, offset, limit);
  if (node.tag !== tag) throw new DerError(`${what}: expected tag 0x${tag.toString(16)}, got 0x${node.tag.toString(16)}`);
  return node;
}

/** The whole input must be exactly one TLV of `tag`. */
export function readRoot(buf: Uint8Array, tag: number, what: string): DerNode {
  const node = expectNode(buf, 0, buf.length, tag, what);
  if (node.end !== buf.length) throw new DerError(`${what}: trailing bytes`);
  return node;
}

/** Every child of a constructed node. */
export function children(buf: Uint8Array, parent: DerNode): DerNode[] {
  if ((parent.tag & 0x20) === 0) throw new DerError('not a constructed value');
  const out: DerNode[] = [];
  for (let pos = parent.contentStart; pos < parent.end; ) {
    const child = readNode(buf, pos, parent.end);
    out.push(child);
    pos = child.end;
  }
  return out;
}

export function content(buf: Uint8Array, node: DerNode): Uint8Array {
  return buf.subarray(node.contentStart, node.end);
}

export function whole(buf: Uint8Array, node: DerNode): Uint8Array {
  return buf.subarray(node.start, node.end);
}

/** Dotted form of an OBJECT IDENTIFIER (X.690 8.19), rejecting non-minimal arcs. */
export function readOid(buf: Uint8Array, node: DerNode): string {
  if (node.tag !== 0x06) throw new DerError('expected OBJECT IDENTIFIER');
  const arcs: string[] = [];
  let value = 0n;
  let fresh = true;
  for (let i = node.contentStart; i < node.end; i++) {
    const b = buf[i] as number;
    if (fresh && b === 0x80) throw new DerError('non-minimal OID arc');
    value = (value << 7n) | BigInt(b & 0x7f);
    fresh = false;
    if ((b & 0x80) === 0) {
      if (arcs.length === 0) {
        const first = value < 40n ? 0n : value < 80n ? 1n : 2n;
        arcs.push(String(first), String(value - first * 40n));
      } else {
        arcs.push(String(value));
      }
      value = 0n;
      fresh = true;
    }
  }
  if (!fresh || arcs.length === 0) throw new DerError('truncated OID');
  return arcs.join('.');
}

/** INTEGER content checked for minimal two's-complement form (X.690 8.3.2). */
export function integerContent(buf: Uint8Array, node: DerNode): Uint8Array {
  if (node.tag !== 0x02) throw new DerError('expected INTEGER');
  const len = node.end - node.contentStart;
  if (len === 0) throw new DerError('empty INTEGER');
  if (len > 1) {
    const a = buf[node.contentStart] as number;
    const b = buf[node.contentStart + 1] as number;
    if ((a === 0 && (b & 0x80) === 0) || (a === 0xff && (b & 0x80) !== 0)) throw new DerError('non-minimal INTEGER');
  }
  return buf.subarray(node.contentStart, node.end);
}

export function readBigInt(buf: Uint8Array, node: DerNode): bigint {
  const c = integerContent(buf, node);
  let v = BigInt('0x' + Buffer.from(c.buffer, c.byteOffset, c.length).toString('hex'));
  if ((c[0] as number) & 0x80) v -= 1n << BigInt(c.length * 8);
  return v;
}

/** A small non-negative INTEGER (versions, path lengths). */
export function readSmallInt(buf: Uint8Array, node: DerNode): number {
  const v = readBigInt(buf, node);
  if (v < 0n || v > 0xffffffffn) throw new DerError('INTEGER out of range');
  return Number(v);
}

export function readBoolean(buf: Uint8Array, node: DerNode): boolean {
  if (node.tag !== 0x01 || node.end - node.contentStart !== 1) throw new DerError('bad BOOLEAN');
  const v = buf[node.contentStart];
  // X.690 11.1: DER has exactly one encoding of TRUE.
  if (v === 0xff) return true;
  if (v === 0x00) return false;
  throw new DerError('non-DER BOOLEAN');
}

/** BIT STRING content: the padding count and the octets (X.690 8.6). */
export function readBitString(buf: Uint8Array, node: DerNode): { unusedBits: number; bytes: Uint8Array } {
  if (node.tag !== 0x03 || node.end === node.contentStart) throw new DerError('bad BIT STRING');
  const unusedBits = buf[node.contentStart] as number;
  const bytes = buf.subarray(node.contentStart + 1, node.end);
  if (unusedBits > 7 || (bytes.length === 0 && unusedBits !== 0)) throw new DerError('bad BIT STRING padding');
  // X.690 11.2.1: the padding bits are zero in DER.
  if (unusedBits && ((bytes[bytes.length - 1] as number) & ((1 << unusedBits) - 1))) throw new DerError('non-zero padding bits');
  return { unusedBits, bytes };
}

function digits(buf: Uint8Array, at: number, count: number): number {
  let v = 0;
  for (let i = 0; i < count; i++) {
    const c = (buf[at + i] as number) - 0x30;
    if (c < 0 || c > 9) throw new DerError('bad time digit');
    v = v * 10 + c;
  }
  return v;
}

/**
 * A Time as RFC 5280 4.1.2.5 allows it: UTCTime YYMMDDHHMMSSZ (YY >= 50 is
 * 19YY) or GeneralizedTime YYYYMMDDHHMMSSZ, both in UTC with seconds and no
 * fractions.
 */
export function readTime(buf: Uint8Array, node: DerNode): Date {
  const len = node.end - node.contentStart;
  const at = node.contentStart;
  let year: number;
  let rest: number;
  if (node.tag === 0x17 && len === 13) {
    const yy = digits(buf, at, 2);
    year = yy >= 50 ? 1900 + yy : 2000 + yy;
    rest = at + 2;
  } else if (node.tag === 0x18 && len === 15) {
    year = digits(buf, at, 4);
    rest = at + 4;
  } else {
    throw new DerError('bad Time');
  }
  if (buf[node.end - 1] !== 0x5a) throw new DerError('Time not in UTC');
  const month = digits(buf, rest, 2);
  const day = digits(buf, rest + 2, 2);
  const hour = digits(buf, rest + 4, 2);
  const minute = digits(buf, rest + 6, 2);
  const second = digits(buf, rest + 8, 2);
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  const d = new Date(ms);
  // Reject 31 February and friends instead of letting Date roll them over.
  if (
    year < 100 ||
    d.getUTCMonth() !== month - 1 ||
    d.getUTCDate() !== day ||
    d.getUTCHours() !== hour ||
    d.getUTCMinutes() !== minute ||
    d.getUTCSeconds() !== second
  ) {
    throw new DerError('impossible date');
  }
  return d;
}

/**
 * The explicit lenient mode, for chain import only: certificate containers
 * (PKCS#7 from Windows and corporate CAs) arrive in BER, with indefinite
 * lengths (X.690 section 8.1.3.6) and non-minimal length octets. It only
 * locates certificates so they can be cut out byte-exact (a certificate's
 * signature covers its own bytes, so we never re-encode one for storage or
 * verification); every certificate it finds is then read with the strict
 * reader above, from its DER re-encoding (derFromBer) where it is BER.
 * `contentEnd` is the end of the content proper, before any end-of-contents
 * octets; `end` is past them.
 */
export interface LenientNode extends DerNode {
  readonly contentEnd: number;
  readonly constructed: boolean;
}

const MAX_LENIENT_DEPTH = 32;

export function readNodeLenient(buf: Uint8Array, offset: number, limit: number, depth = 0): LenientNode {
  if (depth > MAX_LENIENT_DEPTH) throw new DerError('nested too deep');
  const { tag, pos, length } = readHeader(buf, offset, limit, 'ber');
  const constructed = (tag & 0x20) !== 0;
  if (length === null) {
    // X.690 section 8.1.3.6: indefinite length, constructed only, ends at 00 00.
    if (!constructed) throw new DerError('indefinite length on a primitive value');
    for (let q = pos; ; q = readNodeLenient(buf, q, limit, depth + 1).end) {
      if (q + 2 > limit) throw new DerError('missing end-of-contents');
      if (buf[q] === 0 && buf[q + 1] === 0) return { tag, start: offset, contentStart: pos, contentEnd: q, end: q + 2, constructed };
    }
  }
  if (pos + length > limit) throw new DerError('length exceeds parent');
  return { tag, start: offset, contentStart: pos, contentEnd: pos + length, end: pos + length, constructed };
}

/** The children of a constructed node, read leniently. */
export function childrenLenient(buf: Uint8Array, parent: LenientNode): LenientNode[] {
  const out: LenientNode[] = [];
  for (let p = parent.contentStart; p < parent.contentEnd; ) {
    const t = readNodeLenient(buf, p, parent.contentEnd);
    out.push(t);
    p = t.end;
  }
  return out;
}

/**
 * The lenient mode for a whole value (a certificate, an extension value): the
 * DER re-encoding of a BER TLV, so the strict reader can then read it. It
 * rewrites only what BER allows and DER forbids in the structures we read
 * from other CAs: indefinite and non-minimal lengths, and a BOOLEAN TRUE that
 * is not 0xFF. Anything else (a malformed time, a non-minimal INTEGER) is
 * left for the strict reader to refuse. DER input comes back unchanged (the
 * same bytes), so callers lose nothing by using it on well-formed input.
 */
export function derFromBer(buf: Uint8Array): Uint8Array {
  const root = readNodeLenient(buf, 0, buf.length);
  if (root.end !== buf.length) throw new DerError('trailing bytes');
  const reencoded = reencode(buf, root, 0);
  return reencoded.length === buf.length && reencoded.every((b, i) => b === buf[i]) ? buf : reencoded;
}

function reencode(buf: Uint8Array, node: LenientNode, depth: number): Uint8Array {
  if (depth > MAX_LENIENT_DEPTH) throw new DerError('nested too deep');
  if (!node.constructed) {
    const value = buf.subarray(node.contentStart, node.contentEnd);
    if (node.tag === 0x01 && value.length === 1 && value[0] !== 0) return tlv(0x01, Uint8Array.of(0xff));
    return tlv(node.tag, value);
  }
  return tlv(node.tag, ...childrenLenient(buf, node).map((c) => reencode(buf, c, depth + 1)));
}
