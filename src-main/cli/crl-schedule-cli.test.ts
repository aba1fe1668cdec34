/**
 * CRLs that outlast the gap, through the real CLI on a real vault: pre-signed
 * CRLs checked by OpenSSL (signature, numbers, windows chaining from the
 * current CRL), carried by the export under crl/scheduled/ with SCHEDULE.json
 * in the signed manifest, made stale by a later revocation and signed again
 * by the next export; the calendar as JSON and as an iCalendar file parsed by
 * Python's icalendar; every refusal with its code and nothing changed.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CrlCalendarView, PresignView } from '../api/contract.ts';
import { DAY_MS } from '../core/clock.ts';
import { cliWithMedium, type CliRun } from '../testing/cli-in-process.ts';
import { makeCsr, openssl } from '../testing/issuance-fixtures.ts';
import { hashDir, removeTempDirs } from '../testing/temp-dir.ts';

afterAll(removeTempDirs);

const codeOf = (r: CliRun) => (r.json as { error?: { code: string } }).error?.code ?? 'OK';
const at = (iso: string) => new Date(iso).getTime();

interface Schedule {
  format: string;
  crls: Array<{ issuer_key_id: string; file: string; number: number; this_update: string; next_update: string; sha256: string }>;
}

describe('crl presign, crl calendar and pre-signed CRLs in the export', () => {
  const { dir, usb, clock, cli } = cliWithMedium();
  const ok = async (args: string[]) => {
    const r = await cli(args);
    expect(r.code, `${args.join(' ')}: ${r.stdout}${r.stderr}`).toBe(0);
    return r;
  };
  let rootId = '';
  let caPem = '';
  const serials: string[] = [];

  /** What openssl says about one CRL file, verified against the root's certificate. */
  function opensslCrl(file: string): { verified: boolean; number: number; lastUpdate: number; nextUpdate: number; text: string } {
    const r = openssl(['crl', '-in', file, '-inform', 'DER', '-CAfile', caPem, '-noout', '-text'], dir);
    const number = Number(/X509v3 CRL Number:\s*\n\s*(\d+)/.exec(r.output)?.[1]);
    const last = /Last Update: (.+)/.exec(r.output)?.[1] ?? '';
    const next = /Next Update: (.+)/.exec(r.output)?.[1] ?? '';
    return { verified: r.status === 0 && /verify OK/.test(r.output), number, lastUpdate: Date.parse(last), nextUpdate: Date.parse(next), text: r.output };
  }

  async function issue(cn: string): Promise<string> {
    writeFileSync(join(dir, `${cn}.csr`), makeCsr('p256', cn));
    const r = await ok(['--json', 'cert', 'issue', '--csr', join(dir, `${cn}.csr`), '--out', join(dir, `${cn}.pem`)]);
    return (r.json as { serial: string }).serial;
  }

  beforeAll(async () => {
    await ok(['vault', 'init']);
    await ok(['key', 'create', '--name', 'root']);
    await ok(['key', 'self-sign', 'root', '--subject', 'CN=Gap Root']);
    await ok(['key', 'activate', 'root']);
    const key = ((await ok(['--json', 'key', 'show', 'root'])).json as { id: string; certificatePem: string });
    rootId = key.id;
    caPem = join(dir, 'root.pem');
    writeFileSync(caPem, key.certificatePem);
    for (const cn of ['agent-1', 'agent-2', 'agent-3']) serials.push(await issue(cn));
    await ok(['cert', 'revoke', serials[0]!, '--reason', 'keyCompromise']);
    await ok(['crl', 'generate', '--out', join(dir, 'current.crl')]);
  });

  it('signs N CRLs that OpenSSL verifies, with increasing numbers and overlapping windows chaining from the current CRL', async () => {
    const current = opensslCrl(join(dir, 'current.crl'));
    expect(current.verified).toBe(true);
    const r = await ok(['--json', 'crl', 'presign', '--issuer', 'root', '--count', '5', '--validity-days', '7']);
    const p = r.json as PresignView;
    expect(p).toMatchObject({ issuerKeyId: rootId, keyName: 'root', ca: 'default', validityDays: 7, overlapDays: 2, replaced: null });
    expect(p.crls).toHaveLength(5);
    // Chains from the current CRL: the first opens before the current one ends, numbered above it.
    expect(p.crls[0]!.number).toBeGreaterThan(current.number);
    expect(at(p.crls[0]!.thisUpdate)).toBeLessThan(current.nextUpdate);
    expect(at(p.crls[0]!.thisUpdate)).toBe(current.nextUpdate - 2 * DAY_MS);
    for (const [i, c] of p.crls.entries()) {
      expect(at(c.nextUpdate) - at(c.thisUpdate)).toBe(7 * DAY_MS);
      expect(c.entries).toBe(1);
      if (i === 0) continue;
      const prev = p.crls[i - 1]!;
      expect(c.number).toBeGreaterThan(prev.number);
      expect(at(c.thisUpdate)).toBeGreaterThan(at(prev.thisUpdate));
      expect(at(c.thisUpdate)).toBeLessThan(at(prev.nextUpdate));
    }
    const text = (await ok(['crl', 'presign', '--help'])).stdout;
    expect(text).toContain('--validity-days');
  });

  it('the calendar counts the pre-signed CRLs: covered until the last one, the ceremony due two days before', async () => {
    const cal = (await ok(['--json', 'crl', 'calendar'])).json as CrlCalendarView;
    expect(cal.marginDays).toBe(2);
    expect(cal.entries).toHaveLength(1);
    const e = cal.entries[0]!;
    expect(e).toMatchObject({ ca: 'default', keyId: rootId, keyName: 'root', state: 'active', status: 'ok', liveRevocations: null });
    expect(e.scheduled).toMatchObject({ count: 5, stale: false, staleReason: null });
    expect(e.coveredUntil).toBe(e.scheduled!.until);
    expect(at(e.ceremonyBy)).toBe(at(e.scheduled!.until) - 2 * DAY_MS);
    expect(e.lastCrl!.number).toBeLessThan(e.scheduled!.firstNumber);
    // --margin-days for one run; the text names the key with its full id.
    const wide = (await ok(['--json', 'crl', 'calendar', '--margin-days', '5'])).json as CrlCalendarView;
    expect(at(wide.entries[0]!.ceremonyBy)).toBe(at(e.scheduled!.until) - 5 * DAY_MS);
    expect((await ok(['crl', 'calendar'])).stdout).toContain(`root (${rootId})`);
  });

  let firstExport: { dir: string; numbers: number[] } = { dir: '', numbers: [] };

  it('the export carries them under crl/scheduled/ with SCHEDULE.json in the signed manifest', async () => {
    const r = await ok(['--json', 'export', 'media', '--to', usb]);
    const pkg = r.json as { dir: string; files: Array<{ name: string; sha256: string }> };
    const sched = JSON.parse(readFileSync(join(pkg.dir, 'crl', 'scheduled', 'SCHEDULE.json'), 'utf8')) as Schedule;
    expect(sched.format).toBe('airgap-ca-crl-schedule');
    expect(sched.crls).toHaveLength(5);
    const manifest = JSON.parse(readFileSync(join(pkg.dir, 'MANIFEST.json'), 'utf8')) as { files: Array<{ name: string; sha256: string }> };
    const listed = new Map(manifest.files.map((f) => [f.name, f.sha256]));
    expect(listed.has('crl/scheduled/SCHEDULE.json')).toBe(true);
    for (const c of sched.crls) {
      const der = readFileSync(join(pkg.dir, 'crl', 'scheduled', c.file));
      const sha = createHash('sha256').update(der).digest('hex');
      expect(c.sha256).toBe(sha);
      expect(listed.get(`crl/scheduled/${c.file}`)).toBe(sha);
      const o = opensslCrl(join(pkg.dir, 'crl', 'scheduled', c.file));
      expect(o.verified, o.text).toBe(true);
      expect([o.number, o.lastUpdate, o.nextUpdate]).toEqual([c.number, at(c.this_update), at(c.next_update)]);
    }
    expect((await cli(['export', 'verify', pkg.dir])).code).toBe(0);
    expect(spawnSync('sha256sum', ['--strict', '-c', 'SHA256SUMS'], { cwd: pkg.dir }).status).toBe(0);
    firstExport = { dir: pkg.dir, numbers: sched.crls.map((c) => c.number) };
  });

  it('a revocation after pre-signing makes them stale (CLI, calendar) until the next export signs them again with it', async () => {
    const revoked = await cli(['cert', 'revoke', serials[1]!, '--reason', 'superseded']);
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toContain('are stale: a certificate was revoked after they were signed');
    expect(revoked.stdout).toContain(`root (${rootId})`);
    const cal = (await ok(['--json', 'crl', 'calendar'])).json as CrlCalendarView;
    expect(cal.staleSchedules).toBe(1);
    expect(cal.entries[0]!.scheduled).toMatchObject({ stale: true, staleReason: 'revoked' });
    // Stale CRLs cover nothing: the deadline falls back to the current CRL.
    expect(cal.entries[0]!.coveredUntil).toBe(cal.entries[0]!.lastCrl!.nextUpdate);
    expect((await ok(['crl', 'calendar'])).stdout).toContain('STALE');

    clock.advance(60_000); // the next package folder gets another name
    const r = await ok(['--json', 'export', 'media', '--to', usb]);
    const pkg = r.json as { dir: string };
    const sched = JSON.parse(readFileSync(join(pkg.dir, 'crl', 'scheduled', 'SCHEDULE.json'), 'utf8')) as Schedule;
    expect(sched.crls).toHaveLength(5);
    expect(Math.min(...sched.crls.map((c) => c.number))).toBeGreaterThan(Math.max(...firstExport.numbers));
    const currentInPackage = opensslCrl(join(pkg.dir, 'crl', readdirSync(join(pkg.dir, 'crl')).find((f) => f.endsWith('.crl'))!));
    expect(at(sched.crls[0]!.this_update)).toBeLessThan(currentInPackage.nextUpdate);
    for (const c of sched.crls) {
      const o = opensslCrl(join(pkg.dir, 'crl', 'scheduled', c.file));
      expect(o.verified).toBe(true);
      // Both revoked certificates are on every re-signed CRL.
      for (const s of [serials[0]!, serials[1]!]) expect(o.text.toLowerCase().replaceAll(':', '')).toContain(s);
    }
    const after = (await ok(['--json', 'crl', 'calendar'])).json as CrlCalendarView;
    expect(after.staleSchedules).toBe(0);
    expect(after.entries[0]!.scheduled!.firstNumber).toBe(sched.crls[0]!.number);
    const events = ((await ok(['--json', 'audit', 'list'])).json as { events: Array<{ action: string; details: { presignedAgain?: Array<{ numbers: number[] }> } }> }).events;
    expect(events.at(-1)!.action).toBe('export.written');
    expect(events.at(-1)!.details.presignedAgain![0]!.numbers).toEqual(sched.crls.map((c) => c.number));
    expect((await cli(['crl', 'calendar'])).stdout).not.toContain('STALE');
  });

  it('refuses count 0, too many, a validity within the overlap, a retired key without live revocations; nothing changes', async () => {
    // A second CA whose first key is retired with nothing revoked.
    await ok(['ca', 'create', '--name', 'lab']);
    for (const k of ['lab-1', 'lab-2']) {
      await ok(['--ca', 'lab', 'key', 'create', '--name', k]);
      await ok(['--ca', 'lab', 'key', 'self-sign', k, '--subject', `CN=${k}`]);
      await ok(['--ca', 'lab', 'key', 'activate', k]);
    }
    await ok(['--ca', 'lab', 'key', 'retire', 'lab-1', '--force', '--reason', 'test']);
    // A third CA whose retired key revoked a certificate that is still valid: it must keep publishing.
    await ok(['ca', 'create', '--name', 'old']);
    await ok(['--ca', 'old', 'key', 'create', '--name', 'old-1']);
    await ok(['--ca', 'old', 'key', 'self-sign', 'old-1', '--subject', 'CN=old-1', '--days', '40']);
    await ok(['--ca', 'old', 'key', 'activate', 'old-1']);
    writeFileSync(join(dir, 'old-agent.csr'), makeCsr('p256', 'old-agent'));
    const oldSerial = ((await ok(['--json', '--ca', 'old', 'cert', 'issue', '--csr', join(dir, 'old-agent.csr'), '--out', join(dir, 'old-agent.pem'), '--days', '30'])).json as { serial: string }).serial;
    await ok(['--ca', 'old', 'cert', 'revoke', oldSerial]);
    await ok(['--ca', 'old', 'key', 'create', '--name', 'old-2']);
    await ok(['--ca', 'old', 'key', 'self-sign', 'old-2', '--subject', 'CN=old-2']);
    await ok(['--ca', 'old', 'key', 'activate', 'old-2']);
    await ok(['--ca', 'old', 'key', 'retire', 'old-1', '--force', '--reason', 'test']);
    const vaultDir = join(dir, 'vault');
    const before = hashDir(vaultDir);
    const cases: Array<[string[], number, string]> = [
      [['--ca', 'default', 'crl', 'presign', '--issuer', 'root', '--count', '0'], 2, 'INVALID_INPUT'],
      [['--ca', 'default', 'crl', 'presign', '--issuer', 'root', '--count', '121'], 2, 'INVALID_INPUT'],
      [['--ca', 'default', 'crl', 'presign', '--issuer', 'root', '--count', '3', '--validity-days', '2'], 1, 'PRESIGN_VALIDITY_TOO_SHORT'],
      [['--ca', 'lab', 'crl', 'presign', '--issuer', 'lab-1', '--count', '3'], 1, 'PRESIGN_NOT_NEEDED'],
      // old-1's certificate ends in 40 days: ten 7-day CRLs would run past it.
      [['--ca', 'old', 'crl', 'presign', '--issuer', 'old-1', '--count', '10', '--validity-days', '7'], 1, 'VALIDITY_EXCEEDS_ISSUER'],
    ];
    for (const [args, exit, code] of cases) {
      const r = await cli(['--json', ...args]);
      expect([r.code, codeOf(r)], args.join(' ')).toEqual([exit, code]);
      expect((r.json as { error: { message: string } }).error.message.length).toBeGreaterThan(20);
    }
    expect(hashDir(vaultDir)).toBe(before);
    // The retired key without live revocations is not on the calendar; both CAs' publishing keys are.
    const cal = (await ok(['--json', 'crl', 'calendar'])).json as CrlCalendarView;
    expect(cal.entries.map((e) => `${e.ca}/${e.keyName}`).sort()).toEqual(['default/root', 'lab/lab-2', 'old/old-1', 'old/old-2']);
    expect(cal.entries.find((e) => e.keyName === 'old-1')).toMatchObject({ state: 'retired', liveRevocations: 1, lastCrl: null, status: 'none' });
    // A retired key with a live revocation may pre-sign; each CRL lists it.
    const p = (await ok(['--json', '--ca', 'old', 'crl', 'presign', '--issuer', 'old-1', '--count', '2', '--validity-days', '5'])).json as PresignView;
    expect(p.crls.map((c) => c.entries)).toEqual([1, 1]);
    expect(at(p.crls[0]!.thisUpdate)).toBe(Math.floor(clock.now().getTime() / 1000) * 1000);
    expect(at(p.crls[1]!.thisUpdate) - at(p.crls[0]!.thisUpdate)).toBe(3 * DAY_MS);
  });

  it('--ics writes RFC 5545 that Python\'s icalendar parses: one event with an alarm per deadline, CRLF, folded lines', async () => {
    const ics = join(dir, 'crl.ics');
    const r = await ok(['--json', 'crl', 'calendar', '--ics', ics]);
    const cal = r.json as CrlCalendarView;
    expect(cal.icsEvents).toBe(cal.entries.length);
    const raw = readFileSync(ics);
    const text = raw.toString('utf8');
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.replaceAll('\r\n', '').includes('\n')).toBe(false);
    for (const line of text.split('\r\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
    const py = spawnSync(
      '/usr/bin/python3',
      [
        '-c',
        `import icalendar, json, sys
cal = icalendar.Calendar.from_ical(open(sys.argv[1], 'rb').read())
out = []
for ev in cal.walk('VEVENT'):
    alarms = ev.walk('VALARM')
    out.append({'uid': str(ev['UID']), 'start': ev.decoded('DTSTART').isoformat(), 'stamp': ev.decoded('DTSTAMP').isoformat(), 'summary': str(ev['SUMMARY']),
                'alarms': [{'action': str(a['ACTION']), 'trigger': a.decoded('TRIGGER').total_seconds()} for a in alarms]})
print(json.dumps({'version': str(cal['VERSION']), 'events': out}))`,
        ics,
      ],
      { encoding: 'utf8' },
    );
    expect(py.status, py.stderr).toBe(0);
    const parsed = JSON.parse(py.stdout) as { version: string; events: Array<{ uid: string; start: string; summary: string; alarms: Array<{ action: string; trigger: number }> }> };
    expect(parsed.version).toBe('2.0');
    expect(parsed.events).toHaveLength(cal.entries.length);
    expect(new Set(parsed.events.map((e) => e.uid)).size).toBe(parsed.events.length);
    for (const e of cal.entries) {
      const ev = parsed.events.find((x) => x.summary.includes(e.keyId));
      expect(ev, e.keyName).toBeDefined();
      expect(ev!.summary).toBe(`CRL ceremony due: CA "${e.ca}", key "${e.keyName} (${e.keyId})"`);
      expect(at(ev!.start)).toBe(Math.floor(at(e.ceremonyBy) / 1000) * 1000);
      expect(ev!.alarms).toEqual([{ action: 'DISPLAY', trigger: -86_400 }]);
    }
    // Never over an existing file.
    const again = await cli(['--json', 'crl', 'calendar', '--ics', ics]);
    expect([again.code, codeOf(again)]).toEqual([1, 'OUTPUT_EXISTS']);
    expect(readFileSync(ics).equals(raw)).toBe(true);
    expect(existsSync(`${ics}.partial`)).toBe(false);
  });

  it('a regular CRL after pre-signing makes them stale too (they would go back in number), and says so', async () => {
    const r = await ok(['--ca', 'default', 'crl', 'generate', '--out', join(dir, 'later.crl')]);
    expect(r.stdout).toContain('a newer CRL (number');
    const cal = (await ok(['--json', '--ca', 'default', 'crl', 'calendar'])).json as CrlCalendarView;
    expect(cal.entries[0]!.scheduled).toMatchObject({ stale: true, staleReason: 'superseded' });
    expect(opensslCrl(join(dir, 'later.crl')).number).toBeGreaterThan(cal.entries[0]!.scheduled!.lastNumber);
  });

  it('the calendar lists every key of a CA in the bundle: active, trusted after a rotation, staged; not a draft', async () => {
    await ok(['ca', 'create', '--name', 'rot']);
    for (const k of ['rot-1', 'rot-2', 'rot-3', 'rot-4']) {
      await ok(['--ca', 'rot', 'key', 'create', '--name', k]);
      if (k !== 'rot-4') await ok(['--ca', 'rot', 'key', 'self-sign', k, '--subject', `CN=${k}`]);
    }
    await ok(['--ca', 'rot', 'key', 'activate', 'rot-1']);
    await ok(['--ca', 'rot', 'key', 'activate', 'rot-2']);
    await ok(['--ca', 'rot', 'key', 'stage', 'rot-3']);
    const cal = (await ok(['--json', '--ca', 'rot', 'crl', 'calendar'])).json as CrlCalendarView;
    expect(Object.fromEntries(cal.entries.map((e) => [e.keyName, e.state]))).toEqual({ 'rot-1': 'trusted', 'rot-2': 'active', 'rot-3': 'staged' });
    const ics = join(dir, 'rot.ics');
    await ok(['--ca', 'rot', 'crl', 'calendar', '--ics', ics]);
    const py = spawnSync('/usr/bin/python3', ['-c', "import icalendar, sys; print(len(icalendar.Calendar.from_ical(open(sys.argv[1], 'rb').read()).walk('VEVENT')))", ics], { encoding: 'utf8' });
    expect(py.stdout.trim()).toBe('3');
  });
});
