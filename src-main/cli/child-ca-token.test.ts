/**
 * An issuing CA whose first key is generated on a real SoftHSM2 token
 * (`ca create --parent P --token LABEL`), end to end through the CLI: the
 * key pair made on the token (sensitive, never extractable), its request
 * signed there, its certificate issued by the parent's active key (in the
 * vault, or itself on a token), no wrapped private key in the vault, and a
 * leaf of the new CA that OpenSSL verifies against the parent's root with the
 * issuing certificate as -untrusted. Then the refusals — wrong PIN, no PIN,
 * token absent, module missing, the parent refusing to certify a key already
 * made on the token — each with its code, the vault and the token unchanged.
 * One SoftHSM2 configuration for this file (a process reads SOFTHSM2_CONF
 * once), a token per scenario.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../core/clock.ts';
import { makeCsr } from '../testing/issuance-fixtures.ts';
import { jsonError, runCli, type CliRun } from '../testing/cli-runner.ts';
import { inProcessCli } from '../testing/cli-in-process.ts';
import { SOFTHSM_MODULE, softHsm, type SoftHsmToken } from '../testing/softhsm.ts';
import { removeTempDirs, tempDir } from '../testing/temp-dir.ts';
import { openRawDatabase, vaultKeyOf } from '../testing/vault-fixtures.ts';

afterAll(removeTempDirs);

const PASS = 'correct horse battery staple, child CA on a token';

// Every token of this file, made before this process first loads the module.
const hsm = softHsm();
const TOKENS = { issuing: hsm.token('issuing-token'), parent: hsm.token('root-token'), child: hsm.token('child-token'), refusals: hsm.token('refusal-token') };
process.env.SOFTHSM2_CONF = hsm.conf;

interface Officer {
  dir: string;
  vault: string;
  /** The CLI in this process. */
  cli: (args: string[]) => Promise<CliRun>;
  /** The CLI as a child process (a fresh login to the token), with extra environment. */
  child: (args: string[], env?: Record<string, string>) => Promise<CliRun>;
}

function officer(token: SoftHsmToken): Officer {
  const dir = tempDir();
  const vault = join(dir, 'vault');
  const home = join(dir, 'home');
  mkdirSync(home);
  const env = { AIRGAP_CA_PASSPHRASE: PASS, AIRGAP_CA_PKCS11_MODULE: SOFTHSM_MODULE };
  const cli = inProcessCli({ vault, clock: fixedClock(new Date(Date.now() - 60_000)), env });
  const child = (args: string[], extra: Record<string, string> = {}) => runCli(args, { env: { ...token.env, ...env, AIRGAP_CA_VAULT: vault, AIRGAP_CA_ACTOR: 'officer', ...extra }, home });
  return { dir, vault, cli, child };
}

const ok = (r: CliRun): unknown => {
  expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
  return r.json;
};

function openssl(args: string[], cwd: string): { status: number | null; out: string } {
  const r = spawnSync('openssl', args, { cwd, encoding: 'utf8' });
  return { status: r.status, out: r.stdout + r.stderr };
}

/** The private key object with this CKA_ID as pkcs11-tool lists it. */
function privateKeyListing(token: SoftHsmToken, ckaId: string): string | undefined {
  return token.pkcs11Tool(['--list-objects']).split(/\n(?=\S)/).find((b) => b.startsWith('Private Key Object') && b.includes(`ID:         ${ckaId}`));
}

interface Created {
  name: string;
  parentName: string;
  firstKeyId: string;
  serial: string;
  firstKeyToken: { label: string; serial: string; ckaId: string; ckaLabel: string; origin: string } | null;
}

