/**
 * Export packages of several CAs through the real CLI, checked with OpenSSL and
 * sha256sum: a folder per CA, one manifest each CA's active key co-signs, and
 * the tampering a receiver must catch — a file moved between CA folders, a CA
 * folder dropped, a CA's signature replaced by another CA's — each with its code.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliWithMedium } from '../testing/cli-in-process.ts';
import { removeTempDirs, tempDir } from '../testing/temp-dir.ts';

afterAll(removeTempDirs);

type Cli = ReturnType<typeof cliWithMedium>['cli'];

async function ok(cli: Cli, args: string[]) {
  const r = await cli(args);
  expect(r.code, `${args.join(' ')}: ${r.stderr}${r.stdout}`).toBe(0);
  return r;
}

interface VerifyJson {
  ok: boolean;
  code: string | null;
  formatVersion: number | null;
  cas: Array<{ name: string | null; folder: string; ok: boolean; code: string | null; signingKeyId: string; pinned: boolean }>;
  problems: Array<{ file: string | null; message: string; code?: string }>;
}

function request(dir: string, name: string): string {
  const csr = join(dir, `${name}.csr`);
  execFileSync('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, `${name}.key`), '-out', csr, '-subj', `/CN=${name}`], { stdio: 'ignore' });
  return csr;
}

const verifies = (bundle: string, leaf: string) => spawnSync('openssl', ['verify', '-x509_strict', '-CAfile', bundle, leaf]).status === 0;

/** OpenSSL checks a CA's signature over MANIFEST.json with the active key from that CA's own trust-anchor.json. */
function opensslSignatureOk(pkg: string, folder: string, work: string): boolean {
  const anchor = JSON.parse(readFileSync(join(pkg, folder, 'trust-anchor.json'), 'utf8')) as { active_key_id: string; keys: Array<{ key_id: string; public_key: string }> };
  const key = anchor.keys.find((k) => k.key_id === anchor.active_key_id)!;
  const der = join(work, `${folder}.der`);
  writeFileSync(der, Buffer.from(key.public_key, 'base64url'));
  execFileSync('openssl', ['pkey', '-pubin', '-inform', 'DER', '-in', der, '-out', join(work, `${folder}.pub.pem`)]);
  return spawnSync('openssl', ['dgst', '-sha256', '-verify', join(work, `${folder}.pub.pem`), '-signature', join(pkg, folder, 'MANIFEST.json.sig'), join(pkg, 'MANIFEST.json')]).status === 0;
}

