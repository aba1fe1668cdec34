/**
 * A bootstrap certificate is issued once per device at enrollment (issue 13): through the real
 * CLI, a second `bootstrap` certificate for a device with a live one in the same CA — same
 * subject, or a SAN in common — is refused with BOOTSTRAP_ALREADY_ISSUED naming the serial, and
 * nothing is signed, written or recorded; revoking it (or its expiry) lets the device enroll
 * again; another CA, another profile and another device are not affected. A batch refuses only
 * those requests.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DAY_MS, fixedClock } from '../core/clock.ts';
import { inProcessCli } from '../testing/cli-in-process.ts';
import { jsonError } from '../testing/cli-runner.ts';
import { removeTempDirs, tempDir } from '../testing/temp-dir.ts';

afterAll(removeTempDirs);

type Cli = ReturnType<typeof inProcessCli>;
interface AuditEvent {
  action: string;
  details: Record<string, unknown>;
}

function setup() {
  const dir = tempDir();
  const clock = fixedClock('2026-03-01T12:00:00Z');
  const cli = inProcessCli({ vault: join(dir, 'vault'), clock, env: { AIRGAP_CA_PASSPHRASE: 'correct horse battery staple' } });
  let n = 0;
  /** A new key and request; `subj` as openssl writes it, SANs as subjectAltName values. */
  const csr = (subj: string, sans: string[] = []): string => {
    const base = join(dir, `req-${++n}`);
    execFileSync('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${base}.key`, '-out', `${base}.csr`, '-subj', subj, ...(sans.length ? ['-addext', `subjectAltName=${sans.join(',')}`] : [])], { stdio: 'ignore' });
    return `${base}.csr`;
  };
  return { dir, clock, cli, csr, out: (name: string) => join(dir, name) };
}

async function ok(cli: Cli, args: string[]): Promise<unknown> {
  const r = await cli(['--json', ...args]);
  if (r.code !== 0) throw new Error(`${args.join(' ')} -> exit ${r.code}: ${r.stdout}${r.stderr}`);
  return r.json;
}

async function withActiveKey(cli: Cli, ca?: string): Promise<void> {
  const pre = ca ? ['--ca', ca] : [];
  const name = `root-${ca ?? 'default'}`;
  await ok(cli, [...pre, 'key', 'create', '--name', name]);
  await ok(cli, [...pre, 'key', 'self-sign', name, '--subject', `CN=${name}`]);
  await ok(cli, [...pre, 'key', 'activate', name]);
}

const certCount = async (cli: Cli, pre: string[] = []) => ((await ok(cli, [...pre, 'cert', 'list'])) as { total: number }).total;
const issuedEvents = async (cli: Cli) => ((await ok(cli, ['audit', 'list'])) as { events: AuditEvent[] }).events.filter((e) => e.action === 'cert.issued' || e.action === 'cert.batch-issued');

