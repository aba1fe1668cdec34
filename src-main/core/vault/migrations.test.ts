/**
 * A test per migration: each applies on top of the previous version in a real
 * encrypted database, bumps user_version, creates what it promises and keeps
 * the data already there; a vault at an older version migrates when it is
 * opened; a failed migration leaves the previous version; a newer schema is
 * refused without leaving the database open.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { afterAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../clock.ts';
import { createTestVault, FIXED_NOW, openRawDatabase, TEST_PASSPHRASE, vaultKeyOf } from '../../testing/vault-fixtures.ts';
import { removeTempDirs, tempDir } from '../../testing/temp-dir.ts';
import { rechainPlain } from '../../testing/audit-tampering.ts';
import { DomainError } from '../errors.ts';
import { integrityCheck, type Db } from './database.ts';
import { DATABASE_FILE } from './header.ts';
import { migrate, MIGRATIONS, SCHEMA_VERSION } from './migrations.ts';
import { unlockVault } from './vault.ts';
import { generateCrl } from '../issuance/crl-publication.ts';
import { readCrl } from '../issuance/crl-reader.ts';
import { generateSigningKey } from '../keys/key-material.ts';
import { selfSignRoot } from '../keys/self-sign.ts';
import { CertificateStore } from '../store/certificate-store.ts';
import { SigningKeyStore } from '../store/signing-key-store.ts';
import { CirculationStore } from '../store/circulation-store.ts';
import { inProcessCli } from '../../testing/cli-in-process.ts';

afterAll(removeTempDirs);

/** A fresh encrypted database at user_version 0, opened the way the vault opens its own. */
function freshDb(): Db {
  const db = new Database(join(tempDir('airgap-mig-'), 'test.db'));
  db.pragma(`cipher='chacha20'`);
  db.pragma(`key="x'${randomBytes(32).toString('hex')}'"`);
  db.pragma('journal_mode = DELETE');
  return db;
}

function objects(db: Db): string[] {
  return (db.prepare("SELECT type || ' ' || name AS o FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY 1").all() as Array<{ o: string }>).map((r) => r.o);
}

const version = (db: Db) => db.pragma('user_version', { simple: true }) as number;

/** What each shipped migration must create. A new migration gets its row here, with its test. */
const CREATES: Record<number, string[]> = {
  1: ['table audit_events', 'table meta', 'table settings', 'trigger audit_events_no_delete', 'trigger audit_events_no_update'],
  2: ['index signing_keys_one_active', 'table key_chain', 'table link_certificates', 'table signing_keys'],
  3: ['index certificates_issued', 'index certificates_issuer', 'index certificates_not_after', 'index revocations_issuer', 'table certificate_der', 'table certificates', 'table crls', 'table exports', 'table revocations'],
  4: ['table trusted_roots'],
  5: ['table audit_chain_key', 'trigger audit_chain_key_no_delete', 'trigger audit_chain_key_no_update'],
  6: [
    'table certificate_counts',
    'table certificate_search',
    'table certificate_search_config',
    'table certificate_search_content',
    'table certificate_search_data',
    'table certificate_search_docsize',
    'table certificate_search_idx',
    'trigger certificates_count_delete',
    'trigger certificates_count_insert',
    'trigger certificates_search_delete',
    'trigger certificates_search_insert',
    'trigger certificates_search_update',
  ],
  // 7 rebuilds revocations (same name, same index name) around this table.
  7: ['table revocation_issuers'],
  // 8 also remakes signing_keys_one_active (same name) on (ca_id, state).
  8: ['index certificates_ca', 'index signing_keys_ca', 'table cas', 'trigger signing_keys_ca_exists'],
  // 9 also adds retired_reason and retired_by to signing_keys.
  9: ['index signing_keys_compromised'],
  // 10 also adds staged_at to signing_keys.
  10: [
    'index bundle_versions_sha256',
    'index fleet_receipts_version',
    'table bundle_version_keys',
    'table bundle_versions',
    'table fleet_receipts',
  ],
  11: ['index certificates_subject', 'index renewals_request', 'table renewals'],
  12: ['index crl_schedules_issuer', 'index scheduled_crls_schedule', 'table crl_schedules', 'table scheduled_crls'],
  13: ['table token_keys', 'trigger token_keys_hold_no_private_key'],
  // 14 also rebuilds revocations (same name, same index name) with an event column.
  14: ['table revocation_events'],
  15: ['index media_export_keys_key', 'index media_exports_out', 'table media_export_cas', 'table media_export_keys', 'table media_exports'],
  16: ['index certificates_issuer_serial'],
  17: ['index certificates_bootstrap'],
};

