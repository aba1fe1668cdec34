import { createHash } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DAY_MS, fixedClock } from '../core/clock.ts';
import { inProcessCli } from '../testing/cli-in-process.ts';
import { jsonError } from '../testing/cli-runner.ts';
import { makeAgent, opensslSerial, writeReceipt, type AgentAlgorithm, type TestAgent } from '../testing/fleet-agents.ts';
import { removeTempDirs, tempDir } from '../testing/temp-dir.ts';

afterAll(removeTempDirs);

type Cli = ReturnType<typeof inProcessCli>;
interface KeyFleet {
  name: string;
  state: string;
  trusting: number;
  trustingPercent: number;
  liveLeaves: number;
  superseded: number;
  remaining: number;
  safeToActivate: boolean | null;
  safeToRetire: boolean | null;
  daysLeft: number | null;
}
interface Status {
  agents: number;
  receipts: number;
  bundle: { version: number; sha256: string } | null;
  keys: KeyFleet[];
}

function setup() {
  const dir = tempDir();
  const usb = join(dir, 'usb');
  mkdirSync(usb);
  const clock = fixedClock('2026-03-01T12:00:00Z');
  const cli = inProcessCli({ vault: join(dir, 'vault'), clock, env: { AIRGAP_CA_PASSPHRASE: 'correct horse battery staple', AIRGAP_CA_MEDIA_ROOTS: usb } });
  return { dir, usb, clock, cli, out: (n: string) => join(dir, n) };
}

async function ok(cli: Cli, args: string[]): Promise<unknown> {
  const r = await cli(['--json', ...args]);
  if (r.code !== 0) throw new Error(`${args.join(' ')} -> exit ${r.code}: ${r.stdout}${r.stderr}`);
  return r.json;
}

async function refused(cli: Cli, args: string[]): Promise<{ code: string; message: string }> {
  const r = await cli(['--json', ...args]);
  expect(r.code).toBe(1);
  return jsonError(r) as { code: string; message: string };
}

async function root(cli: Cli, name: string, algorithm = 'ecdsa-p256'): Promise<void> {
  await ok(cli, ['key', 'create', '--name', name, '--algorithm', algorithm]);
  await ok(cli, ['key', 'self-sign', name, '--subject', `CN=${name},O=Acme,C=DE`]);
}

/** An agent's certificate from the active key; returns the path and its serial as the agent reads it. */
async function issue(cli: Cli, agent: TestAgent, out: string): Promise<{ cert: string; serial: string }> {
  await ok(cli, ['cert', 'issue', '--csr', agent.csr, '--out', out, '--profile', 'agent']);
  return { cert: out, serial: opensslSerial(out) };
}

const status = async (cli: Cli) => (await ok(cli, ['fleet', 'status'])) as Status;
const keyIn = (s: Status, name: string) => s.keys.find((k) => k.name === name)!;
const pemBlocks = (pem: string) => pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n/g) ?? [];

