/**
 * `vault settings` through the real CLI: every vault-level setting shown with
 * its default, several changed at once in one audited event, a bad value
 * refusing all of them, and the settings really steering what they name —
 * the readiness threshold `key activate` applies to a staged key, and the
 * validity of a bootstrap certificate.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DAY_MS, fixedClock } from '../core/clock.ts';
import { inProcessCli } from '../testing/cli-in-process.ts';
import { jsonError, runCli } from '../testing/cli-runner.ts';
import { makeAgent, opensslSerial, writeReceipt } from '../testing/fleet-agents.ts';
import { removeTempDirs, tempDir } from '../testing/temp-dir.ts';

afterAll(removeTempDirs);

const PASS = 'correct horse battery staple';
type Cli = ReturnType<typeof inProcessCli>;
interface Entry {
  name: string;
  value: unknown;
  default: unknown;
  isDefault: boolean;
  option: string;
  min: number | null;
  max: number | null;
  overriddenBy: string[];
}
interface Shown {
  settings: Entry[];
  changed: Array<{ name: string; from: unknown; to: unknown }>;
}
interface AuditEvent {
  action: string;
  details: Record<string, unknown>;
}

function setup() {
  const dir = tempDir();
  const clock = fixedClock('2026-03-01T12:00:00Z');
  const cli = inProcessCli({ vault: join(dir, 'vault'), clock, env: { AIRGAP_CA_PASSPHRASE: PASS } });
  return { dir, clock, cli, out: (n: string) => join(dir, n) };
}

async function ok(cli: Cli, args: string[]): Promise<unknown> {
  const r = await cli(['--json', ...args]);
  if (r.code !== 0) throw new Error(`${args.join(' ')} -> exit ${r.code}: ${r.stdout}${r.stderr}`);
  return r.json;
}

const settingsOf = async (cli: Cli) => (await ok(cli, ['vault', 'settings'])) as Shown;
const valueOf = (s: Shown, name: string) => s.settings.find((e) => e.name === name);
const events = async (cli: Cli) => ((await ok(cli, ['audit', 'list'])) as { events: AuditEvent[] }).events;

async function root(cli: Cli, name: string): Promise<void> {
  await ok(cli, ['key', 'create', '--name', name]);
  await ok(cli, ['key', 'self-sign', name, '--subject', `CN=${name},O=Acme`]);
}

describe('vault settings', () => {
  it('shows every vault setting with its default, range and where it is set; a new vault has only defaults', async () => {
    const { cli } = setup();
    await ok(cli, ['vault', 'init']);
    const s = await settingsOf(cli);
    expect(s.changed).toEqual([]);
    expect(s.settings.map((e) => [e.name, e.value, e.isDefault, e.option, e.min, e.max])).toEqual([
      ['autoLockMinutes', 5, true, '--auto-lock', 1, 240],
      ['trustedWindowDays', 30, true, '--trusted-window', 1, 3650],
      ['crlValidityDays', 7, true, '--crl-validity', 1, 366],
      ['crlSafetyMarginDays', 2, true, '--crl-margin', 1, 60],
      ['bootstrapValidityDays', 1825, true, '--bootstrap-days', 1, 3650],
      ['activationReadiness', 100, true, '--activation-readiness', 0, 100],
      ['pkcs11Module', null, true, 'token module', null, null],
      ['emergencyWitnessShares', false, true, 'vault emergency-witnesses', null, null],
    ]);
    const text = await cli(['vault', 'settings']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^activationReadiness\s+100% \(default\)\s+100%\s+--activation-readiness 0–100/m);
    expect(text.stdout).toMatch(/^bootstrapValidityDays\s+1825 days \(default\)\s+1825 days\s+--bootstrap-days 1–3650/m);
  });

  it('changes several at once in one settings.updated event with from/to; "default" goes back; the same value changes nothing', async () => {
    const { cli } = setup();
    await ok(cli, ['vault', 'init']);
    const before = (await events(cli)).length;
    const r = (await ok(cli, ['vault', 'settings', '--activation-readiness', '90', '--bootstrap-days', '730', '--auto-lock', '15', '--crl-margin', '3', '--crl-validity', '10', '--trusted-window', '60'])) as Shown;
    expect(r.changed).toEqual([
      { name: 'autoLockMinutes', from: 5, to: 15 },
      { name: 'trustedWindowDays', from: 30, to: 60 },
      { name: 'crlValidityDays', from: 7, to: 10 },
      { name: 'crlSafetyMarginDays', from: 2, to: 3 },
      { name: 'bootstrapValidityDays', from: 1825, to: 730 },
      { name: 'activationReadiness', from: 100, to: 90 },
    ]);
    expect(valueOf(r, 'activationReadiness')).toMatchObject({ value: 90, default: 100, isDefault: false });
    const after = await events(cli);
    const added = after.slice(before).filter((e) => e.action !== 'vault.unlocked' && e.action !== 'vault.locked');
    expect(added.map((e) => e.action)).toEqual(['settings.updated']);
    expect(added[0]!.details).toEqual({
      autoLockMinutes: { from: 5, to: 15 },
      trustedWindowDays: { from: 30, to: 60 },
      crlValidityDays: { from: 7, to: 10 },
      crlSafetyMarginDays: { from: 2, to: 3 },
      bootstrapValidityDays: { from: 1825, to: 730 },
      activationReadiness: { from: 100, to: 90 },
    });
    // The same value again: nothing changes, nothing is audited.
    const again = (await ok(cli, ['vault', 'settings', '--activation-readiness', '90'])) as Shown;
    expect(again.changed).toEqual([]);
    expect((await cli(['vault', 'settings', '--activation-readiness', '90'])).stdout).toContain('Nothing changed: every value given is the current one.');
    // "default" is the built-in value.
    const back = (await ok(cli, ['vault', 'settings', '--activation-readiness', 'default'])) as Shown;
    expect(back.changed).toEqual([{ name: 'activationReadiness', from: 90, to: 100 }]);
    expect(valueOf(back, 'activationReadiness')).toMatchObject({ value: 100, isDefault: true });
    const updates = (await events(cli)).filter((e) => e.action === 'settings.updated');
    expect(updates.map((e) => e.details.activationReadiness)).toEqual([{ from: 100, to: 90 }, { from: 90, to: 100 }]);
  });

  it('a bad value refuses every option given (INVALID_INPUT naming the range, exit 2), and nothing is changed or audited', async () => {
    const { cli } = setup();
    await ok(cli, ['vault', 'init']);
    const before = await settingsOf(cli);
    const countBefore = (await events(cli)).filter((e) => e.action === 'settings.updated').length;
    for (const bad of [
      ['--activation-readiness', '90', '--bootstrap-days', '0'],
      ['--bootstrap-days', '1825', '--activation-readiness', '101'],
      ['--bootstrap-days', '3651'],
      ['--auto-lock', '1.5'],
      ['--crl-margin', '-1'],
      ['--crl-validity', '367'],
      ['--trusted-window', 'thirty'],
    ]) {
      const r = await cli(['--json', 'vault', 'settings', ...bad]);
      expect(r.code, bad.join(' ')).toBe(2);
      const e = jsonError(r);
      expect(e.code).toBe('INVALID_INPUT');
      expect(e.message).toContain('Nothing was changed.');
    }
    const two = jsonError(await cli(['--json', 'vault', 'settings', '--activation-readiness', '101', '--bootstrap-days', '0']));
    expect(two.message).toContain('--bootstrap-days must be a whole number from 1 to 3650');
    expect(two.message).toContain('--activation-readiness must be a whole number from 0 to 100');
    expect(await settingsOf(cli)).toEqual(before);
    expect((await events(cli)).filter((e) => e.action === 'settings.updated')).toHaveLength(countBefore);
  });

  it('as a child process (the command a ceremony script runs): the refusal is one line naming the code and the range', async () => {
    const dir = tempDir();
    const env = { AIRGAP_CA_VAULT: join(dir, 'vault'), AIRGAP_CA_PASSPHRASE: PASS, AIRGAP_CA_ACTOR: 'officer' };
    expect((await runCli(['vault', 'init'], { env })).code).toBe(0);
    const bad = await runCli(['vault', 'settings', '--activation-readiness', '150'], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toBe('error (INVALID_INPUT): --activation-readiness must be a whole number from 0 to 100 (percent of known agents that must trust a staged key before key activate), or "default" (100); "150" is not. Nothing was changed.');
    const good = await runCli(['--json', 'vault', 'settings', '--activation-readiness', '75'], { env });
    expect(good.code).toBe(0);
    expect((good.json as Shown).changed).toEqual([{ name: 'activationReadiness', from: 100, to: 75 }]);
  });

  it("names the CAs whose own trusted window or CRL validity replaces the vault's", async () => {
    const { cli } = setup();
    await ok(cli, ['vault', 'init']);
    await ok(cli, ['ca', 'create', '--name', 'servers']);
    await ok(cli, ['ca', 'set', 'servers', '--crl-validity', '3']);
    const s = await settingsOf(cli);
    expect(valueOf(s, 'crlValidityDays')).toMatchObject({ value: 7, overriddenBy: ['servers'] });
    expect(valueOf(s, 'trustedWindowDays')).toMatchObject({ overriddenBy: [] });
    expect((await cli(['vault', 'settings'])).stdout).toMatch(/^crlValidityDays .*own setting in CA "servers"$/m);
  });

  it("a changed readiness changes key activate's READINESS_INCOMPLETE decision for a staged key", async () => {
    const { clock, cli, out } = setup();
    await ok(cli, ['vault', 'init']);
    await root(cli, 'root-a');
    await ok(cli, ['key', 'activate', 'root-a']);
    const agents = [makeAgent(out(''), 'agent-1', 'ec'), makeAgent(out(''), 'agent-2', 'ec'), makeAgent(out(''), 'agent-3', 'ec'), makeAgent(out(''), 'agent-4', 'ec')];
    const serials: string[] = [];
    for (const [i, a] of agents.entries()) {
      await ok(cli, ['cert', 'issue', '--csr', a.csr, '--out', out(`a${i}.pem`)]);
      serials.push(opensslSerial(out(`a${i}.pem`)));
    }
    clock.advance(DAY_MS);
    await root(cli, 'root-b');
    await ok(cli, ['key', 'stage', 'root-b']);
    const bundle = (await ok(cli, ['bundle', 'write', '--out', out('bundle.pem')])) as { bundleSha256: string };
    const inbox = out('inbox');
    mkdirSync(inbox);
    for (const i of [0, 1, 2]) writeReceipt(inbox, `agent-${i}`, agents[i]!, { bundleSha256: bundle.bundleSha256, serial: serials[i]!, installedAt: clock.now().toISOString() });
    await ok(cli, ['fleet', 'import-receipts', '--from', inbox]);

    // 3 of 4 agents (75%): refused at the default 100% and at 80%.
    const at100 = jsonError(await cli(['--json', 'key', 'activate', 'root-b']));
    expect(at100.code).toBe('READINESS_INCOMPLETE');
    expect(at100.message).toContain('Only 3 of 4 known agents (75%)');
    expect(at100.message).toContain('activation needs 100%');
    await ok(cli, ['vault', 'settings', '--activation-readiness', '80']);
    const at80 = await cli(['--json', 'key', 'activate', 'root-b']);
    expect(at80.code).toBe(1);
    expect(jsonError(at80).message).toContain('activation needs 80%');
    expect(((await ok(cli, ['key', 'show', 'root-b'])) as { state: string }).state).toBe('staged');
    // 75%: now enough.
    await ok(cli, ['vault', 'settings', '--activation-readiness', '75']);
    const activated = (await ok(cli, ['key', 'activate', 'root-b'])) as { from: string; readiness: unknown; forcedReason: unknown };
    expect(activated).toMatchObject({ from: 'staged', readiness: { agents: 4, trusting: 3, percent: 75, threshold: 75, ready: true }, forcedReason: null });
  });

  it("a changed bootstrap validity is the bootstrap certificate's NotAfter (as OpenSSL reads it); --days still wins", async () => {
    const { clock, cli, out } = setup();
    await ok(cli, ['vault', 'init']);
    await root(cli, 'root-a');
    await ok(cli, ['key', 'activate', 'root-a']);
    const notAfter = (file: string) => new Date(execFileSync('openssl', ['x509', '-noout', '-enddate', '-in', file]).toString().trim().replace(/^notAfter=/, ''));
    const now = clock.now().getTime();

    const d1 = makeAgent(out(''), 'device-1', 'ec');
    const c1 = (await ok(cli, ['cert', 'issue', '--csr', d1.csr, '--out', out('d1.pem'), '--profile', 'bootstrap'])) as { notAfter: string };
    expect(new Date(c1.notAfter).getTime()).toBe(now + 1825 * DAY_MS);
    expect(notAfter(out('d1.pem')).getTime()).toBe(now + 1825 * DAY_MS);

    await ok(cli, ['vault', 'settings', '--bootstrap-days', '730']);
    const d2 = makeAgent(out(''), 'device-2', 'ec');
    const c2 = (await ok(cli, ['cert', 'issue', '--csr', d2.csr, '--out', out('d2.pem'), '--profile', 'bootstrap'])) as { notAfter: string };
    expect(new Date(c2.notAfter).getTime()).toBe(now + 730 * DAY_MS);
    expect(notAfter(out('d2.pem')).getTime()).toBe(now + 730 * DAY_MS);

    // A batch of bootstrap requests takes the setting too; an agent certificate does not.
    const batchIn = out('batch-in');
    const batchOut = out('batch-out');
    mkdirSync(batchIn);
    mkdirSync(batchOut);
    copyFileSync(makeAgent(out(''), 'device-3', 'ec').csr, join(batchIn, 'device-3.csr'));
    const b = (await ok(cli, ['cert', 'issue-batch', '--in', batchIn, '--out', batchOut, '--profile', 'bootstrap'])) as { results: Array<{ out: string }> };
    expect(notAfter(b.results[0]!.out).getTime()).toBe(now + 730 * DAY_MS);
    const agent = makeAgent(out(''), 'agent-1', 'ec');
    const a = (await ok(cli, ['cert', 'issue', '--csr', agent.csr, '--out', out('agent.pem')])) as { notAfter: string };
    expect(new Date(a.notAfter).getTime()).toBe(now + 365 * DAY_MS);
    const d4 = makeAgent(out(''), 'device-4', 'ec');
    const c4 = (await ok(cli, ['cert', 'issue', '--csr', d4.csr, '--out', out('d4.pem'), '--profile', 'bootstrap', '--days', '100'])) as { notAfter: string };
    expect(new Date(c4.notAfter).getTime()).toBe(now + 100 * DAY_MS);
  });
});