/** What a migration drops (an index another one replaces): gone after it, and after every later one. */
const DROPS: Record<number, string[]> = {
  16: ['index certificates_issuer'],
};
/** Undoes migration 16 on a raw database, for the cases that make what an older schema wrote. */
const UNDO_16 = 'DROP INDEX certificates_issuer_serial; CREATE INDEX certificates_issuer ON certificates(issuer_key_id);';
/** Undoes migration 17 (the bootstrap certificates' index), for the same cases. */
const UNDO_17 = 'DROP INDEX certificates_bootstrap;';

describe('migrations', () => {
  it('are numbered in increasing order, and SCHEMA_VERSION is the last', () => {
    // Numbers are handed out ahead to branches that add migrations in parallel; once all are in, they have no gaps.
    const versions = MIGRATIONS.map((m) => m.version);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(new Set(versions).size).toBe(versions.length);
    expect(SCHEMA_VERSION).toBe(versions[versions.length - 1]);
  });

  it.each(MIGRATIONS.map((m, i) => ({ version: m.version, previous: i === 0 ? 0 : (MIGRATIONS[i - 1] as (typeof MIGRATIONS)[number]).version, description: m.description })))(
    'migration $version ($description) applies on top of version $previous',
    ({ version: v, previous }) => {
      const db = freshDb();
      try {
        migrate(db, previous);
        expect(version(db)).toBe(previous);
        const before = objects(db);
        migrate(db, v);
        expect(version(db)).toBe(v);
        const after = objects(db);
        expect(after).toEqual(expect.arrayContaining(before.filter((o) => !(DROPS[v] ?? []).includes(o))));
        expect(after.filter((o) => (DROPS[v] ?? []).includes(o))).toEqual([]);
        expect(before).toEqual(expect.arrayContaining(DROPS[v] ?? []));
        const created = after.filter((o) => !before.includes(o));
        expect(created.length).toBeGreaterThan(0);
        if (CREATES[v]) expect(created).toEqual(CREATES[v]);
        expect(integrityCheck(db)).toEqual([]);
        // Running it again is a no-op.
        migrate(db, v);
        expect(objects(db)).toEqual(after);
      } finally {
        db.close();
      }
    },
  );

  it('every shipped migration has its expectation above', () => {
    expect(Object.keys(CREATES).map(Number)).toEqual(MIGRATIONS.map((m) => m.version));
  });

  it('keeps rows written at version 1 through all later migrations', () => {
    const db = freshDb();
    try {
      migrate(db, 1);
      db.prepare("INSERT INTO meta (key, value) VALUES ('vault_id', 'kept')").run();
      db.prepare("INSERT INTO settings (key, value) VALUES ('autoLockMinutes', '9')").run();
      migrate(db);
      expect(version(db)).toBe(SCHEMA_VERSION);
      expect(db.prepare('SELECT value FROM meta').all()).toEqual([{ value: 'kept' }]);
      expect(db.prepare('SELECT value FROM settings').all()).toEqual([{ value: '9' }]);
    } finally {
      db.close();
    }
  });

  it('migration 5 makes a random 256-bit audit key covering the events after the ones already there', () => {
    const keyOf = (db: Db) => db.prepare('SELECT key, keyed_from AS keyedFrom FROM audit_chain_key').all() as Array<{ key: Buffer; keyedFrom: number }>;
    const [a, b] = [freshDb(), freshDb()];
    try {
      migrate(a, 4);
      const insert = a.prepare("INSERT INTO audit_events (seq, at, actor, witnesses, action, details, prev_hash, hash) VALUES (?, 't', 'a', '[]', 'x', '{}', 'p', ?)");
      for (const seq of [1, 2, 3]) insert.run(seq, `h${seq}`);
      migrate(a);
      migrate(b);
      const [ka, kb] = [keyOf(a), keyOf(b)];
      expect(ka).toHaveLength(1);
      expect(ka[0]!.keyedFrom).toBe(4);
      expect(kb[0]!.keyedFrom).toBe(1);
      expect(ka[0]!.key).toHaveLength(32);
      expect(ka[0]!.key.equals(kb[0]!.key)).toBe(false);
    } finally {
      a.close();
      b.close();
    }
  });

  it('migration 6 indexes and counts the certificates already in the vault, and keeps both in step afterwards', () => {
    const db = freshDb();
    try {
      migrate(db, 4);
      db.prepare("INSERT INTO signing_keys (id, name, algorithm, state, spki, wrapped_private_key, wrap_nonce, created_at) VALUES ('k', 'k', 'ecdsa-p256', 'active', x'00', x'00', x'00', 't')").run();
      const put = db.prepare("INSERT INTO certificates (serial, issuer_key_id, subject, sans, profile, not_before, not_after, issued_at) VALUES (?, 'k', ?, ?, 'agent', 't', 't', 't')");
      put.run('0a', 'CN=before-upgrade', '["DNS:old.example.com"]');
      migrate(db);
      put.run('0b', 'CN=after-upgrade', '["DNS:new.example.com"]');
      const hits = (q: string) => (db.prepare('SELECT serial FROM certificate_search WHERE certificate_search MATCH ? ORDER BY serial').pluck().all(q) as string[]);
      expect(hits('"upgrade"')).toEqual(['0a', '0b']);
      expect(hits('"old.example"')).toEqual(['0a']);
      expect(db.prepare('SELECT issuer_key_id, issued, revoked FROM certificate_counts').all()).toEqual([{ issuer_key_id: 'k', issued: 2, revoked: 0 }]);
      db.prepare("DELETE FROM certificates WHERE serial = '0a'").run();
      expect(hits('"upgrade"')).toEqual(['0b']);
      expect(db.prepare('SELECT issued FROM certificate_counts').pluck().get()).toBe(1);
    } finally {
      db.close();
    }
  });

  it('migration 9 says why the keys already retired were retired, and by whom, from the audit log', () => {
    const db = freshDb();
    try {
      migrate(db, 8);
      const key = db.prepare("INSERT INTO signing_keys (id, name, algorithm, state, spki, wrapped_private_key, wrap_nonce, created_at) VALUES (?, ?, 'ecdsa-p256', ?, x'00', x'00', x'00', 't')");
      for (const [id, state] of [['routine', 'retired'], ['forced', 'retired'], ['compromised', 'retired'], ['promoted-back', 'trusted'], ['unknown', 'retired'], ['retired-twice', 'retired']] as const) key.run(id, id, state);
      const event = db.prepare("INSERT INTO audit_events (seq, at, actor, witnesses, action, details, prev_hash, hash) VALUES (?, 't', ?, '[]', ?, ?, 'p', ?)");
      const changes = (id: string) => JSON.stringify({ keyId: 'new', changes: [{ keyId: 'new', from: 'draft', to: 'active' }, { keyId: id, from: 'active', to: 'retired' }] });
      event.run(1, 'Alice', 'key.retired', JSON.stringify({ keyId: 'routine' }), 'h1');
      event.run(2, 'Bob', 'key.retired-forced', JSON.stringify({ keyId: 'forced', reason: 'r' }), 'h2');
      event.run(3, 'Carol', 'key.emergency-activated', changes('compromised'), 'h3');
      event.run(4, 'Dave', 'key.retired', JSON.stringify({ keyId: 'promoted-back' }), 'h4');
      // Retired in an emergency, promoted back, then retired routinely: the latest retire counts.
      event.run(5, 'Erin', 'key.emergency-activated', changes('retired-twice'), 'h5');
      event.run(6, 'Frank', 'key.retired', JSON.stringify({ keyId: 'retired-twice' }), 'h6');
      migrate(db);
      expect(db.prepare('SELECT id, retired_reason AS reason, retired_by AS by FROM signing_keys ORDER BY id').all()).toEqual([
        { id: 'compromised', reason: 'compromise', by: 'Carol' },
        { id: 'forced', reason: 'routine', by: 'Bob' },
        { id: 'promoted-back', reason: null, by: null },
        { id: 'retired-twice', reason: 'routine', by: 'Frank' },
        { id: 'routine', reason: 'routine', by: 'Alice' },
        { id: 'unknown', reason: null, by: null },
      ]);
      expect(() => db.prepare("UPDATE signing_keys SET retired_reason = 'lost' WHERE id = 'unknown'").run()).toThrow(/CHECK constraint/);
    } finally {
      db.close();
    }
  });

  it('a failing migration leaves the previous version and nothing of itself', () => {
    const db = freshDb();
    try {
      migrate(db, 1);
      // An object in the way makes migration 2 fail halfway through its SQL.
      db.exec('CREATE TABLE link_certificates (x TEXT)');
      expect(() => migrate(db)).toThrow(/already exists/);
      expect(version(db)).toBe(1);
      expect(objects(db)).not.toContain('table signing_keys');
      expect(objects(db)).not.toContain('table key_chain');
    } finally {
      db.close();
    }
  });
});