describe('a staged rotation through the CLI, OpenSSL playing the agents', () => {
  it('stages B, refuses activation at 0% and 50%, activates at 100%, and retires A only once every A-leaf is superseded and the window is over', async () => {
    const { usb, clock, cli, out } = setup();
    await ok(cli, ['vault', 'init']);
    await root(cli, 'root-a');
    await ok(cli, ['key', 'activate', 'root-a']);
    const agents = (['ec', 'rsa'] as AgentAlgorithm[]).map((alg, i) => makeAgent(out(''), `agent-${i + 1}`, alg));
    const leavesA = [await issue(cli, agents[0]!, out('a1.pem')), await issue(cli, agents[1]!, out('a2.pem'))];

    // B staged: in the bundle and in trust-anchor.json as "staged"; it signs nothing.
    clock.advance(DAY_MS);
    await root(cli, 'root-b', 'ecdsa-p384');
    const staged = (await ok(cli, ['key', 'stage', 'root-b'])) as { staged: { state: string; id: string }; bundleKeyIds: string[] };
    expect(staged.staged.state).toBe('staged');
    expect(staged.bundleKeyIds).toHaveLength(2);
    const bundle = (await ok(cli, ['bundle', 'write', '--out', out('bundle-staged.pem')])) as { bundleVersion: number; bundleSha256: string; keys: Array<{ name: string; state: string }> };
    expect(bundle.keys.map((k) => [k.name, k.state])).toEqual([
      ['root-a', 'active'],
      ['root-b', 'staged'],
    ]);
    expect(bundle.bundleSha256).toBe(createHash('sha256').update(readFileSync(out('bundle-staged.pem'))).digest('hex'));
    expect(pemBlocks(readFileSync(out('bundle-staged.pem'), 'utf8'))).toHaveLength(2);
    const exported = (await ok(cli, ['export', 'media', '--to', usb])) as { dir: string; signingKeyId: string };
    const anchor = JSON.parse(readFileSync(join(exported.dir, 'trust-anchor.json'), 'utf8')) as { active_key_id: string; bundle_version: number; bundle_sha256: string; keys: Array<{ key_id: string; state: string }> };
    const manifest = JSON.parse(readFileSync(join(exported.dir, 'MANIFEST.json'), 'utf8')) as { bundle_version: number; bundle_sha256: string; signing_key_id: string };
    expect(anchor.keys.map((k) => k.state)).toEqual(['active', 'staged']);
    expect(anchor.keys[1]!.key_id).toBe(staged.staged.id);
    // The same bundle bytes keep their version; the package names them in both files.
    expect(anchor.bundle_version).toBe(bundle.bundleVersion);
    expect(anchor.bundle_sha256).toBe(createHash('sha256').update(readFileSync(join(exported.dir, 'trust-bundle.pem'))).digest('hex'));
    expect([manifest.bundle_version, manifest.bundle_sha256]).toEqual([anchor.bundle_version, anchor.bundle_sha256]);
    expect(manifest.signing_key_id).toBe(anchor.active_key_id);
    expect((await cli(['export', 'verify', exported.dir])).code).toBe(0);
    // The staged key signs nothing: certificates still come from A.
    const stillA = await issue(cli, makeAgent(out(''), 'agent-probe', 'ec'), out('probe.pem'));
    expect(spawnSync('openssl', ['verify', '-CAfile', out('bundle-staged.pem'), stillA.cert]).status).toBe(0);
    const probe = (await ok(cli, ['cert', 'show', stillA.serial])) as { issuerKeyId: string };
    expect(probe.issuerKeyId).not.toBe(staged.staged.id);
    await ok(cli, ['cert', 'revoke', stillA.serial, '--reason', 'cessationOfOperation']);

    // 0 of 2 agents: refused with the numbers, nothing changes.
    const at0 = await refused(cli, ['key', 'activate', 'root-b']);
    expect(at0.code).toBe('READINESS_INCOMPLETE');
    expect(at0.message).toContain('Only 0 of 2 known agents (0%)');
    expect(at0.message).toContain('activation needs 100%');
    expect(keyIn(await status(cli), 'root-b')).toMatchObject({ state: 'staged', trusting: 0, trustingPercent: 0, safeToActivate: false });

    // Agent 1 (ECDSA, openssl dgst) reports the bundle: 1 of 2, still refused.
    const installedAt = new Date(clock.now().getTime() + 3600_000).toISOString().replace('.000Z', 'Z');
    const r1 = out('receipts-1');
    mkdirSync(r1);
    writeReceipt(r1, 'agent-1', agents[0]!, { bundleSha256: anchor.bundle_sha256, serial: leavesA[0]!.serial, installedAt });
    expect(await ok(cli, ['fleet', 'import-receipts', '--from', r1])).toMatchObject({ accepted: 1, duplicates: 0, refused: {} });
    const at50 = await refused(cli, ['key', 'activate', 'root-b']);
    expect(at50.code).toBe('READINESS_INCOMPLETE');
    expect(at50.message).toContain('Only 1 of 2 known agents (50%)');

    // Agent 2 (RSA) too; its folder also holds agent 1's receipt again: a duplicate, not a second receipt.
    const r2 = out('receipts-2');
    mkdirSync(r2);
    writeFileSync(join(r2, 'agent-1.receipt.json'), readFileSync(join(r1, 'agent-1.receipt.json')));
    writeFileSync(join(r2, 'agent-1.receipt.json.sig'), readFileSync(join(r1, 'agent-1.receipt.json.sig')));
    writeReceipt(r2, 'agent-2', agents[1]!, { bundleSha256: anchor.bundle_sha256, serial: leavesA[1]!.serial, installedAt });
    expect(await ok(cli, ['fleet', 'import-receipts', '--from', r2])).toMatchObject({ accepted: 1, duplicates: 1, refused: {} });
    const ready = await status(cli);
    expect(ready).toMatchObject({ agents: 2, receipts: 2 });
    expect(keyIn(ready, 'root-b')).toMatchObject({ trusting: 2, trustingPercent: 100, safeToActivate: true });
    expect((await cli(['fleet', 'status'])).stdout).toMatch(/root-b \(sha256:[0-9a-f]{64}\)\s+staged\s+2 \(100%\)/);

    // 100%: allowed; A becomes trusted for the window and the answer carries the readiness.
    const activated = await cli(['--json', 'key', 'activate', 'root-b', '--trusted-window', '30']);
    expect(activated.code).toBe(0);
    expect(activated.json).toMatchObject({ from: 'staged', readiness: { agents: 2, trusting: 2, percent: 100, threshold: 100, ready: true }, forcedReason: null, previous: { name: 'root-a', state: 'trusted' } });
    const trustedUntil = (activated.json as { previous: { trustedUntil: string } }).previous.trustedUntil;

    // Retiring A: refused while its leaves remain, with the count; each renewal under B supersedes one.
    const retire2 = await refused(cli, ['key', 'retire', 'root-a']);
    expect(retire2.code).toBe('RETIRE_REFUSED_LIVE_LEAVES');
    expect(retire2.message).toContain('still has 2 live certificates');
    clock.advance(DAY_MS);
    const renewed1 = await issue(cli, makeAgent(out(''), 'agent-1', 'ec', '-b'), out('b1.pem'));
    expect(((await ok(cli, ['cert', 'show', renewed1.serial])) as { issuerKeyId: string }).issuerKeyId).toBe(staged.staged.id);
    const retire1 = await refused(cli, ['key', 'retire', 'root-a']);
    expect(retire1.code).toBe('RETIRE_REFUSED_LIVE_LEAVES');
    expect(retire1.message).toContain('still has 1 live certificate it issued');
    expect(retire1.message).toContain('1 more is superseded and no longer counts');
    expect(keyIn(await status(cli), 'root-a')).toMatchObject({ state: 'trusted', liveLeaves: 2, superseded: 1, remaining: 1, safeToRetire: false });

    // The re-bootstrap list names the agent still left on A.
    const remaining = (await ok(cli, ['fleet', 'remaining', '--key', 'root-a', '--out', out('remaining.csv')])) as { count: number };
    expect(remaining.count).toBe(1);
    const csv = readFileSync(out('remaining.csv'), 'utf8').trim().split('\r\n');
    expect(csv[0]).toBe('serial,subject,sans,not_after,last_receipt_installed_at,last_receipt_bundle_version');
    expect(csv.slice(1)).toEqual([`${leavesA[1]!.serial.toLowerCase()},CN=agent-2,,${(await ok(cli, ['cert', 'show', leavesA[1]!.serial]) as { notAfter: string }).notAfter},${installedAt.replace('Z', '.000Z')},${anchor.bundle_version}`]);
    const json = (await ok(cli, ['fleet', 'remaining', '--key', 'root-a', '--out', out('remaining.json'), '--format', 'json'])) as { format: string };
    expect(json.format).toBe('json');
    expect((JSON.parse(readFileSync(out('remaining.json'), 'utf8')) as { certificates: Array<{ subject: string }> }).certificates.map((c) => c.subject)).toEqual(['CN=agent-2']);

    // Agent 2 renews too: no leaves block, but the window still does.
    const renewed2 = await issue(cli, makeAgent(out(''), 'agent-2', 'rsa', '-b'), out('b2.pem'));
    expect(spawnSync('openssl', ['verify', '-CAfile', out('bundle-staged.pem'), renewed2.cert]).status).toBe(0);
    expect(keyIn(await status(cli), 'root-a')).toMatchObject({ liveLeaves: 2, superseded: 2, remaining: 0, safeToRetire: false });
    expect((await refused(cli, ['key', 'retire', 'root-a'])).code).toBe('RETIRE_REFUSED_WINDOW');

    // After the window (the clock moved past trustedUntil), A retires without --force.
    clock.set(new Date(new Date(trustedUntil).getTime() + 1000));
    expect(keyIn(await status(cli), 'root-a')).toMatchObject({ remaining: 0, daysLeft: 0, safeToRetire: true });
    expect(await ok(cli, ['key', 'retire', 'root-a'])).toMatchObject({ name: 'root-a', state: 'retired' });
    const after = (await ok(cli, ['bundle', 'write', '--out', out('bundle-after.pem')])) as { bundleVersion: number; keys: Array<{ name: string }> };
    expect(after.keys.map((k) => k.name)).toEqual(['root-b']);
    // Versions are per bundle written: the B+A bundle of the activation was never written, so this is the next one.
    expect(after.bundleVersion).toBe(bundle.bundleVersion + 1);
    const audit = (await ok(cli, ['audit', 'list'])) as { events: Array<{ action: string; details: Record<string, unknown> }> };
    const imports = audit.events.filter((e) => e.action === 'fleet.receipts-imported');
    expect(imports.map((e) => [e.details.accepted, e.details.duplicates])).toEqual([
      [1, 0],
      [1, 1],
    ]);
    expect(audit.events.map((e) => e.action)).toEqual(expect.arrayContaining(['key.staged', 'key.activated', 'key.retired', 'fleet.remaining-written']));
    expect((await cli(['audit', 'verify'])).code).toBe(0);
  });

  it('activating a staged key below the threshold needs --force --reason, which is audited; a draft still activates directly and says staging helps', async () => {
    const { clock, cli, out } = setup();
    await ok(cli, ['vault', 'init']);
    await root(cli, 'root-a');
    await ok(cli, ['key', 'activate', 'root-a']);
    await issue(cli, makeAgent(out(''), 'agent-1', 'ec'), out('a1.pem'));
    clock.advance(DAY_MS);
    await root(cli, 'root-b');
    await ok(cli, ['key', 'stage', 'root-b']);
    const noReason = await cli(['--json', 'key', 'activate', 'root-b', '--force']);
    expect([noReason.code, jsonError(noReason)?.code]).toEqual([2, 'INVALID_INPUT']);
    const forced = (await ok(cli, ['key', 'activate', 'root-b', '--force', '--reason', 'agents confirmed by phone'])) as { forcedReason: string; readiness: { percent: number } };
    expect(forced).toMatchObject({ forcedReason: 'agents confirmed by phone', readiness: { agents: 1, trusting: 0, percent: 0, ready: false } });
    const audit = (await ok(cli, ['audit', 'list'])) as { events: Array<{ action: string; details: Record<string, unknown> }> };
    expect(audit.events.filter((e) => e.action === 'key.activated').at(-1)?.details).toMatchObject({
      from: 'staged',
      forced: { reason: 'agents confirmed by phone', overrode: ['READINESS_INCOMPLETE'] },
      readiness: { agents: 1, trusting: 0, percent: 0, threshold: 100 },
    });

    clock.advance(DAY_MS);
    await root(cli, 'root-c');
    const direct = await cli(['key', 'activate', 'root-c']);
    expect(direct.code).toBe(0);
    expect(direct.stdout).toContain('activated straight from draft');
    expect(direct.stdout).toContain('Staging first ("key stage") lets the fleet learn a key in advance');
  });
});

