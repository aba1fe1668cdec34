/**
 * Writes and signs a v2 CRL (RFC 5280 5.1) for one issuer.
 *
 * A revoke-everything CRL can hold a million entries, so the entries are
 * written straight into one buffer with room kept in front for the headers
 * whose lengths are only known at the end (TBSCertList, CertificateList,
 * revokedCertificates) and room behind for the signature: the DER is built,
 * signed and returned without a copy of the entry list.
 */
import { DomainError } from '../errors.ts';
import { authorityKeyIdentifierExtension, extension } from './certificate-extensions.ts';
import { TAG, bigintContent, enumerated, explicit, lengthSize, sequence, time, writeHeader } from '../asn1/der-writer.ts';
import type { Issuer } from './issuer.ts';
import { OID } from '../asn1/oids.ts';
import { toPem } from '../asn1/pem.ts';
import { REASON_CODES, isReasonName } from './revocation-reasons.ts';
import type { ReasonName } from './revocation-reasons.ts';
import { normalizeSerialHex } from '../asn1/serial.ts';

export interface CrlEntryInput {
  /** Serial number as hex (lowercase canonical form preferred). */
  readonly serialHex: string;
  readonly revokedAt: Date;
  readonly reason: ReasonName;
}

/**
 * Entries that share a revocation time and reason (a fleet revoked at once): read and written without an
 * object per entry. The serials as hex; or packed in one buffer: each serial's length in one octet, then its
 * octets (the big-endian magnitude, as its hex gives it); or joined in one buffer as the vault reads them:
 * the serials' hex in ASCII, separated by commas, `count` of them.
 */
export type CrlEntryGroup = { readonly revokedAt: Date; readonly reason: ReasonName } & (
  | { readonly serialsHex: readonly string[] }
  | { readonly serialsPacked: Uint8Array }
  | { readonly serialsJoined: Uint8Array; readonly count: number }
);

export interface CrlInput {
  readonly issuer: Issuer;
  /** RFC 5280 5.2.3: non-negative, strictly increasing per issuer, at most 20 octets. */
  readonly crlNumber: bigint;
  readonly thisUpdate: Date;
  readonly nextUpdate: Date;
  readonly entries: Iterable<CrlEntryInput> | { readonly groups: Iterable<CrlEntryGroup> };
  /** How many entries to make room for when `entries` is not an array (the vault knows its count): one buffer, not a doubling one. */
  readonly expectedEntries?: number;
}

/** Largest encoded entry: SEQUENCE header 2 + INTEGER 2+21 + GeneralizedTime 17 + reason extensions 14. */
const MAX_ENTRY = 2 + 23 + 17 + 14;
/** Room for a header with any length we can produce. */
const MAX_HEADER = 6;
/** Room behind the TBS for signatureAlgorithm and the signature BIT STRING (RSA-4096 is 512 octets). */
const TAIL_ROOM = 64 + 1024;

/** crlEntryExtensions holding only reasonCode, one prebuilt encoding per reason (RFC 5280 5.3.1). */
const REASON_EXTENSIONS = new Map<ReasonName, Buffer>(
  Object.entries(REASON_CODES).map(([name, code]) => [name as ReasonName, sequence(extension(OID.crlReason, false, enumerated(code)))]),
);

function invalid(message: string): DomainError {
  return new DomainError('INVALID_INPUT', message);
}

function checkWindow(input: CrlInput): { thisUpdate: Date; nextUpdate: Date } {
  const { issuer } = input;
  const floor = (d: Date): Date => new Date(Math.floor(d.getTime() / 1000) * 1000);
  if (Number.isNaN(input.thisUpdate.getTime()) || Number.isNaN(input.nextUpdate.getTime())) throw invalid('thisUpdate and nextUpdate must be valid dates.');
  const thisUpdate = floor(input.thisUpdate);
  const nextUpdate = floor(input.nextUpdate);
  if (!issuer.canSignCrls) throw new DomainError('CRL_ISSUER_INVALID', "The issuing key's certificate does not allow cRLSign (RFC 5280 4.2.1.3).");
  if (thisUpdate < issuer.notBefore || thisUpdate > issuer.notAfter) {
    throw new DomainError('CRL_ISSUER_INVALID', `The issuing key's certificate is not valid at thisUpdate ${thisUpdate.toISOString()} (valid ${issuer.notBefore.toISOString()} to ${issuer.notAfter.toISOString()}).`);
  }
  if (nextUpdate <= thisUpdate) throw invalid('nextUpdate must be after thisUpdate (RFC 5280 5.1.2.5).');
  if (nextUpdate > issuer.notAfter) {
    throw new DomainError(
      'VALIDITY_EXCEEDS_ISSUER',
      `nextUpdate ${nextUpdate.toISOString()} is after the issuing key's certificate expires (${issuer.notAfter.toISOString()}); publish with an earlier nextUpdate.`,
    );
  }
  return { thisUpdate, nextUpdate };
}

