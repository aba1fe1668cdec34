/**
 * Keys on a real SoftHSM2 token, end to end through the CLI: the commander
 * program in this process (fast), and as the officer runs it — node
 * bin/airgap-ca.js as a child process, which logs in to the token afresh —
 * wherever a fresh process matters (a wrong PIN, a token removed, a key
 * deleted: this process's SoftHSM caches its login and its tokens).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../core/clock.ts';
import { makeCsr } from '../testing/issuance-fixtures.ts';
import { jsonError, runCli, type CliRun } from '../testing/cli-runner.ts';
import { runOnTerminal } from '../testing/terminal.ts';
import { inProcessCli } from '../testing/cli-in-process.ts';
import { SOFTHSM_MODULE, softHsm, type SoftHsmToken } from '../testing/softhsm.ts';
import { removeTempDirs, tempDir } from '../testing/temp-dir.ts';
import { openRawDatabase, vaultKeyOf } from '../testing/vault-fixtures.ts';

afterAll(removeTempDirs);

const PASS = 'correct horse battery staple, token test';

// Every token of this file, made before this process first loads the module (it reads SOFTHSM2_CONF once).
const hsm = softHsm();
const TOKENS = { main: hsm.token('ca-token'), failures: hsm.token('fail-token'), algorithms: hsm.token('algo-token'), cas: hsm.token('cas-token'), locked: hsm.token('lock-token'), secrets: hsm.token('secret-token', '73915824') };
process.env.SOFTHSM2_CONF = hsm.conf;

interface Officer {
  dir: string;
  vault: string;
  usb: string;
  token: SoftHsmToken;
  /** The CLI in this process. */
  cli: (args: string[]) => Promise<CliRun>;
  /** The CLI as a child process, with extra environment. */
  child: (args: string[], env?: Record<string, string>) => Promise<CliRun>;
}

function officer(token: SoftHsmToken): Officer {
  const dir = tempDir();
  const vault = join(dir, 'vault');
  const usb = join(dir, 'usb');
  mkdirSync(usb);
  const home = join(dir, 'home');
  mkdirSync(home);
  const env = { AIRGAP_CA_PASSPHRASE: PASS, AIRGAP_CA_PKCS11_MODULE: SOFTHSM_MODULE, AIRGAP_CA_MEDIA_ROOTS: usb };
  const cli = inProcessCli({ vault, clock: fixedClock(new Date(Date.now() - 60_000)), env });
  const child = (args: string[], extra: Record<string, string> = {}) => runCli(args, { env: { ...token.env, ...env, AIRGAP_CA_VAULT: vault, AIRGAP_CA_ACTOR: 'officer', ...extra }, home });
  return { dir, vault, usb, token, cli, child };
}

const ok = (r: CliRun): unknown => {
  expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
  return r.json;
};

/** What a refused command must leave as it was: the keys, the certificates, the audit log. */
async function vaultState(o: Officer): Promise<unknown> {
  const keys = ok(await o.cli(['--json', 'key', 'list'])) as Array<{ id: string; state: string; token: unknown }>;
  const certs = ok(await o.cli(['--json', 'cert', 'list'])) as { total: number };
  const audit = ok(await o.cli(['--json', 'audit', 'list'])) as { events: unknown[] };
  return { keys: keys.map((k) => [k.id, k.state]), certs: certs.total, events: audit.events.length };
}

function openssl(args: string[], cwd: string): { status: number | null; out: string } {
  const r = spawnSync('openssl', args, { cwd, encoding: 'utf8' });
  return { status: r.status, out: r.stdout + r.stderr };
}

