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

    const imported = await cli(['--json', 'key', 'import-chain', 'issuing-1', '--file', join(dir, 'chain.pem')]);
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
});