function crlNumberContent(n: bigint): Buffer {
  if (typeof n !== 'bigint' || n < 0n) throw invalid('The CRL number must be a non-negative integer (RFC 5280 5.2.3).');
  const c = bigintContent(n);
  if (c.length > 20) throw invalid('The CRL number must fit in 20 octets (RFC 5280 5.2.3).');
  return c;
}

/** A growable byte area with reserved room in front. */
class EntryArea {
  buf: Buffer;
  pos: number;
  constructor(front: number, expectedEntries: number) {
    this.buf = Buffer.allocUnsafe(front + Math.max(expectedEntries, 16) * MAX_ENTRY + TAIL_ROOM);
    this.pos = front;
  }
  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n + TAIL_ROOM));
    this.buf.copy(bigger, 0, 0, this.pos);
    this.buf = bigger;
  }
}

const HEX_LOWER_RE = /^[0-9a-f]+$/;

/** Canonical lowercase hex of at most 20 octets, not zero; throws INVALID_INPUT otherwise. */
function serialHexOf(hex: string): string {
  // Fast path: canonical lowercase hex; anything else goes through normalization.
  if (typeof hex !== 'string' || hex.length % 2 !== 0 || hex.length > 40 || hex.startsWith('00') || !HEX_LOWER_RE.test(hex)) {
    const normalized = typeof hex === 'string' ? normalizeSerialHex(hex) : null;
    if (normalized === null || normalized.length > 40) throw invalid(`Serial "${String(hex)}" is not a hex serial number of at most 20 octets.`);
    hex = normalized;
  }
  if (hex === '00') throw invalid('Serial number 0 is not a valid certificate serial (RFC 5280 4.1.2.2).');
  return hex;
}

/** The encoded revocationDate; throws INVALID_INPUT for a date DER cannot carry. */
function revocationTime(revokedAt: Date, hex: string): Buffer {
  const ms = revokedAt instanceof Date ? revokedAt.getTime() : NaN;
  if (Number.isNaN(ms)) throw invalid(`Revocation date of serial ${hex} is not a valid date.`);
  const d = new Date(ms);
  const y = d.getUTCFullYear();
  if (y < 0 || y > 9999) throw invalid(`Revocation date of serial ${hex} cannot be encoded.`);
  return time(d);
}

/** The crlEntryExtensions for a reason (empty for unspecified); throws INVALID_REASON. */
function reasonExtension(reason: ReasonName, hex: string): Buffer {
  const ext = isReasonName(reason) ? REASON_EXTENSIONS.get(reason) : undefined;
  if (ext === undefined) throw new DomainError('INVALID_REASON', `"${String(reason)}" is not an RFC 5280 revocation reason (serial ${hex}).`);
  if (reason === 'removeFromCRL') throw new DomainError('INVALID_REASON', `removeFromCRL belongs in delta CRLs only (serial ${hex}).`);
  // RFC 5280 5.3.1: the reasonCode "unspecified" SHOULD be absent.
  return reason === 'unspecified' ? Buffer.alloc(0) : ext;
}

/**
 * Reserves room for one revokedCertificates entry, SEQUENCE { serial INTEGER, revocationDate,
 * crlEntryExtensions }, and writes its head up to the serial's magnitude: the SEQUENCE and INTEGER
 * headers and the sign octet a magnitude starting at 0x80 needs. Returns where the magnitude goes.
 */
function writeEntryHead(area: EntryArea, magnitude: number, negative: boolean, when: Buffer, ext: Buffer): number {
  const intLen = magnitude + (negative ? 1 : 0);
  const bodyLen = 2 + intLen + when.length + ext.length;
  area.ensure(2 + bodyLen);
  const b = area.buf;
  let p = area.pos;
  b[p++] = TAG.SEQUENCE;
  b[p++] = bodyLen; // always < 0x80: at most 55 octets
  b[p++] = TAG.INTEGER;
  b[p++] = intLen;
  if (negative) b[p++] = 0;
  return p;
}

/** The rest of an entry after its magnitude (ending at `p`): the revocationDate and the extensions. */
function writeEntryTail(area: EntryArea, p: number, when: Buffer, ext: Buffer): void {
  const b = area.buf;
  p += when.copy(b, p);
  if (ext.length) p += ext.copy(b, p);
  area.pos = p;
}