describe('a CA whose keys live on a PKCS#11 token (SoftHSM2)', () => {
  const o = officer(TOKENS.main);
  let rootId = '';
  let ckaId = '';

  beforeAll(async () => {
    ok(await o.cli(['vault', 'init']));
  });

  it('creates the key pair on the token: sensitive, never extractable; the vault holds the public key and no wrapped private key', async () => {
    const k = ok(await o.cli(['--json', '--pin-file', o.token.pinFile, 'key', 'create', '--name', 'root', '--token', o.token.label])) as {
      id: string;
      algorithm: string;
      token: { label: string; serial: string; ckaId: string; ckaLabel: string; origin: string; status: string };
    };
    rootId = k.id;
    ckaId = k.token.ckaId;
    expect(k.algorithm).toBe('ecdsa-p256');
    expect(k.token).toMatchObject({ label: o.token.label, serial: o.token.serial, origin: 'generated', status: 'OK' });
    expect(k.token.ckaId).toMatch(/^[0-9a-f]{32}$/);

    const objects = o.token.pkcs11Tool(['--list-objects']);
    const priv = objects.split(/\n(?=\S)/).find((b) => b.startsWith('Private Key Object') && b.includes(`ID:         ${ckaId}`));
    expect(priv).toBeDefined();
    expect(priv).toMatch(/Access:\s+sensitive, always sensitive, never extractable, local/);
    expect(priv).toContain(`label:      ${k.token.ckaLabel}`);

    const raw = openRawDatabase(o.vault, await vaultKeyOf(o.vault, { passphrase: PASS }));
    try {
      const row = raw.prepare('SELECT length(wrapped_private_key) AS w, length(wrap_nonce) AS n, spki FROM signing_keys WHERE id = ?').get(rootId) as { w: number; n: number; spki: Buffer };
      expect([row.w, row.n]).toEqual([0, 0]);
      // The key id stays the SHA-256 of the SPKI, which is the token's public key.
      expect(`sha256:${execFileSync('sha256sum', { input: row.spki }).toString().slice(0, 64)}`).toBe(rootId);
      expect(raw.prepare('SELECT token_serial, cka_id, origin FROM token_keys WHERE key_id = ?').get(rootId)).toEqual({ token_serial: o.token.serial, cka_id: ckaId, origin: 'generated' });
    } finally {
      raw.close();
    }
  });

  it('self-signs a root and signs a CSR on the token that OpenSSL accepts', async () => {
    ok(await o.cli(['--pin-file', o.token.pinFile, 'key', 'self-sign', 'root', '--subject', 'CN=Token Root,O=Acme']));
    const shown = ok(await o.cli(['--json', '--pin-file', o.token.pinFile, 'key', 'show', 'root'])) as { certificatePem: string; health: { ok: boolean }; token: { status: string } };
    expect(shown.health.ok).toBe(true);
    expect(shown.token.status).toBe('OK');
    writeFileSync(join(o.dir, 'root.pem'), shown.certificatePem);
    expect(openssl(['verify', '-x509_strict', '-CAfile', 'root.pem', 'root.pem'], o.dir)).toEqual({ status: 0, out: 'root.pem: OK\n' });

    // A second key on the token, RSA-3072, asks a corporate CA to certify it.
    ok(await o.cli(['--pin-file', o.token.pinFile, 'key', 'create', '--name', 'sub', '--algorithm', 'rsa-3072', '--token-serial', o.token.serial]));
    ok(await o.cli(['--pin-file', o.token.pinFile, 'key', 'csr', 'sub', '--subject', 'CN=Token Sub,O=Acme', '--out', join(o.dir, 'sub.csr')]));
    const req = openssl(['req', '-verify', '-noout', '-in', 'sub.csr'], o.dir);
    expect(req.status).toBe(0);
    expect(req.out).toMatch(/verify OK|Certificate request self-signature verify OK/);
  });

  it('issues 1,000 leaves in one batch from the token (one session per worker); OpenSSL verifies every one, then a CRL and a signed export', async () => {
    ok(await o.cli(['--pin-file', o.token.pinFile, 'key', 'activate', 'root']));
    const inDir = join(o.dir, 'csrs');
    const outDir = join(o.dir, 'certs');
    mkdirSync(inDir);
    mkdirSync(outDir);
    for (let i = 0; i < 1000; i++) writeFileSync(join(inDir, `agent-${String(i).padStart(4, '0')}.csr`), makeCsr('p256', `agent-${i}`));
    const batch = ok(await o.cli(['--json', '--pin-file', o.token.pinFile, 'cert', 'issue-batch', '--in', inDir, '--out', outDir])) as { issued: number; failed: number };
    expect([batch.issued, batch.failed]).toEqual([1000, 0]);
    const files = readdirSync(outDir).filter((f) => f.endsWith('.crt.pem'));
    expect(files).toHaveLength(1000);
    const v = openssl(['verify', '-x509_strict', '-CAfile', join(o.dir, 'root.pem'), ...files.map((f) => join(outDir, f))], o.dir);
    expect(v.status).toBe(0);
    expect(v.out.match(/: OK$/gm)).toHaveLength(1000);

    const first = (ok(await o.cli(['--json', 'cert', 'list'])) as { items: Array<{ serial: string }> }).items[0]!.serial;
    ok(await o.cli(['cert', 'revoke', first, '--reason', 'keyCompromise']));
    const crl = ok(await o.cli(['--json', '--pin-file', o.token.pinFile, 'crl', 'generate', '--out', join(o.dir, 'root.crl')])) as { entries: number };
    expect(crl.entries).toBe(1);
    const c = openssl(['crl', '-inform', 'DER', '-in', 'root.crl', '-CAfile', 'root.pem', '-noout'], o.dir);
    expect([c.status, c.out.trim()]).toEqual([0, 'verify OK']);

    const pkg = ok(await o.cli(['--json', '--pin-file', o.token.pinFile, 'export', 'media', '--to', o.usb])) as { dir: string; signingKeyId: string };
    expect(pkg.signingKeyId).toBe(rootId);
    const verified = ok(await o.cli(['--json', 'export', 'verify', pkg.dir, '--key-id', rootId])) as { ok: boolean; pinned: boolean };
    expect(verified).toMatchObject({ ok: true, pinned: true });
    const anchor = JSON.parse(readFileSync(join(pkg.dir, 'trust-anchor.json'), 'utf8')) as { keys: Array<{ key_id: string; public_key: string }> };
    writeFileSync(join(o.dir, 'pub.der'), Buffer.from(anchor.keys.find((k) => k.key_id === rootId)!.public_key, 'base64url'));
    execFileSync('openssl', ['pkey', '-pubin', '-inform', 'DER', '-in', join(o.dir, 'pub.der'), '-out', join(o.dir, 'pub.pem')]);
    const d = openssl(['dgst', '-sha256', '-verify', join(o.dir, 'pub.pem'), '-signature', 'MANIFEST.json.sig', 'MANIFEST.json'], pkg.dir);
    expect([d.status, d.out.trim()]).toEqual([0, 'Verified OK']);
  });

  it('refuses to sign once the token is gone (TOKEN_NOT_PRESENT), and changes nothing', async () => {
    writeFileSync(join(o.dir, 'one.csr'), makeCsr('p256', 'after-removal'));
    const before = await vaultState(o);
    const away = `${o.token.tokensDir}.away`;
    renameSync(o.token.tokensDir, away);
    mkdirSync(o.token.tokensDir);
    try {
      const r = await o.child(['--json', '--pin-file', o.token.pinFile, 'cert', 'issue', '--csr', join(o.dir, 'one.csr'), '--out', join(o.dir, 'one.crt')]);
      expect([r.code, jsonError(r).code]).toEqual([1, 'TOKEN_NOT_PRESENT']);
      expect(jsonError(r).message).toMatch(/Insert the token/);
      const shown = ok(await o.child(['--json', '--pin-file', o.token.pinFile, 'key', 'show', 'root'])) as { health: { ok: boolean; problems: string[] }; token: { status: string } };
      expect(shown.token.status).toBe('TOKEN_NOT_PRESENT');
      expect(shown.health.ok).toBe(false);
    } finally {
      renameSync(o.token.tokensDir, `${o.token.tokensDir}.empty`);
      renameSync(away, o.token.tokensDir);
    }
    expect(readdirSync(o.dir)).not.toContain('one.crt');
    expect(await vaultState(o)).toEqual(before);
  });
});

