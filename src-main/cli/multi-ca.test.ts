import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DAY_MS } from '../core/clock.ts';
import { cliWithMedium } from '../testing/cli-in-process.ts';
import { removeTempDirs } from '../testing/temp-dir.ts';
import { openRawDatabase, vaultKeyOf } from '../testing/vault-fixtures.ts';

afterAll(removeTempDirs);

type Cli = ReturnType<typeof cliWithMedium>['cli'];

async function ok(cli: Cli, args: string[]) {
  const r = await cli(args);
  expect(r.code, `${args.join(' ')}: ${r.stderr}${r.stdout}`).toBe(0);
  return r;
}

/** A fresh P-256 request made by OpenSSL, as an agent would send it. */
function request(dir: string, name: string): string {
  const csr = join(dir, `${name}.csr`);
  execFileSync('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, `${name}.key`), '-out', csr, '-subj', `/CN=${name}`], { stdio: 'ignore' });
  return csr;
}

/** OpenSSL's verdict on a leaf against a bundle as the only trust store. */
function verifies(bundle: string, leaf: string): boolean {
  return spawnSync('openssl', ['verify', '-x509_strict', '-CAfile', bundle, leaf]).status === 0;
}

/** The serials on a CRL as OpenSSL reads it, lowercase hex. */
function crlSerials(file: string): string[] {
  const text = execFileSync('openssl', ['crl', '-inform', 'DER', '-noout', '-text', '-in', file]).toString();
  return [...text.matchAll(/Serial Number: ([0-9A-F]+)/g)].map((m) => m[1]!.toLowerCase().replace(/^0+/, ''));
}

/** A vault with the CA "default" (root "agents-1") and a second CA "servers" (root "servers-1"), each with an active self-signed root. */
async function twoCas() {
  const t = cliWithMedium();
  const { cli } = t;
  await ok(cli, ['vault', 'init']);
  await ok(cli, ['key', 'create', '--name', 'agents-1']);
  await ok(cli, ['key', 'self-sign', 'agents-1', '--subject', 'CN=Agents Root 1,O=Acme']);
  await ok(cli, ['key', 'activate', 'agents-1']);
  const created = await ok(cli, ['--json', 'ca', 'create', '--name', 'servers', '--purpose', 'server certificates']);
  expect(created.json).toMatchObject({ name: 'servers', purpose: 'server certificates', keys: 0, activeKeyId: null });
  await ok(cli, ['--ca', 'servers', 'key', 'create', '--name', 'servers-1']);
  await ok(cli, ['--ca', 'servers', 'key', 'self-sign', 'servers-1', '--subject', 'CN=Servers Root 1,O=Acme']);
  await ok(cli, ['--ca', 'servers', 'key', 'activate', 'servers-1']);
  return t;
}

describe('several CAs in one vault, through the CLI', () => {
  it('rotating one CA leaves the other CA\'s bundle, trust anchor and CRL numbers byte for byte unchanged', async () => {
    const { cli, dir, usb, clock } = await twoCas();
    const out = (n: string) => join(dir, n);
    await ok(cli, ['--ca', 'servers', 'crl', 'generate', '--out', out('servers-1.crl')]);
    await ok(cli, ['--ca', 'default', 'crl', 'generate', '--out', out('agents-1.crl')]);
    await ok(cli, ['--ca', 'servers', 'bundle', 'write', '--out', out('servers-before.pem')]);
    const pkgBefore = (await ok(cli, ['--json', '--ca', 'servers', 'export', 'media', '--to', usb])).json as { dir: string; signingKeyId: string };
    const serversKeys = async () =>
      ((await ok(cli, ['--json', '--ca', 'servers', 'key', 'list'])).json as Array<{ id: string; state: string; trustedUntil: string | null; activatedAt: string | null; crl: unknown }>).map((k) => [k.id, k.state, k.trustedUntil, k.activatedAt, k.crl]);
    const serversKeysBefore = await serversKeys();

    // Rotate the default CA: a new root, activated with a link certificate from the old one.
    clock.advance(DAY_MS);
    await ok(cli, ['--ca', 'default', 'key', 'create', '--name', 'agents-2']);
    await ok(cli, ['--ca', 'default', 'key', 'self-sign', 'agents-2', '--subject', 'CN=Agents Root 2,O=Acme']);
    const act = (await ok(cli, ['--json', '--ca', 'default', 'key', 'activate', 'agents-2'])).json as { previous: { name: string; state: string }; linkCertificate: boolean; bundleKeyIds: string[] };
    expect(act.previous).toMatchObject({ name: 'agents-1', state: 'trusted' });
    expect(act.linkCertificate).toBe(true);
    await ok(cli, ['--ca', 'default', 'crl', 'generate', '--out', out('agents-2.crl')]);

    // The servers CA did not move: same bundle bytes, same keys and states, same CRL numbers, same trust anchor.
    await ok(cli, ['--ca', 'servers', 'bundle', 'write', '--out', out('servers-after.pem')]);
    expect(readFileSync(out('servers-after.pem')).equals(readFileSync(out('servers-before.pem')))).toBe(true);
    expect(await serversKeys()).toEqual(serversKeysBefore);
    const pkgAfter = (await ok(cli, ['--json', '--ca', 'servers', 'export', 'media', '--to', usb])).json as { dir: string; signingKeyId: string };
    expect(pkgAfter.dir).not.toBe(pkgBefore.dir);
    expect(pkgAfter.signingKeyId).toBe(pkgBefore.signingKeyId);
    for (const f of ['trust-anchor.json', 'trust-bundle.pem']) {
      expect(readFileSync(join(pkgAfter.dir, f)).equals(readFileSync(join(pkgBefore.dir, f))), f).toBe(true);
    }
    // And the default CA did rotate: two keys in its bundle, none of the servers CA's.
    const defaultKeys = (await ok(cli, ['--json', '--ca', 'default', 'key', 'list'])).json as Array<{ name: string; state: string; ca: string }>;
    expect(defaultKeys.map((k) => [k.name, k.state, k.ca])).toEqual([
      ['agents-2', 'active', 'default'],
      ['agents-1', 'trusted', 'default'],
    ]);
    expect(act.bundleKeyIds).not.toContain(pkgBefore.signingKeyId);
  });

  it("a leaf of each CA verifies only against its own CA's bundle (OpenSSL), and a revocation in one never reaches the other's CRL", async () => {
    const { cli, dir, env } = await twoCas();
    const out = (n: string) => join(dir, n);
    const agent = (await ok(cli, ['--json', '--ca', 'default', 'cert', 'issue', '--csr', request(dir, 'agent-1'), '--out', out('agent-1.crt')])).json as { serial: string; caId: string };
    const server = (await ok(cli, ['--json', '--ca', 'servers', 'cert', 'issue', '--csr', request(dir, 'web-1'), '--out', out('web-1.crt')])).json as { serial: string; caId: string };
    expect(agent.caId).toBe('default');
    expect(server.caId).not.toBe('default');
    await ok(cli, ['--ca', 'default', 'bundle', 'write', '--out', out('default.pem')]);
    await ok(cli, ['--ca', 'servers', 'bundle', 'write', '--out', out('servers.pem')]);
    expect(verifies(out('default.pem'), out('agent-1.crt'))).toBe(true);
    expect(verifies(out('servers.pem'), out('web-1.crt'))).toBe(true);
    expect(verifies(out('servers.pem'), out('agent-1.crt'))).toBe(false);
    expect(verifies(out('default.pem'), out('web-1.crt'))).toBe(false);

    // A CA sees only its own certificates: the other CA's serial is not found there, and nothing is revoked.
    const cross = await cli(['--json', '--ca', 'servers', 'cert', 'revoke', agent.serial]);
    expect(cross.code).toBe(1);
    expect((cross.json as { error: { code: string } }).error.code).toBe('CERT_NOT_FOUND');
    expect(((await ok(cli, ['--json', '--ca', 'servers', 'cert', 'list'])).json as { items: Array<{ serial: string }> }).items.map((c) => c.serial)).toEqual([server.serial]);

    await ok(cli, ['--ca', 'default', 'cert', 'revoke', agent.serial, '--reason', 'keyCompromise']);
    await ok(cli, ['--ca', 'default', 'crl', 'generate', '--out', out('default.crl')]);
    await ok(cli, ['--ca', 'servers', 'crl', 'generate', '--out', out('servers.crl')]);
    expect(crlSerials(out('default.crl'))).toEqual([agent.serial.replace(/^0+/, '')]);
    expect(crlSerials(out('servers.crl'))).toEqual([]);
    // Each CRL is signed by its own CA's key: OpenSSL checks it against that CA's bundle only.
    const crlOk = (bundle: string, crl: string) => spawnSync('openssl', ['crl', '-inform', 'DER', '-noout', '-CAfile', bundle, '-in', crl]).status === 0;
    expect(crlOk(out('servers.pem'), out('servers.crl'))).toBe(true);
    expect(crlOk(out('default.pem'), out('servers.crl'))).toBe(false);

    // A revocation in the other CA reaches only that CA's CRL.
    await ok(cli, ['--ca', 'servers', 'cert', 'revoke', server.serial, '--reason', 'superseded']);
    await ok(cli, ['--ca', 'default', 'crl', 'generate', '--out', out('default-2.crl')]);
    await ok(cli, ['--ca', 'servers', 'crl', 'generate', '--out', out('servers-2.crl')]);
    expect(crlSerials(out('default-2.crl'))).toEqual([agent.serial.replace(/^0+/, '')]);
    expect(crlSerials(out('servers-2.crl'))).toEqual([server.serial.replace(/^0+/, '')]);
    // The revocation rows carry no CA: each issuer's row in revocation_issuers carries its key's.
    const raw = openRawDatabase(join(dir, 'vault'), await vaultKeyOf(join(dir, 'vault'), { passphrase: env.AIRGAP_CA_PASSPHRASE }));
    try {
      expect(raw.prepare('SELECT k.name, i.ca_id = k.ca_id FROM revocation_issuers i JOIN signing_keys k ON k.id = i.issuer_key_id ORDER BY i.id').raw().all()).toEqual([
        ['agents-1', 1],
        ['servers-1', 1],
      ]);
      expect(raw.prepare("SELECT ca_id FROM revocation_issuers ORDER BY id").pluck().all()).toEqual(['default', server.caId]);
    } finally {
      raw.close();
    }
  });

  it('without --ca a command of one CA is refused on a two-CA vault with exit 2 naming the CAs; an unknown CA is CA_NOT_FOUND', async () => {
    const { cli, dir, env, usb } = await twoCas();
    for (const args of [['key', 'create', '--name', 'x'], ['cert', 'list'], ['crl', 'generate', '--out', join(dir, 'x.crl')], ['bundle', 'write', '--out', join(dir, 'x.pem')], ['export', 'emergency', '--to', usb], ['audit', 'checkpoint', '--out', join(dir, 'cp.json')]]) {
      const r = await cli(['--json', ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      const e = (r.json as { error: { code: string; message: string } }).error;
      expect(e.code).toBe('CA_REQUIRED');
      expect(e.message).toContain('default, servers');
    }
    const text = await cli(['bundle', 'write', '--out', join(dir, 'y.pem')]);
    expect(text.code).toBe(2);
    expect(text.stderr).toMatch(/^error \(CA_REQUIRED\): .*default, servers/);
    const unknown = await cli(['--json', '--ca', 'nope', 'key', 'show', 'agents-1']);
    expect(unknown.code).toBe(2);
    expect((unknown.json as { error: { code: string; message: string } }).error).toMatchObject({ code: 'CA_NOT_FOUND' });
    // Nothing was written by the refusals.
    expect(((await ok(cli, ['--json', '--ca', 'default', 'key', 'list'])).json as unknown[]).length).toBe(1);

    // AIRGAP_CA_CA selects the CA like --ca; --ca wins over it.
    const { inProcessCli } = await import('../testing/cli-in-process.ts');
    const viaEnv = inProcessCli({ vault: join(dir, 'vault'), clock: (await import('../core/clock.ts')).fixedClock(new Date()), env: { ...env, AIRGAP_CA_CA: 'servers' } });
    expect(((await ok(viaEnv, ['--json', 'key', 'list'])).json as Array<{ name: string }>).map((k) => k.name)).toEqual(['servers-1']);
    expect(((await ok(viaEnv, ['--json', '--ca', 'default', 'key', 'list'])).json as Array<{ name: string }>).map((k) => k.name)).toEqual(['agents-1']);
  });

  it('a key of one CA cannot be activated, revoked for or used to sign a CRL in another CA', async () => {
    const { cli, dir } = await twoCas();
    for (const args of [['key', 'activate', 'agents-1'], ['key', 'show', 'agents-1'], ['crl', 'generate', '--issuer', 'agents-1', '--out', join(dir, 'x.crl')], ['cert', 'revoke', '--issuer', 'agents-1', '--all']]) {
      const r = await cli(['--json', '--ca', 'servers', ...args]);
      expect(r.code, args.join(' ')).toBe(1);
      const e = (r.json as { error: { code: string; message: string } }).error;
      expect(e.code).toBe('KEY_NOT_FOUND');
      // The refusal says where the key is, so the officer sees the wrong CA, not a missing key.
      expect(e.message).toContain('in the CA "servers": it is a key of the CA "default" (--ca default)');
    }
    // By its full id or an id prefix too; a name no CA has is only "not in this CA".
    const agents = ((await ok(cli, ['--json', '--ca', 'default', 'key', 'show', 'agents-1'])).json as { id: string }).id;
    for (const ref of [agents, agents.slice(7, 19)]) {
      const r = await cli(['--json', '--ca', 'servers', 'crl', 'generate', '--issuer', ref, '--out', join(dir, 'y.crl')]);
      expect((r.json as { error: { code: string; message: string } }).error).toMatchObject({ code: 'KEY_NOT_FOUND', message: expect.stringContaining('it is a key of the CA "default"') });
    }
    const none = await cli(['--json', '--ca', 'servers', 'key', 'show', 'nobody']);
    expect((none.json as { error: { message: string } }).error.message).toMatch(/^There is no signing key "nobody" in the CA "servers"\. /);
    expect(readdirSync(dir).filter((f) => f.endsWith('.crl'))).toEqual([]);
  });

  it("an emergency in one CA revokes only that CA's certificates and publishes only its final CRL", async () => {
    const { cli, dir } = await twoCas();
    const out = (n: string) => join(dir, n);
    const agent = (await ok(cli, ['--json', '--ca', 'default', 'cert', 'issue', '--csr', request(dir, 'agent-1'), '--out', out('agent-1.crt')])).json as { serial: string };
    const server = (await ok(cli, ['--json', '--ca', 'servers', 'cert', 'issue', '--csr', request(dir, 'web-1'), '--out', out('web-1.crt')])).json as { serial: string };
    await ok(cli, ['--ca', 'servers', 'key', 'create', '--name', 'servers-2']);
    await ok(cli, ['--ca', 'servers', 'key', 'self-sign', 'servers-2', '--subject', 'CN=Servers Root 2,O=Acme']);
    const em = (await ok(cli, ['--json', '--ca', 'servers', '--witness', 'bob', 'key', 'activate', 'servers-2', '--emergency'])).json as { revokedCount: number; previous: { name: string; state: string }; finalCrls: unknown[] };
    expect(em).toMatchObject({ revokedCount: 1, previous: { name: 'servers-1', state: 'retired' } });
    expect(em.finalCrls).toHaveLength(1);
    const status = async (ca: string) => ((await ok(cli, ['--json', '--ca', ca, 'cert', 'list'])).json as { items: Array<{ serial: string; status: string }> }).items.map((c) => [c.serial, c.status]);
    expect(await status('servers')).toEqual([[server.serial, 'revoked']]);
    expect(await status('default')).toEqual([[agent.serial, 'valid']]);
    const defaultKeys = (await ok(cli, ['--json', '--ca', 'default', 'key', 'list'])).json as Array<{ name: string; state: string; crl: { lastNumber: number | null } }>;
    expect(defaultKeys.map((k) => [k.name, k.state, k.crl.lastNumber])).toEqual([['agents-1', 'active', null]]);
  });

  it("ca create --parent: the issuing CA's chain ends at the root CA's certificate, and its leaf verifies with OpenSSL against the root alone; the issuing CA then rotates under the root", async () => {
    const t = cliWithMedium();
    const { cli, dir } = t;
    const out = (n: string) => join(dir, n);
    await ok(cli, ['vault', 'init']);
    await ok(cli, ['ca', 'rename', 'default', 'Root']);
    await ok(cli, ['key', 'create', '--name', 'root-1']);
    await ok(cli, ['key', 'self-sign', 'root-1', '--subject', 'CN=Acme Offline Root,O=Acme']);
    await ok(cli, ['key', 'activate', 'root-1']);
    const issuing = (await ok(cli, ['--json', 'ca', 'create', '--name', 'Issuing', '--parent', 'Root', '--key-name', 'issuing-1', '--subject', 'CN=Acme Issuing CA,O=Acme', '--days', '1825'])).json as { id: string; parentId: string; parentName: string; firstKeyId: string; serial: string };
    expect(issuing.parentId).toBe('default');
    expect(issuing.parentName).toBe('Root');
    const listed = (await ok(cli, ['ca', 'list'])).stdout.split('\n');
    expect(listed[0]).toMatch(/^CA\s+PARENT\s+PURPOSE\s+KEYS\s+ACTIVE KEY/);
    expect(listed[1]).toMatch(/^Root\s+-\s+-\s+1\s+root-1 \(sha256:[0-9a-f]{64}\)/);
    expect(listed[2]).toMatch(/^Issuing\s+Root\s+-\s+1\s+-/);
    expect((await ok(cli, ['ca', 'show', 'Issuing'])).stdout).toMatch(/^Parent:\s+Root$/m);
    const draft = (await ok(cli, ['--json', '--ca', 'Issuing', 'key', 'show', 'issuing-1'])).json as { state: string; ca: string; subject: string; issuer: string; chain: Array<{ subject: string; selfSigned: boolean }> };
    expect(draft).toMatchObject({ state: 'draft', ca: 'Issuing', subject: 'CN=Acme Issuing CA,O=Acme', issuer: 'CN=Acme Offline Root,O=Acme' });
    expect(draft.chain.map((c) => [c.subject, c.selfSigned])).toEqual([
      ['CN=Acme Issuing CA,O=Acme', false],
      ['CN=Acme Offline Root,O=Acme', true],
    ]);
    // The root CA recorded the sub-CA certificate among its own: it can revoke it.
    const rootCerts = ((await ok(cli, ['--json', '--ca', 'Root', 'cert', 'list'])).json as { items: Array<{ serial: string; profile: string }> }).items;
    expect(rootCerts.map((c) => [c.serial, c.profile])).toEqual([[issuing.serial, 'sub-ca']]);

    await ok(cli, ['--ca', 'Issuing', 'key', 'activate', 'issuing-1']);
    await ok(cli, ['--ca', 'Issuing', 'cert', 'issue', '--csr', request(dir, 'agent-1'), '--out', out('leaf.crt')]);
    await ok(cli, ['--ca', 'Root', 'bundle', 'write', '--out', out('root.pem')]);
    const issuingPem = ((await ok(cli, ['--json', '--ca', 'Issuing', 'key', 'show', 'issuing-1'])).json as { certificatePem: string }).certificatePem;
    execFileSync('sh', ['-c', 'cat > "$1"', 'sh', out('issuing.pem')], { input: issuingPem });
    const verify = spawnSync('openssl', ['verify', '-x509_strict', '-CAfile', out('root.pem'), '-untrusted', out('issuing.pem'), out('leaf.crt')]);
    expect(verify.status, verify.stderr.toString()).toBe(0);
    expect(verifies(out('root.pem'), out('leaf.crt'))).toBe(false);
    // The issuing CA's bundle carries its chain up to the root: the leaf verifies against it alone.
    await ok(cli, ['--ca', 'Issuing', 'bundle', 'write', '--out', out('issuing-bundle.pem')]);
    expect(verifies(out('issuing-bundle.pem'), out('leaf.crt'))).toBe(true);

    // The issuing CA rotates inside itself: a second key's request signed by the root CA (sub-ca profile), its chain imported, activated.
    // The root CA's bundle does not move, and a leaf of either issuing key verifies against the root alone.
    await ok(cli, ['--ca', 'Issuing', 'key', 'create', '--name', 'issuing-2']);
    await ok(cli, ['--ca', 'Issuing', 'key', 'csr', 'issuing-2', '--subject', 'CN=Acme Issuing CA 2,O=Acme', '--out', out('issuing-2.csr')]);
    await ok(cli, ['--ca', 'Root', 'cert', 'issue', '--csr', out('issuing-2.csr'), '--profile', 'sub-ca', '--out', out('issuing-2.crt')]);
    execFileSync('sh', ['-c', 'cat "$1" "$2" > "$3"', 'sh', out('issuing-2.crt'), out('root.pem'), out('issuing-2-chain.pem')]);
    await ok(cli, ['--ca', 'Issuing', 'key', 'import-chain', 'issuing-2', '--file', out('issuing-2-chain.pem')]);
    const rotated = await ok(cli, ['--ca', 'Issuing', 'key', 'activate', 'issuing-2']);
    expect(rotated.stdout).toContain('Previous key "issuing-1" stays trusted');
    // Two keys certified by the same root need no link certificate, and the text does not promise one.
    expect(rotated.stdout).not.toContain('link certificate');
    await ok(cli, ['--ca', 'Issuing', 'cert', 'issue', '--csr', request(dir, 'agent-2'), '--out', out('leaf-2.crt')]);
    execFileSync('sh', ['-c', 'cat "$1" "$2" > "$3"', 'sh', out('issuing.pem'), out('issuing-2.crt'), out('both-issuing.pem')]);
    for (const leaf of ['leaf.crt', 'leaf-2.crt']) {
      const v = spawnSync('openssl', ['verify', '-x509_strict', '-CAfile', out('root.pem'), '-untrusted', out('both-issuing.pem'), out(leaf)]);
      expect(v.status, `${leaf}: ${v.stderr.toString()}`).toBe(0);
    }
    await ok(cli, ['--ca', 'Root', 'bundle', 'write', '--out', out('root-after.pem')]);
    expect(readFileSync(out('root-after.pem')).equals(readFileSync(out('root.pem')))).toBe(true);
    expect(((await ok(cli, ['--json', '--ca', 'Issuing', 'key', 'list'])).json as Array<{ name: string; state: string }>).map((k) => [k.name, k.state])).toEqual([
      ['issuing-2', 'active'],
      ['issuing-1', 'trusted'],
    ]);

    const events = ((await ok(cli, ['--json', 'audit', 'list'])).json as { events: Array<{ action: string; details: Record<string, unknown> }> }).events;
    const made = events.filter((e) => ['ca.created', 'key.created', 'cert.issued', 'key.chain-issued'].includes(e.action)).map((e) => [e.action, e.details.ca]);
    expect(made).toEqual([
      ['key.created', 'Root'],
      ['ca.created', 'Issuing'],
      ['key.created', 'Issuing'],
      ['cert.issued', 'Root'],
      ['key.chain-issued', 'Issuing'],
      ['cert.issued', 'Issuing'],
      ['key.created', 'Issuing'],
      ['cert.issued', 'Root'],
      ['cert.issued', 'Issuing'],
    ]);
    // --parent without the first key's name and subject is a usage error, and makes no CA.
    const partial = await cli(['--json', 'ca', 'create', '--name', 'Other', '--parent', 'Root']);
    expect(partial.code).toBe(2);
    expect(((await ok(cli, ['--json', 'ca', 'list'])).json as Array<{ name: string }>).map((c) => c.name)).toEqual(['Root', 'Issuing']);
  });

  it('key list without --ca lists every CA with a CA column; ca list/show/rename; every CA event names its CA', async () => {
    const { cli } = await twoCas();
    const all = (await ok(cli, ['--json', 'key', 'list'])).json as Array<{ name: string; ca: string }>;
    expect(all.map((k) => [k.ca, k.name]).sort()).toEqual([
      ['default', 'agents-1'],
      ['servers', 'servers-1'],
    ]);
    const text = (await ok(cli, ['key', 'list'])).stdout.split('\n');
    expect(text[0]).toMatch(/^CA\s+KEY\s+STATE/);
    expect(text.slice(1).filter(Boolean).map((l) => l.split(/\s+/)[0]).sort()).toEqual(['default', 'servers']);

    const cas = (await ok(cli, ['--json', 'ca', 'list'])).json as Array<{ name: string; keys: number; activeKeyId: string | null }>;
    expect(cas.map((c) => [c.name, c.keys, c.activeKeyId !== null])).toEqual([
      ['default', 1, true],
      ['servers', 1, true],
    ]);
    const taken = await cli(['--json', 'ca', 'create', '--name', 'servers']);
    expect(taken.code).toBe(1);
    expect((taken.json as { error: { code: string } }).error.code).toBe('CA_NAME_TAKEN');
    const renamed = (await ok(cli, ['--json', 'ca', 'rename', 'servers', 'web'])).json as { name: string; keys: number };
    expect(renamed).toMatchObject({ name: 'web', keys: 1 });
    expect((await ok(cli, ['--json', 'ca', 'show', 'web'])).json).toMatchObject({ name: 'web', purpose: 'server certificates' });
    expect((await cli(['--json', 'ca', 'show', 'servers'])).code).toBe(2);
    await ok(cli, ['--ca', 'web', 'key', 'create', '--name', 'web-2']);
    const set = (await ok(cli, ['--json', 'ca', 'set', 'web', '--crl-validity', '2', '--profiles', 'server,agent'])).json as { settings: unknown };
    expect(set.settings).toEqual({ trustedWindowDays: null, crlValidityDays: 2, allowedProfiles: ['server', 'agent'], defaultValidityDays: null });
    expect(((await ok(cli, ['--json', 'ca', 'set', 'web', '--crl-validity', 'vault'])).json as { settings: { crlValidityDays: unknown } }).settings.crlValidityDays).toBeNull();
    expect((await cli(['ca', 'set', 'web', '--profiles', 'bogus'])).code).toBe(2);
    expect((await cli(['ca', 'set', 'web', '--trusted-window', '0'])).code).toBe(2);

    const events = ((await ok(cli, ['--json', 'audit', 'list'])).json as { events: Array<{ action: string; details: Record<string, unknown> }> }).events;
    const caEvents = events.filter((e) => /^(key|cert|crl|bundle|ca)\./.test(e.action));
    expect(caEvents.length).toBeGreaterThanOrEqual(9);
    for (const e of caEvents) expect(typeof e.details.ca, e.action).toBe('string');
    expect(events.filter((e) => e.action === 'key.created').map((e) => e.details.ca)).toEqual(['default', 'servers', 'web']);
    expect(events.find((e) => e.action === 'ca.renamed')?.details).toMatchObject({ ca: 'web', from: 'servers' });
  });
});