/** Changes the vault's readiness threshold the way an officer does: `vault settings --activation-readiness`. */
async function setReadiness(cli: Cli, percent: number): Promise<void> {
  const r = (await ok(cli, ['vault', 'settings', '--activation-readiness', String(percent)])) as { settings: Array<{ name: string; value: unknown }> };
  expect(r.settings.find((x) => x.name === 'activationReadiness')?.value).toBe(percent);
}

describe('settings.activationReadiness', () => {
  it('a threshold of 50% refuses 1 of 3 agents and activates at 2 of 3; a refusal names the threshold and changes nothing', async () => {
    const { clock, cli, out } = setup();
    await ok(cli, ['vault', 'init']);
    await root(cli, 'root-a');
    await ok(cli, ['key', 'activate', 'root-a']);
    const agents = (['ec', 'rsa', 'ed25519'] as AgentAlgorithm[]).map((alg, i) => makeAgent(out(''), `agent-${i + 1}`, alg));
    const leaves = [];
    for (const [i, a] of agents.entries()) leaves.push(await issue(cli, a, out(`a${i + 1}.pem`)));
    clock.advance(DAY_MS);
    await root(cli, 'root-b');
    await ok(cli, ['key', 'stage', 'root-b']);
    const bundle = (await ok(cli, ['bundle', 'write', '--out', out('bundle.pem')])) as { bundleSha256: string };
    await setReadiness(cli, 50);
    expect(await status(cli)).toMatchObject({ threshold: 50 });

    const installedAt = clock.now().toISOString();
    const inbox = out('inbox');
    mkdirSync(inbox);
    writeReceipt(inbox, 'agent-1', agents[0]!, { bundleSha256: bundle.bundleSha256, serial: leaves[0]!.serial, installedAt });
    await ok(cli, ['fleet', 'import-receipts', '--from', inbox]);
    // 1 of 3 is 33.3%: below 50%.
    const low = await refused(cli, ['key', 'activate', 'root-b']);
    expect(low.code).toBe('READINESS_INCOMPLETE');
    expect(low.message).toContain('Only 1 of 3 known agents (33.3%)');
    expect(low.message).toContain('activation needs 50%');
    expect(keyIn(await status(cli), 'root-b')).toMatchObject({ state: 'staged', safeToActivate: false });

    writeReceipt(inbox, 'agent-3', agents[2]!, { bundleSha256: bundle.bundleSha256, serial: leaves[2]!.serial, installedAt });
    expect(await ok(cli, ['fleet', 'import-receipts', '--from', inbox])).toMatchObject({ accepted: 1, duplicates: 1 });
    expect(keyIn(await status(cli), 'root-b')).toMatchObject({ trusting: 2, trustingPercent: 66.6, safeToActivate: true });
    expect(await ok(cli, ['key', 'activate', 'root-b'])).toMatchObject({ from: 'staged', forcedReason: null, readiness: { agents: 3, trusting: 2, percent: 66.6, threshold: 50, ready: true } });
  });
});