describe('token failures each have their own code and change nothing', () => {
  const o = officer(TOKENS.failures);

  beforeAll(async () => {
    ok(await o.cli(['vault', 'init']));
    ok(await o.cli(['--pin-file', o.token.pinFile, 'key', 'create', '--name', 'root', '--token', o.token.label]));
    ok(await o.cli(['--pin-file', o.token.pinFile, 'key', 'self-sign', 'root', '--subject', 'CN=Failure Root']));
    ok(await o.cli(['--pin-file', o.token.pinFile, 'key', 'activate', 'root']));
    ok(await o.cli(['--pin-file', o.token.pinFile, 'key', 'create', '--name', 'spare', '--token', o.token.label]));
    writeFileSync(join(o.dir, 'a.csr'), makeCsr('p256', 'agent-a'));
  });

  const issue = (env: Record<string, string>, extra: string[] = []) => o.child(['--json', ...extra, 'cert', 'issue', '--csr', join(o.dir, 'a.csr'), '--out', join(o.dir, 'a.crt')], env);

  it('a wrong PIN (AIRGAP_CA_PIN), no PIN at all, a missing module, another key under the name: each its code', async () => {
    const before = await vaultState(o);
    const wrong = await issue({ AIRGAP_CA_PIN: '000000' });
    expect([wrong.code, jsonError(wrong).code]).toEqual([3, 'TOKEN_PIN_INCORRECT']);
    const none = await issue({});
    expect([none.code, jsonError(none).code]).toEqual([3, 'TOKEN_PIN_REQUIRED']);
    expect(jsonError(none).message).toMatch(/--pin-file FILE or AIRGAP_CA_PIN/);
    const noModule = await issue({ AIRGAP_CA_PKCS11_MODULE: join(o.dir, 'no-such-module.so') }, ['--pin-file', o.token.pinFile]);
    expect([noModule.code, jsonError(noModule).code]).toEqual([1, 'TOKEN_MODULE_MISSING']);
    const wrongCreate = await o.child(['--json', 'key', 'create', '--name', 'second', '--token', o.token.label], { AIRGAP_CA_PIN: '000000' });
    expect(jsonError(wrongCreate).code).toBe('TOKEN_PIN_INCORRECT');
    const noToken = await o.child(['--json', '--pin-file', o.token.pinFile, 'key', 'create', '--name', 'second', '--token', 'no-such-token']);
    expect(jsonError(noToken).code).toBe('TOKEN_NOT_PRESENT');
    expect(await vaultState(o)).toEqual(before);
    // The PIN never shows in what the CLI prints.
    for (const r of [wrong, none, noModule, wrongCreate, noToken]) expect(r.stdout + r.stderr).not.toContain(o.token.pin);
  });

  it('the health check says each of them too (key show), and a wrong PIN is tried on the token once per command, not once per key', async () => {
    const before = await vaultState(o);
    const show = async (env: Record<string, string>, extra: string[] = []) => {
      const r = ok(await o.child(['--json', ...extra, 'key', 'show', 'root'], env)) as { health: { ok: boolean; problems: string[] }; token: { status: string; message: string } };
      return [r.health.ok, r.token.status, r.token.message];
    };
    expect(await show({ AIRGAP_CA_PIN: '000000' })).toEqual([false, 'TOKEN_PIN_INCORRECT', expect.stringMatching(/Check the PIN file or AIRGAP_CA_PIN/)]);
    expect(await show({ AIRGAP_CA_PKCS11_MODULE: join(o.dir, 'no-such-module.so') }, ['--pin-file', o.token.pinFile])).toEqual([false, 'TOKEN_MODULE_MISSING', expect.stringMatching(/does not exist/)]);
    expect(await show({}, ['--pin-file', o.token.pinFile])).toEqual([true, 'OK', expect.stringMatching(/it signs/)]);

    // Two keys on the token, a wrong PIN: OpenSC's pkcs11-spy between the CLI and SoftHSM2 logs every call the token sees.
    const spyLog = join(o.dir, 'spy.log');
    const spied = { AIRGAP_CA_PKCS11_MODULE: '/usr/lib/x86_64-linux-gnu/pkcs11-spy.so', PKCS11SPY: SOFTHSM_MODULE, PKCS11SPY_OUTPUT: spyLog };
    const listed = ok(await o.child(['--json', 'key', 'list'], { ...spied, AIRGAP_CA_PIN: '000000' })) as Array<{ name: string; token: { status: string } | null }>;
    expect(listed.map((k) => [k.name, k.token?.status])).toEqual([['root', 'TOKEN_PIN_INCORRECT'], ['spare', 'TOKEN_PIN_INCORRECT']]);
    const logins = readFileSync(spyLog, 'utf8').split('\n').filter((l) => /^\d+: C_Login$/.test(l));
    expect(logins).toHaveLength(1);
    expect(readFileSync(spyLog, 'utf8')).toContain('CKR_PIN_INCORRECT');
    expect(await vaultState(o)).toEqual(before);
  });

  it('a key deleted from the token behind the vault\'s back: TOKEN_KEY_MISSING on signing and in the health check', async () => {
    const k = ok(await o.cli(['--json', '--pin-file', o.token.pinFile, 'key', 'show', 'root'])) as { token: { ckaId: string } };
    o.token.pkcs11Tool(['--delete-object', '--type', 'privkey', '--id', k.token.ckaId]);
    const before = await vaultState(o);
    const r = await issue({}, ['--pin-file', o.token.pinFile]);
    expect([r.code, jsonError(r).code]).toEqual([1, 'TOKEN_KEY_MISSING']);
    const crl = await o.child(['--json', '--pin-file', o.token.pinFile, 'crl', 'generate', '--out', join(o.dir, 'x.crl')]);
    expect(jsonError(crl).code).toBe('TOKEN_KEY_MISSING');
    const shown = ok(await o.child(['--json', '--pin-file', o.token.pinFile, 'key', 'show', 'root'])) as { health: { ok: boolean }; token: { status: string } };
    expect([shown.health.ok, shown.token.status]).toEqual([false, 'TOKEN_KEY_MISSING']);
    expect(await vaultState(o)).toEqual(before);
    expect(readdirSync(o.dir)).not.toContain('x.crl');
    expect(readdirSync(o.dir)).not.toContain('a.crt');
  });
});

