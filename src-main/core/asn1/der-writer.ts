/**
 * A minimal DER writer (ITU-T X.690 section 10) for the structures issuance
 * writes on its hot paths: to-be-signed certificates and CRLs. Generic ASN.1
 * object models cost more than the signature itself, so values are
 * written straight to bytes here; der-writer.test.ts proves the output is
 * byte-for-byte what @peculiar/asn1-schema serializes.
 *
 * Only low tag numbers (< 31) are supported: nothing in X.509 needs more.
 */

export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  ENUMERATED: 0x0a,
  UTF8_STRING: 0x0c,
  PRINTABLE_STRING: 0x13,
  IA5_STRING: 0x16,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

/** Bytes of a definite length in the shortest form (X.690 10.1). */
export function encodeLength(length: number): Buffer {
  if (!Number.isSafeInteger(length) || length < 0) throw new RangeError(`bad DER length ${length}`);
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n % 256);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/** Size of a length field for `length` content bytes. */
export function lengthSize(length: number): number {
  if (length < 0x80) return 1;
  let n = 1;
  for (let l = length; l > 0; l = Math.floor(l / 256)) n++;
  return n;
}

/** Write a tag and length header at `offset`; returns the offset after it. */
export function writeHeader(out: Buffer, offset: number, tag: number, length: number): number {
  out[offset++] = tag;
  if (length < 0x80) {
    out[offset++] = length;
    return offset;
  }
  const size = lengthSize(length) - 1;
  out[offset++] = 0x80 | size;
  for (let i = size - 1; i >= 0; i--) {
    out[offset + i] = length & 0xff;
    length = Math.floor(length / 256);
  }
  return offset + size;
}

/** tag || length || the concatenation of `contents`. */
export function tlv(tag: number, ...contents: Uint8Array[]): Buffer {
  let length = 0;
  for (const c of contents) length += c.length;
  const out = Buffer.allocUnsafe(1 + lengthSize(length) + length);
  let offset = writeHeader(out, 0, tag, length);
  for (const c of contents) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}

export function sequence(...contents: Uint8Array[]): Buffer {
  return tlv(TAG.SEQUENCE, ...contents);
}

/** SET OF: DER orders the encoded elements as octet strings (X.690 11.6). */
export function setOf(...elements: Uint8Array[]): Buffer {
  return tlv(TAG.SET, ...[...elements].sort((a, b) => Buffer.compare(a, b)));
}

/** [n] EXPLICIT: a constructed context-specific tag around a whole encoding. */
export function explicit(tagNumber: number, ...contents: Uint8Array[]): Buffer {
  return tlv(0xa0 | tagNumber, ...contents);
}

/** [n] IMPLICIT: the context tag replaces the universal one; `constructed` keeps the form bit of the base type. */
export function implicit(tagNumber: number, content: Uint8Array, constructed = false): Buffer {
  return tlv((constructed ? 0xa0 : 0x80) | tagNumber, content);
}

export function boolean(value: boolean): Buffer {
  // X.690 11.1: TRUE is encoded as 0xff in DER.
  return Buffer.from([TAG.BOOLEAN, 1, value ? 0xff : 0x00]);
}

export function nullValue(): Buffer {
  return Buffer.from([TAG.NULL, 0]);
}

/**
 * INTEGER content for an unsigned magnitude: leading zero octets removed, and
 * one 0x00 prepended when the top bit is set so the value stays positive
 * (X.690 8.3.2: the shortest two's-complement form).
 */
export function unsignedIntegerContent(magnitude: Uint8Array): Buffer {
  let start = 0;
  while (start < magnitude.length - 1 && magnitude[start] === 0) start++;
  const trimmed = magnitude.subarray(start);
  if (trimmed.length === 0) return Buffer.from([0]);
  if ((trimmed[0] as number) & 0x80) return Buffer.concat([Buffer.from([0]), trimmed]);
  return Buffer.from(trimmed);
}

/** INTEGER from an unsigned big-endian magnitude (serial numbers, RSA moduli). */
export function integerFromUnsigned(magnitude: Uint8Array): Buffer {
  return tlv(TAG.INTEGER, unsignedIntegerContent(magnitude));
}

/** INTEGER content octets for any bigint, in minimal two's complement. */
export function bigintContent(value: bigint): Buffer {
  if (value >= 0n) {
    let hex = value.toString(16);
    if (hex.length % 2) hex = '0' + hex;
    return unsignedIntegerContent(Buffer.from(hex, 'hex'));
  }
  // Negative: find the smallest byte count whose two's-complement range holds it.
  let bytes = 1;
  while (value < -(1n << BigInt(bytes * 8 - 1))) bytes++;
  let hex = ((1n << BigInt(bytes * 8)) + value).toString(16);
  hex = hex.padStart(bytes * 2, '0');
  return Buffer.from(hex, 'hex');
}

export function integer(value: bigint | number): Buffer {
  return tlv(TAG.INTEGER, bigintContent(BigInt(value)));
}

export function enumerated(value: number): Buffer {
  return tlv(TAG.ENUMERATED, bigintContent(BigInt(value)));
}

