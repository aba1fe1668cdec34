import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../core/clock.ts';
import { SCHEMA_VERSION } from '../core/vault/migrations.ts';
import { openRawDatabase, vaultKeyOf } from '../testing/vault-fixtures.ts';
import { inProcessCli } from '../testing/cli-in-process.ts';
import { removeTempDirs, tempDir } from '../testing/temp-dir.ts';

afterAll(removeTempDirs);

const FIXTURE = join(import.meta.dirname, '..', 'testing', 'golden', 'vault-schema5');
/** The fixture's passphrase (README.md there): test-only. */
const PASS = 'fixture passphrase, test only';

function crlNumber(file: string): number {
  const out = execFileSync('openssl', ['crl', '-inform', 'DER', '-noout', '-crlnumber', '-in', file]).toString();
  return parseInt(out.trim().replace(/^crlNumber=(0x)?/, ''), 16);
}

/** A copy of the committed vault of schema version 5, and the CLI on it. */
function legacyVault() {
  const dir = tempDir();
  const vault = join(dir, 'vault');
  mkdirSync(vault);
  for (const f of ['vault-header.json', 'vault.db']) copyFileSync(join(FIXTURE, f), join(vault, f));
  const clock = fixedClock('2026-06-03T12:00:00Z');
  return { dir, vault, cli: inProcessCli({ vault, clock, env: { AIRGAP_CA_PASSPHRASE: PASS } }) };
}

