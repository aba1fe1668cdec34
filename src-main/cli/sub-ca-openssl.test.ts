import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../core/clock.ts';
import { inProcessCli } from '../testing/cli-in-process.ts';
import { removeTempDirs, tempDir } from '../testing/temp-dir.ts';

afterAll(removeTempDirs);

function openssl(args: string[], cwd: string): string {
  return execFileSync('openssl', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] }).toString();
}

describe('sub-CA ceremony with OpenSSL as the corporate root, through the CLI', () => {
  it('exports a CSR OpenSSL accepts, imports the chain OpenSSL signed, activates, and OpenSSL verifies the bundle', async () => {
    const dir = tempDir();
    // OpenSSL stamps notBefore with the real time; our clock runs a minute ahead so the chain is valid "now".
    const clock = fixedClock(new Date(Date.now() + 60_000));
    const cli = inProcessCli({ vault: join(dir, 'vault'), clock, env: { AIRGAP_CA_PASSPHRASE: 'correct horse battery staple' } });

    openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-384', '-nodes', '-keyout', 'root.key', '-out', 'root.pem', '-days', '3650', '-subj', '/CN=Corporate Root/O=Acme', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);

    expect((await cli(['vault', 'init'])).code).toBe(0);
    expect((await cli(['key', 'create', '--name', 'issuing-1'])).code).toBe(0);
    const csr = await cli(['key', 'csr', 'issuing-1', '--subject', 'CN=Acme Agents Issuing CA,O=Acme,C=DE', '--out', join(dir, 'issuing.csr')]);
    expect(csr.code).toBe(0);
    // OpenSSL 3.0's req -verify exits 0 either way: read its verdict.
    const verdict = spawnSync('openssl', ['req', '-in', 'issuing.csr', '-noout', '-verify'], { cwd: dir });
    expect(verdict.stdout.toString() + verdict.stderr.toString()).toMatch(/verify OK/);
    // A second CSR to the same file is refused: outputs are never overwritten.
    const again = await cli(['--json', 'key', 'csr', 'issuing-1', '--subject', 'CN=X', '--out', join(dir, 'issuing.csr')]);
    expect((again.json as { error: { code: string } }).error.code).toBe('OUTPUT_EXISTS');

    writeFileSync(join(dir, 'ext.cnf'), 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n');
    openssl(['x509', '-req', '-in', 'issuing.csr', '-CA', 'root.pem', '-CAkey', 'root.key', '-CAcreateserial', '-days', '730', '-extfile', 'ext.cnf', '-out', 'issuing.pem'], dir);
    // The corporate CA hands back a bundle in "wrong" order with text around it: root first, then ours.
    writeFileSync(join(dir, 'chain.pem'), `Corporate PKI delivery\n${readFileSync(join(dir, 'root.pem'), 'utf8')}\nnotes\n${readFileSync(join(dir, 'issuing.pem'), 'utf8')}`);

    // The wrong key's chain is refused first, naming the mismatch.
    expect((await cli(['key', 'create', '--name', 'other'])).code).toBe(0);
    const wrong = await cli(['--json', 'key', 'import-chain', 'other', '--file', join(dir, 'chain.pem')]);
    expect(wrong.code).toBe(1);
    expect((wrong.json as { error: { code: string } }).error.code).toBe('CHAIN_KEY_MISMATCH');

    // The root is compared once, by the fingerprint OpenSSL prints (colons, upper case).
    const fingerprint = openssl(['x509', '-in', 'root.pem', '-noout', '-fingerprint', '-sha256'], dir).trim().split('=')[1]!;
    const imported = await cli(['--json', 'key', 'import-chain', 'issuing-1', '--file', join(dir, 'chain.pem'), '--root-fingerprint', fingerprint]);
    expect(imported.code).toBe(0);
    const detail = imported.json as { chain: Array<{ subject: string; selfSigned: boolean }> };
    expect(detail.chain.map((c) => c.selfSigned)).toEqual([false, true]);

    expect((await cli(['key', 'activate', 'issuing-1'])).code).toBe(0);
    expect((await cli(['bundle', 'write', '--out', join(dir, 'bundle.pem')])).code).toBe(0);
    const bundle = readFileSync(join(dir, 'bundle.pem'), 'utf8');
    expect((bundle.match(/BEGIN CERTIFICATE/g) ?? []).length).toBe(2);
    const blocks = bundle.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n/g)!;
    writeFileSync(join(dir, 'ours.pem'), blocks[0]!);
    expect(openssl(['verify', '-CAfile', 'root.pem', '-untrusted', 'bundle.pem', 'ours.pem'], dir)).toContain('ours.pem: OK');
  });

  it('a fake root with the corporate root\'s exact DN is refused without and with a wrong fingerprint, accepted with the right one; later chains to a pinned root need no flag, a same-name root with another key does', async () => {
    const dir = tempDir();
    const clock = fixedClock(new Date(Date.now() + 60_000));
    const cli = inProcessCli({ vault: join(dir, 'vault'), clock, env: { AIRGAP_CA_PASSPHRASE: 'correct horse battery staple' } });
    const makeRoot = (name: string) =>
      openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '3650', '-subj', '/CN=Corporate Root/O=Acme', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
    makeRoot('real');
    makeRoot('fake');
    const fingerprintOf = (name: string) => openssl(['x509', '-in', `${name}.pem`, '-noout', '-fingerprint', '-sha256'], dir).trim().split('=')[1]!;
    writeFileSync(join(dir, 'ext.cnf'), 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n');
    const signChain = (key: string, root: string) => {
      openssl(['x509', '-req', '-in', `${key}.csr`, '-CA', `${root}.pem`, '-CAkey', `${root}.key`, '-CAcreateserial', '-days', '730', '-extfile', 'ext.cnf', '-out', `${key}-${root}.pem`], dir);
      const file = join(dir, `${key}-${root}-chain.pem`);
      writeFileSync(file, readFileSync(join(dir, `${root}.pem`), 'utf8') + readFileSync(join(dir, `${key}-${root}.pem`), 'utf8'));
      return file;
    };
    expect((await cli(['vault', 'init'])).code).toBe(0);
    for (const key of ['issuing-1', 'issuing-2']) {
      expect((await cli(['key', 'create', '--name', key])).code).toBe(0);
      expect((await cli(['key', 'csr', key, '--subject', `CN=${key},O=Acme`, '--out', join(dir, `${key}.csr`)])).code).toBe(0);
    }
    const audit = async () => ((await cli(['--json', 'audit', 'list'])).json as { events: unknown[] }).events.length;
    const eventsBefore = await audit();
    const show = async () => (await cli(['--json', 'key', 'show', 'issuing-1'])).json;
    const before = await show();

    // The attacker's root signs our public CSR.
    const fakeChain = signChain('issuing-1', 'fake');
    const unpinned = await cli(['--json', 'key', 'import-chain', 'issuing-1', '--file', fakeChain]);
    expect(unpinned.code).toBe(1);
    const unpinnedError = (unpinned.json as { error: { code: string; message: string } }).error;
    expect(unpinnedError.code).toBe('CHAIN_ROOT_NOT_PINNED');
    // The message shows what to compare: the root's subject and its fingerprint grouped as OpenSSL prints it.
    expect(unpinnedError.message).toContain('CN=Corporate Root');
    expect(unpinnedError.message).toContain(fingerprintOf('fake'));
    expect(await show()).toEqual(before);

    const wrong = await cli(['--json', 'key', 'import-chain', 'issuing-1', '--file', fakeChain, '--root-fingerprint', fingerprintOf('real')]);
    expect(wrong.code).toBe(1);
    expect((wrong.json as { error: { code: string } }).error.code).toBe('CHAIN_ROOT_FINGERPRINT_MISMATCH');
    const malformed = await cli(['--json', 'key', 'import-chain', 'issuing-1', '--file', fakeChain, '--root-fingerprint', 'ab:cd']);
    expect(malformed.code).toBe(2);
    expect(await show()).toEqual(before);
    expect(await audit()).toBe(eventsBefore);

    // The real corporate root, compared in lower case without colons: accepted and pinned (audited).
    const realChain = signChain('issuing-1', 'real');
    const accepted = await cli(['--json', 'key', 'import-chain', 'issuing-1', '--file', realChain, '--root-fingerprint', fingerprintOf('real').replace(/:/g, '').toLowerCase()]);
    expect(accepted.code).toBe(0);
    const { events } = (await cli(['--json', 'audit', 'list'])).json as { events: Array<{ action: string; details: { fingerprint?: string } }> };
    const pinned = events.filter((e) => e.action === 'key.root-pinned');
    expect(pinned.map((e) => e.details.fingerprint)).toEqual([fingerprintOf('real').replace(/:/g, '').toLowerCase()]);

    // A same-name root with another key is refused like any unpinned root; the pinned one needs no flag.
    const fakeForSecond = signChain('issuing-2', 'fake');
    const again = await cli(['--json', 'key', 'import-chain', 'issuing-2', '--file', fakeForSecond]);
    expect((again.json as { error: { code: string } }).error.code).toBe('CHAIN_ROOT_NOT_PINNED');
    const second = await cli(['--json', 'key', 'import-chain', 'issuing-2', '--file', signChain('issuing-2', 'real')]);
    expect(second.code).toBe(0);
  });
});
