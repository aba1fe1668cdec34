/**
 * PEM text (RFC 7468) around DER: strict decoding of untrusted input, and the
 * standard 64-column encoding for output.
 */

/** What was wrong with a PEM block; callers word it for their own file. */
export type PemFault = 'damaged-begin' | 'no-end' | 'headers' | 'not-base64';

export class PemError extends Error {
  readonly fault: PemFault;
  /** 1-based position of the block in the text. */
  readonly index: number;
  readonly label: string | null;
  constructor(fault: PemFault, index: number, label: string | null, message: string) {
    super(message);
    this.name = 'PemError';
    this.fault = fault;
    this.index = index;
    this.label = label;
  }
}

export interface PemBlock {
  readonly label: string;
  readonly der: Buffer;
}

/** A block found by the scanner, its body not yet decoded. */
export interface PemSection {
  readonly label: string;
  readonly index: number;
  readonly body: string;
}

const BEGIN = '-----BEGIN ';
const MAX_LABEL = 64;

/**
 * The one PEM scanner: every BEGIN/END block in `text`, in order, in one
 * linear pass (RFC 7468 section 2). Text outside blocks (such as the dump
 * `openssl req -text` puts first) is ignored; a BEGIN line without its
 * closing dashes, a block without its END line, or one that swallowed the
 * next BEGIN (a missing END line) throws a PemError when the scan reaches it,
 * so blocks before the damage are handed out first.
 */
export function* pemSections(text: string): Generator<PemSection, void, undefined> {
  for (let p = 0, index = 1; ; index++) {
    const begin = text.indexOf(BEGIN, p);
    if (begin < 0) return;
    const labelEnd = text.indexOf('-----', begin + BEGIN.length);
    const eol = text.indexOf('\n', begin);
    if (labelEnd < 0 || (eol >= 0 && labelEnd > eol) || labelEnd - begin - BEGIN.length > MAX_LABEL) {
      throw new PemError('damaged-begin', index, null, `PEM block ${index} has a damaged BEGIN line`);
    }
    const label = text.slice(begin + BEGIN.length, labelEnd);
    const endMarker = `-----END ${label}-----`;
    const end = text.indexOf(endMarker, labelEnd + 5);
    const body = end < 0 ? '' : text.slice(labelEnd + 5, end);
    if (end < 0 || body.includes(BEGIN)) throw new PemError('no-end', index, label, `PEM block ${label} has no END line`);
    yield { label, index, body };
    p = end + endMarker.length;
  }
}

/** The DER inside a block: only base64 and whitespace, no RFC 1421 header lines. */
export function decodePemBody(section: PemSection): Buffer {
  const { label, index } = section;
  if (section.body.includes(':')) throw new PemError('headers', index, label, `PEM block ${label} has header lines`);
  const compact = section.body.replace(/\s+/g, '');
  if (compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) {
    throw new PemError('not-base64', index, label, `PEM block ${label} is not valid base64`);
  }
  return Buffer.from(compact, 'base64');
}

/**
 * Whether input should be read as PEM text rather than DER: every structure
 * we read is a DER SEQUENCE (first octet 0x30); PEM starts with text, which
 * may be long (`openssl req -text` puts a dump before the block).
 */
export function looksLikePem(bytes: Uint8Array): boolean {
  return bytes.length > 0 && bytes[0] !== 0x30;
}

/** Every PEM block in `text`, decoded, in order (see pemSections). */
export function pemBlocks(text: string): PemBlock[] {
  return Array.from(pemSections(text), (s) => ({ label: s.label, der: decodePemBody(s) }));
}

/**
 * The PEM blocks of untrusted input, or null when it is not PEM (the caller
 * reads it as DER); a malformed PEM becomes the caller's own error.
 */
export function pemBlocksOf(input: Uint8Array, onMalformed: (detail: string) => Error): PemBlock[] | null {
  if (!looksLikePem(input)) return null;
  try {
    return pemBlocks(Buffer.from(input.buffer, input.byteOffset, input.length).toString('latin1'));
  } catch (e) {
    throw onMalformed(e instanceof PemError ? e.message : String(e));
  }
}

/** RFC 7468 section 2: base64 lines of 64 characters between BEGIN/END lines. */
export function toPem(der: Uint8Array, label: string): string {
  const b64 = Buffer.from(der.buffer, der.byteOffset, der.length).toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 64) lines.push(b64.slice(i, i + 64));
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}
