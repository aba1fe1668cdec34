/**
 * Just enough of a BER/DER reader (X.690) to cut certificates out of their
 * containers byte-exact: a certificate's signature covers its own bytes, so
 * we never re-encode one. Linear in the input, bounded in depth, and every
 * malformed length becomes CHAIN_UNPARSEABLE rather than a hang or a throw
 * of another kind.
 */
import { DomainError } from '../errors.ts';

export interface Tlv {
  tag: number;
  /** Offset of the tag byte. */
  start: number;
  /** Offset of the first content byte. */
  contentStart: number;
  /** Offset just past the content (past the end-of-contents octets for indefinite lengths). */
  end: number;
  /** Offset just past the content proper (before end-of-contents octets). */
  contentEnd: number;
  constructed: boolean;
}

const MAX_DEPTH = 32;

function fail(what: string): never {
  throw new DomainError('CHAIN_UNPARSEABLE', `${what} is not well-formed DER: it is truncated or damaged. Ask for the file again.`);
}

/**
 * Read one TLV at `offset`. Only single-byte tags are accepted: every tag in
 * a certificate container is one (X.690 section 8.1.2.3 high tag numbers do
 * not occur in PKCS#7 or X.509 outer structures).
 */
export function readTlv(buf: Uint8Array, offset: number, limit: number, what: string, depth = 0): Tlv {
  if (depth > MAX_DEPTH) fail(what);
  if (offset + 2 > limit) fail(what);
  const tag = buf[offset] as number;
  if ((tag & 0x1f) === 0x1f) fail(what);
  const constructed = (tag & 0x20) !== 0;
  let p = offset + 1;
  const first = buf[p++] as number;
  if (first === 0x80) {
    // X.690 section 8.1.3.6: indefinite length, constructed only, ends at 00 00.
    if (!constructed) fail(what);
    let q = p;
    for (;;) {
      if (q + 2 > limit) fail(what);
      if (buf[q] === 0 && buf[q + 1] === 0) {
        return { tag, start: offset, contentStart: p, contentEnd: q, end: q + 2, constructed };
      }
      q = readTlv(buf, q, limit, what, depth + 1).end;
    }
  }
  let len: number;
  if (first < 0x80) {
    len = first;
  } else {
    const n = first & 0x7f;
    // Four length octets address 4 GiB, far beyond any input we accept.
    if (n > 4) fail(what);
    if (p + n > limit) fail(what);
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + (buf[p + i] as number);
    p += n;
  }
  if (p + len > limit) fail(what);
  return { tag, start: offset, contentStart: p, contentEnd: p + len, end: p + len, constructed };
}

/** The TLVs directly inside a constructed TLV. */
export function children(buf: Uint8Array, parent: Tlv, what: string): Tlv[] {
  const out: Tlv[] = [];
  let p = parent.contentStart;
  while (p < parent.contentEnd) {
    const t = readTlv(buf, p, parent.contentEnd, what);
    out.push(t);
    p = t.end;
  }
  return out;
}