/** The CA's leaf verifies with OpenSSL against the parent's root alone, the issuing certificate as -untrusted, and not without it. */
async function leafVerifiesUnderRoot(o: Officer, ca: string, key: string, pin: string[]): Promise<void> {
  writeFileSync(join(o.dir, 'leaf.csr'), makeCsr('p256', `leaf-of-${ca}`));
  ok(await o.child([...pin, '--ca', ca, 'key', 'activate', key]));
  ok(await o.child([...pin, '--ca', ca, 'cert', 'issue', '--csr', join(o.dir, 'leaf.csr'), '--out', join(o.dir, 'leaf.pem')]));
  const shown = ok(await o.cli(['--json', '--ca', ca, 'key', 'show', key])) as { certificatePem: string };
  writeFileSync(join(o.dir, 'issuing.pem'), shown.certificatePem);
  expect(openssl(['verify', '-x509_strict', '-CAfile', 'root.pem', '-untrusted', 'issuing.pem', 'leaf.pem'], o.dir)).toEqual({ status: 0, out: 'leaf.pem: OK\n' });
  expect(openssl(['verify', '-x509_strict', '-CAfile', 'root.pem', 'leaf.pem'], o.dir).status).toBe(2);
}

describe('ca create --parent --token: the issuing CA\'s first key made on the token, certified by a root in the vault', () => {
  const token = TOKENS.issuing;
  const o = officer(token);
  const pin = ['--pin-file', token.pinFile];

  beforeAll(async () => {
    ok(await o.cli(['vault', 'init']));
    ok(await o.cli(['ca', 'rename', 'default', 'Root']));
    ok(await o.cli(['key', 'create', '--name', 'root-1']));
    ok(await o.cli(['key', 'self-sign', 'root-1', '--subject', 'CN=Acme Offline Root,O=Acme']));
    ok(await o.cli(['key', 'activate', 'root-1']));
    ok(await o.cli(['--ca', 'Root', 'bundle', 'write', '--out', join(o.dir, 'root.pem')]));
  });

  it('generates the pair on the token (sensitive, never extractable), the vault records the token, the CKA_ID and the public key and no private material; its leaf verifies under the root', async () => {
    const c = ok(await o.cli(['--json', ...pin, 'ca', 'create', '--name', 'Issuing', '--parent', 'Root', '--key-name', 'issuing-1', '--subject', 'CN=Acme Issuing CA,O=Acme', '--days', '1825', '--token', token.label])) as Created;
    expect(c).toMatchObject({ name: 'Issuing', parentName: 'Root', firstKeyToken: { label: token.label, serial: token.serial, origin: 'generated' } });
    const t = c.firstKeyToken!;
    expect(t.ckaId).toMatch(/^[0-9a-f]{32}$/);

    const priv = privateKeyListing(token, t.ckaId);
    expect(priv).toMatch(/Access:\s+sensitive, always sensitive, never extractable, local/);
    expect(priv).toContain(`label:      ${t.ckaLabel}`);
    expect(t.ckaLabel).toMatch(/^airgap-ca [0-9a-f]{8} issuing-1$/);

    const raw = openRawDatabase(o.vault, await vaultKeyOf(o.vault, { passphrase: PASS }));
    try {
      const row = raw.prepare('SELECT length(wrapped_private_key) AS w, length(wrap_nonce) AS n, spki, ca_id FROM signing_keys WHERE id = ?').get(c.firstKeyId) as { w: number; n: number; spki: Buffer; ca_id: string };
      expect([row.w, row.n]).toEqual([0, 0]);
      expect(`sha256:${execFileSync('sha256sum', { input: row.spki }).toString().slice(0, 64)}`).toBe(c.firstKeyId);
      expect(raw.prepare('SELECT token_serial, cka_id, cka_label, origin FROM token_keys WHERE key_id = ?').get(c.firstKeyId)).toEqual({ token_serial: token.serial, cka_id: t.ckaId, cka_label: t.ckaLabel, origin: 'generated' });
    } finally {
      raw.close();
    }

    // The key is a draft of Issuing, its chain up to Root's root, and the token check passes.
    const k = ok(await o.cli(['--json', ...pin, '--ca', 'Issuing', 'key', 'show', 'issuing-1'])) as { state: string; ca: string; issuer: string; token: { status: string; ckaId: string }; chain: Array<{ subject: string }> };
    expect(k).toMatchObject({ state: 'draft', ca: 'Issuing', issuer: 'CN=Acme Offline Root,O=Acme', token: { status: 'OK', ckaId: t.ckaId } });
    expect(k.chain.map((x) => x.subject)).toEqual(['CN=Acme Issuing CA,O=Acme', 'CN=Acme Offline Root,O=Acme']);
    const rootCerts = (ok(await o.cli(['--json', '--ca', 'Root', 'cert', 'list'])) as { items: Array<{ serial: string; profile: string }> }).items;
    expect(rootCerts.map((x) => [x.serial, x.profile])).toEqual([[c.serial, 'sub-ca']]);

    // The audit's key.created names the token and the CKA_ID, never the PIN.
    const events = (ok(await o.cli(['--json', 'audit', 'list'])) as { events: Array<{ action: string; details: Record<string, unknown> }> }).events;
    expect(events.find((e) => e.action === 'key.created' && e.details.keyId === c.firstKeyId)?.details).toMatchObject({ ca: 'Issuing', token: { serial: token.serial, ckaId: t.ckaId } });
    expect(JSON.stringify(events)).not.toContain(token.pin);

    await leafVerifiesUnderRoot(o, 'Issuing', 'issuing-1', pin);
  });

  it('says in text where the first key lives (--pin-file after the command, as the officer types it)', async () => {
    const r = await o.cli(['ca', 'create', '--name', 'Issuing B', '--parent', 'Root', '--key-name', 'issuing-b', '--subject', 'CN=Acme Issuing B', '--algorithm', 'ecdsa-p384', '--token', token.label, ...pin]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`It lives on token "${token.label}" \\(serial ${token.serial}\\), CKA_ID [0-9a-f]{32}: the private key never leaves the token`));
    expect(r.stdout).toContain('Activate it with --ca Issuing B key activate issuing-b.');
  });
});

