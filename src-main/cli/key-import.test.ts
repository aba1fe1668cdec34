/**
 * Bringing an existing OpenSSL CA in through the CLI: every key form OpenSSL
 * writes, the refusals (each its own code, the vault and the input files
 * unchanged), and an imported root that keeps issuing certificates and CRLs
 * OpenSSL verifies against the root's original certificate file.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../core/clock.ts';
import { inProcessCli, type CliRun } from '../testing/cli-in-process.ts';
import { hashDir, removeTempDirs, tempDir } from '../testing/temp-dir.ts';

afterAll(removeTempDirs);

const CA_EXT = ['-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'];
const PASSWORD = 'old ca key password';

let dir: string;
const openssl = (...args: string[]): string => {
  const r = spawnSync('/usr/bin/openssl', args, { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout + r.stderr;
};
const path = (name: string) => join(dir, name);
const fileHash = (name: string) => createHash('sha256').update(readFileSync(path(name))).digest('hex');
const errorCode = (r: CliRun) => (r.json as { error?: { code: string } }).error?.code ?? 'ok';

/** A self-signed CA root made by `openssl req -x509`, its key written by OpenSSL in the form asked. */
function makeRoot(name: string, keyAlg: string[], extra: string[] = CA_EXT): void {
  openssl('req', '-x509', '-newkey', ...keyAlg, '-nodes', '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '3650', '-subj', `/CN=${name}/O=Old CA`, ...extra);
}

beforeAll(() => {
  dir = tempDir();
  writeFileSync(path('pw'), `${PASSWORD}\n`);
  writeFileSync(path('wrong-pw'), 'not the password\n');
  makeRoot('p8', ['ec', '-pkeyopt', 'ec_paramgen_curve:P-256']);
  makeRoot('p8enc', ['ec', '-pkeyopt', 'ec_paramgen_curve:P-384']);
  openssl('pkcs8', '-topk8', '-in', 'p8enc.key', '-out', 'p8enc.enc.key', '-passout', 'file:pw');
  makeRoot('trad', ['rsa:3072']);
  openssl('rsa', '-in', 'trad.key', '-traditional', '-out', 'trad.rsa.key');
  // "openssl ecparam -genkey" writes an EC PARAMETERS block before the EC PRIVATE KEY.
  openssl('ecparam', '-name', 'secp384r1', '-genkey', '-out', 'ecparam.key');
  openssl('req', '-x509', '-key', 'ecparam.key', '-out', 'ecparam.pem', '-days', '3650', '-subj', '/CN=ecparam/O=Old CA', ...CA_EXT);
  makeRoot('tradenc', ['ec', '-pkeyopt', 'ec_paramgen_curve:P-256']);
  openssl('ec', '-in', 'tradenc.key', '-aes256', '-out', 'tradenc.enc.key', '-passout', 'file:pw');
  makeRoot('p8der', ['ed25519']);
  openssl('pkey', '-in', 'p8der.key', '-outform', 'DER', '-out', 'p8der.key.der');
  makeRoot('p12', ['ec', '-pkeyopt', 'ec_paramgen_curve:P-256']);
  openssl('pkcs12', '-export', '-inkey', 'p12.key', '-in', 'p12.pem', '-out', 'p12.p12', '-passout', 'file:pw');
  makeRoot('p12des', ['ec', '-pkeyopt', 'ec_paramgen_curve:P-256']);
  openssl('pkcs12', '-export', '-inkey', 'p12des.key', '-in', 'p12des.pem', '-out', 'p12des.p12', '-passout', 'file:pw', '-certpbe', 'PBE-SHA1-3DES', '-keypbe', 'PBE-SHA1-3DES', '-macalg', 'sha1');
  openssl('pkcs12', '-export', '-legacy', '-inkey', 'p12.key', '-in', 'p12.pem', '-out', 'legacy.p12', '-passout', 'file:pw');
  makeRoot('notca', ['ec', '-pkeyopt', 'ec_paramgen_curve:P-256'], ['-addext', 'basicConstraints=critical,CA:FALSE', '-addext', 'keyUsage=critical,digitalSignature']);
  makeRoot('rsa2048', ['rsa:2048']);
  // OpenSSL's default root: basicConstraints CA:TRUE, no keyUsage at all.
  makeRoot('noku', ['ec', '-pkeyopt', 'ec_paramgen_curve:P-256'], []);
  // A sub-CA of an OpenSSL root, with its chain.
  makeRoot('corp', ['ec', '-pkeyopt', 'ec_paramgen_curve:P-256']);
  openssl('req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'sub.key', '-out', 'sub.csr', '-subj', '/CN=Old Issuing CA/O=Old CA');
  writeFileSync(path('sub.ext'), 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n');
  openssl('x509', '-req', '-in', 'sub.csr', '-CA', 'corp.pem', '-CAkey', 'corp.key', '-CAcreateserial', '-days', '1000', '-extfile', 'sub.ext', '-out', 'sub.pem');
  openssl('req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'agent.key', '-out', 'agent.csr', '-subj', '/CN=agent-1.example');
});

function freshCli() {
  const vault = join(tempDir(), 'vault');
  // OpenSSL stamps notBefore with the real time; the CA's clock runs a minute ahead.
  const cli = inProcessCli({ vault, clock: fixedClock(new Date(Date.now() + 60_000)), env: { AIRGAP_CA_PASSPHRASE: 'correct horse battery staple' } });
  return { vault, cli };
}

describe('key import: the forms OpenSSL writes', () => {
  it('imports PKCS#8 (PEM, and DER for Ed25519), encrypted PKCS#8, traditional RSA and encrypted traditional EC PEM, and PKCS#12 (AES/PBKDF2 and 3DES), each as a wrapped key with its certificate', async () => {
    const { cli } = freshCli();
    expect((await cli(['vault', 'init'])).code).toBe(0);
    const cases: Array<{ name: string; args: string[]; source: string; algorithm: string }> = [
      { name: 'p8', args: ['--key', path('p8.key'), '--cert', path('p8.pem')], source: 'pkcs8', algorithm: 'ecdsa-p256' },
      { name: 'p8der', args: ['--key', path('p8der.key.der'), '--cert', path('p8der.pem')], source: 'pkcs8', algorithm: 'ed25519' },
      { name: 'p8enc', args: ['--key', path('p8enc.enc.key'), '--cert', path('p8enc.pem'), '--key-password-file', path('pw')], source: 'pkcs8-encrypted', algorithm: 'ecdsa-p384' },
      { name: 'trad', args: ['--key', path('trad.rsa.key'), '--cert', path('trad.pem')], source: 'traditional', algorithm: 'rsa-3072' },
      { name: 'ecparam', args: ['--key', path('ecparam.key'), '--cert', path('ecparam.pem')], source: 'traditional', algorithm: 'ecdsa-p384' },
      { name: 'tradenc', args: ['--key', path('tradenc.enc.key'), '--cert', path('tradenc.pem'), '--key-password-file', path('pw')], source: 'traditional-encrypted', algorithm: 'ecdsa-p256' },
      { name: 'p12', args: ['--p12', path('p12.p12'), '--key-password-file', path('pw')], source: 'pkcs12', algorithm: 'ecdsa-p256' },
      { name: 'p12des', args: ['--p12', path('p12des.p12'), '--key-password-file', path('pw')], source: 'pkcs12', algorithm: 'ecdsa-p256' },
    ];
    for (const c of cases) {
      const r = await cli(['--json', 'key', 'import', '--name', c.name, ...c.args]);
      expect(errorCode(r), c.name).toBe('ok');
      const k = r.json as { id: string; state: string; algorithm: string; source: string; selfSigned: boolean; subject: string; certificatePem: string; health: { ok: boolean }; root: { fingerprint: string; pinnedNow: boolean } };
      expect([k.state, k.algorithm, k.source, k.selfSigned, k.health.ok, k.root.pinnedNow], c.name).toEqual(['draft', c.algorithm, c.source, true, true, true]);
      // The stored certificate is the original file's, byte for byte (PEM as OpenSSL wrote it).
      expect(k.certificatePem.trim()).toBe(readFileSync(path(`${c.name}.pem`), 'utf8').trim());
      const fp = openssl('x509', '-in', `${c.name}.pem`, '-noout', '-fingerprint', '-sha256').trim().split('=')[1]!.replaceAll(':', '').toLowerCase();
      expect(k.root.fingerprint).toBe(fp);
      // The key id is the SHA-256 of the certificate's SPKI, as OpenSSL computes it.
      const spki = spawnSync('/usr/bin/openssl', ['x509', '-in', `${c.name}.pem`, '-noout', '-pubkey'], { cwd: dir }).stdout;
      const der = spawnSync('/usr/bin/openssl', ['pkey', '-pubin', '-outform', 'DER'], { cwd: dir, input: spki }).stdout;
      expect(k.id).toBe(`sha256:${createHash('sha256').update(der).digest('hex')}`);
    }
    const audit = (await cli(['--json', 'audit', 'list'])).json as { events: Array<{ action: string; details: { source?: string; state?: string } }> };
    const imported = audit.events.filter((e) => e.action === 'key.imported');
    expect(imported.map((e) => e.details.source)).toEqual(cases.map((c) => c.source));
    expect(audit.events.filter((e) => e.action === 'key.root-pinned')).toHaveLength(cases.length);
  });
});

describe('key import: refusals change nothing', () => {
  it('a certificate of another key, a non-CA certificate, a wrong or missing password, RC2, RSA-2048, a duplicate, a second active key: each its own code, vault and files unchanged', async () => {
    const { vault, cli } = freshCli();
    expect((await cli(['vault', 'init'])).code).toBe(0);
    expect((await cli(['key', 'import', '--name', 'existing', '--key', path('p8.key'), '--cert', path('p8.pem'), '--state', 'active'])).code).toBe(0);
    const refusals: Array<[string, string[]]> = [
      ['CHAIN_KEY_MISMATCH', ['--key', path('p8enc.enc.key'), '--cert', path('trad.pem'), '--key-password-file', path('pw')]],
      ['CHAIN_NOT_CA', ['--key', path('notca.key'), '--cert', path('notca.pem')]],
      ['CHAIN_NO_KEYCERTSIGN', ['--key', path('noku.key'), '--cert', path('noku.pem')]],
      ['KEY_IMPORT_WRONG_PASSWORD', ['--key', path('p8enc.enc.key'), '--cert', path('p8enc.pem'), '--key-password-file', path('wrong-pw')]],
      ['KEY_IMPORT_WRONG_PASSWORD', ['--key', path('tradenc.enc.key'), '--cert', path('tradenc.pem'), '--key-password-file', path('wrong-pw')]],
      ['KEY_IMPORT_WRONG_PASSWORD', ['--p12', path('p12.p12'), '--key-password-file', path('wrong-pw')]],
      ['KEY_IMPORT_PASSWORD_REQUIRED', ['--key', path('p8enc.enc.key'), '--cert', path('p8enc.pem')]],
      ['KEY_IMPORT_PASSWORD_REQUIRED', ['--p12', path('p12.p12')]],
      ['KEY_IMPORT_UNSUPPORTED_ENCRYPTION', ['--p12', path('legacy.p12'), '--key-password-file', path('pw')]],
      ['KEY_IMPORT_UNREADABLE', ['--key', path('p8.pem'), '--cert', path('p8.pem')]],
      ['UNSUPPORTED_ALGORITHM', ['--key', path('rsa2048.key'), '--cert', path('rsa2048.pem')]],
      ['KEY_IMPORT_DUPLICATE', ['--key', path('p8.key'), '--cert', path('p8.pem')]],
      ['KEY_IMPORT_ACTIVE_EXISTS', ['--key', path('trad.rsa.key'), '--cert', path('trad.pem'), '--state', 'active']],
      ['CHAIN_UNRELATED_CERT', ['--key', path('trad.rsa.key'), '--cert', path('trad.pem'), '--chain', path('corp.pem')]],
      ['CHAIN_ROOT_NOT_PINNED', ['--key', path('sub.key'), '--cert', path('sub.pem'), '--chain', path('corp.pem')]],
      ['INVALID_INPUT', ['--key', path('p8.key')]],
      ['INVALID_INPUT', ['--p12', path('p12.p12'), '--cert', path('p12.pem'), '--key-password-file', path('pw')]],
    ];
    const inputs = ['p8.key', 'p8.pem', 'p8enc.enc.key', 'trad.pem', 'p12.p12', 'legacy.p12', 'sub.key', 'corp.pem'];
    const before = { vault: hashDir(vault), files: inputs.map(fileHash) };
    for (const [code, args] of refusals) {
      const r = await cli(['--json', 'key', 'import', '--name', 'candidate', ...args]);
      expect(errorCode(r), args.join(' ')).toBe(code);
      expect(r.code, code).toBe(code === 'INVALID_INPUT' ? 2 : 1);
    }
    expect(hashDir(vault)).toBe(before.vault);
    expect(inputs.map(fileHash)).toEqual(before.files);
  });
});

describe('key import is per CA', () => {
  it('lands in the CA named with --ca, its events name that CA, the other CA does not see it, and the same key cannot come in twice across CAs', async () => {
    const { cli } = freshCli();
    expect((await cli(['vault', 'init'])).code).toBe(0);
    expect((await cli(['ca', 'create', '--name', 'old'])).code).toBe(0);
    expect(errorCode(await cli(['--json', 'key', 'import', '--name', 'old-root', '--key', path('p8.key'), '--cert', path('p8.pem')]))).toBe('CA_REQUIRED');
    const r = await cli(['--json', '--ca', 'old', 'key', 'import', '--name', 'old-root', '--key', path('p8.key'), '--cert', path('p8.pem'), '--state', 'active']);
    expect(errorCode(r)).toBe('ok');
    expect((r.json as { ca: string; state: string })).toMatchObject({ ca: 'old', state: 'active' });
    expect(errorCode(await cli(['--json', '--ca', 'default', 'key', 'show', 'old-root']))).toBe('KEY_NOT_FOUND');
    expect(errorCode(await cli(['--json', '--ca', 'default', 'key', 'import', '--name', 'again', '--key', path('p8.key'), '--cert', path('p8.pem')]))).toBe('KEY_IMPORT_DUPLICATE');
    const audit = (await cli(['--json', 'audit', 'list'])).json as { events: Array<{ action: string; details: { ca?: string } }> };
    expect(audit.events.filter((e) => e.action === 'key.imported' || e.action === 'key.root-pinned').map((e) => [e.action, e.details.ca])).toEqual([
      ['key.root-pinned', 'old'],
      ['key.imported', 'old'],
    ]);
  });
});

describe('an imported OpenSSL root keeps issuing', () => {
  it('issues a certificate and a CRL that OpenSSL verifies against the original root certificate file', async () => {
    const { cli } = freshCli();
    expect((await cli(['vault', 'init'])).code).toBe(0);
    const imported = await cli(['--json', 'key', 'import', '--name', 'old-root', '--p12', path('p12.p12'), '--key-password-file', path('pw'), '--state', 'active']);
    expect(errorCode(imported)).toBe('ok');
    expect((imported.json as { state: string }).state).toBe('active');
    expect((await cli(['cert', 'issue', '--csr', path('agent.csr'), '--out', path('agent-from-import.pem')])).code).toBe(0);
    // At the CA's time (a minute ahead of OpenSSL's), so the new certificate's notBefore has passed.
    const at = String(Math.floor(Date.now() / 1000) + 120);
    expect(openssl('verify', '-attime', at, '-CAfile', 'p12.pem', 'agent-from-import.pem')).toContain('agent-from-import.pem: OK');
    expect((await cli(['crl', 'generate', '--out', path('import.crl'), '--format', 'pem'])).code).toBe(0);
    expect(openssl('crl', '-in', 'import.crl', '-noout', '-CAfile', 'p12.pem')).toMatch(/verify OK/);
  });

  it('a sub-CA of an OpenSSL root comes in with its chain once the root fingerprint is given, as trusted beside the active key', async () => {
    const { cli } = freshCli();
    expect((await cli(['vault', 'init'])).code).toBe(0);
    expect((await cli(['key', 'import', '--name', 'active', '--key', path('p8.key'), '--cert', path('p8.pem'), '--state', 'active'])).code).toBe(0);
    const fp = openssl('x509', '-in', 'corp.pem', '-noout', '-fingerprint', '-sha256').trim().split('=')[1]!;
    const r = await cli(['--json', 'key', 'import', '--name', 'old-issuing', '--key', path('sub.key'), '--cert', path('sub.pem'), '--chain', path('corp.pem'), '--root-fingerprint', fp, '--state', 'trusted', '--trusted-window', '10']);
    expect(errorCode(r)).toBe('ok');
    const k = r.json as { state: string; trustedUntil: string; chain: Array<{ selfSigned: boolean }>; root: { pinnedNow: boolean } };
    expect([k.state, k.chain.map((c) => c.selfSigned), k.root.pinnedNow]).toEqual(['trusted', [false, true], true]);
    expect(new Date(k.trustedUntil).getTime() - Date.now()).toBeGreaterThan(9 * 86_400_000);
    expect((await cli(['bundle', 'write', '--out', path('bundle-sub.pem')])).code).toBe(0);
    expect((readFileSync(path('bundle-sub.pem'), 'utf8').match(/BEGIN CERTIFICATE/g) ?? []).length).toBe(3);
  });
});

describe("an imported CA's past issuance: cert import and crl import", () => {
  it('records what the key issued (duplicates, foreign and own certificates refused per file), continues the CRL numbers above the imported CRL, keeps its revocations and adds new ones', async () => {
    const { vault, cli } = freshCli();
    expect((await cli(['vault', 'init'])).code).toBe(0);
    expect((await cli(['key', 'import', '--name', 'old-root', '--key', path('p8.key'), '--cert', path('p8.pem'), '--state', 'active'])).code).toBe(0);
    const issued = join(tempDir(), 'issued');
    const sign = (out: string, ca: string, serial: string) => openssl('x509', '-req', '-in', 'agent.csr', '-CA', `${ca}.pem`, '-CAkey', `${ca}.key`, '-set_serial', serial, '-days', '365', '-out', join(issued, out));
    spawnSync('mkdir', ['-p', issued]);
    sign('leaf1.pem', 'p8', '0x1001');
    sign('leaf2.pem', 'p8', '0x1002');
    sign('leaf3.pem', 'p8', '0x1003');
    writeFileSync(join(issued, 'z-leaf1-copy.pem'), readFileSync(join(issued, 'leaf1.pem')));
    sign('other-1001.pem', 'p8', '0x1001');
    sign('foreign.pem', 'corp', '0x2001');
    writeFileSync(join(issued, 'root.pem'), readFileSync(path('p8.pem')));
    writeFileSync(join(issued, 'notes.txt'), 'not a certificate\n');
    const r = await cli(['--json', 'cert', 'import', '--issuer', 'old-root', '--from', issued]);
    expect(r.code).toBe(1);
    const result = r.json as { imported: number; refused: number; results: Array<{ file: string; ok: boolean; serial: string | null; code: string | null }> };
    expect(Object.fromEntries(result.results.map((x) => [x.file, x.ok ? x.serial : x.code]))).toEqual({
      'foreign.pem': 'CERT_IMPORT_FOREIGN',
      'leaf1.pem': '1001',
      'leaf2.pem': '1002',
      'leaf3.pem': '1003',
      'notes.txt': 'FILE_TYPE_UNKNOWN',
      'other-1001.pem': 'CERT_IMPORT_SERIAL_TAKEN',
      'root.pem': 'CERT_IMPORT_ISSUER_ITSELF',
      'z-leaf1-copy.pem': 'CERT_IMPORT_DUPLICATE',
    });
    expect([result.imported, result.refused]).toEqual([3, 5]);
    // A second run finds everything there already: refused per file, nothing written.
    const before = hashDir(vault);
    const again = (await cli(['--json', 'cert', 'import', '--issuer', 'old-root', '--from', issued])).json as { imported: number; results: Array<{ file: string; code: string | null }> };
    expect(again.imported).toBe(0);
    expect(again.results.find((x) => x.file === 'leaf2.pem')?.code).toBe('CERT_IMPORT_DUPLICATE');
    expect(hashDir(vault)).toBe(before);
    const events = (await cli(['--json', 'audit', 'list'])).json as { events: Array<{ action: string; details: { imported?: number; refused?: number } }> };
    expect(events.events.filter((e) => e.action === 'cert.imported').map((e) => [e.details.imported, e.details.refused])).toEqual([[3, 5]]);

    // The old CA revoked leaf2 and published CRL number 5,000,000,000 (above any Unix time the vault would pick).
    const ca = join(tempDir(), 'oldca');
    spawnSync('mkdir', ['-p', ca]);
    writeFileSync(join(ca, 'index.txt'), '');
    writeFileSync(join(ca, 'crlnumber'), '012A05F200\n');
    writeFileSync(join(ca, 'ca.cnf'), `[ca]\ndefault_ca = old\n[old]\ndatabase = ${ca}/index.txt\ncrlnumber = ${ca}/crlnumber\ndefault_md = sha256\ndefault_crl_days = 30\ncertificate = ${path('p8.pem')}\nprivate_key = ${path('p8.key')}\n`);
    openssl('ca', '-config', join(ca, 'ca.cnf'), '-revoke', join(issued, 'leaf2.pem'), '-crl_reason', 'keyCompromise');
    openssl('ca', '-config', join(ca, 'ca.cnf'), '-gencrl', '-out', join(ca, 'old.crl'));
    openssl('ca', '-config', join(ca, 'ca.cnf'), '-gencrl', '-out', join(ca, 'older.crl'));
    // A CRL of another CA, and one signed by another key under this CA's name, are refused.
    const foreignCa = join(ca, 'foreign.cnf');
    writeFileSync(foreignCa, readFileSync(join(ca, 'ca.cnf'), 'utf8').replace(path('p8.pem'), path('corp.pem')).replace(path('p8.key'), path('corp.key')));
    openssl('ca', '-config', foreignCa, '-gencrl', '-out', join(ca, 'foreign.crl'));
    // A CRL revoking a certificate the vault was never given, and a version 1 CRL (no cRLNumber): refused, nothing changed.
    sign('never-imported.pem', 'p8', '0x1009');
    const other = join(ca, 'other.cnf');
    writeFileSync(join(ca, 'index2.txt'), '');
    writeFileSync(other, readFileSync(join(ca, 'ca.cnf'), 'utf8').replace(`${ca}/index.txt`, `${ca}/index2.txt`));
    openssl('ca', '-config', other, '-revoke', join(issued, 'never-imported.pem'));
    openssl('ca', '-config', other, '-gencrl', '-out', join(ca, 'unknown.crl'));
    writeFileSync(join(ca, 'v1.cnf'), readFileSync(join(ca, 'ca.cnf'), 'utf8').replace(/^crlnumber = .*$/m, ''));
    openssl('ca', '-config', join(ca, 'v1.cnf'), '-gencrl', '-out', join(ca, 'v1.crl'));
    const unchanged = hashDir(vault);
    for (const [file, code] of [['foreign.crl', 'CRL_IMPORT_FOREIGN'], ['unknown.crl', 'CRL_IMPORT_UNKNOWN_SERIAL'], ['v1.crl', 'CRL_IMPORT_NO_NUMBER'], ['index.txt', 'CRL_UNPARSEABLE']] as const) {
      expect(errorCode(await cli(['--json', 'crl', 'import', '--issuer', 'old-root', '--file', join(ca, file)])), file).toBe(code);
    }
    expect(hashDir(vault)).toBe(unchanged);

    const imported = await cli(['--json', 'crl', 'import', '--issuer', 'old-root', '--file', join(ca, 'older.crl')]);
    expect(errorCode(imported)).toBe('ok');
    expect(imported.json).toMatchObject({ number: 5_000_000_001, entries: 1, revoked: 1, alreadyRevoked: 0 });
    // An older CRL than the one recorded is refused: numbers only grow.
    const stale = hashDir(vault);
    expect(errorCode(await cli(['--json', 'crl', 'import', '--issuer', 'old-root', '--file', join(ca, 'old.crl')]))).toBe('CRL_IMPORT_NOT_NEWER');
    expect(hashDir(vault)).toBe(stale);

    // Revoke an imported serial here; the next CRL is numbered above the imported one and lists both.
    expect((await cli(['cert', 'revoke', '1003', '--reason', 'superseded'])).code).toBe(0);
    const crl = await cli(['--json', 'crl', 'generate', '--out', path('continued.crl'), '--format', 'pem']);
    expect((crl.json as { number: number; entries: number })).toMatchObject({ number: 5_000_000_002, entries: 2 });
    const text = openssl('crl', '-in', 'continued.crl', '-noout', '-text', '-CAfile', 'p8.pem');
    expect(text).toMatch(/verify OK/);
    expect(text).toMatch(/Serial Number: 1002[\s\S]*Key Compromise/);
    expect(text).toMatch(/Serial Number: 1003[\s\S]*Superseded/);
    writeFileSync(path('continued-chain.pem'), readFileSync(path('p8.pem'), 'utf8') + readFileSync(path('continued.crl'), 'utf8'));
    const verdict = spawnSync('/usr/bin/openssl', ['verify', '-crl_check', '-CAfile', path('continued-chain.pem'), join(issued, 'leaf3.pem')], { encoding: 'utf8' });
    expect(verdict.stdout + verdict.stderr).toMatch(/certificate revoked/);
    const listed = (await cli(['--json', 'cert', 'list', '--issuer', 'old-root'])).json as { items: Array<{ serial: string; status: string; profile: string }> };
    expect(listed.items.map((c) => [c.serial, c.status, c.profile]).sort()).toEqual([['1001', 'valid', 'imported'], ['1002', 'revoked', 'imported'], ['1003', 'revoked', 'imported']]);
  });
});