describe('bootstrap certificates: once per device', () => {
  it('refuses a second one for the same subject (any SANs) or a shared SAN (any case of a DNS name), naming the serial and what to do; nothing is signed, written or recorded', async () => {
    const { cli, csr, out } = setup();
    await ok(cli, ['vault', 'init']);
    await withActiveKey(cli);
    const first = (await ok(cli, ['cert', 'issue', '--csr', csr('/CN=device-1', ['DNS:device-1.example']), '--out', out('first.pem'), '--profile', 'bootstrap'])) as { serial: string; notAfter: string };
    const count = await certCount(cli);
    const events = (await issuedEvents(cli)).length;

    const cases: Array<{ req: string; out: string; says: string[] }> = [
      // The same request again, a new key for the same subject, the same subject with other SANs.
      { req: csr('/CN=device-1', ['DNS:device-1.example']), out: 'again.pem', says: ['"CN=device-1" already has a live one in CA "default"'] },
      { req: csr('/CN=device-1', ['DNS:elsewhere.example', 'IP:10.0.0.9']), out: 'other-sans.pem', says: ['"CN=device-1" already has a live one'] },
      { req: csr('/CN=device-1'), out: 'no-sans.pem', says: ['"CN=device-1" already has a live one'] },
      // Another subject claiming the device's DNS name (case does not make it another name), or with no subject at all.
      { req: csr('/CN=impostor', ['DNS:DEVICE-1.example']), out: 'san.pem', says: [`the live bootstrap certificate ${first.serial} in CA "default" (the subject "CN=device-1"`, 'already names DNS:DEVICE-1.example, which this request (the subject "CN=impostor") names too', 'If it is another device, give this one a name of its own.'] },
      { req: csr('/', ['DNS:device-1.example']), out: 'empty.pem', says: ['which this request (an empty subject) names too'] },
    ];
    for (const c of cases) {
      const r = await cli(['--json', 'cert', 'issue', '--csr', c.req, '--out', out(c.out), '--profile', 'bootstrap']);
      expect(r.code, c.out).toBe(1);
      const e = jsonError(r);
      expect(e.code).toBe('BOOTSTRAP_ALREADY_ISSUED');
      for (const s of c.says) expect(e.message).toContain(s);
      expect(e.message).toContain(first.serial);
      expect(e.message).toContain(`valid until ${first.notAfter}`);
      expect(e.message).toContain('Nothing was issued.');
      expect(e.message).toContain(`revoke that certificate first (airgap-ca cert revoke ${first.serial} --reason superseded)`);
      expect(existsSync(out(c.out))).toBe(false);
    }
    // The text output is the one line with the code.
    const text = await cli(['cert', 'issue', '--csr', cases[0]!.req, '--out', out('text.pem'), '--profile', 'bootstrap']);
    expect(text.stderr).toMatch(/^error \(BOOTSTRAP_ALREADY_ISSUED\): A bootstrap certificate is issued once per device at enrollment/);
    expect(await certCount(cli)).toBe(count);
    expect(await issuedEvents(cli)).toHaveLength(events);

    // Not the bootstrap profile, or another device: issued as before.
    await ok(cli, ['cert', 'issue', '--csr', csr('/CN=device-1', ['DNS:device-1.example']), '--out', out('agent.pem'), '--profile', 'agent']);
    await ok(cli, ['cert', 'issue', '--csr', csr('/CN=device-2', ['DNS:device-2.example']), '--out', out('device-2.pem'), '--profile', 'bootstrap']);
    // Two requests without a subject are told apart by their SANs only.
    await ok(cli, ['cert', 'issue', '--csr', csr('/', ['URI:urn:device:7']), '--out', out('u7.pem'), '--profile', 'bootstrap']);
    await ok(cli, ['cert', 'issue', '--csr', csr('/', ['URI:urn:device:8']), '--out', out('u8.pem'), '--profile', 'bootstrap']);
    expect(await certCount(cli)).toBe(count + 4);
  });

  it('a device enrolls again once its bootstrap certificate is revoked (as the message says) or has expired', async () => {
    const { clock, cli, csr, out } = setup();
    await ok(cli, ['vault', 'init']);
    await withActiveKey(cli);
    const first = (await ok(cli, ['cert', 'issue', '--csr', csr('/CN=device-1'), '--out', out('1.pem'), '--profile', 'bootstrap'])) as { serial: string };
    const refused = jsonError(await cli(['--json', 'cert', 'issue', '--csr', csr('/CN=device-1'), '--out', out('2.pem'), '--profile', 'bootstrap']));
    expect(refused.code).toBe('BOOTSTRAP_ALREADY_ISSUED');
    // The command the message names, as given.
    const command = /\(airgap-ca (cert revoke [0-9a-f]+ --reason superseded)\)/.exec(refused.message)![1]!.split(' ');
    expect(await ok(cli, command)).toMatchObject({ serial: first.serial, status: 'revoked', revocationReason: 'superseded' });
    const second = (await ok(cli, ['cert', 'issue', '--csr', csr('/CN=device-1'), '--out', out('3.pem'), '--profile', 'bootstrap', '--days', '10'])) as { serial: string };
    expect(second.serial).not.toBe(first.serial);
    // Live until its NotAfter; once expired, the device enrolls again.
    clock.advance(9 * DAY_MS);
    expect(jsonError(await cli(['--json', 'cert', 'issue', '--csr', csr('/CN=device-1'), '--out', out('4.pem'), '--profile', 'bootstrap'])).message).toContain(`"CN=device-1" already has a live one in CA "default": serial ${second.serial}`);
    clock.advance(2 * DAY_MS);
    await ok(cli, ['cert', 'issue', '--csr', csr('/CN=device-1'), '--out', out('5.pem'), '--profile', 'bootstrap']);
  });

  it('is per CA: the same device enrolls in another CA; the revoke command then names the CA', async () => {
    const { cli, csr, out } = setup();
    await ok(cli, ['vault', 'init']);
    await withActiveKey(cli);
    await ok(cli, ['ca', 'create', '--name', 'Servers CA']);
    await withActiveKey(cli, 'Servers CA');
    await ok(cli, ['--ca', 'default', 'cert', 'issue', '--csr', csr('/CN=device-1'), '--out', out('a.pem'), '--profile', 'bootstrap']);
    const other = (await ok(cli, ['--ca', 'Servers CA', 'cert', 'issue', '--csr', csr('/CN=device-1'), '--out', out('b.pem'), '--profile', 'bootstrap'])) as { serial: string };
    const e = jsonError(await cli(['--json', '--ca', 'Servers CA', 'cert', 'issue', '--csr', csr('/CN=device-1'), '--out', out('c.pem'), '--profile', 'bootstrap']));
    expect(e.code).toBe('BOOTSTRAP_ALREADY_ISSUED');
    expect(e.message).toContain(`already has a live one in CA "Servers CA": serial ${other.serial}`);
    expect(e.message).toContain(`(airgap-ca --ca "Servers CA" cert revoke ${other.serial} --reason superseded)`);
  });

  it('cert issue-batch refuses only the requests for an enrolled device (its own code in the report), issues the rest, and records nothing for the refused', async () => {
    const { cli, csr, out } = setup();
    await ok(cli, ['vault', 'init']);
    await withActiveKey(cli);
    const enrolled = (await ok(cli, ['cert', 'issue', '--csr', csr('/CN=device-1', ['DNS:device-1.example']), '--out', out('enrolled.pem'), '--profile', 'bootstrap'])) as { serial: string };
    const inDir = out('in');
    const outDir = out('out');
    mkdirSync(inDir);
    mkdirSync(outDir);
    copyFileSync(csr('/CN=device-1'), join(inDir, 'a-device-1.csr'));
    copyFileSync(csr('/CN=device-5', ['DNS:device-5.example']), join(inDir, 'b-device-5.csr'));
    copyFileSync(csr('/CN=device-5-again', ['DNS:Device-5.example']), join(inDir, 'c-device-5-again.csr'));
    copyFileSync(csr('/CN=device-6'), join(inDir, 'd-device-6.csr'));
    copyFileSync(csr('/CN=impostor', ['DNS:device-1.example']), join(inDir, 'e-impostor.csr'));
    const before = await certCount(cli);

    const r = await cli(['--json', 'cert', 'issue-batch', '--in', inDir, '--out', outDir, '--profile', 'bootstrap']);
    expect(r.code).toBe(1);
    const batch = r.json as { issued: number; failed: number; results: Array<{ file: string; ok: boolean; serial: string | null; code: string | null; message: string | null }> };
    expect(batch.results.map((x) => [x.file, x.ok, x.code])).toEqual([
      ['a-device-1.csr', false, 'BOOTSTRAP_ALREADY_ISSUED'],
      ['b-device-5.csr', true, null],
      ['c-device-5-again.csr', false, 'BOOTSTRAP_ALREADY_ISSUED'],
      ['d-device-6.csr', true, null],
      ['e-impostor.csr', false, 'BOOTSTRAP_ALREADY_ISSUED'],
    ]);
    expect([batch.issued, batch.failed]).toEqual([2, 3]);
    const byFile = new Map(batch.results.map((x) => [x.file, x]));
    expect(byFile.get('a-device-1.csr')!.message).toContain(`serial ${enrolled.serial}`);
    expect(byFile.get('c-device-5-again.csr')!.message).toContain('the request b-device-5.csr earlier in this batch is for the same device as this one (both name DNS:Device-5.example)');
    expect(byFile.get('e-impostor.csr')!.message).toContain(`the live bootstrap certificate ${enrolled.serial}`);
    // Only the issued ones are in the vault and on the medium (no file, hidden or not, for a refused one).
    expect(await certCount(cli)).toBe(before + 2);
    expect(readdirSync(outDir).sort()).toEqual(['b-device-5.crt.pem', 'd-device-6.crt.pem']);
    const event = (await issuedEvents(cli)).at(-1)!;
    expect(event).toMatchObject({ action: 'cert.batch-issued', details: { issued: 2, failed: 3 } });
    expect((event.details.serials as string[]).sort()).toEqual([byFile.get('b-device-5.csr')!.serial, byFile.get('d-device-6.csr')!.serial].sort());

    // The same folder as agent certificates: nothing refused for being enrolled (the rule is the bootstrap profile's).
    const agentsOut = out('agents');
    mkdirSync(agentsOut);
    const agents = (await ok(cli, ['cert', 'issue-batch', '--in', inDir, '--out', agentsOut, '--profile', 'agent'])) as { issued: number };
    expect(agents.issued).toBe(5);
  });
});