describe('the parent itself on a token, the child chosen by serial on another', () => {
  const o = officer(TOKENS.parent);
  const child = TOKENS.child;

  it('the root on one token certifies the first key made on the other; its leaf verifies under the root', async () => {
    // One PIN for both test tokens' files: both were initialised with the same user PIN.
    expect(child.pin).toBe(TOKENS.parent.pin);
    const pin = ['--pin-file', TOKENS.parent.pinFile];
    ok(await o.cli(['vault', 'init']));
    ok(await o.cli(['ca', 'rename', 'default', 'Root']));
    ok(await o.cli([...pin, 'key', 'create', '--name', 'root-on-token', '--algorithm', 'rsa-3072', '--token', TOKENS.parent.label]));
    ok(await o.cli([...pin, 'key', 'self-sign', 'root-on-token', '--subject', 'CN=Token Root,O=Acme']));
    ok(await o.cli([...pin, 'key', 'activate', 'root-on-token']));
    ok(await o.cli(['--ca', 'Root', 'bundle', 'write', '--out', join(o.dir, 'root.pem')]));

    const c = ok(await o.child(['--json', 'ca', 'create', '--name', 'Issuing', '--parent', 'Root', '--key-name', 'issuing-1', '--subject', 'CN=Token Issuing CA,O=Acme', '--token-serial', child.serial], { AIRGAP_CA_PIN: child.pin })) as Created;
    expect(c.firstKeyToken).toMatchObject({ label: child.label, serial: child.serial, origin: 'generated' });
    expect(privateKeyListing(child, c.firstKeyToken!.ckaId)).toMatch(/never extractable/);
    // Nothing of the new CA went onto the parent's token.
    expect(privateKeyListing(TOKENS.parent, c.firstKeyToken!.ckaId)).toBeUndefined();
    await leafVerifiesUnderRoot(o, 'Issuing', 'issuing-1', pin);
  });
});

