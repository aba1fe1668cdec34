/**
 * Spoofing text: a certificate name carrying terminal escapes is printed as
 * visible escapes, never obeyed; a request whose subject carries bidi or
 * zero-width characters is not issued. Real OpenSSL files, real vault.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../core/clock.ts';
import fc from 'fast-check';
import { printable, printableLine, spoofingCharacters } from '../core/safe-text.ts';
import { shown } from '../../src-renderer/src/components/shown.ts';
import { inProcessCli } from '../testing/cli-in-process.ts';
import { removeTempDirs, tempDir } from '../testing/temp-dir.ts';

afterAll(removeTempDirs);

const ESCAPES = 'X\u001b[2K\r\u001b[32mChain imported\u2026';
const BIDI = 'admin\u202egpj.exe\u200b';

describe('printable()', () => {
  it('escapes C0 (but tab and newline), DEL, C1, bidi and zero-width characters, and leaves other text alone', () => {
    expect(printable(ESCAPES)).toBe('X\\x1b[2K\\x0d\\x1b[32mChain imported\u2026');
    expect(printable(BIDI)).toBe('admin\\u{202e}gpj.exe\\u{200b}');
    expect(printable('a\u007fb\u009bc\u0000d\te\nf')).toBe('a\\x7fb\\x9bc\\x00d\te\nf');
    expect(printableLine('a\tb\nc')).toBe('a\\x09b\\x0ac');
    expect(printable('Müller GmbH, 東京')).toBe('Müller GmbH, 東京');
    expect(spoofingCharacters(BIDI)).toEqual(['U+202E', 'U+200B']);
    expect(spoofingCharacters('\u2066x\u2069\u200f')).toEqual(['U+2066', 'U+2069', 'U+200F']);
    expect(spoofingCharacters('plain')).toEqual([]);
  });
});

describe('shown(): the window\'s one escaping helper', () => {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/u;

  it('escapes controls (tab and newline too: names are one line), bidi and zero-width characters; other text and nothing stay as they are', () => {
    expect(shown(ESCAPES)).toBe('X\\x1b[2K\\x0d\\x1b[32mChain imported\u2026');
    expect(shown(BIDI)).toBe('admin\\u{202e}gpj.exe\\u{200b}');
    expect(shown('a\tb\nc\u0085d\u2066e\ufefff')).toBe('a\\x09b\\x0ac\\x85d\\u{2066}e\\u{feff}f');
    expect(shown('CN=Müller GmbH,O=東京 ✓')).toBe('CN=Müller GmbH,O=東京 ✓');
    expect(shown(null)).toBe('');
    expect(shown(undefined)).toBe('');
  });

  it('never lets an unsafe character through, changes safe text not at all, and escaping twice changes nothing more (2000 strings)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.string({ unit: fc.constantFrom('\u001b', '\u202e', '\u200b', '\u2067', '\u009b', '\n', 'a', 'é') }), (a, b) => {
        const text = a + b;
        const out = shown(text);
        expect(out).not.toMatch(UNSAFE);
        if (!UNSAFE.test(text)) expect(out).toBe(text);
        expect(shown(out)).toBe(out);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('spoofing text through the CLI', () => {
  const dir = tempDir();
  const clock = fixedClock(new Date(Date.now() + 60_000));
  const cli = inProcessCli({ vault: join(dir, 'vault'), clock, env: { AIRGAP_CA_PASSPHRASE: 'correct horse battery staple' } });
  const openssl = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] }).toString();

  it('a chain whose root CN holds terminal escapes is shown escaped in the refusal, nothing raw reaches the terminal', async () => {
    expect((await cli(['vault', 'init'])).code).toBe(0);
    expect((await cli(['key', 'create', '--name', 'sub'])).code).toBe(0);
    expect((await cli(['key', 'csr', 'sub', '--subject', 'CN=Sub CA,O=Acme', '--out', join(dir, 'sub.csr')])).code).toBe(0);
    openssl(['req', '-x509', '-utf8', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'root.key', '-out', 'root.pem', '-days', '3650', '-subj', `/CN=${ESCAPES}`, '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
    writeFileSync(join(dir, 'ext.cnf'), 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n');
    openssl(['x509', '-req', '-in', 'sub.csr', '-CA', 'root.pem', '-CAkey', 'root.key', '-CAcreateserial', '-days', '730', '-extfile', 'ext.cnf', '-out', 'sub.pem']);
    writeFileSync(join(dir, 'chain.pem'), readFileSync(join(dir, 'root.pem'), 'utf8') + readFileSync(join(dir, 'sub.pem'), 'utf8'));

    const r = await cli(['key', 'import-chain', 'sub', '--file', join(dir, 'chain.pem')]);
    expect(r.code).toBe(1);
    const printed = r.stdout + r.stderr;
    expect(printed).not.toContain('\u001b');
    expect(printed).not.toContain('\r');
    expect(printed).toContain('CHAIN_ROOT_NOT_PINNED');
    expect(printed).toContain('CN=X\\x1b[2K\\x0d\\x1b[32mChain imported\u2026');
  });

  it('a request whose CN is admin\\u202egpj.exe\\u200b is refused with SUBJECT_SPOOFING_CHARACTERS and nothing is issued', async () => {
    expect((await cli(['key', 'create', '--name', 'root'])).code).toBe(0);
    expect((await cli(['key', 'self-sign', 'root', '--subject', 'CN=Agents Root'])).code).toBe(0);
    expect((await cli(['key', 'activate', 'root'])).code).toBe(0);
    openssl(['req', '-new', '-utf8', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'agent.key', '-out', 'agent.csr', '-subj', `/CN=${BIDI}`]);
    const r = await cli(['--json', 'cert', 'issue', '--csr', join(dir, 'agent.csr'), '--profile', 'agent', '--out', join(dir, 'agent.pem')]);
    expect(r.code).toBe(1);
    const error = (r.json as { error: { code: string; message: string } }).error;
    expect(error.code).toBe('SUBJECT_SPOOFING_CHARACTERS');
    expect(error.message).toContain('U+202E, U+200B');
    const text = await cli(['cert', 'issue', '--csr', join(dir, 'agent.csr'), '--profile', 'agent', '--out', join(dir, 'agent2.pem')]);
    expect(text.stderr).not.toMatch(/[\u202e\u200b]/);
    const list = (await cli(['--json', 'cert', 'list'])).json as { total: number };
    expect(list.total).toBe(0);
  });

  it('a chain whose root CN holds bidi and zero-width characters is imported (with the fingerprint) but flagged: subjectSpoofing in JSON, a warning naming them in the text, nothing raw printed', async () => {
    const dir2 = tempDir();
    const cli2 = inProcessCli({ vault: join(dir2, 'vault'), clock, env: { AIRGAP_CA_PASSPHRASE: 'correct horse battery staple' } });
    const ossl = (args: string[]) => execFileSync('openssl', args, { cwd: dir2, stdio: ['ignore', 'pipe', 'pipe'] }).toString();
    expect((await cli2(['vault', 'init'])).code).toBe(0);
    for (const name of ['sub', 'sub2']) {
      expect((await cli2(['key', 'create', '--name', name])).code).toBe(0);
      expect((await cli2(['key', 'csr', name, '--subject', `CN=${name},O=Acme`, '--out', join(dir2, `${name}.csr`)])).code).toBe(0);
    }
    ossl(['req', '-x509', '-utf8', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'root.key', '-out', 'root.pem', '-days', '3650', '-subj', `/CN=Corp Root ${BIDI}`, '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
    writeFileSync(join(dir2, 'ext.cnf'), 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n');
    const fingerprint = ossl(['x509', '-in', 'root.pem', '-noout', '-fingerprint', '-sha256']).split('=')[1]!.trim();
    for (const name of ['sub', 'sub2']) {
      ossl(['x509', '-req', '-in', `${name}.csr`, '-CA', 'root.pem', '-CAkey', 'root.key', '-CAcreateserial', '-days', '730', '-extfile', 'ext.cnf', '-out', `${name}.pem`]);
      writeFileSync(join(dir2, `${name}-chain.pem`), readFileSync(join(dir2, 'root.pem'), 'utf8') + readFileSync(join(dir2, `${name}.pem`), 'utf8'));
    }

    const json = await cli2(['--json', 'key', 'import-chain', 'sub', '--file', join(dir2, 'sub-chain.pem'), '--root-fingerprint', fingerprint]);
    expect(json.code).toBe(0);
    const chain = (json.json as { chain: Array<{ position: number; subject: string; subjectSpoofing: string[] }> }).chain;
    expect(chain.map((c) => c.subjectSpoofing)).toEqual([[], ['U+202E', 'U+200B']]);
    const events = ((await cli2(['--json', 'audit', 'list'])).json as { events: Array<{ action: string; details: { certificates?: Array<{ subjectSpoofing?: string[] }> } }> }).events;
    expect(events.find((e) => e.action === 'key.chain-imported')?.details.certificates?.map((c) => c.subjectSpoofing ?? [])).toEqual([[], ['U+202E', 'U+200B']]);

    const text = await cli2(['key', 'import-chain', 'sub2', '--file', join(dir2, 'sub2-chain.pem')]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('WARNING: CN=Corp Root admin\\u{202e}gpj.exe\\u{200b}');
    expect(text.stdout).toContain('(U+202E, U+200B)');
    expect(text.stdout + text.stderr).not.toMatch(/[\u202e\u200b]/);
  });
});
