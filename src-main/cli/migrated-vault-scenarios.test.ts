/**
 * The CLI's scenarios on a vault made before several CAs per vault existed:
 * a copy of the committed vault of schema version 5
 * (`testing/golden/vault-schema5/`, made by the CLI of that time) migrates on
 * its first unlock into one CA named "default", and then every scenario of
 * the other CLI tests — issuance, revocation and CRLs, a staged rotation with
 * receipts, readiness, rollback, retire and promote, an emergency with its
 * package, renewal, export and its verification, checkpoints, backup and
 * restore, a new passphrase, a ceremony kit, an imported CA key — runs on it
 * without `--ca`, as it ran before, with OpenSSL checking what it wrote.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DAY_MS, fixedClock } from '../core/clock.ts';
import { inProcessCli, type CliRun } from '../testing/cli-in-process.ts';
import { makeAgent, opensslSerial, writeReceipt } from '../testing/fleet-agents.ts';
import { removeTempDirs, tempDir } from '../testing/temp-dir.ts';

afterAll(removeTempDirs);

const FIXTURE = join(import.meta.dirname, '..', 'testing', 'golden', 'vault-schema5');
/** The fixture's passphrase (README.md there): test-only. */
const PASS = 'fixture passphrase, test only';
/** The fixture's last event was written on 2026-06-02; the scenarios continue a day later. */
const START = '2026-06-03T12:00:00Z';

type Cli = (args: string[]) => Promise<CliRun>;
type Key = { id: string; name: string; state: string; ca: string; caId: string; trustedUntil: string | null };

/** A copy of the schema-5 vault, a removable medium folder beside it, and the CLI on both (no --ca anywhere). */
function migratedVault() {
  const dir = tempDir();
  const vault = join(dir, 'vault');
  const usb = join(dir, 'usb');
  mkdirSync(vault);
  mkdirSync(usb);
  for (const f of ['vault-header.json', 'vault.db']) copyFileSync(join(FIXTURE, f), join(vault, f));
  const clock = fixedClock(START);
  const env = { AIRGAP_CA_PASSPHRASE: PASS, AIRGAP_CA_MEDIA_ROOTS: usb };
  const cli = inProcessCli({ vault, clock, env });
  const ok = async (args: string[], c: Cli = cli) => {
    const r = await c(args);
    expect(r.code, `${args.join(' ')}: ${r.stderr}${r.stdout}`).toBe(0);
    return r;
  };
  const json = async <T,>(args: string[], c: Cli = cli) => (await ok(['--json', ...args], c)).json as T;
  const refused = async (args: string[], code: string) => {
    const r = await cli(['--json', ...args]);
    expect(r.code, args.join(' ')).not.toBe(0);
    expect((r.json as { error: { code: string } }).error.code, args.join(' ')).toBe(code);
  };
  const keys = async () => (await json<Key[]>(['key', 'list'])).map((k) => [k.name, k.state]);
  /** OpenSSL's verdict at the vault clock's time (the fixture's certificates and CRLs are of June 2026). */
  const at = () => String(Math.floor(clock.now().getTime() / 1000));
  const verify = (args: string[]) => spawnSync('openssl', ['verify', '-x509_strict', '-attime', at(), ...args]);
  return { dir, vault, usb, clock, env, cli, ok, json, refused, keys, verify, at };
}