describe('refusals: each its own code, and neither the vault nor the token changes', () => {
  const token = TOKENS.refusals;
  const o = officer(token);

  /** What a refused command must leave as it was: the CAs, every key, the certificates, the audit log. */
  const vaultState = async () => {
    const cas = ok(await o.cli(['--json', 'ca', 'list'])) as Array<{ name: string; keys: number }>;
    const keys = ok(await o.cli(['--json', 'key', 'list'])) as Array<{ id: string; state: string }>;
    const certs = await Promise.all(cas.map(async (c) => (ok(await o.cli(['--json', '--ca', c.name, 'cert', 'list'])) as { total: number }).total));
    const audit = ok(await o.cli(['--json', 'audit', 'list'])) as { events: unknown[] };
    return { cas: cas.map((c) => [c.name, c.keys]), keys: keys.map((k) => [k.id, k.state]), certs, events: audit.events.length };
  };
  const objects = () => token.pkcs11Tool(['--list-objects']);
  const create = (name: string, parent: string, extra: string[], env: Record<string, string> = {}) =>
    o.child(['--json', 'ca', 'create', '--name', name, '--parent', parent, '--key-name', `${name}-key`, '--subject', `CN=${name}`, ...extra], env);

  beforeAll(async () => {
    ok(await o.cli(['vault', 'init']));
    ok(await o.cli(['ca', 'rename', 'default', 'Root']));
    ok(await o.cli(['key', 'create', '--name', 'root-1']));
    ok(await o.cli(['key', 'self-sign', 'root-1', '--subject', 'CN=Refusal Root']));
    ok(await o.cli(['key', 'activate', 'root-1']));
    // A second root that may certify no CA below it (pathLenConstraint 0).
    ok(await o.cli(['ca', 'create', '--name', 'Leaf Only']));
    ok(await o.cli(['--ca', 'Leaf Only', 'key', 'create', '--name', 'tight-1']));
    ok(await o.cli(['--ca', 'Leaf Only', 'key', 'self-sign', 'tight-1', '--subject', 'CN=Leaf Only Root', '--path-length', '0']));
    ok(await o.cli(['--ca', 'Leaf Only', 'key', 'activate', 'tight-1']));
  });

  it('wrong PIN, no PIN, no such token, a missing module, both selectors, a token without a parent: nothing is made', async () => {
    const before = await vaultState();
    const onToken = objects();
    const wrong = await create('Issuing', 'Root', ['--token', token.label], { AIRGAP_CA_PIN: '000000' });
    expect([wrong.code, jsonError(wrong).code]).toEqual([3, 'TOKEN_PIN_INCORRECT']);
    const none = await create('Issuing', 'Root', ['--token', token.label]);
    expect([none.code, jsonError(none).code]).toEqual([3, 'TOKEN_PIN_REQUIRED']);
    expect(jsonError(none).message).toMatch(/--pin-file FILE or AIRGAP_CA_PIN/);
    const absent = await create('Issuing', 'Root', ['--pin-file', token.pinFile, '--token', 'no-such-token']);
    expect([absent.code, jsonError(absent).code]).toEqual([1, 'TOKEN_NOT_PRESENT']);
    expect(jsonError(absent).message).toMatch(/Insert the token/);
    const noModule = await create('Issuing', 'Root', ['--pin-file', token.pinFile, '--token', token.label], { AIRGAP_CA_PKCS11_MODULE: join(o.dir, 'no-such-module.so') });
    expect([noModule.code, jsonError(noModule).code]).toEqual([1, 'TOKEN_MODULE_MISSING']);
    const both = await create('Issuing', 'Root', ['--pin-file', token.pinFile, '--token', token.label, '--token-serial', token.serial]);
    expect([both.code, jsonError(both).code]).toEqual([2, 'INVALID_INPUT']);
    const orphanCa = await o.child(['--json', '--pin-file', token.pinFile, 'ca', 'create', '--name', 'Alone', '--token', token.label]);
    expect([orphanCa.code, jsonError(orphanCa).code]).toEqual([2, 'INVALID_INPUT']);
    expect(jsonError(orphanCa).message).toMatch(/go with --parent/);
    // A key name the vault has: refused before the token is touched.
    const taken = await create('Issuing', 'Root', ['--pin-file', token.pinFile, '--token', token.label, '--key-name', 'root-1']);
    expect(jsonError(taken).code).toBe('KEY_NAME_TAKEN');
    expect(await vaultState()).toEqual(before);
    expect(objects()).toBe(onToken);
    for (const r of [wrong, none, absent, noModule, both, orphanCa, taken]) expect(r.stdout + r.stderr).not.toContain(token.pin);
  });

  it('a parent that may not certify a CA (pathLen 0) refuses the key already made on the token: the pair is removed from the token again, and the refusal says so', async () => {
    const before = await vaultState();
    const onToken = objects();
    const r = await create('Issuing', 'Leaf Only', ['--pin-file', token.pinFile, '--token', token.label]);
    expect([r.code, jsonError(r).code]).toEqual([1, 'CHAIN_PATHLEN']);
    expect(jsonError(r).message).toMatch(new RegExp(`The key pair made on token "${token.label}" \\(serial ${token.serial}\\) for it was removed again\\.$`));
    expect(objects()).toBe(onToken);
    expect(await vaultState()).toEqual(before);
    // The same request under Root goes through, on the same token.
    const c = ok(await create('Issuing', 'Root', ['--pin-file', token.pinFile, '--token', token.label])) as Created;
    expect(privateKeyListing(token, c.firstKeyToken!.ckaId)).toMatch(/never extractable/);
    expect(readdirSync(o.dir)).not.toContain('leaf.pem');
  });
});