describe('other algorithms and adopting an existing key pair', () => {
  const o = officer(TOKENS.algorithms);

  beforeAll(async () => {
    ok(await o.cli(['vault', 'init']));
  });

  it('makes ECDSA P-384, Ed25519 (SoftHSM 2.6 has CKM_EDDSA) and RSA-4096 keys on the token and adopts a pair made by pkcs11-tool', async () => {
    const tokens = ok(await o.cli(['--json', 'token', 'list'])) as Array<{ label: string; serial: string; eddsa: boolean }>;
    expect(tokens.find((t) => t.label === o.token.label)).toMatchObject({ serial: o.token.serial, eddsa: true });
    for (const algorithm of ['ecdsa-p384', 'ed25519', 'rsa-4096']) {
      const k = ok(await o.cli(['--json', '--pin-file', o.token.pinFile, 'key', 'create', '--name', algorithm, '--algorithm', algorithm, '--token', o.token.label])) as { algorithm: string; token: { status: string } };
      expect([k.algorithm, k.token.status]).toEqual([algorithm, 'OK']);
      ok(await o.cli(['--pin-file', o.token.pinFile, 'key', 'self-sign', algorithm, '--subject', `CN=${algorithm} root`]));
      const shown = ok(await o.cli(['--json', 'key', 'show', algorithm])) as { certificatePem: string };
      writeFileSync(join(o.dir, `${algorithm}.pem`), shown.certificatePem);
      expect(openssl(['verify', '-CAfile', `${algorithm}.pem`, `${algorithm}.pem`], o.dir).status).toBe(0);
    }

    o.token.pkcs11Tool(['--keypairgen', '--key-type', 'EC:prime256v1', '--id', 'c0ffee01', '--label', 'made elsewhere', '--usage-sign', '--sensitive']);
    const adopted = ok(await o.cli(['--json', '--pin-file', o.token.pinFile, 'key', 'adopt', '--name', 'elsewhere', '--token', o.token.label, '--id', 'C0FFEE01'])) as {
      state: string;
      algorithm: string;
      token: { ckaId: string; ckaLabel: string; origin: string; status: string };
    };
    expect(adopted).toMatchObject({ state: 'draft', algorithm: 'ecdsa-p256', token: { ckaId: 'c0ffee01', ckaLabel: 'made elsewhere', origin: 'adopted', status: 'OK' } });
    const again = await o.cli(['--json', '--pin-file', o.token.pinFile, 'key', 'adopt', '--name', 'twice', '--token', o.token.label, '--id', 'c0ffee01']);
    expect(jsonError(again).code).toBe('KEY_NAME_TAKEN');
    const missing = await o.cli(['--json', '--pin-file', o.token.pinFile, 'key', 'adopt', '--name', 'nothing', '--token', o.token.label, '--id', 'abcd']);
    expect(jsonError(missing).code).toBe('TOKEN_KEY_MISSING');
  });
  it('imports an existing CA key onto the token (key import --token): not extractable, no wrapped copy; the imported root keeps issuing what OpenSSL verifies against its original certificate', async () => {
    const run = (args: string[]) => execFileSync('openssl', args, { cwd: o.dir, stdio: 'pipe' });
    run(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', 'old.key']);
    run(['req', '-x509', '-new', '-key', 'old.key', '-subj', '/CN=Old Root', '-days', '365', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign', '-out', 'old.pem']);
    const keyBefore = readFileSync(join(o.dir, 'old.key'));
    // As a child process: the certificate OpenSSL just made is valid from now, and this file's in-process clock is a minute back.
    const k = ok(await o.child(['--json', '--pin-file', o.token.pinFile, 'key', 'import', '--name', 'old-root', '--key', join(o.dir, 'old.key'), '--cert', join(o.dir, 'old.pem'), '--state', 'active', '--token', o.token.label])) as {
      id: string;
      state: string;
      token: { ckaId: string; origin: string; status: string };
    };
    expect([k.state, k.token.origin, k.token.status]).toEqual(['active', 'imported', 'OK']);
    expect(readFileSync(join(o.dir, 'old.key')).equals(keyBefore)).toBe(true);
    const priv = o.token.pkcs11Tool(['--list-objects']).split(/\n(?=\S)/).find((b) => b.startsWith('Private Key Object') && b.includes(`ID:         ${k.token.ckaId}`));
    // A key written to the token (not made there) is never "always sensitive" nor "never extractable" in PKCS#11's
    // terms; what keeps it there is CKA_SENSITIVE true and CKA_EXTRACTABLE false, so pkcs11-tool lists no "extractable".
    const access = /Access:\s+(.*)/.exec(priv ?? '')?.[1] ?? '';
    expect(access.split(', ')).toContain('sensitive');
    expect(access.split(', ')).not.toContain('extractable');
    const raw = openRawDatabase(o.vault, await vaultKeyOf(o.vault, { passphrase: PASS }));
    try {
      expect(raw.prepare('SELECT length(wrapped_private_key) FROM signing_keys WHERE id = ?').pluck().get(k.id)).toBe(0);
    } finally {
      raw.close();
    }
    writeFileSync(join(o.dir, 'leaf.csr'), makeCsr('p256', 'leaf-of-old'));
    ok(await o.child(['--pin-file', o.token.pinFile, 'cert', 'issue', '--csr', join(o.dir, 'leaf.csr'), '--days', '30', '--out', join(o.dir, 'leaf.pem')]));
    expect(openssl(['verify', '-x509_strict', '-CAfile', 'old.pem', 'leaf.pem'], o.dir)).toEqual({ status: 0, out: 'leaf.pem: OK\n' });
  });
});

describe('token keys of two CAs on one token', () => {
  it("each CA's token key signs only for its CA: a leaf of each verifies only against its own bundle, and the other CA does not find the key", async () => {
    const o = officer(TOKENS.cas);
    const pin = ['--pin-file', o.token.pinFile];
    ok(await o.cli(['vault', 'init']));
    ok(await o.cli(['ca', 'create', '--name', 'servers']));
    for (const [ca, key] of [['default', 'agents-token'], ['servers', 'servers-token']] as const) {
      const k = ok(await o.cli(['--json', ...pin, '--ca', ca, 'key', 'create', '--name', key, '--token', o.token.label])) as { ca: string; token: { serial: string } };
      expect(k).toMatchObject({ ca, token: { serial: o.token.serial } });
      ok(await o.cli([...pin, '--ca', ca, 'key', 'self-sign', key, '--subject', `CN=${key},O=Acme`]));
      ok(await o.cli([...pin, '--ca', ca, 'key', 'activate', key]));
      writeFileSync(join(o.dir, `${ca}.csr`), makeCsr('p256', `leaf-${ca}`));
      ok(await o.cli([...pin, '--ca', ca, 'cert', 'issue', '--csr', join(o.dir, `${ca}.csr`), '--out', join(o.dir, `${ca}.crt`)]));
      ok(await o.cli(['--ca', ca, 'bundle', 'write', '--out', join(o.dir, `${ca}-bundle.pem`)]));
    }
    for (const [bundle, leaf, status] of [['default', 'default', 0], ['servers', 'servers', 0], ['default', 'servers', 2], ['servers', 'default', 2]] as const) {
      expect(openssl(['verify', '-x509_strict', '-CAfile', `${bundle}-bundle.pem`, `${leaf}.crt`], o.dir).status, `${leaf} against ${bundle}`).toBe(status);
    }
    const cross = await o.cli(['--json', ...pin, '--ca', 'servers', 'crl', 'generate', '--issuer', 'agents-token', '--out', join(o.dir, 'cross.crl')]);
    expect(jsonError(cross)).toMatchObject({ code: 'KEY_NOT_FOUND' });
    expect(readdirSync(o.dir).filter((f) => f.endsWith('.crl'))).toEqual([]);
    const all = ok(await o.cli(['--json', 'key', 'list'])) as Array<{ name: string; ca: string }>;
    expect(all.map((k) => [k.ca, k.name]).sort()).toEqual([
      ['default', 'agents-token'],
      ['servers', 'servers-token'],
    ]);
  });
});

describe('a token whose user PIN is locked', () => {
  const o = officer(TOKENS.locked);

  beforeAll(async () => {
    ok(await o.cli(['vault', 'init']));
    ok(await o.cli(['--pin-file', o.token.pinFile, 'key', 'create', '--name', 'root', '--token', o.token.label]));
    ok(await o.cli(['--pin-file', o.token.pinFile, 'key', 'self-sign', 'root', '--subject', 'CN=Locked Root']));
    ok(await o.cli(['--pin-file', o.token.pinFile, 'key', 'activate', 'root']));
    writeFileSync(join(o.dir, 'a.csr'), makeCsr('p256', 'agent-a'));
  });

  it('TOKEN_PIN_LOCKED on signing, in the health check and in token list; nothing is tried with the PIN and the vault is unchanged', async () => {
    // SoftHSM2 counts no wrong tries, so the lock is set where SoftHSM2 keeps it: CKA_OS_TOKENFLAGS in the token's
    // token.object gets CKF_USER_PIN_LOCKED (0x40000), and the module reports the token locked as a smart card does.
    const dirs = readdirSync(o.token.tokensDir).filter((d) => existsSync(join(o.token.tokensDir, d, 'token.object')));
    const tokenObject = dirs.map((d) => join(o.token.tokensDir, d, 'token.object')).find((f) => readFileSync(f).includes(Buffer.from(o.token.label.padEnd(32, ' '))))!;
    const bytes = readFileSync(tokenObject);
    const at = bytes.indexOf(Buffer.from('000000008000534b', 'hex'));
    expect(at).toBeGreaterThan(0);
    const flags = bytes.readBigUInt64BE(at + 16);
    const locked = Buffer.from(bytes);
    locked.writeBigUInt64BE(flags | 0x40000n, at + 16);
    writeFileSync(tokenObject, locked);
    try {
      const before = await vaultState(o);
      const listedTokens = ok(await o.child(['--json', 'token', 'list'])) as Array<{ label: string; pinLocked: boolean }>;
      expect(listedTokens.find((t) => t.label === o.token.label)?.pinLocked).toBe(true);
      // Through OpenSC's pkcs11-spy, which logs every call the token sees: a locked PIN is not even tried.
      const spyLog = join(o.dir, 'spy.log');
      const spied = { AIRGAP_CA_PKCS11_MODULE: '/usr/lib/x86_64-linux-gnu/pkcs11-spy.so', PKCS11SPY: SOFTHSM_MODULE, PKCS11SPY_OUTPUT: spyLog };
      const issued = await o.child(['--json', '--pin-file', o.token.pinFile, 'cert', 'issue', '--csr', join(o.dir, 'a.csr'), '--out', join(o.dir, 'a.crt')], spied);
      expect([issued.code, jsonError(issued).code]).toEqual([3, 'TOKEN_PIN_LOCKED']);
      expect(readFileSync(spyLog, 'utf8')).toMatch(/^\d+: C_GetTokenInfo$/m);
      expect(readFileSync(spyLog, 'utf8')).not.toMatch(/^\d+: C_Login$/m);
      expect(jsonError(issued).message).toMatch(/security officer must unlock or reset it/);
      const crl = await o.child(['--json', '--pin-file', o.token.pinFile, 'crl', 'generate', '--out', join(o.dir, 'x.crl')]);
      expect(jsonError(crl).code).toBe('TOKEN_PIN_LOCKED');
      const shown = ok(await o.child(['--json', '--pin-file', o.token.pinFile, 'key', 'show', 'root'])) as { health: { ok: boolean }; token: { status: string } };
      expect([shown.health.ok, shown.token.status]).toEqual([false, 'TOKEN_PIN_LOCKED']);
      const created = await o.child(['--json', '--pin-file', o.token.pinFile, 'key', 'create', '--name', 'second', '--token', o.token.label]);
      expect(jsonError(created).code).toBe('TOKEN_PIN_LOCKED');
      expect(await vaultState(o)).toEqual(before);
      expect(readdirSync(o.dir).filter((f) => f === 'a.crt' || f === 'x.crl')).toEqual([]);
    } finally {
      writeFileSync(tokenObject, bytes);
    }
    // Unlocked again (what the security officer's reset does): the same key signs.
    ok(await o.child(['--pin-file', o.token.pinFile, 'cert', 'issue', '--csr', join(o.dir, 'a.csr'), '--out', join(o.dir, 'a.crt')]));
  });
});

describe('where the module and the PIN come from', () => {
  const o = officer(TOKENS.secrets);

  beforeAll(async () => {
    ok(await o.cli(['vault', 'init']));
    ok(await o.cli(['--pin-file', o.token.pinFile, 'key', 'create', '--name', 'root', '--token', o.token.label]));
    ok(await o.cli(['--pin-file', o.token.pinFile, 'key', 'self-sign', 'root', '--subject', 'CN=Secret Root']));
    ok(await o.cli(['--pin-file', o.token.pinFile, 'key', 'activate', 'root']));
  });

  it('signs a batch on the token, and no worker thread or child process the CLI starts has the PIN (or the passphrase) in its environment, nor does the audit log', async () => {
    // A preload in the CLI's process records the environment of every worker thread and child process it starts.
    const envLog = join(o.dir, 'children.jsonl');
    const hook = join(o.dir, 'record-children.mjs');
    writeFileSync(
      hook,
      `import cp from 'node:child_process';
import wt from 'node:worker_threads';
import { appendFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
if (wt.isMainThread) {
  const log = ${JSON.stringify(envLog)};
  const record = (kind, what, env) => appendFileSync(log, JSON.stringify({ kind, what: String(what), env: { ...(env ?? process.env) } }) + '\\n');
  for (const name of ['spawn', 'spawnSync', 'execFile', 'execFileSync', 'exec', 'execSync', 'fork']) {
    const real = cp[name];
    cp[name] = function (file, ...rest) {
      const opts = rest.find((a) => a && typeof a === 'object' && !Array.isArray(a));
      record(name, file, opts?.env);
      return real.call(this, file, ...rest);
    };
  }
  const RealWorker = wt.Worker;
  wt.Worker = class extends RealWorker {
    constructor(url, opts) {
      record('worker', url, opts?.env);
      super(url, opts);
    }
  };
  syncBuiltinESMExports();
}
`,
    );
    const inDir = join(o.dir, 'csrs');
    const outDir = join(o.dir, 'certs');
    mkdirSync(inDir);
    mkdirSync(outDir);
    for (let i = 0; i < 20; i++) writeFileSync(join(inDir, `agent-${i}.csr`), makeCsr('p256', `agent-${i}`));
    const r = await o.child(['--json', 'cert', 'issue-batch', '--in', inDir, '--out', outDir], { AIRGAP_CA_PIN: o.token.pin, NODE_OPTIONS: `--import=${hook}` });
    expect((ok(r) as { issued: number }).issued).toBe(20);
    const started = readFileSync(envLog, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { kind: string; what: string; env: Record<string, string> });
    // The batch ran on worker threads (one token session each), so the recording saw them.
    expect(started.filter((s) => s.kind === 'worker').length).toBeGreaterThan(0);
    for (const s of started) {
      expect(Object.keys(s.env), `${s.kind} ${s.what}`).not.toContain('AIRGAP_CA_PIN');
      expect(JSON.stringify(s.env), `${s.kind} ${s.what}`).not.toContain(o.token.pin);
      // Nor the vault's passphrase (AIRGAP_CA_PASSPHRASE, also in this run's environment).
      expect(Object.keys(s.env), `${s.kind} ${s.what}`).not.toContain('AIRGAP_CA_PASSPHRASE');
      expect(JSON.stringify(s.env), `${s.kind} ${s.what}`).not.toContain(PASS);
    }
    expect(r.stdout + r.stderr).not.toContain(o.token.pin);
    const audit = ok(await o.cli(['--json', 'audit', 'list']));
    expect(JSON.stringify(audit)).not.toContain(o.token.pin);
  });
});

describe('where the module and the PIN come from: the setting and the prompt', () => {
  const o = officer(TOKENS.secrets);

  it('token module sets, shows and clears settings.pkcs11Module (audited); the CLI then signs with no AIRGAP_CA_PKCS11_MODULE, and asks for the PIN on a terminal without echoing it', async () => {
    ok(await o.cli(['vault', 'init']));
    // Without the environment variable, nothing but the setting names the module.
    const noEnv = { AIRGAP_CA_PKCS11_MODULE: '' };
    const none = await o.child(['--json', 'token', 'list'], noEnv);
    expect(jsonError(none).code).toBe('TOKEN_MODULE_MISSING');
    const relative = await o.child(['--json', 'token', 'module', 'libsofthsm2.so'], noEnv);
    expect(jsonError(relative).code).toBe('INVALID_INPUT');
    expect(ok(await o.child(['--json', 'token', 'module', SOFTHSM_MODULE], noEnv))).toEqual({ pkcs11Module: SOFTHSM_MODULE, environment: null });
    expect(ok(await o.child(['--json', 'token', 'module'], { AIRGAP_CA_PKCS11_MODULE: '/elsewhere/module.so' }))).toEqual({ pkcs11Module: SOFTHSM_MODULE, environment: '/elsewhere/module.so' });
    const events = (ok(await o.cli(['--json', 'audit', 'list'])) as { events: Array<{ action: string; details: unknown }> }).events;
    expect(events.filter((e) => e.action === 'settings.updated').map((e) => JSON.stringify(e.details))).toEqual([expect.stringContaining(SOFTHSM_MODULE)]);
    ok(await o.child(['--pin-file', o.token.pinFile, 'key', 'create', '--name', 'root', '--token', o.token.label], noEnv));
    ok(await o.child(['--pin-file', o.token.pinFile, 'key', 'self-sign', 'root', '--subject', 'CN=Prompt Root'], noEnv));
    ok(await o.child(['--pin-file', o.token.pinFile, 'key', 'activate', 'root'], noEnv));

    // No --pin-file, no AIRGAP_CA_PIN, a terminal (script(1) gives the CLI a pseudo-terminal): "Token PIN: " is asked once,
    // typed after the prompt shows, not echoed, and the refused-for-want-of-a-PIN command runs again and signs.
    writeFileSync(join(o.dir, 'p.csr'), makeCsr('p256', 'prompted'));
    const { code, seen } = await runOnTerminal(
      ['--json', 'cert', 'issue', '--csr', join(o.dir, 'p.csr'), '--out', join(o.dir, 'p.crt')],
      { HOME: join(o.dir, 'home'), ...o.token.env, AIRGAP_CA_PASSPHRASE: PASS, AIRGAP_CA_VAULT: o.vault, AIRGAP_CA_ACTOR: 'officer' },
      [{ after: 'Token PIN: ', type: `${o.token.pin}\r` }],
    );
    expect(code, seen).toBe(0);
    expect(seen.split('Token PIN: ')).toHaveLength(2);
    expect(seen).not.toContain(o.token.pin);
    expect(existsSync(join(o.dir, 'p.crt'))).toBe(true);
    writeFileSync(join(o.dir, 'prompt-root.pem'), (ok(await o.cli(['--json', 'key', 'show', 'root'])) as { certificatePem: string }).certificatePem);
    expect(openssl(['verify', '-x509_strict', '-CAfile', 'prompt-root.pem', 'p.crt'], o.dir)).toEqual({ status: 0, out: 'p.crt: OK\n' });

    expect(ok(await o.child(['--json', 'token', 'module', '--clear'], noEnv))).toEqual({ pkcs11Module: null, environment: null });
    const cleared = await o.child(['--json', '--pin-file', o.token.pinFile, 'cert', 'issue', '--csr', join(o.dir, 'p.csr'), '--out', join(o.dir, 'q.crt')], noEnv);
    expect(jsonError(cleared).code).toBe('TOKEN_MODULE_MISSING');
  });
});

describe('a token without Ed25519', () => {
  // Another SoftHSM2 configuration whose tokens lack the Edwards-curve mechanisms (as many smart cards do); only child processes load it.
  const plain = softHsm({ withoutMechanisms: ['CKM_EDDSA', 'CKM_EC_EDWARDS_KEY_PAIR_GEN'] });
  const o = officer(plain.token('card-token'));

  it('token list says so, key create --algorithm ed25519 is refused with TOKEN_MECHANISM_UNSUPPORTED naming what to choose, and nothing is made on the token or in the vault; key import --token of an Ed25519 key likewise', async () => {
    ok(await o.child(['vault', 'init']));
    const before = await vaultState(o);
    const tokens = ok(await o.child(['--json', 'token', 'list'])) as Array<{ label: string; eddsa: boolean }>;
    expect(tokens.find((t) => t.label === 'card-token')?.eddsa).toBe(false);
    const r = await o.child(['--json', '--pin-file', o.token.pinFile, 'key', 'create', '--name', 'ed', '--algorithm', 'ed25519', '--token', o.token.label]);
    expect([r.code, jsonError(r).code]).toEqual([1, 'TOKEN_MECHANISM_UNSUPPORTED']);
    expect(jsonError(r).message).toMatch(/does not support Ed25519 \(it lacks CKM_EDDSA and CKM_EC_EDWARDS_KEY_PAIR_GEN\): choose ecdsa-p256, ecdsa-p384, rsa-3072 or rsa-4096/);

    const run = (args: string[]) => execFileSync('openssl', args, { cwd: o.dir, stdio: 'pipe' });
    run(['req', '-x509', '-newkey', 'ed25519', '-nodes', '-keyout', 'ed.key', '-out', 'ed.pem', '-subj', '/CN=Ed Root', '-days', '30', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
    const imported = await o.child(['--json', '--pin-file', o.token.pinFile, 'key', 'import', '--name', 'ed-root', '--key', join(o.dir, 'ed.key'), '--cert', join(o.dir, 'ed.pem'), '--token', o.token.label]);
    expect(jsonError(imported).code).toBe('TOKEN_MECHANISM_UNSUPPORTED');
    expect(o.token.pkcs11Tool(['--list-objects']).trim()).toBe('');
    expect(await vaultState(o)).toEqual(before);
    // An ECDSA key on the same token is fine.
    const p256 = ok(await o.child(['--json', '--pin-file', o.token.pinFile, 'key', 'create', '--name', 'ec', '--token', o.token.label])) as { token: { status: string } };
    expect(p256.token.status).toBe('OK');
  });
});
