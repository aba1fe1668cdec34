import { printableLine } from '../../../src-main/core/safe-text.ts';

/**
 * Text from outside the officer's control, as the window shows it:
 * certificate subjects and issuers, file and folder names, medium labels,
 * key and slot names, actors and witnesses, audit details, messages that
 * quote them. Control characters, bidi controls and zero-width characters
 * become visible escapes (`\x1b`, `\u{202e}`), so "admin\u202Egpj.exe" cannot
 * read as "adminexe.jpg". The same rule as the command line's output
 * (core/safe-text.ts), applied at every display point, never to values
 * sent back to the api.
 */
export function shown(text: string | null | undefined): string {
  return text === null || text === undefined ? '' : printableLine(text);
}