describe('a token without Ed25519', () => {
  // Another SoftHSM2 configuration whose tokens lack the Edwards-curve mechanisms; only child processes load it.
  const plain = softHsm({ withoutMechanisms: ['CKM_EDDSA', 'CKM_EC_EDWARDS_KEY_PAIR_GEN'] });
  const token = plain.token('card-token');
  const o = officer(token);

  it('ca create --parent --algorithm ed25519 --token is refused with TOKEN_MECHANISM_UNSUPPORTED before anything is made; ECDSA on the same token goes through', async () => {
    ok(await o.child(['vault', 'init']));
    ok(await o.child(['ca', 'rename', 'default', 'Root']));
    ok(await o.child(['key', 'create', '--name', 'root-1']));
    ok(await o.child(['key', 'self-sign', 'root-1', '--subject', 'CN=Card Root']));
    ok(await o.child(['key', 'activate', 'root-1']));
    const before = ok(await o.child(['--json', 'audit', 'list'])) as { events: unknown[] };
    const r = await o.child(['--json', '--pin-file', token.pinFile, 'ca', 'create', '--name', 'Issuing', '--parent', 'Root', '--key-name', 'ed', '--subject', 'CN=Ed Issuing', '--algorithm', 'ed25519', '--token', token.label]);
    expect([r.code, jsonError(r).code]).toEqual([1, 'TOKEN_MECHANISM_UNSUPPORTED']);
    expect(jsonError(r).message).toMatch(/does not support Ed25519 \(it lacks CKM_EDDSA and CKM_EC_EDWARDS_KEY_PAIR_GEN\): choose ecdsa-p256, ecdsa-p384, rsa-3072 or rsa-4096/);
    expect(token.pkcs11Tool(['--list-objects']).trim()).toBe('');
    expect((ok(await o.child(['--json', 'ca', 'list'])) as Array<{ name: string }>).map((c) => c.name)).toEqual(['Root']);
    expect((ok(await o.child(['--json', 'audit', 'list'])) as { events: unknown[] }).events).toHaveLength(before.events.length);
    const c = ok(await o.child(['--json', '--pin-file', token.pinFile, 'ca', 'create', '--name', 'Issuing', '--parent', 'Root', '--key-name', 'ec', '--subject', 'CN=EC Issuing', '--token', token.label])) as Created;
    expect(c.firstKeyToken).toMatchObject({ label: 'card-token', origin: 'generated' });
  });
});
