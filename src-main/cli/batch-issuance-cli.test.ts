/**
 * `cert issue-batch` at scale through the CLI: a 1,000-request batch equals
 * single issuance and verifies with OpenSSL against the bundle it wrote, the
 * vault holds exactly the serials written; and the real CLI killed with
 * SIGKILL mid-batch never leaves a half-written certificate under a final
 * name, nor a certificate on disk the vault has not recorded; on a terminal
 * the real CLI draws its progress bar while it records the batch as it signs.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../core/clock.ts';
import { readCertificate } from '../core/asn1/certificate-reader.ts';
import { pemBlocks, toPem } from '../core/asn1/pem.ts';
import { normalizeSerialHex } from '../core/asn1/serial.ts';
import { inProcessCli } from '../testing/cli-in-process.ts';
import { CLI_BIN } from '../testing/cli-runner.ts';
import { runOnTerminal } from '../testing/terminal.ts';
import { makeCsr } from '../testing/issuance-fixtures.ts';
import { removeTempDirs, tempDir } from '../testing/temp-dir.ts';

afterAll(removeTempDirs);

const PASSPHRASE = 'correct horse battery staple';

function serialOf(pem: string): string {
  const der = pemBlocks(pem)[0]?.der;
  if (!der) throw new Error('no PEM block');
  return normalizeSerialHex(Buffer.from(readCertificate(der).tbs.serial).toString('hex')) as string;
}

/** `openssl x509 -text` without what differs between two issuances of one request (serial, validity, signature). */
function textWithoutSerial(file: string): string {
  const r = spawnSync('openssl', ['x509', '-in', file, '-noout', '-text', '-certopt', 'no_serial,no_sigdump,no_validity'], { encoding: 'utf8' });
  expect(r.status).toBe(0);
  return r.stdout;
}