describe('key rollback', () => {
  it('B active and defective: rollback makes A active and B staged, and a leaf B issued still verifies against the new bundle', async () => {
    const { usb, clock, cli, out } = setup();
    await ok(cli, ['vault', 'init']);
    expect((await refused(cli, ['key', 'rollback'])).code).toBe('ROLLBACK_UNAVAILABLE');
    await root(cli, 'root-a');
    await ok(cli, ['key', 'activate', 'root-a']);
    // Only one key: nothing to roll back to, nothing changes.
    const none = await refused(cli, ['key', 'rollback']);
    expect(none.code).toBe('ROLLBACK_UNAVAILABLE');
    expect(none.message).toContain('There is no key to roll back to');

    clock.advance(DAY_MS);
    await root(cli, 'root-b');
    await ok(cli, ['key', 'activate', 'root-b']);
    const leafB = await issue(cli, makeAgent(out(''), 'agent-1', 'ec'), out('b1.pem'));
    const before = (await ok(cli, ['bundle', 'write', '--out', out('before.pem')])) as { bundleVersion: number };

    clock.advance(DAY_MS);
    const r = (await ok(cli, ['key', 'rollback', '--reason', 'B signs with a broken RNG'])) as { restored: { name: string; state: string }; steppedBack: { name: string; state: string }; issued: Array<{ serial: string }> };
    expect([r.restored.name, r.restored.state, r.steppedBack.name, r.steppedBack.state]).toEqual(['root-a', 'active', 'root-b', 'staged']);
    expect(r.issued.map((l) => l.serial)).toEqual([leafB.serial.toLowerCase()]);
    const keys = (await ok(cli, ['key', 'list'])) as Array<{ id: string; name: string; state: string }>;
    expect(keys.map((k) => [k.name, k.state])).toEqual([
      ['root-a', 'active'],
      ['root-b', 'staged'],
    ]);
    const bundle = (await ok(cli, ['bundle', 'write', '--out', out('after.pem')])) as { bundleVersion: number; keys: Array<{ name: string; state: string }> };
    expect(bundle.keys.map((k) => [k.name, k.state])).toEqual([
      ['root-a', 'active'],
      ['root-b', 'staged'],
    ]);
    expect(bundle.bundleVersion).toBe(before.bundleVersion + 1);
    expect(execFileSync('openssl', ['verify', '-CAfile', out('after.pem'), leafB.cert]).toString()).toContain(': OK');
    // The trust anchor follows: the next package is signed by A and names B staged.
    const exported = (await ok(cli, ['export', 'media', '--to', usb])) as { dir: string };
    const anchor = JSON.parse(readFileSync(join(exported.dir, 'trust-anchor.json'), 'utf8')) as { active_key_id: string; keys: Array<{ key_id: string; state: string }> };
    const ids = Object.fromEntries(keys.map((k) => [k.name, k.id]));
    expect(anchor.active_key_id).toBe(ids['root-a']);
    expect(anchor.keys.map((k) => [k.key_id, k.state])).toEqual([
      [ids['root-a'], 'active'],
      [ids['root-b'], 'staged'],
    ]);
    expect(execFileSync('openssl', ['verify', '-CAfile', join(exported.dir, 'trust-bundle.pem'), leafB.cert]).toString()).toContain(': OK');
    // New certificates come from A again.
    const leafA = await issue(cli, makeAgent(out(''), 'agent-2', 'ec'), out('a2.pem'));
    expect(((await ok(cli, ['cert', 'show', leafA.serial])) as { issuerKeyId: string }).issuerKeyId).toBe(((await ok(cli, ['key', 'show', 'root-a'])) as { id: string }).id);
    const audit = (await ok(cli, ['audit', 'list'])) as { events: Array<{ action: string; details: Record<string, unknown> }> };
    expect(audit.events.find((e) => e.action === 'key.rolled-back')).toMatchObject({ action: 'key.rolled-back', details: { to: 'staged', reason: 'B signs with a broken RNG', liveIssued: 1 } });

    // Now A is active and B staged: there is no trusted key left, so a second rollback is refused and changes nothing.
    expect((await refused(cli, ['key', 'rollback'])).code).toBe('ROLLBACK_UNAVAILABLE');
    expect(((await ok(cli, ['key', 'list'])) as Array<{ name: string; state: string }>).map((k) => [k.name, k.state])).toEqual([
      ['root-a', 'active'],
      ['root-b', 'staged'],
    ]);
  });

  it('refuses once the previous key\'s trusted window is over, and changes nothing', async () => {
    const { clock, cli } = setup();
    await ok(cli, ['vault', 'init']);
    await root(cli, 'root-a');
    await ok(cli, ['key', 'activate', 'root-a']);
    clock.advance(DAY_MS);
    await root(cli, 'root-b');
    const activated = (await ok(cli, ['key', 'activate', 'root-b', '--trusted-window', '7'])) as { previous: { trustedUntil: string } };
    clock.set(new Date(new Date(activated.previous.trustedUntil).getTime() + 1000));
    const late = await refused(cli, ['key', 'rollback', '--reason', 'too late']);
    expect(late.code).toBe('ROLLBACK_UNAVAILABLE');
    expect(((await ok(cli, ['key', 'list'])) as Array<{ name: string; state: string }>).map((k) => [k.name, k.state])).toEqual([
      ['root-b', 'active'],
      ['root-a', 'trusted'],
    ]);
    const audit = (await ok(cli, ['audit', 'list'])) as { events: Array<{ action: string }> };
    expect(audit.events.some((e) => e.action === 'key.rolled-back')).toBe(false);
  });

  it('rollback --retire retires the key rolled back from and lists what it issued', async () => {
    const { clock, cli, out } = setup();
    await ok(cli, ['vault', 'init']);
    await root(cli, 'root-a');
    await ok(cli, ['key', 'activate', 'root-a']);
    clock.advance(DAY_MS);
    await root(cli, 'root-b');
    await ok(cli, ['key', 'activate', 'root-b']);
    const leafB = await issue(cli, makeAgent(out(''), 'agent-1', 'ed25519'), out('b1.pem'));
    const text = await cli(['key', 'rollback', '--retire', '--reason', 'defective']);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('"root-b" is now retired');
    expect(text.stdout).toContain('must be re-issued under "root-a"');
    expect(text.stdout).toContain(leafB.serial.toLowerCase());
    const bundle = (await ok(cli, ['bundle', 'write', '--out', out('after.pem')])) as { keys: Array<{ name: string }> };
    expect(bundle.keys.map((k) => k.name)).toEqual(['root-a']);
    expect(((await ok(cli, ['key', 'show', 'root-b'])) as { retired: { reason: string } }).retired.reason).toBe('routine');
  });
});