describe('opening a vault', () => {
  const clock = fixedClock(FIXED_NOW);

  it('a vault at schema version 1 migrates on open, keeps its audit chain and passes the integrity check', async () => {
    const dir = join(tempDir(), 'vault');
    const { vault } = await createTestVault(dir);
    vault.transaction(() => vault.audit.append({ actor: 'alice', action: 'test.before-upgrade' }));
    vault.close();
    // Make it what an older Airgap CA wrote: only migration 1's objects, user_version 1.
    const raw = openRawDatabase(dir, await vaultKeyOf(dir));
    // Version 1 hashed every event with plain SHA-256.
    raw.exec('DROP TRIGGER audit_events_no_update; DROP TRIGGER audit_events_no_delete;');
    rechainPlain(raw, vault.id, 1);
    raw.exec(`
      CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
      CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    `);
    raw.exec(
      'DROP TABLE media_export_keys; DROP TABLE media_export_cas; DROP TABLE media_exports; DROP TABLE token_keys; DROP TABLE scheduled_crls; DROP TABLE crl_schedules; DROP INDEX certificates_subject; DROP TABLE renewals; DROP TRIGGER audit_chain_key_no_update; DROP TRIGGER audit_chain_key_no_delete; DROP TABLE audit_chain_key; DROP TABLE certificate_counts; DROP TABLE revocation_issuers; DROP TABLE certificate_search; DROP TABLE trusted_roots; DROP TABLE fleet_receipts; DROP TABLE bundle_version_keys; DROP TABLE bundle_versions; DROP TABLE cas; DROP TABLE exports; DROP TABLE crls; DROP TABLE revocations; DROP TABLE revocation_events; DROP TABLE certificate_der; DROP TABLE certificates; DROP TABLE link_certificates; DROP TABLE key_chain; DROP TABLE signing_keys; PRAGMA user_version = 1;',
    );
    expect(objects(raw)).toEqual(CREATES[1]);
    raw.close();

    const v = await unlockVault(dir, { passphrase: TEST_PASSPHRASE }, { clock, actor: 'alice' });
    try {
      expect(version(v.db)).toBe(SCHEMA_VERSION);
      const dropped = Object.values(DROPS).flat();
      expect(objects(v.db)).toEqual(expect.arrayContaining(Object.values(CREATES).flat().filter((o) => !dropped.includes(o))));
      expect(objects(v.db).filter((o) => dropped.includes(o))).toEqual([]);
      expect(v.audit.verify()).toMatchObject({ ok: true, count: 2, keyedFrom: 3 });
      expect(v.audit.list().map((e) => e.action)).toEqual(['vault.created', 'test.before-upgrade']);
      expect(integrityCheck(v.db)).toEqual([]);
      expect((v.db.prepare('SELECT count(*) AS n FROM signing_keys').get() as { n: number }).n).toBe(0);
    } finally {
      v.close();
    }
  });

  it('a vault at schema version 6 with revocations migrates to the narrow rows: same revocations in the same order, same counts, a byte-identical CRL', async () => {
    const dir = join(tempDir(), 'vault');
    const { vault } = await createTestVault(dir);
    const keys = new SigningKeyStore(vault);
    const certs = new CertificateStore(vault.db);
    const now = clock.now();
    // Ed25519 signs deterministically, so the same TBS gives the same CRL bytes.
    const [a, b] = [await generateSigningKey('ed25519'), await generateSigningKey('ecdsa-p256')];
    const root = await selfSignRoot({ algorithm: 'ed25519', pkcs8: a.pkcs8, spki: a.spki, subject: 'CN=Root,O=Acme,C=DE', days: 365, clock });
    const rows = (issuer: string, n: number, tag: string) =>
      Array.from({ length: n }, (_, i) => ({
        serial: randomBytes(16).toString('hex').replace(/^[89a-f]/, '1'),
        issuerKeyId: issuer,
        subject: `CN=${tag}-${i}`,
        sans: [],
        profile: 'agent',
        notBefore: now.toISOString(),
        notAfter: new Date(now.getTime() + 86_400_000).toISOString(),
        issuedAt: now.toISOString(),
        der: Buffer.from([0x30, 0x00]),
      }));
    const [ofA, ofB] = [rows(a.keyId, 300, 'a'), rows(b.keyId, 40, 'b')];
    vault.transaction(() => {
      keys.insertDraft({ id: a.keyId, name: 'root', algorithm: 'ed25519', spki: a.spki, pkcs8: a.pkcs8, createdAt: now.toISOString() });
      keys.insertDraft({ id: b.keyId, name: 'other', algorithm: 'ecdsa-p256', spki: b.spki, pkcs8: b.pkcs8, createdAt: now.toISOString() });
      keys.setCertificate(a.keyId, root.der, []);
      keys.setState(a.keyId, { state: 'active', trustedUntil: null, activatedAt: now.toISOString() });
      certs.insert([...ofA, ...ofB]);
      // Single revocations of both issuers at several times and reasons, interleaved, then a revoke-all of the first.
      ofA.slice(0, 30).forEach((c, i) => {
        certs.revoke(c.serial, ['superseded', 'keyCompromise', 'affiliationChanged'][i % 3]!, new Date(now.getTime() - (i % 4) * 60_000), 'alice');
        if (i < ofB.length) certs.revoke(ofB[i]!.serial, 'cessationOfOperation', now, 'alice');
      });
      certs.revokeAllByIssuer(a.keyId, 'keyCompromise', now, 'alice');
    });
    const crlOf = () => generateCrl({ keys, certs, now }, keys.resolve(a.keyId), 7).der;
    const crlBefore = crlOf();
    const revocations = (db: Db) =>
      db.prepare('SELECT r.serial, i.issuer_key_id, e.revoked_at, e.reason FROM revocations r JOIN revocation_issuers i ON i.id = r.issuer JOIN revocation_events e ON e.id = r.event ORDER BY r.id').raw().all();
    const expected = revocations(vault.db);
    expect(expected).toHaveLength(300 + 30);
    const counts = vault.db.prepare('SELECT * FROM certificate_counts ORDER BY issuer_key_id').all();
    vault.close();

    // Make it what schema 6 wrote: no bootstrap index (migration 17 undone), certificates indexed by issuer alone (migration 16 undone), no circulation records (migration 15 undone), no revocation events (migration 14 undone), no token keys (migration 13 undone), no pre-signed CRLs (migration 12 undone), no renewals (migration 11 undone), no fleet tables or staged keys (migration 10 undone), no retire reasons (migration 9 undone), no CAs (migration 8 undone), and the wide rows (issuer key id as text,
    // an implicit rowid and an index on the text).
    const raw = openRawDatabase(dir, await vaultKeyOf(dir));
    raw.exec(`
      ${UNDO_17} ${UNDO_16}
      DROP TABLE media_export_keys; DROP TABLE media_export_cas; DROP TABLE media_exports;
      DROP TABLE token_keys; DROP TABLE scheduled_crls; DROP TABLE crl_schedules; DROP INDEX certificates_subject; DROP TABLE renewals;
      DROP TABLE fleet_receipts; DROP TABLE bundle_version_keys; DROP TABLE bundle_versions; ALTER TABLE signing_keys DROP COLUMN staged_at;
      DROP INDEX signing_keys_compromised; ALTER TABLE signing_keys DROP COLUMN retired_reason; ALTER TABLE signing_keys DROP COLUMN retired_by;
      DROP TRIGGER signing_keys_ca_exists; DROP INDEX signing_keys_ca; DROP INDEX certificates_ca; DROP INDEX signing_keys_one_active;
      ALTER TABLE signing_keys DROP COLUMN ca_id; ALTER TABLE certificates DROP COLUMN ca_id; ALTER TABLE crls DROP COLUMN ca_id; ALTER TABLE exports DROP COLUMN ca_id;
      DROP TABLE cas;
      CREATE UNIQUE INDEX signing_keys_one_active ON signing_keys(state) WHERE state = 'active';
      CREATE TABLE revocations_wide (serial TEXT PRIMARY KEY REFERENCES certificates(serial), issuer_key_id TEXT NOT NULL, revoked_at TEXT NOT NULL, reason TEXT NOT NULL) STRICT;
      INSERT INTO revocations_wide (rowid, serial, issuer_key_id, revoked_at, reason)
        SELECT r.id * 3, r.serial, i.issuer_key_id, e.revoked_at, e.reason FROM revocations r JOIN revocation_issuers i ON i.id = r.issuer JOIN revocation_events e ON e.id = r.event ORDER BY r.id;
      DROP TABLE revocations; DROP TABLE revocation_issuers; DROP TABLE revocation_events;
      ALTER TABLE revocations_wide RENAME TO revocations;
      CREATE INDEX revocations_issuer ON revocations(issuer_key_id);
      PRAGMA user_version = 6;
    `);
    expect(raw.prepare('SELECT serial, issuer_key_id, revoked_at, reason FROM revocations ORDER BY rowid').raw().all()).toEqual(expected);
    raw.close();

    const v = await unlockVault(dir, { passphrase: TEST_PASSPHRASE }, { clock, actor: 'alice' });
    try {
      expect(version(v.db)).toBe(SCHEMA_VERSION);
      expect(integrityCheck(v.db)).toEqual([]);
      expect(revocations(v.db)).toEqual(expected);
      expect(v.db.prepare('SELECT * FROM certificate_counts ORDER BY issuer_key_id').all()).toEqual(counts);
      const [keys2, certs2] = [new SigningKeyStore(v), new CertificateStore(v.db)];
      const crlAfter = generateCrl({ keys: keys2, certs: certs2, now }, keys2.resolve(a.keyId), 7).der;
      expect(crlAfter.equals(crlBefore)).toBe(true);
      expect(readCrl(crlAfter).entryCount).toBe(300);
      // The migrated issuer keeps its number: a new revocation of the other issuer joins its rows.
      v.transaction(() => certs2.revoke(ofB[35]!.serial, 'superseded', now, 'alice'));
      expect(certs2.get(ofB[35]!.serial).revokedAt).toBe(now.toISOString());
      expect(v.db.prepare('SELECT count(*) FROM revocation_issuers').pluck().get()).toBe(2);
      // Migration 8 then gives each issuer (not each revocation) the CA it belongs to.
      expect(v.db.prepare('SELECT DISTINCT ca_id FROM revocation_issuers').pluck().all()).toEqual(['default']);
      // Migration 14 then moves each revocation's time and reason into its event.
      expect(v.db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all('revocations')).toEqual(['id', 'issuer', 'serial', 'event']);
      expect(certs2.countRevoked(b.keyId)).toBe(31);
    } finally {
      v.close();
    }
  });

  it('a vault of the schema before 15 with exports of two CAs migrates to one circulation record per package: its CAs, bundle versions, keys and officer, the medium unknown', async () => {
    const dir = tempDir();
    const usb = join(dir, 'usb');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(usb);
    const cliClock = fixedClock('2026-12-01T09:00:00Z');
    const cli = inProcessCli({ vault: join(dir, 'vault'), clock: cliClock, env: { AIRGAP_CA_PASSPHRASE: TEST_PASSPHRASE, AIRGAP_CA_ACTOR: 'Alice Officer', AIRGAP_CA_MEDIA_ROOTS: usb } });
    const ok = async (args: string[]) => {
      const r = await cli(args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}${r.stdout}`).toBe(0);
      return r;
    };
    await ok(['vault', 'init']);
    for (const [ca, key] of [['default', 'Fleet Root 2025'], ['Lab', 'Lab Root']] as const) {
      const scope = ca === 'default' ? [] : ['--ca', ca];
      if (ca === 'Lab') await ok(['ca', 'create', '--name', 'Lab']);
      await ok([...scope, 'key', 'create', '--name', key]);
      await ok([...scope, 'key', 'self-sign', key, '--subject', `CN=${key}`]);
      await ok([...scope, 'key', 'activate', key]);
    }
    // Package 1 carries both CAs (one exports row each); package 2, a day and a rotation later, only the default CA.
    const both = (await ok(['--json', 'export', 'media', '--to', usb])).json as { dir: string; manifestSha256: string };
    cliClock.advance(86_400_000);
    await ok(['--ca', 'default', 'key', 'create', '--name', 'Fleet Root 2026']);
    await ok(['--ca', 'default', 'key', 'self-sign', 'Fleet Root 2026', '--subject', 'CN=Fleet Root 2026']);
    await ok(['--ca', 'default', '--witness', 'Bob', 'key', 'activate', 'Fleet Root 2026', '--emergency']);
    const one = (await ok(['--json', '--actor', 'Carol Officer', '--ca', 'default', 'export', 'media', '--to', usb])).json as { dir: string; manifestSha256: string };
    const names = (await ok(['--json', '--ca', 'default', 'key', 'list'])).json as Array<{ id: string; name: string }>;
    const idOf = (n: string) => names.find((k) => k.name === n)?.id;
    const labKey = ((await ok(['--json', '--ca', 'Lab', 'key', 'list'])).json as Array<{ id: string }>)[0]!.id;

    // Make it what the schema before 15 wrote: no circulation tables (its exports rows and bundles stay), and migrations 16 and 17 undone.
    const previous = MIGRATIONS[MIGRATIONS.findIndex((m) => m.version === 15) - 1]!.version;
    const raw = openRawDatabase(join(dir, 'vault'), await vaultKeyOf(join(dir, 'vault')));
    raw.exec(`${UNDO_17} ${UNDO_16} DROP TABLE media_export_keys; DROP TABLE media_export_cas; DROP TABLE media_exports; PRAGMA user_version = ${previous};`);
    expect(raw.prepare('SELECT count(*) FROM exports').pluck().get()).toBe(3);
    raw.close();

    const v = await unlockVault(join(dir, 'vault'), { passphrase: TEST_PASSPHRASE }, { clock, actor: 'alice' });
    try {
      expect(version(v.db)).toBe(SCHEMA_VERSION);
      expect(integrityCheck(v.db)).toEqual([]);
      const records = new CirculationStore(v.db).list();
      const unknown = { mountpoint: null, device: null, fsType: null, label: null, uuid: null, serial: null, note: 'Written before Airgap CA recorded media: its label, UUID and serial are unknown.' };
      expect(records).toEqual([
        {
          id: 1, kind: 'export', at: '2026-12-01T09:00:00.000Z', actor: 'Alice Officer', folder: both.dir, manifestSha256: both.manifestSha256,
          medium: { path: usb, ...unknown }, withdrawn: null, withdrawnAt: null, withdrawnBy: null, withdrawnNote: null,
          cas: [
            { caId: 'default', caName: 'default', bundleVersion: 1, keys: [{ id: idOf('Fleet Root 2025'), name: 'Fleet Root 2025', state: 'retired', retiredReason: 'compromise', retiredAt: '2026-12-02T09:00:00.000Z' }] },
            { caId: expect.any(String), caName: 'Lab', bundleVersion: 1, keys: [{ id: labKey, name: 'Lab Root', state: 'active', retiredReason: null, retiredAt: null }] },
          ],
        },
        {
          id: 2, kind: 'export', at: '2026-12-02T09:00:00.000Z', actor: 'Carol Officer', folder: one.dir, manifestSha256: one.manifestSha256,
          medium: { path: usb, ...unknown }, withdrawn: null, withdrawnAt: null, withdrawnBy: null, withdrawnNote: null,
          cas: [{ caId: 'default', caName: 'default', bundleVersion: 2, keys: [{ id: idOf('Fleet Root 2026'), name: 'Fleet Root 2026', state: 'active', retiredReason: null, retiredAt: null }] }],
        },
      ]);
      // Recording goes on after the migration, numbered after the migrated ones.
      const next = new CirculationStore(v.db).record({ kind: 'export', at: 't', actor: 'a', folder: 'f', manifestSha256: 'a'.repeat(64), medium: { path: '/m', ...unknown }, cas: [] });
      expect(next).toBe(3);
    } finally {
      v.close();
    }
  });

  it('a vault with a newer schema is UNSUPPORTED_FORMAT, and its database is not left open', async () => {
    const dir = join(tempDir(), 'vault');
    (await createTestVault(dir)).vault.close();
    const raw = openRawDatabase(dir, await vaultKeyOf(dir));
    raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    raw.close();
    const openHandles = () => readdirSync('/proc/self/fd').filter((fd) => {
      try {
        return readlinkSync(`/proc/self/fd/${fd}`).startsWith(join(dir, DATABASE_FILE));
      } catch {
        return false;
      }
    }).length;
    expect(openHandles()).toBe(0);
    const err = await unlockVault(dir, { passphrase: TEST_PASSPHRASE }, { clock, actor: 'alice' }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).code).toBe('UNSUPPORTED_FORMAT');
    expect(openHandles()).toBe(0);
  });
});
