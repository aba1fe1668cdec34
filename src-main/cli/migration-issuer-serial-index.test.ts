/**
 * Migration 16 (certificates indexed by issuer and serial) on a real vault
 * file of an older schema, made by the CLI of that version
 * (src-main/testing/golden/vault-schema13/README.md, migrated through 14 and
 * 15 on the way): the index replaces the one on the issuer alone, answers an
 * issuer's certificates in serial order without a sort, and revoke-all,
 * listing by issuer and the CRL give what they gave before.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { afterAll, describe, expect, it } from 'vitest';
import { integrityCheck } from '../core/vault/database.ts';
import { openRawDatabase, vaultKeyOf } from '../testing/vault-fixtures.ts';
import { removeTempDirs } from '../testing/temp-dir.ts';
import { copyOfSchema13Vault, openUnmigrated, SCHEMA13_PASS } from '../testing/schema13-vault.ts';

afterAll(removeTempDirs);

const PASS = SCHEMA13_PASS;

const indexes = (db: Database.Database) => db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'certificates' ORDER BY name").pluck().all();

describe('migration 16 on a vault of an older schema', () => {
  it('replaces the issuer index with (issuer, serial): same certificates per issuer, in serial order with no sort, and revoke-all revokes exactly the ones not revoked yet', async () => {
    const { dir, vault, cli } = copyOfSchema13Vault();
    const key = await vaultKeyOf(vault, { passphrase: PASS });
    const raw0 = openUnmigrated(vault, key);
    expect(raw0.pragma('user_version', { simple: true })).toBe(13);
    expect(indexes(raw0)).toContain('certificates_issuer');
    expect(indexes(raw0)).not.toContain('certificates_issuer_serial');
    const byIssuer = raw0.prepare('SELECT issuer_key_id, serial FROM certificates ORDER BY issuer_key_id, serial').raw().all();
    raw0.close();
    expect(byIssuer).toHaveLength(9);

    // Opening it through the CLI migrates it; the database and the chain check out.
    const verify = await cli(['--json', 'vault', 'verify']);
    expect(verify.code, verify.stdout).toBe(0);
    expect(verify.json).toMatchObject({ ok: true, integrity: [], audit: { ok: true } });

    const raw = openRawDatabase(vault, key);
    let rootB: string;
    let unrevokedOfB: string[];
    try {
      expect(raw.pragma('user_version', { simple: true })).toBeGreaterThanOrEqual(16);
      expect(indexes(raw)).toContain('certificates_issuer_serial');
      expect(indexes(raw)).not.toContain('certificates_issuer');
      expect(raw.prepare('SELECT name FROM pragma_index_info(?) ORDER BY seqno').pluck().all('certificates_issuer_serial')).toEqual(['issuer_key_id', 'serial']);
      expect(integrityCheck(raw)).toEqual([]);
      rootB = raw.prepare("SELECT id FROM signing_keys WHERE name = 'root-b'").pluck().get() as string;
      // An issuer's serials in order, from the index alone: no table look-up and no sort.
      const select = 'SELECT c.serial FROM certificates c WHERE c.issuer_key_id = ? ORDER BY c.serial';
      const plan = (raw.prepare(`EXPLAIN QUERY PLAN ${select}`).all(rootB) as Array<{ detail: string }>).map((r) => r.detail);
      expect(plan).toEqual(['SEARCH c USING COVERING INDEX certificates_issuer_serial (issuer_key_id=?)']);
      expect(raw.prepare('SELECT issuer_key_id, serial FROM certificates ORDER BY issuer_key_id, serial').raw().all()).toEqual(byIssuer);
      expect(raw.prepare(select).pluck().all(rootB)).toEqual(byIssuer.filter((r) => (r as string[])[0] === rootB).map((r) => (r as string[])[1]));
      unrevokedOfB = raw.prepare(`${select.replace('ORDER BY', 'AND NOT EXISTS (SELECT 1 FROM revocations r WHERE r.serial = c.serial) ORDER BY')}`).pluck().all(rootB) as string[];
    } finally {
      raw.close();
    }
    // root-b has four agents, two revoked before: revoke-all revokes the other two, and then every one is revoked.
    expect(unrevokedOfB).toHaveLength(2);
    const all = await cli(['--json', 'cert', 'revoke', '--all', '--issuer', 'root-b', '--reason', 'superseded']);
    expect(all.code, all.stdout + all.stderr).toBe(0);
    expect(all.json).toMatchObject({ revoked: 2 });
    const list = (await cli(['--json', 'cert', 'list', '--issuer', 'root-b'])).json as { items: Array<{ serial: string; status: string; revocationReason: string | null }>; total: number };
    expect(list.total).toBe(4);
    expect(list.items.every((c) => c.status === 'revoked')).toBe(true);
    expect(list.items.filter((c) => c.revocationReason === 'superseded').map((c) => c.serial).sort()).toEqual([...unrevokedOfB].sort());
    const crl = await cli(['--json', 'crl', 'generate', '--issuer', 'root-b', '--out', join(dir, 'b.crl')]);
    expect(crl.code, crl.stdout + crl.stderr).toBe(0);
    expect(crl.json).toMatchObject({ entries: 4 });
  }, 120_000);
});
