import { chmodSync } from 'node:fs';
import Database from 'better-sqlite3-multiple-ciphers';
import { DomainError } from '../errors.ts';
import { ioError, isIoFailure } from '../fs/io-errors.ts';
import { migrate } from './migrations.ts';

export type Db = Database.Database;

/**
 * Opens the vault database with SQLite3MultipleCiphers. The cipher is named
 * explicitly and the key is passed raw (x'…'), bypassing the library's own
 * PBKDF2 (64,007 iterations by default, far below OWASP): the key already
 * comes from Argon2id or a custodian quorum.
 *
 * Durability is set on every open, never left to the build's defaults:
 * journal_mode=DELETE with synchronous=EXTRA (a crash leaves the old state or
 * the new one), temp_store=MEMORY so no plaintext temporary file is written,
 * secure_delete so freed pages are zeroed.
 */
export function openEncryptedDatabase(path: string, dbKey: Uint8Array, opts: { create: boolean }): Db {
  const db = openEncryptedDatabaseOrNull(path, dbKey, opts);
  if (!db) {
    throw new DomainError('VAULT_CORRUPT', 'The vault database cannot be decrypted with the unlocked key: the database file is damaged or belongs to another vault. Restore it from a backup.');
  }
  return db;
}

/** As openEncryptedDatabase, but null when the key does not decrypt the file (another key, or a damaged first page). */
export function openEncryptedDatabaseOrNull(path: string, dbKey: Uint8Array, opts: { create: boolean }): Db | null {
  if (dbKey.length !== 32) throw new DomainError('INTERNAL', 'Database key has the wrong length.');
  let db: Db;
  try {
    db = new Database(path, { fileMustExist: !opts.create });
  } catch (e) {
    throw new DomainError('VAULT_CORRUPT', 'The vault database file is missing or cannot be opened. Restore the vault from a backup.', String(e));
  }
  try {
    db.pragma(`cipher='chacha20'`);
    db.pragma(`key="x'${Buffer.from(dbKey).toString('hex')}'"`);
    // The first read proves the key: a wrong key or a damaged file gives SQLITE_NOTADB here.
    db.prepare('SELECT count(*) AS n FROM sqlite_master').get();
  } catch (e) {
    db.close();
    // A disk that fails the first read (or the rollback of a hot journal) is not a wrong key: say so, never "wrong vault".
    if (isIoFailure(e)) throw ioError(e, { path, doing: 'opening the vault database', changed: 'Nothing was changed.', then: 'unlock again' });
    return null;
  }
  db.pragma('journal_mode = DELETE');
  db.pragma('synchronous = EXTRA');
  db.pragma('temp_store = MEMORY');
  db.pragma('secure_delete = ON');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  const journal = db.pragma('journal_mode', { simple: true });
  const sync = db.pragma('synchronous', { simple: true });
  if (journal !== 'delete' || sync !== 3) {
    db.close();
    throw new DomainError('INTERNAL', 'The vault database refused the durability settings (journal_mode=DELETE, synchronous=EXTRA).');
  }
  try {
    migrate(db);
  } catch (e) {
    // A refused or failed migration must not leave the database open (the handle would hold the file).
    db.close();
    throw e;
  }
  if (opts.create) chmodSync(path, 0o600);
  return db;
}

/** PRAGMA integrity_check: 'ok' or the problems SQLite found. */
export function integrityCheck(db: Db): string[] {
  const rows = db.pragma('integrity_check') as Array<{ integrity_check: string }>;
  const problems = rows.map((r) => r.integrity_check).filter((r) => r !== 'ok');
  return problems;
}
