/**
 * The console's words for the vault's refusals (src-renderer/src/components/officer-words.ts),
 * checked against the messages as the api's source writes them: a refusal the
 * console shows must not tell the officer to type a flag, and every UTC time
 * in it must reach the screen as a time (shown in local time, UTC on hover).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CLI_TRACE, messageParts, officerLine, officerWords } from '../../src-renderer/src/components/officer-words.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** The template literal that starts at `start` (a backtick), each `${…}` given as "X". */
function literalAt(src: string, start: number): { text: string; end: number } {
  let text = '';
  let i = start + 1;
  while (i < src.length) {
    const c = src[i];
    if (c === '\\') {
      text += src[i + 1];
      i += 2;
    } else if (c === '`') {
      return { text, end: i + 1 };
    } else if (c === '$' && src[i + 1] === '{') {
      let depth = 1;
      i += 2;
      while (depth > 0 && i < src.length) {
        if (src[i] === '`') i = literalAt(src, i).end;
        else {
          if (src[i] === '{') depth++;
          else if (src[i] === '}') depth--;
          i++;
        }
      }
      text += 'X';
    } else {
      text += c;
      i++;
    }
  }
  throw new Error('unterminated template literal');
}

/** Every message a DomainError with `code` is thrown with in `file` (its first string or template argument). */
function messagesOf(file: string, code: string): string[] {
  const src = readFileSync(`${root}${file}`, 'utf8');
  const out: string[] = [];
  const re = new RegExp(`DomainError\\(\\s*'${code}',\\s*`, 'g');
  for (const m of src.matchAll(re)) {
    const at = m.index + m[0].length;
    const q = src[at];
    if (q === '`') out.push(literalAt(src, at).text);
    else if (q === "'" || q === '"') out.push(src.slice(at + 1, src.indexOf(q, at + 1)));
  }
  return out;
}

/** Refusals of operations the console calls whose message names the command line. */
const CONSOLE_REFUSALS: ReadonlyArray<readonly [string, string]> = [
  ['src-main/core/keys/lifecycle.ts', 'RETIRE_REFUSED_LIVE_LEAVES'],
  ['src-main/core/keys/lifecycle.ts', 'RETIRE_REFUSED_WINDOW'],
  ['src-main/core/keys/rotation.ts', 'READINESS_INCOMPLETE'],
  ['src-main/core/token/token-keys.ts', 'TOKEN_PIN_REQUIRED'],
  ['src-main/core/token/token-keys.ts', 'TOKEN_KEY_EXTRACTABLE'],
  ['src-main/core/token/pkcs11-signer.ts', 'TOKEN_PIN_REQUIRED'],
  ['src-main/core/issuance/ca-policy.ts', 'PROFILE_NOT_ALLOWED'],
  ['src-main/core/issuance/crl-schedule.ts', 'PRESIGN_VALIDITY_TOO_SHORT'],
  ['src-main/core/keys/child-ca.ts', 'NO_ACTIVE_KEY'],
  ['src-main/api/service/export-contents.ts', 'NO_ACTIVE_KEY'],
  ['src-main/api/service/key-handlers.ts', 'KEY_IMPORT_ACTIVE_EXISTS'],
  ['src-main/core/keys/lifecycle.ts', 'KEY_NOT_FOUND'],
];

describe('the console says the command line\u2019s instructions in its own words', () => {
  it.each(CONSOLE_REFUSALS)('%s %s', (file, code) => {
    const messages = messagesOf(file, code);
    expect(messages.length).toBeGreaterThan(0);
    // The api's message does name the command line (one of the messages with this code, at least) …
    expect(messages.some((m) => CLI_TRACE.test(m))).toBe(true);
    // … the console's never does.
    for (const m of messages) expect(officerWords(m)).not.toMatch(CLI_TRACE);
  });

  it('words the retire refusal the way the dialog offers it', () => {
    const m = 'key "Fleet Root 2025" (sha256:0123456789abcdef) is trusted until 2027-01-02T20:08:25.249Z; agents may not have the new trust bundle yet. Retire it after that, or use --force with --reason.';
    expect(officerWords(m)).toBe(
      'Key "Fleet Root 2025" (sha256:0123456789abcdef) is trusted until 2027-01-02T20:08:25.249Z; agents may not have the new trust bundle yet. Retire it after that, or retire it anyway: the console asks for a reason, which goes into the audit log.',
    );
  });

  it('names the chain file, the only file the sub-CA wizard takes, instead of a root file', () => {
    const [m] = messagesOf('src-main/core/keys/chain-import.ts', 'CHAIN_ROOT_MISSING');
    expect(m).toContain('root file');
    expect(officerWords(m!)).not.toContain('root file');
    expect(officerWords(m!)).toContain('end of the chain file');
  });

  it('says "the vault", never "the api"', () => {
    expect(officerWords('The api refuses to remove the last slot.')).toBe('the vault refuses to remove the last slot.');
  });

  it('leaves a message without command-line words as it is', () => {
    const m = 'The passphrase has 9 characters; at least 12 are required. A few random words make a strong, memorable one.';
    expect(officerWords(m)).toBe(m);
  });
});

describe('UTC times in a message', () => {
  it('are parts of their own, the text around them kept', () => {
    expect(messagePartsOf('trusted until 2027-01-02T20:08:25.249Z; retire it after that')).toEqual([{ text: 'trusted until ' }, { iso: '2027-01-02T20:08:25.249Z' }, { text: '; retire it after that' }]);
    expect(messagePartsOf('2026-12-01T00:00:00Z to 2026-12-08T00:00Z')).toEqual([{ iso: '2026-12-01T00:00:00Z' }, { text: ' to ' }, { iso: '2026-12-08T00:00Z' }]);
  });

  it('leave a message without times whole, and a date that is no time as text', () => {
    expect(messagePartsOf('no time here')).toEqual([{ text: 'no time here' }]);
    expect(messagePartsOf('')).toEqual([{ text: '' }]);
    expect(messagePartsOf('not a time: 2027-13-45T25:61:00Z')).toEqual([{ text: 'not a time: 2027-13-45T25:61:00Z' }]);
  });

  it('read as local time in a line of text: no ISO time is left', () => {
    const line = officerLine('trusted until 2027-01-02T20:08:25.249Z, or use --force with --reason.');
    expect(line).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
    expect(line).toContain(new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date('2027-01-02T20:08:25.249Z')));
    expect(line).not.toMatch(CLI_TRACE);
  });
});

describe('full key ids in a message', () => {
  const id = `sha256:${'0123456789abcdef'.repeat(4)}`;
  it('are parts of their own beside the times, in the order of the message', () => {
    expect(messagePartsOf(`key "Root" (${id}) is trusted until 2027-01-02T20:08:25.249Z.`)).toEqual([{ text: 'key "Root" (' }, { id }, { text: ') is trusted until ' }, { iso: '2027-01-02T20:08:25.249Z' }, { text: '.' }]);
  });
  it('only when whole: a prefix of an id stays text', () => {
    expect(messagePartsOf('key (sha256:0123456789abcdef)')).toEqual([{ text: 'key (sha256:0123456789abcdef)' }]);
  });
  it('stay whole in a line of text', () => {
    expect(officerLine(`Retire ${id} later.`)).toBe(`Retire ${id} later.`);
  });
});

function messagePartsOf(m: string) {
  return messageParts(m);
}
