/**
 * `ceremony kit` on a real vault: the sheet is recorded (ceremony.kit-written,
 * with the file's SHA-256, right after the audit head it prints) and then
 * written; it prints the vault's own fingerprints; bad input changes nothing.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../core/clock.ts';
import { pgpWordsOfHex } from '../core/ceremony/pgp-words.ts';
import { FIXED_NOW } from '../testing/vault-fixtures.ts';
import { inProcessCli } from '../testing/cli-in-process.ts';
import { jsonError } from '../testing/cli-runner.ts';
import { removeTempDirs, tempDir } from '../testing/temp-dir.ts';
import type { AuditEventView, CeremonyKitView, KeyView } from '../api/contract.ts';

afterAll(removeTempDirs);

type Cli = ReturnType<typeof inProcessCli>;

async function events(cli: Cli): Promise<AuditEventView[]> {
  return ((await cli(['--json', 'audit', 'list'])).json as { events: AuditEventView[] }).events;
}

function groups(id: string): string {
  return (id.slice(7).match(/.{4}/g) ?? []).join(' ');
}

describe('ceremony kit', () => {
  let dir: string;
  let cli: Cli;
  let keys: KeyView[];
  beforeEach(async () => {
    dir = tempDir();
    cli = inProcessCli({ vault: join(dir, 'vault'), clock: fixedClock(FIXED_NOW), env: { AIRGAP_CA_PASSPHRASE: 'correct horse battery staple', AIRGAP_CA_ACTOR: 'Alice Officer' } });
    expect((await cli(['vault', 'init'])).code).toBe(0);
    for (const name of ['Fleet Root 2025', 'Fleet Root 2026']) {
      expect((await cli(['key', 'create', '--name', name])).code).toBe(0);
      expect((await cli(['key', 'self-sign', name, '--subject', `CN=${name},O=Acme`])).code).toBe(0);
    }
    expect((await cli(['key', 'activate', 'Fleet Root 2025'])).code).toBe(0);
    expect((await cli(['key', 'create', '--name', 'Agents Sub-CA'])).code).toBe(0);
    keys = (await cli(['--json', 'key', 'list'])).json as KeyView[];
  });
  const idOf = (name: string) => keys.find((k) => k.name === name)!.id;

  it('records the emergency sheet after the head it prints, with its SHA-256, then writes it into the folder: OUT and IN with groups and words', async () => {
    const before = await events(cli);
    const run = await cli(['--json', '--witness', 'Bob Witness', '--witness', 'Carol', 'ceremony', 'kit', '--ceremony', 'emergency', '--key', 'Fleet Root 2026', '--to', dir, '--time-zone', 'UTC']);
    expect(run.code).toBe(0);
    const r = run.json as CeremonyKitView;
    expect(r.file).toBe(join(dir, 'airgap-ca-ceremony-kit-emergency-20260301T120000Z.html'));
    const html = readFileSync(r.file);
    expect(createHash('sha256').update(html).digest('hex')).toBe(r.sha256);

    const after = await events(cli);
    expect(after).toHaveLength(before.length + 1);
    const ev = after.at(-1)!;
    expect(ev).toMatchObject({ seq: r.event.seq, hash: r.event.hash, action: 'ceremony.kit-written', actor: 'Alice Officer', witnesses: ['Bob Witness', 'Carol'] });
    expect(ev.details).toMatchObject({ ceremony: 'emergency', file: r.file, sha256: r.sha256, keyIds: [idOf('Fleet Root 2025'), idOf('Fleet Root 2026')] });
    expect(r.auditHead).toEqual({ seq: before.at(-1)!.seq, hash: before.at(-1)!.hash });

    expect(r.fingerprints.map((f) => [f.role, f.name, f.fingerprint])).toEqual([
      ['out', 'Fleet Root 2025', idOf('Fleet Root 2025')],
      ['in', 'Fleet Root 2026', idOf('Fleet Root 2026')],
    ]);
    const text = html.toString('utf8');
    const inId = idOf('Fleet Root 2026');
    expect(r.fingerprints[1]!.words).toEqual(pgpWordsOfHex(inId));
    expect(text).toContain(`<span class="mono big">${groups(inId).slice(-9)}</span> — ${pgpWordsOfHex(inId).slice(-4).join(' ')}`);
    expect(text).toContain(`event <span class="mono big">#${r.auditHead!.seq}</span>`);
    expect(text).toContain(`audit event <span class="mono">#${r.event.seq}</span>`);
    expect(text).toContain('<p>Witness: Carol</p>');
    expect(text).toContain('<dd class="mono">2026-03-01 12:00:00 UTC</dd>');
  });

  it('prints a root sheet with the key and its certificate, and the identities with groups and words on the terminal', async () => {
    const out = join(dir, 'root-kit.html');
    const run = await cli(['ceremony', 'kit', '--ceremony', 'root', '--key', 'Fleet Root 2026', '--out', out, '--paper', 'letter']);
    expect(run.code).toBe(0);
    const id = idOf('Fleet Root 2026');
    expect(run.stdout).toContain(`New root key: Fleet Root 2026 (sha256:${groups(id)})\n  ${pgpWordsOfHex(id).join(' ')}`);
    expect(run.stdout).toMatch(/New root certificate: Fleet Root 2026 \(sha256:([0-9a-f]{4} ){15}[0-9a-f]{4}\)/);
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('@page { size: letter;');
    expect(html).toContain('The new root certificate');
  });

  it('prints a sub-CA sheet before the chain comes back with a box for the corporate root’s fingerprint', async () => {
    const r = (await cli(['--json', 'ceremony', 'kit', '--ceremony', 'sub-ca', '--key', 'Agents Sub-CA', '--out', join(dir, 'sub.html')])).json as CeremonyKitView;
    expect(r.fingerprints.map((f) => f.role)).toEqual(['new-sub-ca']);
    expect(readFileSync(r.file, 'utf8')).toContain('<b>When the chain comes back</b>');
  });

  it('refuses an existing file, the active key as IN, both --out and --to, and an unknown time zone, recording nothing', async () => {
    const taken = join(dir, 'taken.html');
    writeFileSync(taken, 'mine');
    const before = await events(cli);
    const files = readdirSync(dir).sort();
    const refusals = [
      [['--out', taken, '--ceremony', 'root', '--key', 'Fleet Root 2026'], 'OUTPUT_EXISTS', /already exists/],
      [['--to', dir, '--ceremony', 'emergency', '--key', 'Fleet Root 2025'], 'INVALID_INPUT', /is the active key \(OUT\)\. Name the key that replaces it/],
      [['--to', dir, '--out', join(dir, 'x.html'), '--ceremony', 'root', '--key', 'Fleet Root 2026'], 'INVALID_INPUT', /one of the two/],
      [['--to', join(dir, 'missing'), '--ceremony', 'root', '--key', 'Fleet Root 2026'], 'INVALID_INPUT', /is not a folder/],
      [['--to', dir, '--ceremony', 'root', '--key', 'Fleet Root 2026', '--time-zone', 'Mars/Olympus'], 'INVALID_INPUT', /not a time zone name/],
    ] as const;
    for (const [args, code, message] of refusals) {
      const run = await cli(['--json', 'ceremony', 'kit', ...args]);
      expect(run.code).not.toBe(0);
      expect(jsonError(run).code).toBe(code);
      expect(jsonError(run).message).toMatch(message);
    }
    expect(await events(cli)).toEqual(before);
    expect(readdirSync(dir).sort()).toEqual(files);
    expect(readFileSync(taken, 'utf8')).toBe('mine');
  });
});
