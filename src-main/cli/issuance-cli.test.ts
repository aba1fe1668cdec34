import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS, fixedClock } from '../core/clock.ts';
import { inProcessCli, type CliRun } from '../testing/cli-in-process.ts';
import { removeTempDirs, tempDir } from '../testing/temp-dir.ts';

afterAll(removeTempDirs);

function openssl(args: string[], cwd: string): { code: number; out: string } {
  const r = spawnSync('openssl', args, { cwd });
  return { code: r.status ?? -1, out: r.stdout.toString() + r.stderr.toString() };
}

function errorCode(r: CliRun): string {
  return (r.json as { error: { code: string } }).error.code;
}

describe('issuance, revocation and CRLs through the CLI, checked by OpenSSL', () => {
  const dir = tempDir();
  // OpenSSL verifies against the real time: keep the CA's clock close to it.
  const clock = fixedClock(new Date(Date.now() - 60_000));
  const cli = inProcessCli({ vault: join(dir, 'vault'), clock, env: { AIRGAP_CA_PASSPHRASE: 'correct horse battery staple' } });
  const at = (f: string) => join(dir, f);

  beforeAll(async () => {
    expect((await cli(['vault', 'init'])).code).toBe(0);
    expect((await cli(['key', 'create', '--name', 'ca'])).code).toBe(0);
    expect((await cli(['key', 'self-sign', 'ca', '--subject', 'CN=Fleet CA,O=Acme', '--days', '3650'])).code).toBe(0);
    expect((await cli(['key', 'activate', 'ca'])).code).toBe(0);
    expect((await cli(['bundle', 'write', '--out', at('bundle.pem')])).code).toBe(0);
    for (const [name, extra] of [
      ['agent', []],
      ['server', ['-addext', 'subjectAltName=DNS:ocsp.example.com,DNS:www.example.com']],
      ['sub', []],
      ['ocsp', []],
    ] as const) {
      execFileSync('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', at(`${name}.key`), '-subj', `/CN=${name}.example.com`, ...extra, '-out', at(`${name}.csr`)], { stdio: 'ignore' });
    }
  });

  it.each([
    ['agent', 'agent', ['-purpose', 'sslclient']],
    ['server', 'server', ['-purpose', 'sslserver']],
    ['sub-ca', 'sub', []],
    ['ocsp-signer', 'ocsp', []],
  ] as const)('OpenSSL accepts a %s certificate we issue', async (profile, name, purpose) => {
    const r = await cli(['--json', 'cert', 'issue', '--csr', at(`${name}.csr`), '--out', at(`${name}.crt`), '--profile', profile]);
    expect(r.code).toBe(0);
    expect(r.json).toMatchObject({ profile, status: 'valid', subject: `CN=${name}.example.com` });
    const v = openssl(['verify', ...purpose, '-CAfile', 'bundle.pem', `${name}.crt`], dir);
    expect(v.out).toContain(`${name}.crt: OK`);
    expect(v.code).toBe(0);
  });

  it('refuses a server certificate without a SAN, and a second write to the same file', async () => {
    const r = await cli(['--json', 'cert', 'issue', '--csr', at('agent.csr'), '--out', at('agent-as-server.crt'), '--profile', 'server']);
    expect(errorCode(r)).toBe('SAN_REQUIRED');
    const again = await cli(['--json', 'cert', 'issue', '--csr', at('agent.csr'), '--out', at('agent.crt')]);
    expect(errorCode(again)).toBe('OUTPUT_EXISTS');
  });

  it('refuses bad requests, each with its own code, and records nothing', async () => {
    writeFileSync(at('garbage.csr'), 'not a request at all');
    writeFileSync(at('empty.csr'), '');
    writeFileSync(at('big.csr'), Buffer.alloc(50 * 1024 * 1024, 0x41));
    execFileSync('openssl', ['req', '-new', '-newkey', 'rsa:1024', '-nodes', '-keyout', at('weak.key'), '-subj', '/CN=weak', '-out', at('weak.csr')], { stdio: 'ignore' });
    // A request whose signature no longer matches: flip one byte inside the signature.
    const der = execFileSync('openssl', ['req', '-in', at('agent.csr'), '-outform', 'DER']);
    der.writeUInt8(der.readUInt8(der.length - 5) ^ 0x01, der.length - 5);
    writeFileSync(at('badsig.der'), der);
    const before = ((await cli(['--json', 'cert', 'list'])).json as { total: number }).total;
    const cases: Array<[string, string]> = [
      ['garbage.csr', 'CSR_UNPARSEABLE'],
      ['empty.csr', 'CSR_EMPTY'],
      ['big.csr', 'CSR_TOO_LARGE'],
      ['weak.csr', 'CSR_WEAK_KEY'],
      ['badsig.der', 'CSR_BAD_SIGNATURE'],
      ['agent.crt', 'CSR_IS_CERTIFICATE'],
    ];
    for (const [file, code] of cases) {
      const r = await cli(['--json', 'cert', 'issue', '--csr', at(file), '--out', at(`${file}.out`)]);
      expect([file, r.code, errorCode(r)]).toEqual([file, 1, code]);
    }
    expect(((await cli(['--json', 'cert', 'list'])).json as { total: number }).total).toBe(before);
  });

  it('issues a batch where one bad file does not stop the others', async () => {
    mkdirSync(at('batch-in'));
    mkdirSync(at('batch-out'));
    for (let i = 0; i < 5; i++) {
      execFileSync('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', '/dev/null', '-subj', `/CN=agent-${i}`, '-out', at(`batch-in/agent-${i}.csr`)], { stdio: 'ignore' });
    }
    writeFileSync(at('batch-in/broken.csr'), 'garbage');
    const r = await cli(['--json', 'cert', 'issue-batch', '--in', at('batch-in'), '--out', at('batch-out')]);
    expect(r.code).toBe(1);
    const res = r.json as { issued: number; failed: number; results: Array<{ file: string; ok: boolean; code: string | null }> };
    expect([res.issued, res.failed]).toEqual([5, 1]);
    expect(res.results.find((x) => x.file === 'broken.csr')).toMatchObject({ ok: false, code: 'FILE_TYPE_UNKNOWN' });
    expect(readdirSync(at('batch-out')).sort()).toEqual(['agent-0.crt.pem', 'agent-1.crt.pem', 'agent-2.crt.pem', 'agent-3.crt.pem', 'agent-4.crt.pem']);
    expect(openssl(['verify', '-CAfile', 'bundle.pem', 'batch-out/agent-3.crt.pem'], dir).out).toContain(': OK');
  });

  it('revokes idempotently; OpenSSL accepts the CRL and rejects the revoked leaf only', async () => {
    const agent = (await cli(['--json', 'cert', 'list', '--search', 'agent.example.com'])).json as { items: Array<{ serial: string }> };
    const serial = agent.items[0]!.serial;
    const r1 = await cli(['--json', 'cert', 'revoke', serial, '--reason', 'keyCompromise']);
    expect(r1.json).toMatchObject({ status: 'revoked', revocationReason: 'keyCompromise' });
    const r2 = await cli(['--json', 'cert', 'revoke', serial, '--reason', 'superseded']);
    expect([r2.code, errorCode(r2)]).toEqual([1, 'ALREADY_REVOKED']);
    expect(((await cli(['--json', 'cert', 'show', serial])).json as { revocationReason: string }).revocationReason).toBe('keyCompromise');

    expect((await cli(['crl', 'generate', '--out', at('ca.crl.pem'), '--format', 'pem'])).code).toBe(0);
    expect(openssl(['crl', '-in', 'ca.crl.pem', '-noout', '-CAfile', 'bundle.pem', '-verify'], dir).out).toContain('verify OK');
    const text = openssl(['crl', '-in', 'ca.crl.pem', '-noout', '-text'], dir).out;
    expect(text).toContain('X509v3 CRL Number');
    expect(text).toContain('Key Compromise');
    expect(text).toContain(serial.toUpperCase());
    writeFileSync(at('ca-and-crl.pem'), readFileSync(at('bundle.pem'), 'utf8') + readFileSync(at('ca.crl.pem'), 'utf8'));
    const revoked = openssl(['verify', '-crl_check', '-CAfile', 'ca-and-crl.pem', 'agent.crt'], dir);
    expect(revoked.code).not.toBe(0);
    expect(revoked.out).toContain('certificate revoked');
    expect(openssl(['verify', '-crl_check', '-CAfile', 'ca-and-crl.pem', 'server.crt'], dir).out).toContain('server.crt: OK');
  });

  it('keeps CRL numbers strictly increasing across generations and across a backup restored later', async () => {
    const number = async (out: string) => ((await cli(['--json', 'crl', 'generate', '--out', at(out)])).json as { number: number }).number;
    const n1 = await number('n1.crl');
    const n2 = await number('n2.crl');
    expect(n2).toBeGreaterThan(n1);
    expect((await cli(['vault', 'backup', '--out', at('vault.bak')])).code).toBe(0);
    clock.advance(DAY_MS);
    const n3 = await number('n3.crl');
    expect(n3).toBeGreaterThan(n2);
    // Restore the older backup into a new folder: the next CRL must still outrank n3.
    const restoredCli = inProcessCli({ vault: at('restored'), clock, env: { AIRGAP_CA_PASSPHRASE: 'correct horse battery staple' } });
    expect((await restoredCli(['vault', 'restore', '--from', at('vault.bak')])).code).toBe(0);
    clock.advance(1000);
    const n4 = ((await restoredCli(['--json', 'crl', 'generate', '--out', at('n4.crl')])).json as { number: number }).number;
    expect(n4).toBeGreaterThan(n3);
  });

  it('key list warns when the CRL is due within 2 days and marks it expired after', async () => {
    const crl = async () => ((await cli(['--json', 'key', 'list'])).json as Array<{ name: string; crl: { status: string } }>).find((k) => k.name === 'ca')!.crl.status;
    expect(await crl()).toBe('ok');
    clock.advance(5 * DAY_MS + 60_000);
    expect(await crl()).toBe('due');
    clock.advance(2 * DAY_MS);
    expect(await crl()).toBe('expired');
  });
});