describe('a vault made before several CAs per vault', () => {
  it('migrates into one CA named "default" with its keys, certificates, revocations, CRL numbers and audit chain unchanged', async () => {
    const { dir, cli } = legacyVault();
    const keys = (await cli(['--json', 'key', 'list'])).json as Array<{ id: string; name: string; state: string; ca: string; caId: string; trustedUntil: string | null; crl: { lastNumber: number | null } }>;
    expect(keys.map((k) => [k.name, k.state, k.caId, k.ca])).toEqual([
      ['root-b', 'active', 'default', 'default'],
      ['root-a', 'trusted', 'default', 'default'],
    ]);
    expect(keys[1]!.trustedUntil).toBe('2026-07-02T12:00:00.000Z');
    expect(keys.find((k) => k.name === 'root-a')!.crl.lastNumber).toBe(crlNumber(join(FIXTURE, 'a.crl')));
    expect(keys.find((k) => k.name === 'root-b')!.crl.lastNumber).toBe(crlNumber(join(FIXTURE, 'b.crl')));

    const cas = (await cli(['--json', 'ca', 'list'])).json as Array<{ id: string; name: string; keys: number; activeKeyId: string; purpose: string; created: string }>;
    expect(cas).toHaveLength(1);
    expect(cas[0]).toMatchObject({ id: 'default', name: 'default', keys: 2, activeKeyId: keys[0]!.id, purpose: '' });
    // The CA is as old as the vault: its first audit event.
    expect(cas[0]!.created).toBe('2026-06-01T12:00:00.000Z');

    const certs = (await cli(['--json', 'cert', 'list'])).json as { items: Array<{ subject: string; status: string; caId: string; issuerKeyId: string }>; total: number };
    expect(certs.total).toBe(2);
    expect(certs.items.map((c) => [c.subject, c.status, c.caId, c.issuerKeyId]).sort()).toEqual([
      ['CN=agent-1', 'valid', 'default', keys[1]!.id],
      ['CN=agent-2', 'revoked', 'default', keys[1]!.id],
    ]);

    const verify = await cli(['--json', 'vault', 'verify']);
    expect(verify.code).toBe(0);
    expect(verify.json).toMatchObject({ ok: true, integrity: [], audit: { ok: true } });

    // Every command works without --ca as before: a new CRL continues the numbers, issuance and the bundle work.
    const crl = (await cli(['--json', 'crl', 'generate', '--issuer', 'root-a', '--out', join(dir, 'a2.crl')])).json as { number: number; entries: number };
    expect(crl.number).toBeGreaterThan(crlNumber(join(FIXTURE, 'a.crl')));
    expect(crl.entries).toBe(1);
    const csr = join(dir, 'c.csr');
    execFileSync('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, 'c.key'), '-out', csr, '-subj', '/CN=agent-3'], { stdio: 'ignore' });
    const issued = await cli(['--json', 'cert', 'issue', '--csr', csr, '--out', join(dir, 'c.crt')]);
    expect(issued.code, issued.stdout).toBe(0);
    expect(issued.json).toMatchObject({ caId: 'default', issuerKeyId: keys[0]!.id });
    expect((await cli(['bundle', 'write', '--out', join(dir, 'bundle.pem')])).code).toBe(0);
    const bundle = readFileSync(join(dir, 'bundle.pem'), 'utf8');
    expect(bundle.match(/BEGIN CERTIFICATE/g)).toHaveLength(3);
    expect(execFileSync('openssl', ['verify', '-CAfile', join(dir, 'bundle.pem'), join(dir, 'c.crt')]).toString()).toContain('OK');

    // The events written before the migration keep verifying; the new ones name the CA.
    const audit = await cli(['--json', 'audit', 'verify']);
    expect(audit.code).toBe(0);
    const events = ((await cli(['--json', 'audit', 'list'])).json as { events: Array<{ action: string; at: string; details: Record<string, unknown> }> }).events;
    const before = events.filter((e) => e.at < '2026-06-03');
    const after = events.filter((e) => e.at >= '2026-06-03' && /^(cert|crl|bundle)\./.test(e.action));
    expect(before.length).toBeGreaterThan(5);
    expect(before.every((e) => !('ca' in e.details))).toBe(true);
    expect(after.map((e) => [e.action, e.details.ca])).toEqual([
      ['crl.generated', 'default'],
      ['cert.issued', 'default'],
      ['bundle.written', 'default'],
    ]);
  });

  it('passes through migrations 6, 7, 8, 9, 11 and 13: the revocation in the narrow rows of 7, its issuer given the CA by 8, no retire reason on keys not retired (9), no renewals yet (11), no key on a token and every private key still wrapped (13)', async () => {
    const { vault, cli } = legacyVault();
    expect((await cli(['key', 'list'])).code).toBe(0);
    const raw = openRawDatabase(vault, await vaultKeyOf(vault, { passphrase: PASS }));
    try {
      expect(SCHEMA_VERSION).toBe(17);
      expect(raw.prepare('SELECT count(*) FROM renewals').pluck().get()).toBe(0);
      expect(raw.prepare("SELECT name FROM sqlite_master WHERE name = 'certificates_subject'").pluck().get()).toBe('certificates_subject');
      expect(raw.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      const rootA = raw.prepare("SELECT id FROM signing_keys WHERE name = 'root-a'").pluck().get() as string;
      expect(raw.prepare('SELECT issuer_key_id, ca_id FROM revocation_issuers').raw().all()).toEqual([[rootA, 'default']]);
      // Migration 14: the revocation's time and reason are its event's; made before, its actor is not known.
      expect(raw.prepare('SELECT name FROM pragma_table_info(?)').pluck().all('revocations')).toEqual(['id', 'issuer', 'serial', 'event']);
      expect(
        raw
          .prepare('SELECT c.subject, e.reason, e.actor, i.issuer_key_id FROM revocations r JOIN revocation_issuers i ON i.id = r.issuer JOIN revocation_events e ON e.id = r.event JOIN certificates c ON c.serial = r.serial')
          .raw()
          .all(),
      ).toEqual([['CN=agent-2', 'superseded', null, rootA]]);
      expect(raw.prepare('SELECT issuer_key_id, issued, revoked FROM certificate_counts').raw().all()).toEqual([[rootA, 2, 1]]);
      expect(raw.prepare('SELECT name, state, retired_reason, retired_by FROM signing_keys ORDER BY name').raw().all()).toEqual([
        ['root-a', 'trusted', null, null],
        ['root-b', 'active', null, null],
      ]);
      expect(raw.prepare('SELECT count(*) FROM token_keys').pluck().get()).toBe(0);
      expect(raw.prepare('SELECT min(length(wrapped_private_key)) FROM signing_keys').pluck().get()).toBeGreaterThan(0);
    } finally {
      raw.close();
    }
  });

  it('passes through migration 10: no key staged, no bundle versions or receipts yet; fleet status, staging and bundle versions work on it', async () => {
    const { dir, vault, cli } = legacyVault();
    const status = await cli(['--json', 'fleet', 'status']);
    expect(status.code, status.stdout).toBe(0);
    expect(status.json).toMatchObject({ agents: 1, receipts: 0, bundle: null, threshold: 100 });
    // root-a issued both certificates: agent-2's was revoked (superseded), agent-1's is live and not superseded.
    expect((status.json as { keys: unknown[] }).keys).toEqual([
      expect.objectContaining({ name: 'root-b', state: 'active', liveLeaves: 0 }),
      expect.objectContaining({ name: 'root-a', state: 'trusted', liveLeaves: 1, superseded: 0, remaining: 1, safeToRetire: false }),
    ]);
    const raw = openRawDatabase(vault, await vaultKeyOf(vault, { passphrase: PASS }));
    try {
      expect(raw.prepare('SELECT name, staged_at FROM signing_keys ORDER BY name').raw().all()).toEqual([
        ['root-a', null],
        ['root-b', null],
      ]);
      expect(raw.prepare('SELECT count(*) FROM bundle_versions').pluck().get()).toBe(0);
    } finally {
      raw.close();
    }
    const written = await cli(['--json', 'bundle', 'write', '--out', join(dir, 'bundle.pem')]);
    expect(written.json).toMatchObject({ bundleVersion: 1 });
    expect((await cli(['key', 'create', '--name', 'root-c'])).code).toBe(0);
    expect((await cli(['key', 'self-sign', 'root-c', '--subject', 'CN=Root C'])).code).toBe(0);
    expect(((await cli(['--json', 'key', 'stage', 'root-c'])).json as { staged: { state: string } }).staged.state).toBe('staged');
    expect(((await cli(['--json', 'bundle', 'write', '--out', join(dir, 'bundle-2.pem')])).json as { bundleVersion: number }).bundleVersion).toBe(2);
  });

  it('passes through migration 12: the old CRLs are on the calendar, and pre-signed CRLs continue each key\'s numbers', async () => {
    const { cli } = legacyVault();
    const cal = (await cli(['--json', 'crl', 'calendar'])).json as { entries: Array<{ keyName: string; state: string; lastCrl: { number: number } | null; scheduled: unknown }> };
    expect(cal.entries.map((e) => [e.keyName, e.state, e.lastCrl?.number, e.scheduled]).sort()).toEqual([
      ['root-a', 'trusted', crlNumber(join(FIXTURE, 'a.crl')), null],
      ['root-b', 'active', crlNumber(join(FIXTURE, 'b.crl')), null],
    ]);
    const p = await cli(['--json', 'crl', 'presign', '--issuer', 'root-a', '--count', '2']);
    expect(p.code).toBe(0);
    const numbers = (p.json as { crls: Array<{ number: number; entries: number }> }).crls;
    expect(numbers[0]!.number).toBeGreaterThan(crlNumber(join(FIXTURE, 'a.crl')));
    expect(numbers.map((c) => c.entries)).toEqual([1, 1]);
  });

  it('with a second CA added, the commands of one CA need --ca, and "default" keeps everything it had', async () => {
    const { cli } = legacyVault();
    expect((await cli(['ca', 'create', '--name', 'servers'])).code).toBe(0);
    const refused = await cli(['--json', 'cert', 'list']);
    expect(refused.code).toBe(2);
    expect((refused.json as { error: { code: string; message: string } }).error).toMatchObject({ code: 'CA_REQUIRED' });
    expect(((await cli(['--json', '--ca', 'default', 'cert', 'list'])).json as { total: number }).total).toBe(2);
    expect(((await cli(['--json', '--ca', 'servers', 'cert', 'list'])).json as { total: number }).total).toBe(0);
    expect(((await cli(['--json', '--ca', 'servers', 'key', 'list'])).json as unknown[]).length).toBe(0);
  });
});