describe('cert issue-batch at scale', () => {
  const dir = tempDir();
  const clock = fixedClock(new Date(Date.now() - 60_000));
  const cli = inProcessCli({ vault: join(dir, 'vault'), clock, env: { AIRGAP_CA_PASSPHRASE: PASSPHRASE } });
  const at = (f: string) => join(dir, f);
  const serialsInVault = async (): Promise<string[]> => ((await cli(['--json', 'cert', 'list', '--limit', '100000'])).json as { items: Array<{ serial: string }> }).items.map((c) => c.serial).sort();

  beforeAll(async () => {
    expect((await cli(['vault', 'init'])).code).toBe(0);
    expect((await cli(['key', 'create', '--name', 'ca'])).code).toBe(0);
    expect((await cli(['key', 'self-sign', 'ca', '--subject', 'CN=Fleet CA,O=Acme', '--days', '3650'])).code).toBe(0);
    expect((await cli(['key', 'activate', 'ca'])).code).toBe(0);
    expect((await cli(['bundle', 'write', '--out', at('ca.pem')])).code).toBe(0);
  });

  it('1,000 requests: every certificate verifies with OpenSSL against the CA, the bundle holds them all, the vault exactly these serials', async () => {
    mkdirSync(at('in'));
    mkdirSync(at('out'));
    for (let i = 0; i < 1000; i++) writeFileSync(at(`in/agent-${String(i).padStart(4, '0')}.csr`), toPem(makeCsr('p256', `agent-${i}`), 'CERTIFICATE REQUEST'));
    const r = await cli(['--json', 'cert', 'issue-batch', '--in', at('in'), '--out', at('out'), '--bundle-out', at('batch.pem')]);
    expect(r.code).toBe(0);
    const doc = r.json as { issued: number; failed: number; bundle: string; results: Array<{ file: string; serial: string; out: string }> };
    expect([doc.issued, doc.failed, doc.bundle]).toEqual([1000, 0, at('batch.pem')]);
    // Nothing but the certificates: no temporary file is left behind.
    expect(readdirSync(at('out')).sort()).toEqual(doc.results.map((x) => `${x.file.replace('.csr', '')}.crt.pem`).sort());

    const files = doc.results.map((x) => x.out);
    const v = spawnSync('openssl', ['verify', '-CAfile', at('ca.pem'), '-purpose', 'sslclient', ...files], { encoding: 'utf8', maxBuffer: 1 << 26 });
    expect(v.status).toBe(0);
    expect(v.stdout.split('\n').filter((l) => l.endsWith(': OK'))).toHaveLength(1000);

    const written = doc.results.map((x) => serialOf(readFileSync(x.out, 'utf8')));
    expect(written).toEqual(doc.results.map((x) => x.serial));
    // The bundle is the certificates in the order of the results.
    expect(readFileSync(at('batch.pem'), 'utf8')).toBe(files.map((f) => readFileSync(f, 'utf8')).join(''));
    expect(await serialsInVault()).toEqual([...written].sort());
  }, 120_000);

  it('a batch certificate equals the one single issuance gives for the same request', async () => {
    mkdirSync(at('one-in'));
    mkdirSync(at('one-out'));
    writeFileSync(at('one-in/same.csr'), toPem(makeCsr('p256', 'same-agent', { dns: ['same.example.com'], ip: [], email: [], uri: [] }), 'CERTIFICATE REQUEST'));
    expect((await cli(['cert', 'issue-batch', '--in', at('one-in'), '--out', at('one-out'), '--profile', 'server'])).code).toBe(0);
    expect((await cli(['cert', 'issue', '--csr', at('one-in/same.csr'), '--out', at('single.crt.pem'), '--profile', 'server'])).code).toBe(0);
    const batch = textWithoutSerial(at('one-out/same.crt.pem'));
    expect(batch).toContain('DNS:same.example.com');
    expect(batch).toBe(textWithoutSerial(at('single.crt.pem')));
  });

  it('refuses a --bundle-out that exists before issuing anything', async () => {
    mkdirSync(at('b-in'));
    mkdirSync(at('b-out'));
    writeFileSync(at('b-in/x.csr'), toPem(makeCsr('p256', 'x'), 'CERTIFICATE REQUEST'));
    writeFileSync(at('taken.pem'), 'keep me');
    const before = await serialsInVault();
    const r = await cli(['--json', 'cert', 'issue-batch', '--in', at('b-in'), '--out', at('b-out'), '--bundle-out', at('taken.pem')]);
    expect([r.code, (r.json as { error: { code: string } }).error.code]).toEqual([1, 'OUTPUT_EXISTS']);
    expect(readFileSync(at('taken.pem'), 'utf8')).toBe('keep me');
    expect(readdirSync(at('b-out'))).toEqual([]);
    expect(await serialsInVault()).toEqual(before);
  });

  it('on a terminal, the real CLI draws its progress bar while the batch is recorded as it is signed, and ends with the count', async () => {
    mkdirSync(at('bar-in'));
    mkdirSync(at('bar-out'));
    for (let i = 0; i < 640; i++) writeFileSync(at(`bar-in/p-${String(i).padStart(3, '0')}.csr`), toPem(makeCsr('p256', `p-${i}`), 'CERTIFICATE REQUEST'));
    writeFileSync(at('pass'), PASSPHRASE, { mode: 0o600 });
    const before = (await serialsInVault()).length;
    const r = await runOnTerminal(['--vault', at('vault'), '--passphrase-file', at('pass'), 'cert', 'issue-batch', '--in', at('bar-in'), '--out', at('bar-out')], { HOME: dir }, []);
    expect(r.code).toBe(0);
    // Frames as the chunks came back (ten chunks of 64: more than the first and the last), then the summary.
    const frames = r.seen.split('\r').filter((f) => f.startsWith('issuing ['));
    expect(frames.length).toBeGreaterThan(2);
    // Drawn mid-batch, while this thread waited for the workers: a frame strictly between 0 and 100 %.
    expect(frames.some((f) => /\] +([1-9]|[1-9]\d)% \d+\/640/.test(f))).toBe(true);
    expect(frames.at(-1)).toMatch(/100% 640\/640/);
    expect(r.seen).toMatch(/640 issued, 0 failed in/);
    expect((await serialsInVault()).length - before).toBe(640);
  }, 120_000);

  it('SIGKILL mid-batch: every certificate under a final name is complete and recorded; a reported success has all its files', async () => {
    mkdirSync(at('k-in'));
    for (let i = 0; i < 400; i++) writeFileSync(at(`k-in/k-${String(i).padStart(3, '0')}.csr`), toPem(makeCsr('p256', `k-${i}`), 'CERTIFICATE REQUEST'));
    writeFileSync(at('pass'), PASSPHRASE, { mode: 0o600 });
    // The real CLI in a child process; it unlocks with the vault's own (test-minimum) KDF cost.
    const run = (out: string, killWhen: 'first-file' | 'never' | number): Promise<{ killed: boolean; code: number | null; stdout: string }> =>
      new Promise((resolve) => {
        const child = spawn(process.execPath, [CLI_BIN, '--vault', at('vault'), '--passphrase-file', at('pass'), '--json', 'cert', 'issue-batch', '--in', at('k-in'), '--out', out], {
          env: { PATH: process.env.PATH ?? '', HOME: dir },
          stdio: ['ignore', 'pipe', 'ignore'],
        });
        let stdout = '';
        let killed = false;
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        const kill = () => {
          if (child.exitCode === null) killed = child.kill('SIGKILL');
        };
        let poll: NodeJS.Timeout | undefined;
        if (killWhen === 'first-file') {
          poll = setInterval(() => {
            if (readdirSync(out).some((f) => !f.startsWith('.'))) kill();
          }, 1);
        } else if (typeof killWhen === 'number') setTimeout(kill, killWhen);
        child.on('exit', (code) => {
          clearInterval(poll);
          resolve({ killed, code, stdout });
        });
      });

    const outcomes: string[] = [];
    for (const [i, when] of (['first-file', 300, 'first-file', 'never'] as const).entries()) {
      const out = at(`k-out-${i}`);
      mkdirSync(out);
      const r = await run(out, when);
      const recorded = new Set(await serialsInVault());
      const finals = readdirSync(out).filter((f) => !f.startsWith('.'));
      for (const f of finals) {
        // Complete (parses as one certificate) and recorded in the vault.
        const pem = readFileSync(join(out, f), 'utf8');
        expect(pem.endsWith('-----END CERTIFICATE-----\n')).toBe(true);
        expect(recorded.has(serialOf(pem))).toBe(true);
      }
      if (!r.killed) {
        expect(r.code).toBe(0);
        const doc = JSON.parse(r.stdout) as { issued: number; results: Array<{ out: string }> };
        expect(doc.issued).toBe(400);
        for (const x of doc.results) expect(existsSync(x.out)).toBe(true);
        expect(finals).toHaveLength(400);
      }
      outcomes.push(r.killed ? `killed with ${finals.length} files` : 'finished');
    }
    // Where a kill lands depends on the machine; the invariants above hold wherever it does, and a run left alone finishes.
    expect(outcomes.at(-1)).toBe('finished');
  }, 120_000);

  it('the real CLI, whose batch starts Argon2id as it starts: a wrong passphrase file is refused and issues nothing; the right one (also as --name=VALUE) unlocks', async () => {
    mkdirSync(at('p-in'));
    for (let i = 0; i < 3; i++) writeFileSync(at(`p-in/p-${i}.csr`), toPem(makeCsr('p256', `p-${i}`), 'CERTIFICATE REQUEST'));
    writeFileSync(at('wrong-pass'), `${PASSPHRASE}!`, { mode: 0o600 });
    writeFileSync(at('pass'), PASSPHRASE, { mode: 0o600 });
    const before = await serialsInVault();
    const batch = (out: string, ...globals: string[]) => {
      mkdirSync(out);
      return spawnSync(process.execPath, [CLI_BIN, ...globals, '--json', 'cert', 'issue-batch', '--in', at('p-in'), '--out', out], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', HOME: dir } });
    };
    const wrong = batch(at('p-out-wrong'), '--vault', at('vault'), '--passphrase-file', at('wrong-pass'));
    expect(wrong.status).not.toBe(0);
    expect((JSON.parse(wrong.stdout) as { error: { code: string } }).error.code).toBe('WRONG_PASSPHRASE');
    expect(readdirSync(at('p-out-wrong'))).toEqual([]);
    expect(await serialsInVault()).toEqual(before);
    const right = batch(at('p-out'), `--vault=${at('vault')}`, `--passphrase-file=${at('pass')}`);
    expect(right.status).toBe(0);
    expect((JSON.parse(right.stdout) as { issued: number }).issued).toBe(3);
    expect(readdirSync(at('p-out')).sort()).toEqual(['p-0.crt.pem', 'p-1.crt.pem', 'p-2.crt.pem']);
  }, 60_000);
});