describe('an export package of two CAs', () => {
  let t: ReturnType<typeof cliWithMedium>;
  let pkg: string;
  let written: { formatVersion: number; cas: Array<{ name: string; folder: string; signingKeyId: string }>; files: Array<{ name: string }> };
  const leaves: Record<string, string> = {};

  beforeAll(async () => {
    t = cliWithMedium();
    const { cli, dir } = t;
    await ok(cli, ['vault', 'init']);
    await ok(cli, ['key', 'create', '--name', 'agents-1']);
    await ok(cli, ['key', 'self-sign', 'agents-1', '--subject', 'CN=Agents Root 1,O=Acme']);
    await ok(cli, ['key', 'activate', 'agents-1']);
    await ok(cli, ['ca', 'create', '--name', 'Servers', '--purpose', 'server certificates']);
    await ok(cli, ['--ca', 'Servers', 'key', 'create', '--name', 'servers-1']);
    await ok(cli, ['--ca', 'Servers', 'key', 'self-sign', 'servers-1', '--subject', 'CN=Servers Root 1,O=Acme']);
    await ok(cli, ['--ca', 'Servers', 'key', 'activate', 'servers-1']);
    // A CA without an active key yet: nothing to distribute, so an export of every CA leaves it out and says so.
    await ok(cli, ['ca', 'create', '--name', 'empty']);
    for (const [ca, name] of [['default', 'agent-1'], ['Servers', 'web-1']] as const) {
      leaves[ca] = join(dir, `${name}.crt`);
      await ok(cli, ['--ca', ca, 'cert', 'issue', '--csr', request(dir, name), '--out', leaves[ca]!]);
    }
    const r = await ok(cli, ['--json', 'export', 'media', '--to', t.usb]);
    written = r.json as typeof written;
    pkg = (r.json as { dir: string }).dir;
    expect((r.json as { skipped: unknown }).skipped).toEqual([{ ca: 'empty', reason: 'no active key' }]);
  });

  /** A copy of the package to tamper with. */
  function copy(): string {
    const to = join(tempDir(), 'pkg');
    cpSync(pkg, to, { recursive: true });
    return to;
  }

  async function verify(dir: string, extra: string[] = []) {
    const r = await t.cli(['--json', ...extra, 'export', 'verify', dir]);
    return { code: r.code, json: r.json as VerifyJson };
  }

  it('has a folder per CA with its bundle, trust anchor and CRLs, one manifest, and each CA signs it with its own active key (OpenSSL, sha256sum)', async () => {
    expect(written.formatVersion).toBe(2);
    expect(written.cas.map((c) => [c.name, c.folder])).toEqual([
      ['default', 'ca-default'],
      ['Servers', 'ca-servers'],
    ]);
    expect(readdirSync(pkg).sort()).toEqual(['MANIFEST.json', 'SHA256SUMS', 'ca-default', 'ca-servers']);
    for (const folder of ['ca-default', 'ca-servers']) {
      expect(readdirSync(join(pkg, folder)).sort()).toEqual(['MANIFEST.json.sig', 'crl', 'trust-anchor.json', 'trust-bundle.pem']);
      expect(opensslSignatureOk(pkg, folder, tempDir())).toBe(true);
    }
    const manifest = JSON.parse(readFileSync(join(pkg, 'MANIFEST.json'), 'utf8')) as { format_version: number; cas: Array<{ folder: string; signing_key_id: string }>; files: Array<{ name: string }> };
    expect(manifest.format_version).toBe(2);
    expect(manifest.cas.map((c) => c.signing_key_id)).toEqual(written.cas.map((c) => c.signingKeyId));
    expect(manifest.files.map((f) => f.name).every((n) => n.startsWith('ca-default/') || n.startsWith('ca-servers/'))).toBe(true);
    expect(spawnSync('sha256sum', ['--strict', '-c', 'SHA256SUMS'], { cwd: pkg }).status).toBe(0);
    // Each CA's folder is signed by its own key, not the other's.
    const anchors = ['ca-default', 'ca-servers'].map((f) => (JSON.parse(readFileSync(join(pkg, f, 'trust-anchor.json'), 'utf8')) as { active_key_id: string }).active_key_id);
    expect(anchors).toEqual(written.cas.map((c) => c.signingKeyId));
  });

  it("each CA's bundle verifies its own leaves only (OpenSSL)", () => {
    const bundle = (ca: string) => join(pkg, ca, 'trust-bundle.pem');
    expect(verifies(bundle('ca-default'), leaves.default!)).toBe(true);
    expect(verifies(bundle('ca-servers'), leaves.Servers!)).toBe(true);
    expect(verifies(bundle('ca-servers'), leaves.default!)).toBe(false);
    expect(verifies(bundle('ca-default'), leaves.Servers!)).toBe(false);
    // Each CRL is signed by its CA's key: OpenSSL checks it against that CA's bundle only.
    const crlOf = (ca: string) => join(pkg, ca, 'crl', readdirSync(join(pkg, ca, 'crl')).find((n) => n.endsWith('.crl'))!);
    const crlOk = (b: string, crl: string) => spawnSync('openssl', ['crl', '-inform', 'DER', '-noout', '-CAfile', b, '-in', crl]).status === 0;
    expect(crlOk(bundle('ca-servers'), crlOf('ca-servers'))).toBe(true);
    expect(crlOk(bundle('ca-default'), crlOf('ca-servers'))).toBe(false);
  });

  it('export verify checks every CA and reports each; pinned to one CA, only that one must be signed by the pins', async () => {
    const all = await verify(pkg);
    expect(all.code).toBe(0);
    expect(all.json).toMatchObject({ ok: true, code: null, formatVersion: 2 });
    expect(all.json.cas.map((c) => [c.name, c.ok, c.code])).toEqual([
      ['default', true, null],
      ['Servers', true, null],
    ]);
    const anchor = join(pkg, 'ca-servers', 'trust-anchor.json');
    const mine = await verify(pkg, ['--ca', 'Servers']);
    expect(mine.code).toBe(0);
    const pinnedToServers = await t.cli(['--json', '--ca', 'Servers', 'export', 'verify', pkg, '--trust-anchor', anchor]);
    expect(pinnedToServers.code).toBe(0);
    expect((pinnedToServers.json as VerifyJson).cas.map((c) => [c.name, c.pinned])).toEqual([
      ['default', false],
      ['Servers', true],
    ]);
    // Pinned to the servers CA's keys but asked for every CA: the default CA's signer is not one of them.
    const everyCa = await t.cli(['--json', 'export', 'verify', pkg, '--trust-anchor', anchor]);
    expect(everyCa.code).toBe(1);
    expect((everyCa.json as VerifyJson).code).toBe('EXPORT_SIGNER_NOT_PINNED');
    expect((everyCa.json as VerifyJson).cas.map((c) => [c.name, c.code])).toEqual([
      ['default', 'EXPORT_SIGNER_NOT_PINNED'],
      ['Servers', null],
    ]);
    const text = await t.cli(['export', 'verify', pkg]);
    expect(text.stdout).toContain('CA Servers (ca-servers/): signed by');
  });

  it('a file moved from one CA folder to the other is EXPORT_FILE_MISPLACED', async () => {
    const dir = copy();
    const crl = readdirSync(join(dir, 'ca-default', 'crl')).find((n) => n.endsWith('.crl'))!;
    renameSync(join(dir, 'ca-default', 'crl', crl), join(dir, 'ca-servers', 'crl', crl));
    const r = await verify(dir);
    expect(r.code).toBe(1);
    expect(r.json.code).toBe('EXPORT_FILE_MISPLACED');
    expect(r.json.cas.find((c) => c.name === 'Servers')).toMatchObject({ ok: false, code: 'EXPORT_FILE_MISPLACED' });
    expect(r.json.cas.find((c) => c.name === 'default')).toMatchObject({ ok: false, code: 'EXPORT_VERIFY_FAILED' });
    // The same file put in place of the other CA's bundle, SHA256SUMS fixed up (it is not signed): still misplaced.
    const dir2 = copy();
    cpSync(join(dir2, 'ca-default', 'trust-bundle.pem'), join(dir2, 'ca-servers', 'trust-bundle.pem'));
    const r2 = await verify(dir2);
    expect(r2.json.cas.map((c) => [c.name, c.code])).toEqual([
      ['default', null],
      ['Servers', 'EXPORT_FILE_MISPLACED'],
    ]);
  });

  it('a CA folder dropped is EXPORT_CA_MISSING, and so is asking for a CA the package does not hold', async () => {
    const dir = copy();
    rmSync(join(dir, 'ca-servers'), { recursive: true });
    const r = await verify(dir);
    expect(r.code).toBe(1);
    expect(r.json.code).toBe('EXPORT_CA_MISSING');
    expect(r.json.cas.map((c) => [c.name, c.ok, c.code])).toEqual([
      ['default', true, null],
      ['Servers', false, 'EXPORT_CA_MISSING'],
    ]);
    const asked = await verify(pkg, ['--ca', 'Agents']);
    expect([asked.code, asked.json.code]).toEqual([1, 'EXPORT_CA_MISSING']);
  });

  it("a CA's signature replaced by the other CA's signature of the same manifest is EXPORT_SIGNER_WRONG_CA", async () => {
    const dir = copy();
    cpSync(join(dir, 'ca-default', 'MANIFEST.json.sig'), join(dir, 'ca-servers', 'MANIFEST.json.sig'));
    // The attacker fixes SHA256SUMS too: only the signatures can tell.
    const sums = readFileSync(join(dir, 'SHA256SUMS'), 'utf8').split('\n');
    const defaultSig = sums.find((l) => l.endsWith('ca-default/MANIFEST.json.sig'))!.split(' ')[0]!;
    writeFileSync(join(dir, 'SHA256SUMS'), sums.map((l) => (l.endsWith('ca-servers/MANIFEST.json.sig') ? `${defaultSig}  ca-servers/MANIFEST.json.sig` : l)).join('\n'));
    const r = await verify(dir);
    expect(r.code).toBe(1);
    expect(r.json.code).toBe('EXPORT_SIGNER_WRONG_CA');
    expect(r.json.cas.map((c) => [c.name, c.code])).toEqual([
      ['default', null],
      ['Servers', 'EXPORT_SIGNER_WRONG_CA'],
    ]);
    expect(r.json.problems.find((p) => p.code === 'EXPORT_SIGNER_WRONG_CA')?.message).toContain('the key of CA "default"');
  });

  it('--ca NAME (repeatable) exports only those CAs: one CA keeps the layout of a one-CA vault at the top', async () => {
    t.clock.advance(1000);
    const one = await ok(t.cli, ['--json', '--ca', 'Servers', 'export', 'media', '--to', t.usb]);
    const oneDir = (one.json as { dir: string }).dir;
    expect((one.json as { formatVersion: number }).formatVersion).toBe(1);
    expect(existsSync(join(oneDir, 'trust-bundle.pem')) && existsSync(join(oneDir, 'MANIFEST.json.sig'))).toBe(true);
    expect(readFileSync(join(oneDir, 'trust-bundle.pem')).equals(readFileSync(join(pkg, 'ca-servers', 'trust-bundle.pem')))).toBe(true);
    const unknown = await t.cli(['--json', '--ca', 'Servers', '--ca', 'nope', 'export', 'media', '--to', t.usb]);
    expect([unknown.code, (unknown.json as { error: { code: string } }).error.code]).toEqual([2, 'CA_NOT_FOUND']);
    const noKey = await t.cli(['--json', '--ca', 'Servers', '--ca', 'empty', 'export', 'media', '--to', t.usb]);
    expect([noKey.code, (noKey.json as { error: { code: string } }).error.code]).toEqual([1, 'NO_ACTIVE_KEY']);
    t.clock.advance(1000);
    const both = await ok(t.cli, ['--json', '--ca', 'Servers', '--ca', 'default', 'export', 'media', '--to', t.usb]);
    // The vault's order, whatever the order on the command line; the folders are the same as in the package of every CA.
    expect((both.json as typeof written).cas.map((c) => c.folder)).toEqual(['ca-default', 'ca-servers']);
    // Each CA's last export is the package that carried it.
    const events = ((await ok(t.cli, ['--json', 'audit', 'list'])).json as { events: Array<{ action: string; details: { cas?: Array<{ ca: string }>; ca?: string } }> }).events.filter((e) => e.action === 'export.written');
    expect(events.map((e) => e.details.ca ?? e.details.cas?.map((c) => c.ca).join('+'))).toEqual(['default+Servers', 'Servers', 'default+Servers']);
  });

  it('an audit checkpoint names the CA whose key signs it: on two CAs without --ca it is CA_REQUIRED; a package of two CAs is a checkpoint', async () => {
    const refused = await t.cli(['--json', 'audit', 'checkpoint', '--out', join(t.dir, 'cp.json')]);
    expect([refused.code, (refused.json as { error: { code: string } }).error.code]).toEqual([2, 'CA_REQUIRED']);
    expect(existsSync(join(t.dir, 'cp.json'))).toBe(false);
    const cp = await ok(t.cli, ['--json', '--ca', 'Servers', 'audit', 'checkpoint', '--out', join(t.dir, 'cp.json')]);
    expect((cp.json as { signingKeyId: string }).signingKeyId).toBe(written.cas[1]!.signingKeyId);
    expect(((await ok(t.cli, ['--json', 'audit', 'verify', '--checkpoint', join(t.dir, 'cp.json')])).json as { checkpoint: { status: string } }).checkpoint.status).toBe('contains');
    expect(((await ok(t.cli, ['--json', 'audit', 'verify', '--checkpoint', pkg])).json as { checkpoint: { status: string } }).checkpoint.status).toBe('contains');
  });

  it("the default CA's created time is the vault's first event, on the test's clock", async () => {
    const cas = (await ok(t.cli, ['--json', 'ca', 'list'])).json as Array<{ name: string; created: string }>;
    const first = ((await ok(t.cli, ['--json', 'audit', 'list'])).json as { events: Array<{ at: string; action: string }> }).events[0]!;
    expect(first.action).toBe('vault.created');
    expect(cas[0]).toMatchObject({ name: 'default', created: first.at });
  });
});
