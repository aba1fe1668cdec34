/**
 * Migration 17 (a CA's bootstrap certificates by expiry) on a real vault file
 * of an older schema, made by the CLI of that version
 * (src-main/testing/golden/vault-schema13/README.md, migrated through 14–16 on
 * the way): the partial index holds the bootstrap certificates only, the
 * enrollment check reads it, and the once-per-device rule holds on the
 * migrated vault.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { afterAll, describe, expect, it } from 'vitest';
import { integrityCheck } from '../core/vault/database.ts';
import { openRawDatabase, vaultKeyOf } from '../testing/vault-fixtures.ts';
import { removeTempDirs } from '../testing/temp-dir.ts';
import { copyOfSchema13Vault, openUnmigrated, SCHEMA13_PASS } from '../testing/schema13-vault.ts';
import { jsonError } from '../testing/cli-runner.ts';

afterAll(removeTempDirs);

const indexes = (db: Database.Database) => db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'certificates' ORDER BY name").pluck().all();

describe('migration 17 on a vault of an older schema', () => {
  it('adds the partial index of bootstrap certificates, which the enrollment look-up uses, and a second bootstrap certificate for a device is refused', async () => {
    const { dir, vault, cli } = copyOfSchema13Vault();
    const key = await vaultKeyOf(vault, { passphrase: SCHEMA13_PASS });
    const raw0 = openUnmigrated(vault, key);
    expect(raw0.pragma('user_version', { simple: true })).toBe(13);
    expect(indexes(raw0)).not.toContain('certificates_bootstrap');
    const before = raw0.prepare('SELECT serial, subject, profile FROM certificates ORDER BY serial').raw().all();
    raw0.close();

    const verify = await cli(['--json', 'vault', 'verify']);
    expect(verify.code, verify.stdout).toBe(0);
    expect(verify.json).toMatchObject({ ok: true, integrity: [], audit: { ok: true } });

    const raw = openRawDatabase(vault, key);
    try {
      expect(raw.pragma('user_version', { simple: true })).toBeGreaterThanOrEqual(17);
      expect(indexes(raw)).toContain('certificates_bootstrap');
      expect(raw.prepare('SELECT name FROM pragma_index_info(?) ORDER BY seqno').pluck().all('certificates_bootstrap')).toEqual(['ca_id', 'not_after']);
      expect(raw.prepare("SELECT partial FROM pragma_index_list('certificates') WHERE name = 'certificates_bootstrap'").pluck().get()).toBe(1);
      expect(raw.prepare("SELECT sql FROM sqlite_master WHERE name = 'certificates_bootstrap'").pluck().get()).toMatch(/WHERE profile = 'bootstrap'$/);
      expect(integrityCheck(raw)).toEqual([]);
      // Nothing else changed in the certificates.
      expect(raw.prepare('SELECT serial, subject, profile FROM certificates ORDER BY serial').raw().all()).toEqual(before);
      // The look-up of CertificateStore.liveBootstraps reads the index, not every certificate of the CA.
      const plan = (
        raw
          .prepare(
            "EXPLAIN QUERY PLAN SELECT c.serial, c.subject, c.sans, c.not_after FROM certificates c WHERE c.ca_id = 'default' AND c.profile = 'bootstrap' AND c.not_after >= '2026-01-01' AND NOT EXISTS (SELECT 1 FROM revocations r WHERE r.serial = c.serial) ORDER BY c.issued_at, c.serial",
          )
          .all() as Array<{ detail: string }>
      ).map((r) => r.detail);
      expect(plan[0]).toBe('SEARCH c USING INDEX certificates_bootstrap (ca_id=? AND not_after>?)');
    } finally {
      raw.close();
    }

    // The rule on the migrated vault: one bootstrap certificate per device.
    const csr = join(dir, 'device.csr');
    execFileSync('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, 'device.key'), '-out', csr, '-subj', '/CN=migrated-device'], { stdio: 'ignore' });
    const first = await cli(['--json', 'cert', 'issue', '--csr', csr, '--out', join(dir, 'b1.pem'), '--profile', 'bootstrap']);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    const second = await cli(['--json', 'cert', 'issue', '--csr', csr, '--out', join(dir, 'b2.pem'), '--profile', 'bootstrap']);
    expect(second.code).toBe(1);
    expect(jsonError(second)).toMatchObject({ code: 'BOOTSTRAP_ALREADY_ISSUED' });
    expect(jsonError(second).message).toContain((first.json as { serial: string }).serial);
  }, 120_000);
});
