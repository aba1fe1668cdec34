import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../core/clock.ts';
import { cliWithMedium, inProcessCli, type CliRun } from '../testing/cli-in-process.ts';
import { removeTempDirs } from '../testing/temp-dir.ts';

afterAll(removeTempDirs);

const code = (r: CliRun) => (r.json as { error?: { code: string } }).error?.code ?? 'OK';

describe('removable media through the CLI', () => {
  const { dir, usb, clock, env, cli } = cliWithMedium();

  beforeAll(async () => {
    await cli(['vault', 'init']);
    await cli(['key', 'create', '--name', 'ca']);
    await cli(['key', 'self-sign', 'ca', '--subject', 'CN=Media CA']);
    expect((await cli(['key', 'activate', 'ca'])).code).toBe(0);
  });

  it('lists the configured medium and refuses a vault on it', async () => {
    const list = (await cli(['--json', 'media', 'list'])).json as { media: Array<{ path: string; source: string }> };
    expect(list.media).toContainEqual(expect.objectContaining({ path: usb, source: 'configured' }));
    const onUsb = inProcessCli({ vault: join(usb, 'vault'), clock, env });
    const r = await onUsb(['--json', 'vault', 'init']);
    expect([r.code, code(r)]).toEqual([1, 'VAULT_ON_REMOVABLE_MEDIA']);
    expect(existsSync(join(usb, 'vault'))).toBe(false);
  });

  it('exports a package that export verify, sha256sum -c and openssl accept, and records it', async () => {
    const r = await cli(['--json', 'export', 'media', '--to', usb]);
    expect(r.code).toBe(0);
    const pkg = r.json as { dir: string; manifestSha256: string; files: Array<{ name: string }>; crls: Array<{ regenerated: boolean }> };
    expect(pkg.files.map((f) => f.name).sort()).toEqual(expect.arrayContaining(['MANIFEST.json', 'MANIFEST.json.sig', 'SHA256SUMS', 'trust-anchor.json', 'trust-bundle.pem']));
    expect(pkg.crls).toEqual([expect.objectContaining({ regenerated: true })]);
    expect(readdirSync(join(pkg.dir, 'crl')).sort()).toHaveLength(2);
    expect((await cli(['export', 'verify', pkg.dir])).code).toBe(0);
    expect(spawnSync('sha256sum', ['--strict', '-c', 'SHA256SUMS'], { cwd: pkg.dir }).status).toBe(0);
    // The receiving side checks the signature with OpenSSL and the public key from trust-anchor.json.
    const anchor = JSON.parse(readFileSync(join(pkg.dir, 'trust-anchor.json'), 'utf8')) as { keys: Array<{ public_key: string }> };
    const der = Buffer.from(anchor.keys[0]!.public_key, 'base64url');
    writeFileSync(join(dir, 'pub.der'), der);
    execFileSync('openssl', ['pkey', '-pubin', '-inform', 'DER', '-in', join(dir, 'pub.der'), '-out', join(dir, 'pub.pem')]);
    const v = spawnSync('openssl', ['dgst', '-sha256', '-verify', join(dir, 'pub.pem'), '-signature', 'MANIFEST.json.sig', 'MANIFEST.json'], { cwd: pkg.dir });
    expect(v.stdout.toString()).toContain('Verified OK');
    const events = ((await cli(['--json', 'audit', 'list'])).json as { events: Array<{ action: string; details: { manifestSha256?: string } }> }).events;
    expect(events.at(-1)).toMatchObject({ action: 'export.written', details: { manifestSha256: pkg.manifestSha256 } });

    // A changed byte on the medium is caught.
    writeFileSync(join(pkg.dir, 'trust-bundle.pem'), readFileSync(join(pkg.dir, 'trust-bundle.pem'), 'utf8').replace('A', 'B'));
    const bad = await cli(['--json', 'export', 'verify', pkg.dir]);
    expect(bad.code).toBe(1);
    expect((bad.json as { ok: boolean; problems: Array<{ file: string }> }).problems[0]?.file).toBe('trust-bundle.pem');
  });

  it('export verify pins the signer: another vault\'s package with --key-id or --trust-anchor of ours is exit 1, EXPORT_SIGNER_NOT_PINNED', async () => {
    // A second export of this vault needs another minute in its folder name.
    const later = inProcessCli({ vault: join(dir, 'vault'), clock: fixedClock(new Date(clock.now().getTime() + 30_000)), env });
    const ours = (await later(['--json', 'export', 'media', '--to', usb])).json as { dir: string };
    const ourKeyId = ((await cli(['--json', 'key', 'list'])).json as Array<{ id: string }>)[0]!.id;
    const ourAnchor = join(dir, 'our-trust-anchor.json');
    writeFileSync(ourAnchor, readFileSync(join(ours.dir, 'trust-anchor.json')));

    const otherUsb = join(dir, 'other-usb');
    mkdirSync(otherUsb);
    const other = inProcessCli({ vault: join(dir, 'other-vault'), clock, env: { ...env, AIRGAP_CA_MEDIA_ROOTS: otherUsb } });
    await other(['vault', 'init']);
    await other(['key', 'create', '--name', 'ca']);
    await other(['key', 'self-sign', 'ca', '--subject', 'CN=Media CA']);
    expect((await other(['key', 'activate', 'ca'])).code).toBe(0);
    const theirs = (await other(['--json', 'export', 'media', '--to', otherUsb])).json as { dir: string };

    // Unpinned, their package is consistent, and the result says that is all that was checked.
    const unpinned = await cli(['export', 'verify', theirs.dir]);
    expect(unpinned.code).toBe(0);
    expect(unpinned.stdout).toContain("Only the package's own consistency was checked");
    expect(((await cli(['--json', 'export', 'verify', theirs.dir])).json as { pinned: boolean }).pinned).toBe(false);

    for (const flags of [['--key-id', ourKeyId], ['--trust-anchor', ourAnchor]]) {
      const r = await cli(['--json', 'export', 'verify', theirs.dir, ...flags]);
      expect(r.code).toBe(1);
      expect(r.json).toMatchObject({ ok: false, pinned: true, trustedKeyIds: [ourKeyId], code: 'EXPORT_SIGNER_NOT_PINNED' });
    }
    // Our own package, pinned to our key (given twice, in upper case the second time): OK.
    const mine = await cli(['--json', 'export', 'verify', ours.dir, '--key-id', ourKeyId, '--key-id', ourKeyId.toUpperCase().replace('SHA256', 'sha256')]);
    expect(mine.code).toBe(0);
    expect(mine.json).toMatchObject({ ok: true, pinned: true, code: null });
    const text = await cli(['export', 'verify', ours.dir, '--trust-anchor', ourAnchor]);
    expect([text.code, text.stdout]).toEqual([0, expect.stringContaining('one of the keys you trust')]);
    // A bad pin is a usage error, not a pass.
    const badId = await cli(['--json', 'export', 'verify', ours.dir, '--key-id', 'sha256:abc']);
    expect([badId.code, code(badId)]).toEqual([2, 'INVALID_INPUT']);
    const badAnchor = await cli(['--json', 'export', 'verify', ours.dir, '--trust-anchor', join(ours.dir, 'SHA256SUMS')]);
    expect([badAnchor.code, code(badAnchor)]).toEqual([1, 'TRUST_ANCHOR_INVALID']);
  });

  it('a failed export changes nothing but an "export failed" audit event', async () => {
    const before = ((await cli(['--json', 'audit', 'list'])).json as { total: number }).total;
    const crlsBefore = ((await cli(['--json', 'key', 'list'])).json as Array<{ crl: { lastNumber: number } }>)[0]!.crl.lastNumber;
    const r = await cli(['--json', 'export', 'media', '--to', join(dir, 'no-such-medium')]);
    expect([r.code, code(r)]).toEqual([1, 'MEDIA_NOT_FOUND']);
    const after = (await cli(['--json', 'audit', 'list'])).json as { total: number; events: Array<{ action: string; details: { code: string } }> };
    expect(after.total).toBe(before + 1);
    expect(after.events.at(-1)).toMatchObject({ action: 'export.failed', details: { code: 'MEDIA_NOT_FOUND' } });
    expect(((await cli(['--json', 'key', 'list'])).json as Array<{ crl: { lastNumber: number } }>)[0]!.crl.lastNumber).toBe(crlsBefore);
  });

  it('revokes from a serial list on the medium, all or nothing, and refuses links', async () => {
    mkdirSync(join(dir, 'req'));
    mkdirSync(join(dir, 'out'));
    for (const n of ['a', 'b']) {
      execFileSync('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', '/dev/null', '-subj', `/CN=${n}`, '-out', join(dir, 'req', `${n}.csr`)], { stdio: 'ignore' });
    }
    const batch = (await cli(['--json', 'cert', 'issue-batch', '--in', join(dir, 'req'), '--out', join(dir, 'out')])).json as { results: Array<{ serial: string }> };
    const serials = batch.results.map((r) => r.serial);
    writeFileSync(join(usb, 'bad-list.txt'), `${serials[0]}\nabcdef0123456789\n`);
    const refused = await cli(['--json', 'cert', 'revoke', '--serials-file', join(usb, 'bad-list.txt')]);
    expect([refused.code, code(refused)]).toEqual([1, 'CERT_NOT_FOUND']);
    expect(((await cli(['--json', 'cert', 'show', serials[0]!])).json as { status: string }).status).toBe('valid');
    symlinkSync(join(usb, 'bad-list.txt'), join(usb, 'link.txt'));
    expect(code(await cli(['--json', 'cert', 'revoke', '--serials-file', join(usb, 'link.txt')]))).toBe('FILE_REFUSED');
    writeFileSync(join(usb, 'list.txt'), serials.join('\n') + '\n');
    const ok = await cli(['--json', 'cert', 'revoke', '--serials-file', join(usb, 'list.txt'), '--reason', 'superseded']);
    expect(ok.code).toBe(0);
    expect((ok.json as { revoked: string[] }).revoked.sort()).toEqual([...serials].sort());
  });
});
