/**
 * PEM text (RFC 7468) around DER: strict decoding of untrusted input, and the
 * standard 64-column encoding for output.
 */

export class PemError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PemError';
  }
}

export interface PemBlock {
  readonly label: string;
  readonly der: Buffer;
}

const BEGIN_RE = /-----BEGIN ([A-Z0-9 ]{1,64})-----/g;
const BASE64_BODY_RE = /^[A-Za-z0-9+/\s]*={0,2}\s*$/;

/**
 * Whether input should be read as PEM text rather than DER: every structure
 * we read is a DER SEQUENCE (first octet 0x30); PEM starts with text, which
 * may be long (`openssl req -text` puts a dump before the block).
 */
export function looksLikePem(bytes: Uint8Array): boolean {
  return bytes.length > 0 && bytes[0] !== 0x30;
}

/**
 * Every PEM block in `text`, in order. Text outside blocks (such as the
 * human-readable dump `openssl req -text` puts first) is ignored, as RFC 7468
 * section 2 allows; inside a block only base64 and whitespace are accepted.
 */
export function pemBlocks(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  BEGIN_RE.lastIndex = 0;
  for (let m = BEGIN_RE.exec(text); m; m = BEGIN_RE.exec(text)) {
    const label = m[1] as string;
    const bodyStart = m.index + m[0].length;
    const endMarker = `-----END ${label}-----`;
    const bodyEnd = text.indexOf(endMarker, bodyStart);
    if (bodyEnd < 0) throw new PemError(`PEM block ${label} has no END line`);
    const body = text.slice(bodyStart, bodyEnd);
    if (!BASE64_BODY_RE.test(body)) throw new PemError(`PEM block ${label} holds characters that are not base64`);
    const compact = body.replace(/\s+/g, '');
    if (compact.length % 4 !== 0) throw new PemError(`PEM block ${label} has a truncated base64 body`);
    blocks.push({ label, der: Buffer.from(compact, 'base64') });
    BEGIN_RE.lastIndex = bodyEnd + endMarker.length;
  }
  return blocks;
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