// Certificates repeat the same dozen OIDs; encode each once (callers only copy the result).
const oidCache = new Map<string, Buffer>();

/** OBJECT IDENTIFIER from dotted form (X.690 8.19): first two arcs folded, base-128 arcs. */
export function oid(dotted: string): Buffer {
  let cached = oidCache.get(dotted);
  if (!cached) {
    cached = encodeOid(dotted);
    if (oidCache.size < 256) oidCache.set(dotted, cached);
  }
  return cached;
}

function encodeOid(dotted: string): Buffer {
  const arcs = dotted.split('.').map((a) => {
    if (!/^(0|[1-9][0-9]*)$/.test(a)) throw new RangeError(`bad OID ${dotted}`);
    return BigInt(a);
  });
  const [first, second, ...rest] = arcs;
  if (first === undefined || second === undefined || first > 2n || (first < 2n && second > 39n)) {
    throw new RangeError(`bad OID ${dotted}`);
  }
  const content: number[] = [];
  for (const arc of [first * 40n + second, ...rest]) {
    const groups: number[] = [Number(arc & 0x7fn)];
    for (let v = arc >> 7n; v > 0n; v >>= 7n) groups.unshift(Number(v & 0x7fn) | 0x80);
    content.push(...groups);
  }
  return tlv(TAG.OID, Buffer.from(content));
}

export function octetString(content: Uint8Array): Buffer {
  return tlv(TAG.OCTET_STRING, content);
}

/** BIT STRING; `unusedBits` trailing bits of the last octet are padding (X.690 8.6.2). */
export function bitString(content: Uint8Array, unusedBits = 0): Buffer {
  if (unusedBits < 0 || unusedBits > 7 || (content.length === 0 && unusedBits !== 0)) {
    throw new RangeError('bad BIT STRING padding');
  }
  return tlv(TAG.BIT_STRING, Buffer.from([unusedBits]), content);
}

/**
 * A named bit list such as KeyUsage: bit 0 is the most significant bit of the
 * first octet, and DER drops trailing zero bits (X.690 11.2.2).
 */
export function namedBitString(bits: readonly number[]): Buffer {
  if (bits.length === 0) return bitString(new Uint8Array(0));
  const highest = Math.max(...bits);
  const octets = Buffer.alloc((highest >> 3) + 1);
  for (const bit of bits) octets[bit >> 3] = (octets[bit >> 3] as number) | (0x80 >> (bit & 7));
  return bitString(octets, 7 - (highest & 7));
}

export function utf8String(value: string): Buffer {
  return tlv(TAG.UTF8_STRING, Buffer.from(value, 'utf8'));
}

export function printableString(value: string): Buffer {
  return tlv(TAG.PRINTABLE_STRING, Buffer.from(value, 'latin1'));
}

export function ia5String(value: string): Buffer {
  return tlv(TAG.IA5_STRING, Buffer.from(value, 'latin1'));
}

function two(n: number): string {
  return n < 10 ? '0' + n : String(n);
}

/** The 13 ASCII characters YYMMDDHHMMSSZ of a UTCTime; fractions of a second are dropped. */
export function utcTimeText(d: Date): string {
  return (
    two(d.getUTCFullYear() % 100) +
    two(d.getUTCMonth() + 1) +
    two(d.getUTCDate()) +
    two(d.getUTCHours()) +
    two(d.getUTCMinutes()) +
    two(d.getUTCSeconds()) +
    'Z'
  );
}

/** The 15 ASCII characters YYYYMMDDHHMMSSZ of a GeneralizedTime without fractions (RFC 5280 4.1.2.5.2). */
export function generalizedTimeText(d: Date): string {
  return String(d.getUTCFullYear()).padStart(4, '0') + utcTimeText(d).slice(2);
}

export function utcTime(d: Date): Buffer {
  return tlv(TAG.UTC_TIME, Buffer.from(utcTimeText(d), 'latin1'));
}

export function generalizedTime(d: Date): Buffer {
  return tlv(TAG.GENERALIZED_TIME, Buffer.from(generalizedTimeText(d), 'latin1'));
}

/** Whether RFC 5280 wants UTCTime for this instant (years 1950 through 2049), else GeneralizedTime. */
export function usesUtcTime(d: Date): boolean {
  const year = d.getUTCFullYear();
  return year >= 1950 && year <= 2049;
}

/**
 * A certificate or CRL Time (RFC 5280 4.1.2.5 and 5.1.2.4): "CAs conforming to
 * this profile MUST always encode certificate validity dates through the year
 * 2049 as UTCTime; certificate validity dates in 2050 or later MUST be encoded
 * as GeneralizedTime." Seconds are always present; fractions are dropped.
 */
export function time(d: Date): Buffer {
  if (Number.isNaN(d.getTime())) throw new RangeError('invalid date');
  const year = d.getUTCFullYear();
  if (year < 0 || year > 9999) throw new RangeError(`year ${year} cannot be encoded`);
  return usesUtcTime(d) ? utcTime(d) : generalizedTime(d);
}