/** One revokedCertificates entry from a canonical hex serial. */
function writeEntry(area: EntryArea, hex: string, when: Buffer, ext: Buffer): void {
  const p = writeEntryHead(area, hex.length >> 1, parseInt(hex.slice(0, 2), 16) >= 0x80, when, ext);
  writeEntryTail(area, p + area.buf.write(hex, p, 'hex'), when, ext);
}

/**
 * The entries of packed serials; returns how many. A serial that is not canonical (a leading zero octet, none,
 * or more than 20) goes through the hex path, so it is normalized or refused exactly as there.
 */
function writePacked(area: EntryArea, packed: Uint8Array, when: Buffer, ext: Buffer): number {
  let count = 0;
  for (let p = 0; p < packed.length; count++) {
    const len = packed[p]!;
    const end = p + 1 + len;
    if (end > packed.length) throw invalid('A packed serial runs past the end of its buffer.');
    if (len === 0 || len > 20 || packed[p + 1] === 0) {
      writeEntry(area, serialHexOf(Buffer.from(packed.buffer, packed.byteOffset + p + 1, len).toString('hex')), when, ext);
    } else {
      const q = writeEntryHead(area, len, packed[p + 1]! >= 0x80, when, ext);
      area.buf.set(packed.subarray(p + 1, end), q);
      writeEntryTail(area, q + len, when, ext);
    }
    p = end;
  }
  return count;
}

/** The value of each lowercase hex digit's ASCII code; -1 for every other octet. */
const HEX_VALUE = (() => {
  const t = new Int8Array(256).fill(-1);
  for (let i = 0; i < 16; i++) t['0123456789abcdef'.charCodeAt(i)] = i;
  return t;
})();
const COMMA = 0x2c;

/**
 * The entries of comma-joined hex serials; returns how many. Each serial in canonical form (lowercase hex,
 * even length, at most 20 octets, no leading zero octet) is decoded straight into its entry; any other goes
 * through the hex path, so it is normalized or refused exactly as there.
 */
function writeJoined(area: EntryArea, joined: Uint8Array, when: Buffer, ext: Buffer): number {
  const s = Buffer.from(joined.buffer, joined.byteOffset, joined.length);
  let count = 0;
  for (let start = 0; start <= s.length; count++) {
    let end = s.indexOf(COMMA, start);
    if (end < 0) end = s.length;
    const digits = end - start;
    const len = digits >> 1;
    let canonical = digits > 0 && (digits & 1) === 0 && len <= 20 && !(s[start] === 0x30 && s[start + 1] === 0x30);
    if (canonical) {
      const top = HEX_VALUE[s[start]!]!;
      const q = writeEntryHead(area, len, top >= 8, when, ext);
      const b = area.buf;
      for (let i = 0, c = start; i < len; i++, c += 2) {
        const hi = HEX_VALUE[s[c]!]!;
        const lo = HEX_VALUE[s[c + 1]!]!;
        if ((hi | lo) < 0) {
          canonical = false;
          break;
        }
        b[q + i] = (hi << 4) | lo;
      }
      if (canonical) writeEntryTail(area, q + len, when, ext);
    }
    // The head written above is not kept (area.pos moved only with the tail): the hex path writes over it.
    if (!canonical) writeEntry(area, serialHexOf(s.toString('latin1', start, end)), when, ext);
    start = end + 1;
  }
  return count;
}

/** A group's first serial as given, for the messages about its time and reason. */
function firstSerialOf(g: CrlEntryGroup): string {
  if ('serialsHex' in g) return g.serialsHex[0] ?? '';
  if ('serialsJoined' in g) {
    const b = Buffer.from(g.serialsJoined.buffer, g.serialsJoined.byteOffset, g.serialsJoined.length);
    const end = b.indexOf(COMMA);
    return b.toString('latin1', 0, end < 0 ? b.length : end);
  }
  return Buffer.from(g.serialsPacked.subarray(1, 1 + (g.serialsPacked[0] ?? 0))).toString('hex');
}

