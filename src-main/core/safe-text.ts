/**
 * Text from certificates, file names and names people typed is shown to an
 * officer who decides on it. A terminal obeys escape sequences in it (clear
 * the line, print a green "Chain imported…"); bidi controls and zero-width
 * characters make "admin\u202Egpj.exe" read as "adminexe.jpg". So everything
 * printed goes through printable(), and subjects carrying such characters are
 * refused at issuance and flagged at chain import.
 */

/**
 * Bidi embeddings/overrides/isolates and zero-width characters:
 * U+200B–U+200F, U+202A–U+202E, U+2066–U+2069 (and U+FEFF, the zero-width no-break space).
 */
const SPOOFING_RE = /[\u200B-\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/u;
const SPOOFING_GLOBAL_RE = /[\u200B-\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/gu;

/** C0 except tab and newline, DEL, C1 (which includes the 8-bit CSI U+009B). */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_GLOBAL_RE = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/gu;

function escapeChar(c: string): string {
  const cp = c.codePointAt(0)!;
  return cp <= 0xff ? `\\x${cp.toString(16).padStart(2, '0')}` : `\\u{${cp.toString(16)}}`;
}

/**
 * Text safe to print to a terminal: control characters (ESC and the rest of
 * C0 but tab and newline, DEL, C1) and bidi/zero-width characters become
 * visible escapes (`\x1b`, `\u{202e}`). Tabs and newlines are the formatter's
 * and stay.
 */
export function printable(text: string): string {
  return text.replace(CONTROL_GLOBAL_RE, escapeChar).replace(SPOOFING_GLOBAL_RE, escapeChar);
}

/** One line of untrusted text (a subject, a file name): newlines and tabs escaped too. */
export function printableLine(text: string): string {
  return printable(text).replace(/[\t\n]/g, escapeChar);
}

/** The bidi or zero-width characters in `text`, as U+XXXX, for error messages; empty when none. */
export function spoofingCharacters(text: string): string[] {
  if (!SPOOFING_RE.test(text)) return [];
  return [...new Set(text.match(SPOOFING_GLOBAL_RE) ?? [])].map((c) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`);
}

/** Control characters (C0, DEL, C1, including tab and newline) in `text`. */
export function hasControlCharacters(text: string): boolean {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return /[\u0000-\u001F\u007F-\u009F]/u.test(text);
}
