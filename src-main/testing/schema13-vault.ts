import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { fixedClock } from '../core/clock.ts';
import { DATABASE_FILE } from '../core/vault/header.ts';
import { deriveSubkey } from '../core/vault/subkeys.ts';
import { inProcessCli } from './cli-in-process.ts';
import { tempDir } from './temp-dir.ts';

/**
 * The committed vault of schema 13, made by the CLI of that version
 * (golden/vault-schema13/README.md), for the migration tests that come after it.
 */
export const SCHEMA13_FIXTURE = join(import.meta.dirname, 'golden', 'vault-schema13');
/** The fixture's passphrase (README.md there): test-only. */
export const SCHEMA13_PASS = 'fixture passphrase, test only';

/** A copy of the fixture in a fresh temporary folder, with an in-process CLI on it (the fixture's own clock and passphrase). */
export function copyOfSchema13Vault() {
  const dir = tempDir();
  const vault = join(dir, 'vault');
  mkdirSync(vault);
  for (const f of ['vault-header.json', 'vault.db']) copyFileSync(join(SCHEMA13_FIXTURE, f), join(vault, f));
  return { dir, vault, cli: inProcessCli({ vault, clock: fixedClock('2026-09-05T12:00:00Z'), env: { AIRGAP_CA_PASSPHRASE: SCHEMA13_PASS } }) };
}

/** The database as the file holds it, not migrated (openRawDatabase migrates), read only. */
export function openUnmigrated(vault: string, key: Uint8Array): Database.Database {
  const db = new Database(join(vault, DATABASE_FILE), { readonly: true, fileMustExist: true });
  db.pragma(`cipher='chacha20'`);
  db.pragma(`key="x'${Buffer.from(deriveSubkey(key, 'database')).toString('hex')}'"`);
  return db;
}