/** Write every entry; returns the entry count. */
function writeEntries(area: EntryArea, entries: CrlInput['entries']): number {
  let count = 0;
  if ('groups' in entries) {
    for (const g of entries.groups) {
      const first = firstSerialOf(g);
      const when = revocationTime(g.revokedAt, first);
      const ext = reasonExtension(g.reason, first);
      if ('serialsJoined' in g) {
        const n = writeJoined(area, g.serialsJoined, when, ext);
        // A comma inside a serial would make two of one: refused, as the hex path refuses a serial that is not hex.
        if (n !== g.count) throw invalid(`A group of ${g.count} joined serials holds ${n}: a serial that is not hex (a comma in it) was given.`);
        count += n;
        continue;
      }
      if ('serialsPacked' in g) {
        count += writePacked(area, g.serialsPacked, when, ext);
        continue;
      }
      for (const serial of g.serialsHex) writeEntry(area, serialHexOf(serial), when, ext);
      count += g.serialsHex.length;
    }
    return count;
  }
  let lastMs = NaN;
  let lastTime: Buffer = Buffer.alloc(0);
  for (const e of entries) {
    const hex = serialHexOf(e.serialHex);
    const ms = e.revokedAt instanceof Date ? e.revokedAt.getTime() : NaN;
    if (ms !== lastMs || Number.isNaN(ms)) {
      lastTime = revocationTime(e.revokedAt, hex);
      lastMs = ms;
    }
    writeEntry(area, hex, lastTime, reasonExtension(e.reason, hex));
    count++;
  }
  return count;
}

/** Encode and sign a v2 CRL; the signature is verified with the issuer's certificate before the DER is returned. */
export function encodeCrl(input: CrlInput): Buffer {
  const { issuer } = input;
  const { thisUpdate, nextUpdate } = checkWindow(input);
  const number = crlNumberContent(input.crlNumber);
  // RFC 5280 5.1.2.1: version MUST be v2 when extensions are present.
  const head = Buffer.concat([
    Buffer.from([TAG.INTEGER, 1, 1]),
    issuer.signatureAlgorithm,
    issuer.subjectDer,
    time(thisUpdate),
    time(nextUpdate),
  ]);
  // RFC 5280 5.2.1 and 5.2.3: AKI and cRLNumber, both non-critical.
  const crlExtensions = explicit(
    0,
    sequence(authorityKeyIdentifierExtension(issuer.keyId), extension(OID.crlNumber, false, Buffer.concat([Buffer.from([TAG.INTEGER, number.length]), number]))),
  );

  const entriesStart = MAX_HEADER * 3 + head.length;
  const expected = Array.isArray(input.entries)
    ? input.entries.length
    : 'groups' in input.entries && Array.isArray(input.entries.groups)
      ? input.entries.groups.reduce((n: number, g: CrlEntryGroup) => n + ('serialsHex' in g ? g.serialsHex.length : 'serialsJoined' in g ? g.count : g.serialsPacked.length / 17), 0)
      : (input.expectedEntries ?? 1024);
  const area = new EntryArea(entriesStart, expected);
  const count = writeEntries(area, input.entries);
  const entriesLen = area.pos - entriesStart;
  area.ensure(crlExtensions.length + TAIL_ROOM);
  let buf = area.buf;
  crlExtensions.copy(buf, area.pos);
  const tbsEnd = area.pos + crlExtensions.length;

  // Headers are written backwards from the entries, each right before what it wraps.
  let start = entriesStart;
  // RFC 5280 5.1.2.6: with no revoked certificates the list MUST be absent.
  if (count > 0) {
    start -= 1 + lengthSize(entriesLen);
    writeHeader(buf, start, TAG.SEQUENCE, entriesLen);
  }
  start -= head.length;
  head.copy(buf, start);
  const tbsLen = tbsEnd - start;
  start -= 1 + lengthSize(tbsLen);
  writeHeader(buf, start, TAG.SEQUENCE, tbsLen);
  const tbsStart = start;
  const tbs = buf.subarray(tbsStart, tbsEnd);

  const signature = issuer.signBytes(tbs);
  if (!issuer.verifyBytes(tbs, signature)) {
    throw new DomainError('SIGNATURE_SELF_CHECK_FAILED', "The CRL's signature did not verify with the issuing certificate's key; nothing was written.");
  }
  let pos = tbsEnd;
  const sigAlg = issuer.signatureAlgorithm;
  if (pos + sigAlg.length + signature.length + 8 > buf.length) {
    const bigger = Buffer.allocUnsafe(pos + sigAlg.length + signature.length + 8);
    buf.copy(bigger, 0, 0, pos);
    buf = bigger;
  }
  pos += sigAlg.copy(buf, pos);
  pos = writeHeader(buf, pos, TAG.BIT_STRING, signature.length + 1);
  buf[pos++] = 0;
  pos += signature.copy(buf, pos);
  const bodyLen = pos - tbsStart;
  const outerStart = tbsStart - 1 - lengthSize(bodyLen);
  writeHeader(buf, outerStart, TAG.SEQUENCE, bodyLen);
  return buf.subarray(outerStart, pos);
}

export function crlToPem(der: Uint8Array): string {
  return toPem(der, 'X509 CRL');
}
