import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DAY_MS, fixedClock } from '../core/clock.ts';
import { inProcessCli } from '../testing/cli-in-process.ts';
import { jsonError } from '../testing/cli-runner.ts';
import { removeTempDirs, tempDir } from '../testing/temp-dir.ts';

const PASS = 'correct horse battery staple';
afterAll(removeTempDirs);

function pemCount(pem: string): number {
  return (pem.match(/-----BEGIN CERTIFICATE-----/g) ?? []).length;
}

function bundleSubjects(path: string): string[] {
  const pem = readFileSync(path, 'utf8');
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n/g) ?? [];
  return blocks.map((b) => {
    const f = join(tempDir(), 'c.pem');
    writeFileSync(f, b);
    return execFileSync('openssl', ['x509', '-noout', '-subject', '-issuer', '-nameopt', 'RFC2253', '-in', f]).toString().trim().replace(/\n/g, ' | ');
  });
}

describe('rotation scenario through the CLI (clock injected, no sleeping)', () => {
  it('overlaps A and B in the bundle for the window, refuses an early retire, then retires A', async () => {
    const dir = tempDir();
    const clock = fixedClock('2026-03-01T12:00:00Z');
    const cli = inProcessCli({ vault: join(dir, 'vault'), clock, env: { AIRGAP_CA_PASSPHRASE: PASS } });
    const out = (name: string) => join(dir, name);

    expect((await cli(['vault', 'init'])).code).toBe(0);
    expect((await cli(['key', 'create', '--name', 'root-a'])).code).toBe(0);
    expect((await cli(['key', 'self-sign', 'root-a', '--subject', 'CN=Fleet Root A,O=Acme,C=DE', '--days', '730'])).code).toBe(0);
    const actA = await cli(['--json', 'key', 'activate', 'root-a']);
    expect(actA.code).toBe(0);
    expect((actA.json as { previous: unknown }).previous).toBeNull();

    expect((await cli(['bundle', 'write', '--out', out('bundle-1.pem')])).code).toBe(0);
    expect(bundleSubjects(out('bundle-1.pem'))).toEqual(['subject=CN=Fleet Root A,O=Acme,C=DE | issuer=CN=Fleet Root A,O=Acme,C=DE']);

    clock.advance(DAY_MS);
    expect((await cli(['key', 'create', '--name', 'root-b', '--algorithm', 'ecdsa-p384'])).code).toBe(0);
    expect((await cli(['key', 'self-sign', 'root-b', '--subject', 'CN=Fleet Root B,O=Acme,C=DE'])).code).toBe(0);
    const actB = await cli(['--json', 'key', 'activate', 'root-b', '--trusted-window', '30']);
    expect(actB.code).toBe(0);
    const act = actB.json as { previous: { name: string; state: string; trustedUntil: string }; linkCertificate: boolean; bundleKeyIds: string[] };
    expect(act.previous).toMatchObject({ name: 'root-a', state: 'trusted', trustedUntil: '2026-04-01T12:00:00.000Z' });
    expect(act.linkCertificate).toBe(true);
    expect(act.bundleKeyIds).toHaveLength(2);

    // Bundle: B (active) first, then A (trusted), then the link certificate B-under-A.
    expect((await cli(['bundle', 'write', '--out', out('bundle-2.pem')])).code).toBe(0);
    expect(bundleSubjects(out('bundle-2.pem'))).toEqual([
      'subject=CN=Fleet Root B,O=Acme,C=DE | issuer=CN=Fleet Root B,O=Acme,C=DE',
      'subject=CN=Fleet Root A,O=Acme,C=DE | issuer=CN=Fleet Root A,O=Acme,C=DE',
      'subject=CN=Fleet Root B,O=Acme,C=DE | issuer=CN=Fleet Root A,O=Acme,C=DE',
    ]);

    // An agent that still trusts only A validates B's root through the link certificate.
    const blocks = readFileSync(out('bundle-2.pem'), 'utf8').match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n/g)!;
    writeFileSync(out('a.pem'), blocks[1]!);
    writeFileSync(out('link.pem'), blocks[2]!);
    const verify = execFileSync('openssl', ['verify', '-attime', String(clock.now().getTime() / 1000), '-CAfile', out('a.pem'), out('link.pem')]).toString();
    expect(verify).toContain(': OK');

    // Retiring A inside the window is refused, and nothing changes.
    clock.advance(29 * DAY_MS);
    const early = await cli(['--json', 'key', 'retire', 'root-a']);
    expect(early.code).toBe(1);
    expect((early.json as { error: { code: string } }).error.code).toBe('RETIRE_REFUSED_WINDOW');
    const listed = (await cli(['--json', 'key', 'list'])).json as Array<{ name: string; state: string }>;
    expect(listed.map((k) => [k.name, k.state])).toEqual([
      ['root-b', 'active'],
      ['root-a', 'trusted'],
    ]);

    // After the window it retires, and the bundle holds B only.
    clock.advance(DAY_MS + 1000);
    const late = await cli(['key', 'retire', 'root-a']);
    expect(late.code).toBe(0);
    expect((await cli(['bundle', 'write', '--out', out('bundle-3.pem')])).code).toBe(0);
    expect(bundleSubjects(out('bundle-3.pem'))).toEqual(['subject=CN=Fleet Root B,O=Acme,C=DE | issuer=CN=Fleet Root B,O=Acme,C=DE']);

    // Re-promote brings A back for a new window; the link certificate travels with it again.
    const promoted = await cli(['--json', 'key', 'promote', 'root-a', '--days', '10']);
    expect(promoted.code).toBe(0);
    expect((promoted.json as { state: string; trustedUntil: string }).trustedUntil).toBe(new Date(clock.now().getTime() + 10 * DAY_MS).toISOString());
    expect((await cli(['bundle', 'write', '--out', out('bundle-4.pem')])).code).toBe(0);
    expect(pemCount(readFileSync(out('bundle-4.pem'), 'utf8'))).toBe(3);

    // Emergency activation needs a witness; with one, B is retired at once.
    expect((await cli(['key', 'create', '--name', 'root-c'])).code).toBe(0);
    expect((await cli(['key', 'self-sign', 'root-c', '--subject', 'CN=Fleet Root C,O=Acme,C=DE'])).code).toBe(0);
    const noWitness = await cli(['--json', 'key', 'activate', 'root-c', '--emergency']);
    expect(noWitness.code).toBe(1);
    expect((noWitness.json as { error: { code: string } }).error.code).toBe('WITNESS_REQUIRED');
    const emergency = await cli(['--json', '--witness', 'Bob Witness', 'key', 'activate', 'root-c', '--emergency']);
    expect(emergency.code).toBe(0);
    expect((emergency.json as { previous: { name: string; state: string }; linkCertificate: boolean }).previous).toMatchObject({ name: 'root-b', state: 'retired' });
    expect((emergency.json as { linkCertificate: boolean }).linkCertificate).toBe(false);
    expect((await cli(['bundle', 'write', '--out', out('bundle-5.pem')])).code).toBe(0);
    expect(bundleSubjects(out('bundle-5.pem')).map((s) => s.split(' | ')[0])).toEqual(['subject=CN=Fleet Root C,O=Acme,C=DE', 'subject=CN=Fleet Root A,O=Acme,C=DE']);

    // The audit log holds every step, with the witness on the emergency event, and verifies.
    const audit = (await cli(['--json', 'audit', 'list'])).json as { events: Array<{ action: string; witnesses: string[] }> };
    const actions = audit.events.map((e) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining(['key.created', 'key.self-signed', 'key.activated', 'key.retired', 'key.promoted', 'key.emergency-activated', 'bundle.written']),
    );
    expect(audit.events.find((e) => e.action === 'key.emergency-activated')?.witnesses).toEqual(['Bob Witness']);
    expect((await cli(['audit', 'verify'])).code).toBe(0);
  });

  it('a key retired by an emergency rotation is retired for compromise, with when and by whom; a routine retire says routine', async () => {
    const dir = tempDir();
    const clock = fixedClock('2026-03-01T12:00:00Z');
    const usb = join(dir, 'usb');
    mkdirSync(usb);
    const cli = inProcessCli({ vault: join(dir, 'vault'), clock, env: { AIRGAP_CA_PASSPHRASE: PASS, AIRGAP_CA_ACTOR: 'Alice Officer', AIRGAP_CA_MEDIA_ROOTS: usb } });
    type Listed = { id: string; name: string; state: string; retired: { at: string; by: string | null; reason: string | null } | null };
    expect((await cli(['vault', 'init'])).code).toBe(0);
    for (const name of ['root-a', 'root-b', 'root-c']) {
      expect((await cli(['key', 'create', '--name', name])).code).toBe(0);
      expect((await cli(['key', 'self-sign', name, '--subject', `CN=${name},O=Acme,C=DE`])).code).toBe(0);
    }
    expect((await cli(['key', 'activate', 'root-a'])).code).toBe(0);
    clock.advance(DAY_MS);
    expect((await cli(['key', 'activate', 'root-b', '--trusted-window', '1'])).code).toBe(0);
    clock.advance(2 * DAY_MS);
    const routineAt = clock.now().toISOString();
    expect((await cli(['--actor', 'Rita Routine', 'key', 'retire', 'root-a'])).code).toBe(0);

    // An export before the emergency does not carry it.
    expect((await cli(['export', 'media', '--to', usb])).code).toBe(0);
    clock.advance(DAY_MS);
    const emergencyAt = clock.now().toISOString();
    const emergency = await cli(['--json', '--witness', 'Bob Witness', 'key', 'activate', 'root-c', '--emergency']);
    expect(emergency.code).toBe(0);
    expect((emergency.json as { previous: Listed }).previous.retired).toEqual({ at: emergencyAt, by: 'Alice Officer', reason: 'compromise' });

    const listed = (await cli(['--json', 'key', 'list'])).json as Listed[];
    expect(listed.map((k) => [k.name, k.state, k.retired])).toEqual([
      ['root-c', 'active', null],
      ['root-a', 'retired', { at: routineAt, by: 'Rita Routine', reason: 'routine' }],
      ['root-b', 'retired', { at: emergencyAt, by: 'Alice Officer', reason: 'compromise' }],
    ]);
    const text = (await cli(['key', 'list'])).stdout;
    // Each key named with its full id, "Name (sha256:…)", never a shortened one.
    expect(text).toMatch(/root-b \(sha256:[0-9a-f]{64}\)\s+retired \(compromise\)/);
    expect(text).toMatch(/root-a \(sha256:[0-9a-f]{64}\)\s+retired\s/);
    expect(text).toContain(`Key "root-b" (${listed[2]!.id}) was retired for compromise`);
    expect(text).toContain(`Key "root-b" (`);
    expect(text).toContain(`) was retired for compromise on ${emergencyAt} by Alice Officer.`);
    expect(text).not.toContain('Key "root-a"');
    expect((await cli(['key', 'show', 'root-b'])).stdout).toMatch(new RegExp(`Retired:\\s+retired for compromise on ${emergencyAt.replace(/\./g, '\\.')} by Alice Officer`));
    expect((await cli(['key', 'show', 'root-a'])).stdout).toMatch(/Retired:\s+retired \(routine\) on .* by Rita Routine/);
    expect((await cli(['key', 'show', 'root-c'])).stdout).not.toContain('Retired:');

    // The rotation is not over until an export carries it.
    const pending = 'The rotation away from "root-b" has not been exported: agents still trust it.';
    expect(text).toContain(pending);
    clock.advance(60_000);
    expect((await cli(['export', 'media', '--to', usb])).code).toBe(0);
    expect((await cli(['key', 'list'])).stdout).not.toContain('has not been exported');
    expect((await cli(['key', 'list'])).stdout).toContain('was retired for compromise');

    // A compromised key is never promoted back into the bundle; nothing changes.
    const refused = await cli(['--json', 'key', 'promote', 'root-b', '--days', '5']);
    expect(refused.code).toBe(1);
    expect(jsonError(refused)).toMatchObject({ code: 'INVALID_TRANSITION', message: expect.stringContaining('was retired for compromise') });
    const after = (await cli(['--json', 'key', 'list'])).json as Listed[];
    expect(after.find((k) => k.name === 'root-b')).toMatchObject({ state: 'retired', retired: { at: emergencyAt, by: 'Alice Officer', reason: 'compromise' } });

    // Promoted back to trusted, a routinely retired key is no longer retired.
    const promoted = await cli(['--json', 'key', 'promote', 'root-a', '--days', '5']);
    expect(promoted.code).toBe(0);
    expect((promoted.json as Listed).retired).toBeNull();
  });

  it('refuses transitions the lifecycle forbids, with their codes and exit 1', async () => {
    const dir = tempDir();
    const clock = fixedClock('2026-03-01T12:00:00Z');
    const cli = inProcessCli({ vault: join(dir, 'vault'), clock, env: { AIRGAP_CA_PASSPHRASE: PASS } });
    await cli(['vault', 'init']);
    await cli(['key', 'create', '--name', 'k1']);
    const code = async (args: string[]) => {
      const r = await cli(['--json', ...args]);
      return r.code === 0 ? 'OK' : (r.json as { error: { code: string } }).error.code;
    };
    expect(await code(['key', 'activate', 'k1'])).toBe('KEY_NO_CERTIFICATE');
    expect(await code(['key', 'retire', 'k1'])).toBe('INVALID_TRANSITION');
    expect(await code(['key', 'promote', 'k1'])).toBe('INVALID_TRANSITION');
    expect(await code(['key', 'create', '--name', 'k1'])).toBe('KEY_NAME_TAKEN');
    expect(await code(['key', 'show', 'nope'])).toBe('KEY_NOT_FOUND');
    expect(await code(['key', 'show', 'sha256:12'])).toBe('KEY_NOT_FOUND');
    expect(await code(['key', 'self-sign', 'k1', '--subject', 'O=No common name'])).toBe('INVALID_SUBJECT');
    expect(await code(['bundle', 'write', '--out', join(dir, 'b.pem')])).toBe('NO_ACTIVE_KEY');
    expect(await code(['key', 'self-sign', 'k1', '--subject', 'CN=K1'])).toBe('OK');
    expect(await code(['key', 'self-sign', 'k1', '--subject', 'CN=K1'])).toBe('INVALID_TRANSITION');
    expect(await code(['key', 'activate', 'k1'])).toBe('OK');
    expect(await code(['key', 'retire', 'k1'])).toBe('INVALID_TRANSITION');
    expect(await code(['key', 'activate', 'k1'])).toBe('INVALID_TRANSITION');
    // A key id prefix resolves the key.
    const list = (await cli(['--json', 'key', 'list'])).json as Array<{ id: string }>;
    expect(await code(['key', 'show', list[0]!.id.slice(7, 17)])).toBe('OK');
  });
});