/** An agent's key and request made by OpenSSL. */
function csrFor(dir: string, name: string, san?: string, keyDir = dir): string {
  const csr = join(dir, `${name}.csr`);
  execFileSync('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(keyDir, `${name}.key`), '-out', csr, '-subj', `/CN=${name}`, ...(san ? ['-addext', `subjectAltName=${san}`] : [])], { stdio: 'ignore' });
  return csr;
}

function crlSerials(file: string): string[] {
  const text = execFileSync('openssl', ['crl', '-inform', 'DER', '-noout', '-text', '-in', file]).toString();
  return [...text.matchAll(/Serial Number: ([0-9A-F]+)/g)].map((m) => m[1]!.toLowerCase().replace(/^0+/, ''));
}

describe('every CLI scenario on a vault migrated from schema 5 into "default", without --ca', () => {
  it('issuance, search, revocation by serial and by list, CRLs: OpenSSL verifies the leaves against the bundle and finds the revoked ones on the CRL', async () => {
    const { dir, ok, json, refused, verify, at } = migratedVault();
    const one = await json<{ serial: string; caId: string; profile: string }>(['cert', 'issue', '--csr', csrFor(dir, 'agent-3'), '--out', join(dir, 'agent-3.crt')]);
    expect(one).toMatchObject({ caId: 'default', profile: 'agent' });
    const server = await json<{ serial: string; sans: string[] }>(['cert', 'issue', '--csr', csrFor(dir, 'web-1', 'DNS:web-1.example'), '--profile', 'server', '--out', join(dir, 'web-1.crt')]);
    expect(server.sans).toEqual(['DNS:web-1.example']);
    const inDir = join(dir, 'requests');
    const outDir = join(dir, 'issued');
    mkdirSync(inDir);
    mkdirSync(outDir);
    for (const n of ['batch-1', 'batch-2', 'batch-3']) csrFor(inDir, n, undefined, dir);
    const batch = await json<{ issued: number; failed: number; bundle: string; results: Array<{ out: string }> }>(['cert', 'issue-batch', '--in', inDir, '--out', outDir, '--bundle-out', join(dir, 'batch.pem')]);
    expect(batch).toMatchObject({ issued: 3, failed: 0 });
    await ok(['bundle', 'write', '--out', join(dir, 'bundle.pem')]);
    const batchLeaves = batch.results.map((r) => r.out);
    for (const leaf of [join(dir, 'agent-3.crt'), join(dir, 'web-1.crt'), ...batchLeaves]) {
      const v = verify(['-CAfile', join(dir, 'bundle.pem'), leaf]);
      expect(v.status, `${leaf}: ${v.stderr.toString()}`).toBe(0);
    }
    const list = await json<{ total: number; items: Array<{ subject: string }> }>(['cert', 'list']);
    expect(list.total).toBe(2 + 2 + 3);
    expect((await json<{ items: Array<{ subject: string }> }>(['cert', 'list', '--search', 'batch'])).items.map((c) => c.subject).sort()).toEqual(['CN=batch-1', 'CN=batch-2', 'CN=batch-3']);
    expect((await json<{ pem: string }>(['cert', 'show', one.serial])).pem).toContain('BEGIN CERTIFICATE');

    await ok(['cert', 'revoke', one.serial, '--reason', 'keyCompromise']);
    await refused(['cert', 'revoke', one.serial], 'ALREADY_REVOKED');
    writeFileSync(join(dir, 'serials.txt'), `${server.serial}\n${one.serial}\n`);
    expect(await json<{ revoked: string[]; alreadyRevoked: string[] }>(['cert', 'revoke', '--serials-file', join(dir, 'serials.txt')])).toMatchObject({ revoked: [server.serial], alreadyRevoked: [one.serial] });
    const crl = await json<{ number: number; entries: number }>(['crl', 'generate', '--out', join(dir, 'b2.crl')]);
    expect(crl.entries).toBe(2);
    expect(crlSerials(join(dir, 'b2.crl')).sort()).toEqual([one.serial, server.serial].map((s) => s.replace(/^0+/, '')).sort());
    expect(spawnSync('openssl', ['crl', '-inform', 'DER', '-noout', '-CAfile', join(dir, 'bundle.pem'), '-in', join(dir, 'b2.crl')]).status).toBe(0);
    // OpenSSL with the CRL now refuses the revoked leaf and still accepts a live one.
    execFileSync('openssl', ['crl', '-inform', 'DER', '-in', join(dir, 'b2.crl'), '-out', join(dir, 'b2.crl.pem')]);
    expect(spawnSync('openssl', ['verify', '-attime', at(), '-crl_check', '-CAfile', join(dir, 'bundle.pem'), '-CRLfile', join(dir, 'b2.crl.pem'), join(dir, 'agent-3.crt')]).status).not.toBe(0);
    expect(spawnSync('openssl', ['verify', '-attime', at(), '-crl_check', '-CAfile', join(dir, 'bundle.pem'), '-CRLfile', join(dir, 'b2.crl.pem'), batchLeaves[0]!]).status).toBe(0);
    // The migrated trusted key root-a still publishes for its own certificates: its revocation of agent-2 stays on its CRL.
    await ok(['crl', 'generate', '--issuer', 'root-a', '--out', join(dir, 'a2.crl')]);
    expect(crlSerials(join(dir, 'a2.crl'))).toHaveLength(1);
  });

  it('a staged rotation: stage, export, a receipt, fleet status, readiness refused then forced, the link certificate, rollback, activate again, retire and promote', async () => {
    const { dir, usb, clock, ok, json, refused, keys, verify } = migratedVault();
    const agent = makeAgent(dir, 'agent-9', 'ec');
    await ok(['cert', 'issue', '--csr', agent.csr, '--out', join(dir, 'agent-9.crt')]);
    await ok(['key', 'create', '--name', 'root-c']);
    await ok(['key', 'self-sign', 'root-c', '--subject', 'CN=Migrated Root C,O=Acme']);
    const staged = await json<{ staged: { state: string }; bundleKeyIds: string[] }>(['key', 'stage', 'root-c']);
    expect(staged.staged.state).toBe('staged');
    expect(staged.bundleKeyIds).toHaveLength(3);
    const pkg = await json<{ dir: string; formatVersion: number; cas: Array<{ name: string; folder: string }> }>(['export', 'media', '--to', usb]);
    // A vault of one CA writes the package it always wrote: format 1, its files at the top.
    expect(pkg.formatVersion).toBe(1);
    expect(pkg.cas.map((c) => [c.name, c.folder])).toEqual([['default', '']]);
    const bundleSha = execFileSync('sha256sum', [join(pkg.dir, 'trust-bundle.pem')]).toString().split(' ')[0]!;
    const inbox = join(dir, 'inbox');
    mkdirSync(inbox);
    writeReceipt(inbox, 'agent-9', agent, { bundleSha256: bundleSha, serial: opensslSerial(join(dir, 'agent-9.crt')), installedAt: '2026-06-03T12:00:00Z' });
    expect(await json<{ accepted: number }>(['fleet', 'import-receipts', '--from', inbox])).toMatchObject({ accepted: 1 });
    const status = await json<{ agents: number; keys: Array<{ name: string; trusting: number; safeToActivate: boolean }> }>(['fleet', 'status']);
    // agent-1 of the fixture and agent-9: one of the two has the staged key.
    expect(status.agents).toBe(2);
    expect(status.keys.find((k) => k.name === 'root-c')).toMatchObject({ trusting: 1, safeToActivate: false });
    await refused(['key', 'activate', 'root-c'], 'READINESS_INCOMPLETE');
    expect(await keys()).toEqual([
      ['root-b', 'active'],
      ['root-a', 'trusted'],
      ['root-c', 'staged'],
    ]);
    const act = await json<{ from: string; linkCertificate: boolean; forcedReason: string; previous: { name: string; state: string } }>(['key', 'activate', 'root-c', '--force', '--reason', 'agent-1 is offline']);
    expect(act).toMatchObject({ from: 'staged', linkCertificate: true, forcedReason: 'agent-1 is offline', previous: { name: 'root-b', state: 'trusted' } });
    // A leaf of the new root verifies against the bundle; so does agent-9's, issued by root-b.
    await ok(['cert', 'issue', '--csr', csrFor(dir, 'agent-10'), '--out', join(dir, 'agent-10.crt')]);
    await ok(['bundle', 'write', '--out', join(dir, 'rotated.pem')]);
    for (const leaf of ['agent-9.crt', 'agent-10.crt']) expect(verify(['-CAfile', join(dir, 'rotated.pem'), join(dir, leaf)]).status, leaf).toBe(0);

    const back = await json<{ restored: { name: string; state: string }; steppedBack: { name: string; state: string } }>(['key', 'rollback', '--reason', 'a bad day']);
    expect(back).toMatchObject({ restored: { name: 'root-b', state: 'active' }, steppedBack: { name: 'root-c', state: 'staged' } });
    await ok(['key', 'activate', 'root-c', '--force', '--reason', 'again']);
    // agent-1 of the fixture holds only root-a's certificate: retiring root-a needs --force, also once its window is over.
    await refused(['key', 'retire', 'root-a'], 'RETIRE_REFUSED_LIVE_LEAVES');
    clock.advance(40 * DAY_MS);
    await refused(['key', 'retire', 'root-a'], 'RETIRE_REFUSED_LIVE_LEAVES');
    await ok(['key', 'retire', 'root-a', '--force', '--reason', 'agent-1 re-bootstraps']);
    expect(await keys()).toContainEqual(['root-a', 'retired']);
    const promoted = await json<{ state: string; trustedUntil: string }>(['key', 'promote', 'root-a', '--days', '10']);
    expect(promoted.state).toBe('trusted');
    expect(promoted.trustedUntil).toBe(new Date(clock.now().getTime() + 10 * DAY_MS).toISOString());
    const remaining = await json<{ count: number }>(['fleet', 'remaining', '--key', 'root-a', '--out', join(dir, 'remaining.csv')]);
    expect(remaining.count).toBe(1);
    expect(readFileSync(join(dir, 'remaining.csv'), 'utf8')).toContain('CN=agent-1');
  });

  it('an emergency: the compromised key\'s certificates revoked, its final CRL, the package with EMERGENCY.json, export verify pinned to the trust anchor, export emergency and export list', async () => {
    const { dir, usb, ok, json, refused } = migratedVault();
    const leaf = await json<{ serial: string }>(['cert', 'issue', '--csr', csrFor(dir, 'agent-5'), '--out', join(dir, 'agent-5.crt')]);
    await ok(['key', 'create', '--name', 'root-e']);
    await ok(['key', 'self-sign', 'root-e', '--subject', 'CN=Emergency Root,O=Acme']);
    await refused(['key', 'activate', 'root-e', '--emergency'], 'WITNESS_REQUIRED');
    const em = await json<{ revokedCount: number; previous: { name: string; state: string }; finalCrls: Array<{ entries: number }> }>(['--witness', 'Bob Witness', 'key', 'activate', 'root-e', '--emergency']);
    expect(em).toMatchObject({ revokedCount: 1, previous: { name: 'root-b', state: 'retired' } });
    expect(em.finalCrls.map((c) => c.entries)).toEqual([1]);
    const listed = await json<{ items: Array<{ serial: string; status: string; revocationReason: string | null }> }>(['cert', 'list', '--status', 'revoked']);
    expect(listed.items.find((c) => c.serial === leaf.serial)).toMatchObject({ status: 'revoked', revocationReason: 'keyCompromise' });

    const pkg = await json<{ dir: string; files: Array<{ name: string }> }>(['export', 'media', '--to', usb]);
    expect(pkg.files.map((f) => f.name)).toEqual(expect.arrayContaining(['EMERGENCY.json', 'EMERGENCY-reissue.csv', 'trust-anchor.json', 'trust-bundle.pem']));
    const emergency = JSON.parse(readFileSync(join(pkg.dir, 'EMERGENCY.json'), 'utf8')) as { ca: { name: string }; compromised_key: { name: string }; reissue: { count: number } };
    expect(emergency).toMatchObject({ ca: { name: 'default' }, compromised_key: { name: 'root-b' }, reissue: { count: 1 } });
    const anchor = join(dir, 'trust-anchor.json');
    copyFileSync(join(pkg.dir, 'trust-anchor.json'), anchor);
    expect(await json<{ ok: boolean; pinned: boolean }>(['export', 'verify', pkg.dir, '--trust-anchor', anchor])).toMatchObject({ ok: true, pinned: true });
    // The compromised key's final CRL in the package lists the certificate, and verifies with the compromised root.
    const crlFile = readdirCrl(pkg.dir, em.finalCrls.length);
    expect(crlFile.some((f) => crlSerials(f).includes(leaf.serial.replace(/^0+/, '')))).toBe(true);

    const alone = await json<{ dir: string; compromisedKeyId: string }>(['export', 'emergency', '--to', usb]);
    expect(existsSync(join(alone.dir, 'EMERGENCY.json'))).toBe(true);
    const circulation = await json<{ exports: Array<{ kind: string; risk: string | null }> }>(['export', 'list']);
    expect(circulation.exports.map((e) => e.kind)).toEqual(['export', 'emergency']);
    await ok(['export', 'collect', '1', '--destroyed']);
    expect((await json<{ exports: unknown[] }>(['export', 'list'])).exports).toHaveLength(1);
  });

  it('renewal: an agent renews with its current certificate (OpenSSL CMS), the new one verifies against the bundle, the old one is superseded on the CRL', async () => {
    const { dir, ok, json, verify } = migratedVault();
    const agent = makeAgent(dir, 'agent-r', 'ec');
    const first = await json<{ serial: string }>(['cert', 'issue', '--csr', agent.csr, '--out', join(dir, 'agent-r.crt')]);
    const next = makeAgent(dir, 'agent-r', 'ec', '-new');
    const inDir = join(dir, 'renew-in');
    const outDir = join(dir, 'renew-out');
    mkdirSync(inDir);
    mkdirSync(outDir);
    execFileSync('openssl', ['req', '-in', next.csr, '-outform', 'DER', '-out', join(dir, 'new.der')]);
    execFileSync('openssl', ['cms', '-sign', '-binary', '-nodetach', '-outform', 'DER', '-md', 'sha256', '-signer', join(dir, 'agent-r.crt'), '-inkey', agent.key, '-in', join(dir, 'new.der'), '-out', join(inDir, 'agent-r.p7m')]);
    const r = await json<{ ca: string; counts: { issued: number; refused: number }; requests: Array<{ newSerial: string; out: string }>; superseded: string[] }>(['cert', 'renew-batch', '--in', inDir, '--out', outDir, '--supersede']);
    expect(r).toMatchObject({ ca: 'default', counts: { issued: 1, refused: 0 }, superseded: [first.serial] });
    await ok(['bundle', 'write', '--out', join(dir, 'bundle.pem')]);
    expect(verify(['-CAfile', join(dir, 'bundle.pem'), r.requests[0]!.out]).status).toBe(0);
    await ok(['crl', 'generate', '--out', join(dir, 'after.crl')]);
    expect(crlSerials(join(dir, 'after.crl'))).toEqual([first.serial.replace(/^0+/, '')]);
  });

  it('the vault and its audit: checkpoints (file and package), backup and restore, a new passphrase, a ceremony kit, an imported CA key, vault verify', async () => {
    const { dir, vault, usb, clock, env, ok, json, refused } = migratedVault();
    const cp = await json<{ seq: number; signingKeyId: string }>(['audit', 'checkpoint', '--out', join(dir, 'checkpoint.json')]);
    const active = (await json<Key[]>(['key', 'list'])).find((k) => k.state === 'active')!;
    expect(cp.signingKeyId).toBe(active.id);
    const pkg = await json<{ dir: string }>(['export', 'media', '--to', usb]);
    for (const checkpoint of [join(dir, 'checkpoint.json'), pkg.dir]) {
      expect(await json<{ ok: boolean; checkpoint: { status: string } }>(['audit', 'verify', '--checkpoint', checkpoint])).toMatchObject({ ok: true, checkpoint: { status: 'contains' } });
    }
    await ok(['vault', 'backup', '--out', join(dir, 'backup.agb')]);
    const restoredDir = join(dir, 'restored');
    const restored = await json<{ auditHead: { seq: number } }>(['--vault', restoredDir, 'vault', 'restore', '--from', join(dir, 'backup.agb'), '--checkpoint', join(dir, 'checkpoint.json')]);
    expect(restored.auditHead.seq).toBeGreaterThan(cp.seq);
    const inRestored = inProcessCli({ vault: restoredDir, clock, env });
    expect((await json<Key[]>(['key', 'list'], inRestored)).map((k) => [k.name, k.state, k.ca])).toEqual([
      ['root-b', 'active', 'default'],
      ['root-a', 'trusted', 'default'],
    ]);

    const kit = await json<{ ceremony: string; fingerprints: Array<{ role: string; fingerprint: string }> }>(['ceremony', 'kit', '--ceremony', 'emergency', '--key', 'root-a', '--out', join(dir, 'kit.html')]);
    expect(kit.fingerprints.map((f) => f.role)).toEqual(['out', 'in']);
    expect(readFileSync(join(dir, 'kit.html'), 'utf8')).toContain(active.id.slice(7, 11).toUpperCase());

    // A CA key made by OpenSSL now comes in as a draft of the only CA (the vault's clock moved on to now: the certificate starts now).
    clock.advance(Date.now() - clock.now().getTime() + 60_000);
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, 'old-ca.key'), '-out', join(dir, 'old-ca.crt'), '-subj', '/CN=Old OpenSSL CA', '-days', '3650', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], { stdio: 'ignore' });
    const fp = execFileSync('openssl', ['x509', '-in', join(dir, 'old-ca.crt'), '-noout', '-fingerprint', '-sha256']).toString().trim().split('=')[1]!;
    const imported = await json<{ state: string; ca: string }>(['key', 'import', '--name', 'old-ca', '--key', join(dir, 'old-ca.key'), '--cert', join(dir, 'old-ca.crt'), '--root-fingerprint', fp]);
    expect(imported).toMatchObject({ state: 'draft', ca: 'default' });

    const newPass = join(dir, 'new-pass');
    writeFileSync(newPass, 'a new passphrase for the migrated vault\n');
    await ok(['vault', 'change-passphrase', '--new-passphrase-file', newPass]);
    await refused(['key', 'list'], 'WRONG_PASSPHRASE');
    const withNew = inProcessCli({ vault, clock, env: { ...env, AIRGAP_CA_PASSPHRASE: 'a new passphrase for the migrated vault' } });
    expect((await json<Key[]>(['key', 'list'], withNew)).map((k) => k.name)).toEqual(['root-b', 'root-a', 'old-ca']);
    expect(await json<{ ok: boolean }>(['vault', 'verify'], withNew)).toMatchObject({ ok: true, integrity: [] });
    // Every event written since the migration names the CA, but for the vault's own.
    const events = (await json<{ events: Array<{ at: string; action: string; details: Record<string, unknown> }> }>(['audit', 'list'], withNew)).events.filter((e) => e.at >= '2026-06-03');
    const unnamed = events.filter((e) => !('ca' in e.details) && !('cas' in e.details)).map((e) => e.action);
    expect(unnamed).toContain('vault.backup');
    expect(unnamed.filter((a) => !a.startsWith('vault.'))).toEqual([]);
    expect(events.filter((e) => /^(key|cert|crl|bundle|ceremony|audit)\./.test(e.action)).every((e) => e.details.ca === 'default')).toBe(true);
  });
});

/** The CRL files (DER) of a one-CA package. */
function readdirCrl(pkgDir: string, atLeast: number): string[] {
  const files = readdirSync(join(pkgDir, 'crl')).filter((f) => f.endsWith('.crl')).map((f) => join(pkgDir, 'crl', f));
  expect(files.length).toBeGreaterThanOrEqual(atLeast);
  return files;
}