describe('bundle versions in a package of several CAs', () => {
  it("each CA's entry of the manifest names its own bundle version, the pair of the trust anchor in its folder", async () => {
    const { usb, cli } = setup();
    await ok(cli, ['vault', 'init']);
    await ok(cli, ['ca', 'create', '--name', 'second']);
    for (const ca of ['default', 'second']) {
      await ok(cli, ['--ca', ca, 'key', 'create', '--name', `root-${ca}`]);
      await ok(cli, ['--ca', ca, 'key', 'self-sign', `root-${ca}`, '--subject', `CN=Root ${ca}`]);
      await ok(cli, ['--ca', ca, 'key', 'activate', `root-${ca}`]);
    }
    // The second CA wrote a bundle before: its versions count on from there, the first CA's from 1.
    await ok(cli, ['--ca', 'second', 'bundle', 'write', '--out', join(usb, '..', 'second-1.pem')]);
    await ok(cli, ['--ca', 'second', 'key', 'create', '--name', 'root-second-b']);
    await ok(cli, ['--ca', 'second', 'key', 'self-sign', 'root-second-b', '--subject', 'CN=Root second B']);
    await ok(cli, ['--ca', 'second', 'key', 'stage', 'root-second-b']);
    const exported = (await ok(cli, ['export', 'media', '--to', usb])) as { dir: string };
    const manifest = JSON.parse(readFileSync(join(exported.dir, 'MANIFEST.json'), 'utf8')) as { format_version: number; cas: Array<{ name: string; folder: string; bundle_version: number; bundle_sha256: string }> };
    expect(manifest.format_version).toBe(2);
    expect(manifest.cas.map((c) => [c.name, c.bundle_version])).toEqual([
      ['default', 1],
      ['second', 2],
    ]);
    for (const c of manifest.cas) {
      const anchor = JSON.parse(readFileSync(join(exported.dir, c.folder, 'trust-anchor.json'), 'utf8')) as { bundle_version: number; bundle_sha256: string };
      expect([anchor.bundle_version, anchor.bundle_sha256]).toEqual([c.bundle_version, c.bundle_sha256]);
      expect(c.bundle_sha256).toBe(createHash('sha256').update(readFileSync(join(exported.dir, c.folder, 'trust-bundle.pem'))).digest('hex'));
    }
    expect((await cli(['export', 'verify', exported.dir])).code).toBe(0);
    expect(((await ok(cli, ['--ca', 'second', 'fleet', 'status'])) as Status).bundle?.version).toBe(2);
  });
});
