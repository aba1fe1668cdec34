/**
 * `cert renew-batch` through the CLI with OpenSSL as the agents: each agent
 * has a key and a certificate from the vault, makes a new key and request
 * (`openssl req`) and signs it with its current certificate
 * (`openssl cms -sign -binary -nodetach -outform DER -md sha256`). A valid
 * renewal verifies with `openssl verify` against the bundle; every refusal
 * has its own code and issues nothing; a replay gets the same certificate;
 * `--supersede` puts the renewed serial on the next CRL as superseded; an
 * expired management certificate is renewed through the bootstrap one.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DAY_MS } from '../core/clock.ts';
import { cliWithMedium } from '../testing/cli-in-process.ts';
import { removeTempDirs } from '../testing/temp-dir.ts';

afterAll(removeTempDirs);

type Cli = ReturnType<typeof cliWithMedium>['cli'];
type Line = { file: string; status: string; agentSerial: string | null; newSerial: string | null; code: string | null; out: string | null };
type Renewal = { counts: { received: number; validated: number; issued: number; alreadyIssued: number; refused: number; refusedByCode: Record<string, number> }; requests: Line[]; superseded: string[]; skipped: string[]; report: { json: string; csv: string } };

async function ok(cli: Cli, args: string[]) {
  const r = await cli(args);
  expect(r.code, `${args.join(' ')}: ${r.stderr}${r.stdout}`).toBe(0);
  return r;
}

const ossl = (args: string[], cwd: string) => execFileSync('openssl', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });

const P256 = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'];

/** An agent as OpenSSL: a key (P-256 unless `key` says otherwise) and a request for `subject` (with optional SANs). */
function agentRequest(dir: string, name: string, subject: string, san?: string, key: readonly string[] = P256): string {
  ossl(['req', '-new', ...key, '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject, ...(san ? ['-addext', `subjectAltName=${san}`] : [])], dir);
  return join(dir, `${name}.csr`);
}

/** The agent's renewal request: a new key and request for `subject`, signed with its current certificate and key. */
function renewal(dir: string, inDir: string, file: string, signer: string, subject: string, san?: string, opts: { tamperCsr?: boolean; certfile?: string; key?: readonly string[]; pem?: boolean; ext?: string } = {}): string {
  const csr = agentRequest(dir, `${file}-new`, subject, san, opts.key);
  const der = join(dir, `${file}-new.der`);
  ossl(['req', '-in', csr, '-outform', 'DER', '-out', der], dir);
  if (opts.tamperCsr) {
    const b = readFileSync(der);
    b[b.length - 3] = b[b.length - 3]! ^ 0x01; // inside the request's own signature: no proof of possession
    writeFileSync(der, b);
  }
  const out = join(inDir, `${file}${opts.ext ?? '.p7m'}`);
  ossl(['cms', '-sign', '-binary', '-nodetach', '-outform', opts.pem ? 'PEM' : 'DER', '-md', 'sha256', '-signer', `${signer}.crt`, '-inkey', `${signer}.key`, '-in', der, '-out', out, ...(opts.certfile ? ['-certfile', opts.certfile] : [])], dir);
  return out;
}

async function setup() {
  const t = cliWithMedium();
  const { cli, dir } = t;
  await ok(cli, ['vault', 'init']);
  await ok(cli, ['key', 'create', '--name', 'agents-1']);
  await ok(cli, ['key', 'self-sign', 'agents-1', '--subject', 'CN=Agents Root,O=Acme']);
  await ok(cli, ['key', 'activate', 'agents-1']);
  await ok(cli, ['bundle', 'write', '--out', join(dir, 'bundle.pem')]);
  /** Enroll an agent: its first certificate (key and request by OpenSSL), as `<name>.crt` beside `<name>.key`. */
  const enroll = async (name: string, subject: string, san?: string, ca?: string) => {
    const csr = agentRequest(dir, name, subject, san);
    return ((await ok(t.cli, ['--json', '--ca', ca ?? 'default', 'cert', 'issue', '--csr', csr, '--out', join(dir, `${name}.crt`)])).json as { serial: string }).serial;
  };
  const count = async () => ((await ok(cli, ['--json', '--ca', 'default', 'cert', 'list'])).json as { total: number }).total;
  const folder = (name: string) => {
    const p = join(dir, name);
    mkdirSync(p);
    return p;
  };
  const renew = async (inDir: string, outDir: string, extra: string[] = []) => {
    const r = await cli(['--json', '--ca', 'default', 'cert', 'renew-batch', '--in', inDir, '--out', outDir, ...extra]);
    return { code: r.code, doc: r.json as Renewal };
  };
  return { ...t, enroll, count, folder, renew };
}

describe('cert renew-batch with OpenSSL as the agents', () => {
  it('a valid renewal: a new serial for 365 days, same subject and SANs, verified by OpenSSL against the bundle; one audit event; the report as JSON and CSV', async () => {
    const { cli, dir, enroll, folder, renew, clock } = await setup();
    const old = await enroll('a1', '/CN=agent-1/O=Acme', 'DNS:agent-1.example.com');
    const inDir = folder('in');
    const outDir = folder('out');
    renewal(dir, inDir, 'a1', 'a1', '/CN=agent-1/O=Acme', 'DNS:agent-1.example.com');
    const { code, doc } = await renew(inDir, outDir);
    expect(code).toBe(0);
    expect(doc.counts).toEqual({ received: 1, validated: 1, issued: 1, alreadyIssued: 0, refused: 0, refusedByCode: {} });
    const line = doc.requests[0] as Line;
    expect(line).toMatchObject({ file: 'a1.p7m', status: 'issued', agentSerial: old, code: null, out: join(outDir, 'a1.crt.pem') });
    expect(line.newSerial).not.toBe(old);
    const shown = (await ok(cli, ['--json', 'cert', 'show', line.newSerial as string])).json as { subject: string; sans: string[]; profile: string; notBefore: string; notAfter: string };
    expect(shown).toMatchObject({ subject: 'O=Acme,CN=agent-1', sans: ['DNS:agent-1.example.com'], profile: 'agent' });
    expect((new Date(shown.notAfter).getTime() - new Date(shown.notBefore).getTime()) / DAY_MS).toBe(365);
    expect(new Date(shown.notBefore).getTime()).toBe(Math.floor(clock.now().getTime() / 1000) * 1000);
    const v = spawnSync('openssl', ['verify', '-x509_strict', '-purpose', 'sslclient', '-CAfile', join(dir, 'bundle.pem'), line.out as string], { encoding: 'utf8' });
    expect(v.stdout).toContain(': OK');
    // The new certificate is for the new key, not the old one.
    const pub = (f: string) => execFileSync('openssl', ['pkey', '-pubout', '-in', f]).toString();
    const certPub = execFileSync('openssl', ['x509', '-noout', '-pubkey', '-in', line.out as string]).toString();
    expect(certPub).toBe(pub(join(dir, 'a1-new.key')));
    expect(certPub).not.toBe(pub(join(dir, 'a1.key')));
    // Report next to the certificates.
    expect(JSON.parse(readFileSync(doc.report.json, 'utf8'))).toMatchObject({ format: 'airgap-ca-renewal-report', format_version: 1, ca: 'default', counts: doc.counts });
    expect(doc.report.json.startsWith(outDir)).toBe(true);
    expect(readFileSync(doc.report.csv, 'utf8')).toBe(`file,agent_serial,new_serial,status,code\r\na1.p7m,${old},${line.newSerial},issued,\r\n`);
    const events = ((await ok(cli, ['--json', 'audit', 'list'])).json as { events: Array<{ action: string; details: Record<string, unknown> }> }).events.filter((e) => e.action === 'cert.renewal-batch');
    expect(events).toHaveLength(1);
    expect(events[0]?.details).toMatchObject({ ca: 'default', received: 1, issued: 1, refused: 0, renewed: [{ serial: line.newSerial, renews: old }], superseded: [] });
  });

  it('signed by another CA\'s certificate, a foreign one, a revoked one, an expired one; with a changed subject or SANs, a bad inner CSR, a tampered CMS: each its own code, nothing issued', async () => {
    const { cli, dir, enroll, folder, renew, count, clock } = await setup();
    await ok(cli, ['ca', 'create', '--name', 'other']);
    await ok(cli, ['--ca', 'other', 'key', 'create', '--name', 'other-1']);
    await ok(cli, ['--ca', 'other', 'key', 'self-sign', 'other-1', '--subject', 'CN=Other Root']);
    await ok(cli, ['--ca', 'other', 'key', 'activate', 'other-1']);
    await enroll('x1', '/CN=agent-x', undefined, 'other');
    await enroll('r1', '/CN=agent-r');
    const revoked = await enroll('r1b', '/CN=agent-rb');
    await ok(cli, ['--ca', 'default', 'cert', 'revoke', revoked, '--reason', 'keyCompromise']);
    await ok(cli, ['--json', '--ca', 'default', 'cert', 'issue', '--csr', agentRequest(dir, 'short', '/CN=agent-short'), '--out', join(dir, 'short.crt'), '--days', '1']);
    await enroll('s1', '/CN=agent-s', 'DNS:s.example.com');
    await enroll('b1', '/CN=agent-b');
    await enroll('t1', '/CN=agent-t');
    ossl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'foreign.key', '-out', 'foreign.crt', '-subj', '/CN=agent-r', '-days', '30'], dir);
    const inDir = folder('in');
    const outDir = folder('out');
    renewal(dir, inDir, 'other-ca', 'x1', '/CN=agent-x');
    renewal(dir, inDir, 'foreign', 'foreign', '/CN=agent-r');
    renewal(dir, inDir, 'revoked', 'r1b', '/CN=agent-rb');
    renewal(dir, inDir, 'expired', 'short', '/CN=agent-short');
    renewal(dir, inDir, 'subject', 'r1', '/CN=agent-someone-else');
    renewal(dir, inDir, 'sans', 's1', '/CN=agent-s', 'DNS:evil.example.com');
    renewal(dir, inDir, 'bad-csr', 'b1', '/CN=agent-b', undefined, { tamperCsr: true });
    const tampered = renewal(dir, inDir, 'tampered', 't1', '/CN=agent-t');
    const b = readFileSync(tampered);
    b[80] = b[80]! ^ 0x01; // inside the encapsulated request: the message digest no longer matches
    writeFileSync(tampered, b);
    writeFileSync(join(inDir, 'garbage.p7m'), '-----BEGIN CMS-----\nAAAA\n-----END CMS-----\n');
    clock.advance(2 * DAY_MS);
    const before = await count();
    const { code, doc } = await renew(inDir, outDir);
    expect(code).toBe(1);
    expect(Object.fromEntries(doc.requests.map((l) => [l.file, [l.status, l.code]]))).toEqual({
      'bad-csr.p7m': ['refused', 'CSR_BAD_SIGNATURE'],
      'expired.p7m': ['refused', 'RENEWAL_SIGNER_EXPIRED'],
      'foreign.p7m': ['refused', 'RENEWAL_SIGNER_UNKNOWN'],
      'garbage.p7m': ['refused', 'FILE_TYPE_UNKNOWN'],
      'other-ca.p7m': ['refused', 'RENEWAL_SIGNER_UNKNOWN'],
      'revoked.p7m': ['refused', 'RENEWAL_REVOKED'],
      'sans.p7m': ['refused', 'RENEWAL_IDENTITY_CHANGED'],
      'subject.p7m': ['refused', 'RENEWAL_IDENTITY_CHANGED'],
      'tampered.p7m': ['refused', 'CMS_BAD_SIGNATURE'],
    });
    expect(doc.requests.find((l) => l.file === 'other-ca.p7m')).toBeDefined();
    expect(doc.counts).toMatchObject({ received: 9, validated: 0, issued: 0, alreadyIssued: 0, refused: 9 });
    expect(await count()).toBe(before);
    expect(doc.requests.every((l) => l.newSerial === null && l.out === null)).toBe(true);
    // The certificate of the other CA is named as such.
    const r = await cli(['--ca', 'default', 'cert', 'renew-batch', '--in', inDir, '--out', outDir, '--report', join(dir, 'second.json')]);
    expect(r.stdout).toMatch(/issued by the CA "other" of this vault/);
  });

  it('an expired management certificate is renewed through the bootstrap certificate; a bootstrap of another subject or an expired bootstrap is refused', async () => {
    const { cli, dir, folder, renew, count, clock } = await setup();
    const issue = async (name: string, subject: string, args: string[]) =>
      ((await ok(cli, ['--json', 'cert', 'issue', '--csr', agentRequest(dir, name, subject), '--out', join(dir, `${name}.crt`), ...args])).json as { serial: string; profile: string; notBefore: string; notAfter: string });
    const boot = await issue('boot', '/CN=agent-9', ['--profile', 'bootstrap']);
    expect(boot.profile).toBe('bootstrap');
    expect((new Date(boot.notAfter).getTime() - new Date(boot.notBefore).getTime()) / DAY_MS).toBe(1825);
    const mgmt = await issue('mgmt', '/CN=agent-9', ['--days', '1']);
    await issue('boot-other', '/CN=agent-10', ['--profile', 'bootstrap']);
    await issue('mgmt-other', '/CN=agent-11', ['--days', '1']);
    await issue('boot-short', '/CN=agent-12', ['--profile', 'bootstrap', '--days', '1']);
    await issue('mgmt-short', '/CN=agent-12', ['--days', '1']);
    // While the management certificate is valid, the bootstrap certificate may not sign.
    const early = folder('early');
    renewal(dir, early, 'agent-9', 'boot', '/CN=agent-9');
    expect((await renew(early, early)).doc.requests[0]).toMatchObject({ status: 'refused', code: 'RENEWAL_BOOTSTRAP_REFUSED' });

    clock.advance(3 * DAY_MS);
    const inDir = folder('in');
    const outDir = folder('out');
    renewal(dir, inDir, 'by-mgmt', 'mgmt', '/CN=agent-9');
    // Carrying the management certificate of another device: a bootstrap signs only its own device's renewal.
    renewal(dir, inDir, 'other-subject', 'boot-other', '/CN=agent-11', undefined, { certfile: join(dir, 'mgmt-other.crt') });
    renewal(dir, inDir, 'expired-boot', 'boot-short', '/CN=agent-12');
    const before = await count();
    const refused = await renew(inDir, outDir);
    expect(Object.fromEntries(refused.doc.requests.map((l) => [l.file, l.code]))).toEqual({
      'by-mgmt.p7m': 'RENEWAL_SIGNER_EXPIRED',
      'expired-boot.p7m': 'RENEWAL_SIGNER_EXPIRED',
      'other-subject.p7m': 'RENEWAL_BOOTSTRAP_REFUSED',
    });
    expect(await count()).toBe(before);

    const viaBoot = folder('via-boot');
    renewal(dir, viaBoot, 'agent-9', 'boot', '/CN=agent-9');
    const { code, doc } = await renew(viaBoot, viaBoot);
    expect(code).toBe(0);
    expect(doc.requests[0]).toMatchObject({ status: 'issued', agentSerial: mgmt.serial });
    const issued = (await ok(cli, ['--json', 'cert', 'show', doc.requests[0]?.newSerial as string])).json as { profile: string; subject: string };
    // The management certificate's profile, not the bootstrap's.
    expect(issued).toMatchObject({ profile: 'agent', subject: 'CN=agent-9' });
    const at = String(Math.floor(clock.now().getTime() / 1000) + 60);
    expect(spawnSync('openssl', ['verify', '-attime', at, '-CAfile', join(dir, 'bundle.pem'), doc.requests[0]?.out as string], { encoding: 'utf8' }).stdout).toContain(': OK');
  });

  it('the same request twice gives one certificate, written again when its file is missing; --supersede puts the renewed serial on the next CRL as superseded', async () => {
    const { cli, dir, enroll, folder, renew, count } = await setup();
    const old = await enroll('a1', '/CN=agent-1');
    const inDir = folder('in');
    const outDir = folder('out');
    renewal(dir, inDir, 'a1', 'a1', '/CN=agent-1');
    const first = await renew(inDir, outDir);
    expect(first.doc.counts).toMatchObject({ issued: 1, alreadyIssued: 0 });
    const serial = first.doc.requests[0]?.newSerial as string;
    const pem = readFileSync(join(outDir, 'a1.crt.pem'), 'utf8');
    const total = await count();

    // Presented again (the file still there): the same certificate, nothing new.
    const again = await renew(inDir, outDir);
    expect(again.code).toBe(0);
    expect(again.doc.counts).toMatchObject({ received: 1, validated: 1, issued: 0, alreadyIssued: 1, refused: 0 });
    expect(again.doc.requests[0]).toMatchObject({ status: 'already-issued', newSerial: serial, agentSerial: old, out: join(outDir, 'a1.crt.pem') });
    expect(await count()).toBe(total);

    // Its file lost: written again, the same bytes; and --supersede revokes the renewed certificate now.
    rmSync(join(outDir, 'a1.crt.pem'));
    const third = await renew(inDir, outDir, ['--supersede']);
    expect(third.doc.requests[0]).toMatchObject({ status: 'already-issued', newSerial: serial });
    expect(readFileSync(join(outDir, 'a1.crt.pem'), 'utf8')).toBe(pem);
    expect(third.doc.superseded).toEqual([old]);
    expect(await count()).toBe(total);
    // A retry after the supersede (its signer is revoked now) is still served.
    expect((await renew(inDir, outDir, ['--supersede'])).doc.requests[0]).toMatchObject({ status: 'already-issued', newSerial: serial });
    // Another request signed by the renewed certificate is a replay.
    const second = folder('second');
    renewal(dir, second, 'a1-again', 'a1', '/CN=agent-1');
    expect((await renew(second, second)).doc.requests[0]).toMatchObject({ status: 'refused', code: 'RENEWAL_REVOKED' });

    // A fresh agent renewed with --supersede in one go: its old serial is on the next CRL, reason superseded.
    const old2 = await enroll('a2', '/CN=agent-2');
    const in2 = folder('in2');
    renewal(dir, in2, 'a2', 'a2', '/CN=agent-2');
    const sup = await renew(in2, in2, ['--supersede']);
    expect(sup.doc.superseded).toEqual([old2]);
    await ok(cli, ['crl', 'generate', '--out', join(dir, 'next.crl')]);
    const text = execFileSync('openssl', ['crl', '-inform', 'DER', '-noout', '-text', '-CAfile', join(dir, 'bundle.pem'), '-in', join(dir, 'next.crl')]).toString();
    for (const s of [old, old2]) expect(text).toMatch(new RegExp(`Serial Number: 0*${s.toUpperCase()}\\s+Revocation Date: [^\\n]+\\n\\s+CRL entry extensions:\\n\\s+X509v3 CRL Reason Code:\\s+Superseded`));
    expect(existsSync(sup.doc.report.csv)).toBe(true);
  });

  it('the checks run in the issue\'s order: a request failing several gets the first one\'s code; the key policy of the inner request; a second renewal of a renewed certificate; the profile kept, --days, PEM .cms and DER .p7s', async () => {
    const { cli, dir, enroll, folder, renew, count, clock } = await setup();
    const issue = async (name: string, subject: string, args: string[], san?: string) =>
      ((await ok(cli, ['--json', 'cert', 'issue', '--csr', agentRequest(dir, name, subject, san), '--out', join(dir, `${name}.crt`), ...args])).json as { serial: string }).serial;
    for (const name of ['rv', 'tm']) await ok(cli, ['cert', 'revoke', await enroll(name, `/CN=agent-${name}`), '--reason', 'keyCompromise']);
    await issue('sh', '/CN=agent-sh', ['--days', '1']);
    for (const name of ['bc', 'wk', 'rr', 'pm', 'pd']) await enroll(name, `/CN=agent-${name}`);
    const server = await issue('sv', '/CN=sv.example.com', ['--profile', 'server'], 'DNS:sv.example.com');
    // rr is renewed once, in an earlier batch.
    const first = folder('first');
    renewal(dir, first, 'rr', 'rr', '/CN=agent-rr');
    expect((await renew(first, first)).doc.counts).toMatchObject({ issued: 1 });

    const inDir = folder('in');
    const outDir = folder('out');
    // 1 before 3: a tampered envelope signed by a revoked certificate.
    const tampered = renewal(dir, inDir, 'tampered-revoked', 'tm', '/CN=agent-tm');
    const b = readFileSync(tampered);
    b[80] = b[80]! ^ 0x01;
    writeFileSync(tampered, b);
    // 3 before 5 and 6: revoked, with a bad inner request for another subject.
    renewal(dir, inDir, 'revoked-bad-changed', 'rv', '/CN=agent-other', undefined, { tamperCsr: true });
    // 4 before 5: expired, with a bad inner request.
    renewal(dir, inDir, 'expired-bad', 'sh', '/CN=agent-sh', undefined, { tamperCsr: true });
    // 5 before 6: no proof of possession, for another subject; a key too small, for another subject.
    renewal(dir, inDir, 'bad-changed', 'bc', '/CN=agent-zz', undefined, { tamperCsr: true });
    renewal(dir, inDir, 'weak-changed', 'wk', '/CN=agent-zz', undefined, { key: ['-newkey', 'rsa:1024'] });
    // 6 before 7: the renewed certificate again, for another subject; then for its own.
    renewal(dir, inDir, 'renewed-changed', 'rr', '/CN=agent-zz');
    renewal(dir, inDir, 'renewed-again', 'rr', '/CN=agent-rr');
    // Accepted: a server certificate (its profile kept), PEM in a .cms file, DER in a .p7s file.
    renewal(dir, inDir, 'server', 'sv', '/CN=sv.example.com', 'DNS:sv.example.com');
    renewal(dir, inDir, 'pem', 'pm', '/CN=agent-pm', undefined, { pem: true, ext: '.cms' });
    renewal(dir, inDir, 'der', 'pd', '/CN=agent-pd', undefined, { ext: '.p7s' });
    expect(readFileSync(join(inDir, 'pem.cms'), 'utf8')).toMatch(/^-----BEGIN CMS-----/);

    clock.advance(2 * DAY_MS);
    const before = await count();
    const { code, doc } = await renew(inDir, outDir, ['--days', '30']);
    expect(code).toBe(1);
    expect(Object.fromEntries(doc.requests.map((l) => [l.file, [l.status, l.code]]))).toEqual({
      'bad-changed.p7m': ['refused', 'CSR_BAD_SIGNATURE'],
      'der.p7s': ['issued', null],
      'expired-bad.p7m': ['refused', 'RENEWAL_SIGNER_EXPIRED'],
      'pem.cms': ['issued', null],
      'renewed-again.p7m': ['refused', 'RENEWAL_ALREADY_RENEWED'],
      'renewed-changed.p7m': ['refused', 'RENEWAL_IDENTITY_CHANGED'],
      'revoked-bad-changed.p7m': ['refused', 'RENEWAL_REVOKED'],
      'server.p7m': ['issued', null],
      'tampered-revoked.p7m': ['refused', 'CMS_BAD_SIGNATURE'],
      'weak-changed.p7m': ['refused', 'CSR_WEAK_KEY'],
    });
    expect(doc.counts).toMatchObject({ received: 10, validated: 3, issued: 3, alreadyIssued: 0, refused: 7 });
    expect(await count()).toBe(before + 3);
    expect(readdirSync(outDir).filter((f) => f.endsWith('.crt.pem')).sort()).toEqual(['der.crt.pem', 'pem.crt.pem', 'server.crt.pem']);
    const line = doc.requests.find((l) => l.file === 'server.p7m') as Line;
    expect(line.agentSerial).toBe(server);
    const shown = (await ok(cli, ['--json', 'cert', 'show', line.newSerial as string])).json as { profile: string; sans: string[]; notBefore: string; notAfter: string };
    expect(shown).toMatchObject({ profile: 'server', sans: ['DNS:sv.example.com'] });
    expect((new Date(shown.notAfter).getTime() - new Date(shown.notBefore).getTime()) / DAY_MS).toBe(30);
    const at = String(Math.floor(clock.now().getTime() / 1000) + 60);
    expect(spawnSync('openssl', ['verify', '-attime', at, '-purpose', 'sslserver', '-CAfile', join(dir, 'bundle.pem'), line.out as string], { encoding: 'utf8' }).stdout).toContain(': OK');
  });

  it('a certificate of a key still in the bundle (trusted after a rotation) is renewed by the new active key; once that key is retired, RENEWAL_SIGNER_NOT_TRUSTED before any later check', async () => {
    const { cli, dir, enroll, folder, renew, count } = await setup();
    await enroll('o1', '/CN=agent-o1');
    const o2 = await enroll('o2', '/CN=agent-o2');
    await ok(cli, ['key', 'create', '--name', 'agents-2']);
    await ok(cli, ['key', 'self-sign', 'agents-2', '--subject', 'CN=Agents Root 2,O=Acme']);
    await ok(cli, ['key', 'activate', 'agents-2']);
    const active = ((await ok(cli, ['--json', 'key', 'show', 'agents-2'])).json as { id: string }).id;
    await ok(cli, ['bundle', 'write', '--out', join(dir, 'bundle-2.pem')]);
    const trusted = folder('trusted');
    renewal(dir, trusted, 'o1', 'o1', '/CN=agent-o1');
    const r1 = await renew(trusted, trusted);
    expect(r1.doc.requests[0]).toMatchObject({ status: 'issued', code: null });
    expect(((await ok(cli, ['--json', 'cert', 'show', r1.doc.requests[0]?.newSerial as string])).json as { issuerKeyId: string }).issuerKeyId).toBe(active);
    expect(spawnSync('openssl', ['verify', '-CAfile', join(dir, 'bundle-2.pem'), join(trusted, 'o1.crt.pem')], { encoding: 'utf8' }).stdout).toContain(': OK');

    // Revoked and issued by a key no longer in the bundle: check 2 comes first.
    await ok(cli, ['cert', 'revoke', o2]);
    await ok(cli, ['key', 'retire', 'agents-1', '--force', '--reason', 'test']);
    const retired = folder('retired');
    renewal(dir, retired, 'o2', 'o2', '/CN=agent-o2');
    const before = await count();
    const r2 = await renew(retired, retired);
    expect(r2.code).toBe(1);
    expect(r2.doc.requests[0]).toMatchObject({ status: 'refused', code: 'RENEWAL_SIGNER_NOT_TRUSTED', agentSerial: null, newSerial: null });
    expect(await count()).toBe(before);
  });
});
