import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import canonicalize from 'canonicalize';
import { z } from 'zod';
import type { Clock } from '../clock.ts';
import { DomainError, isDomainError } from '../errors.ts';
import { fsyncDir, writeFileDurably } from '../fs/durable-write.ts';
import { ioError, isIoFailure } from '../fs/io-errors.ts';
import { recordFailure } from '../fs/recorded-output.ts';
import { readUntrustedFileSync } from '../fs/untrusted-read.ts';
import { open, seal } from './aead.ts';
import { integrityCheck } from './database.ts';
import { DATABASE_FILE, HEADER_FILE, parseHeader, serializeHeader } from './header.ts';
import { deriveSubkey } from './subkeys.ts';
import { openUnlocked, recoverVaultKey, type Vault, type VaultCredentials } from './vault.ts';

/**
 * A backup is one file: a magic line, one JSON line (the vault's key-slot
 * header and the payload's nonce), then the payload: a consistent snapshot of
 * the database (VACUUM INTO, itself encrypted with the database key) sealed
 * once more with AES-256-GCM under the vault's backup subkey, with the JSON
 * line as associated data. The same passphrase or shares that open the vault
 * open its backup; nothing in it is readable without them.
 */
const MAGIC = 'AIRGAP-CA-BACKUP/1\n';
const MAX_META_BYTES = 256 * 1024;
/** A backup holds the whole database; the cap only keeps a wrong file (a disk device) from being read forever. */
const MAX_BACKUP_BYTES = 64 * 1024 * 1024 * 1024;

const metaSchema = z.strictObject({
  vaultId: z.uuid(),
  created: z.iso.datetime(),
  header: z.unknown(),
  nonce: z.string().regex(/^[A-Za-z0-9_-]{16}$/),
});

export function writeBackup(vault: Vault, outPath: string, opts: { actor: string; clock: Clock }): { bytes: number; file: string } {
  const out = resolve(outPath);
  if (existsSync(out)) throw new DomainError('OUTPUT_EXISTS', `${out} already exists. Backups never overwrite a file: choose a new name.`);
  const snapshot = join(vault.dir, `.backup-${randomBytes(6).toString('hex')}.db`);
  try {
    // The event goes in first, so the snapshot carries the record of its own making.
    vault.transaction(() => vault.audit.append({ actor: opts.actor, action: 'vault.backup', details: { file: out } }));
    let file: Buffer;
    try {
      vault.db.exec(`VACUUM INTO '${snapshot.replaceAll("'", "''")}'`);
      const payload = readFileSync(snapshot);
      const nonce = randomBytes(12);
      const metaLine = canonicalize({ vaultId: vault.id, created: opts.clock.now().toISOString(), header: vault.header, nonce: nonce.toString('base64url') }) ?? '';
      const backupKey = vault.backupKey();
      const sealed = seal(backupKey, payload, Buffer.from(metaLine), nonce);
      backupKey.fill(0);
      file = Buffer.concat([Buffer.from(MAGIC), Buffer.from(metaLine + '\n'), sealed.ciphertext]);
      mkdirSync(dirname(out), { recursive: true });
      writeFileDurably(out, file, { exclusive: true });
    } catch (e) {
      // The vault already holds a "vault.backup" event; say in the live log that the file never landed.
      // A file error names its path; SQLite's (the snapshot, in the vault folder) does not.
      const where = (e as NodeJS.ErrnoException).path ?? vault.dir;
      const failure = isIoFailure(e)
        ? ioError(e, { path: where, doing: 'making the backup', changed: 'The vault recorded the backup (vault.backup) and then that it failed (vault.backup-failed); no backup file was left under that name.', then: 'back up again' })
        : e;
      recordFailure(failure, 'vault.backup-failed', () => vault.transaction(() => vault.audit.append({ actor: opts.actor, action: 'vault.backup-failed', details: { file: out, error: (e as NodeJS.ErrnoException).code ?? 'error' } })));
    }
    return { bytes: file.length, file: out };
  } finally {
    rmSync(snapshot, { force: true });
  }
}

function corrupt(why: string): DomainError {
  return new DomainError('BACKUP_CORRUPT', `The backup file is not usable: ${why}. Use another copy of the backup.`);
}

/** Parses the untrusted backup file's framing; nothing is decrypted yet. */
export function parseBackupFile(file: Uint8Array): { metaLine: string; meta: z.infer<typeof metaSchema>; header: ReturnType<typeof parseHeader>; body: Buffer } {
  const buf = Buffer.from(file.buffer, file.byteOffset, file.byteLength);
  if (buf.length < MAGIC.length || buf.subarray(0, MAGIC.length).toString('latin1') !== MAGIC) throw corrupt('it does not start like an Airgap CA backup');
  const end = buf.indexOf(0x0a, MAGIC.length);
  if (end < 0 || end - MAGIC.length > MAX_META_BYTES) throw corrupt('its description line is missing or too long');
  const metaLine = buf.subarray(MAGIC.length, end).toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(metaLine);
  } catch {
    throw corrupt('its description line is not valid JSON');
  }
  const meta = metaSchema.safeParse(json);
  if (!meta.success) throw corrupt(`its description is damaged (field ${meta.error.issues[0]?.path.join('.') ?? '?'})`);
  let header;
  try {
    header = parseHeader(Buffer.from(JSON.stringify(meta.data.header)));
  } catch (e) {
    throw corrupt(`the key-slot header inside is damaged (${e instanceof Error ? e.message : 'unreadable'})`);
  }
  if (header.vaultId !== meta.data.vaultId) throw corrupt('its description and its header name different vaults');
  return { metaLine, meta: meta.data, header, body: buf.subarray(end + 1) };
}

/**
 * Restores a backup into a new folder: unlock with the same passphrase or shares,
 * decrypt, write, then open and verify (integrity check and audit chain) before
 * the folder gets its real name.
 */
export async function restoreBackup(args: { file: string; dir: string; credentials: VaultCredentials; clock: Clock; actor: string }): Promise<Vault> {
  const dir = resolve(args.dir);
  if (existsSync(dir)) throw new DomainError('VAULT_EXISTS', `${dir} already exists. Restore into a folder that does not exist yet; a vault is never overwritten.`);
  if (!existsSync(args.file)) throw new DomainError('NOT_FOUND', `There is no backup file at ${args.file}.`);
  const { metaLine, meta, header, body } = parseBackupFile(readUntrustedFileSync(args.file, { maxBytes: MAX_BACKUP_BYTES, what: 'backup' }));
  const { key, slot } = await recoverVaultKey(header, args.credentials);
  const backupKey = deriveSubkey(key, 'backup');
  const payload = open(backupKey, { nonce: Buffer.from(meta.nonce, 'base64url'), ciphertext: body }, Buffer.from(metaLine));
  backupKey.fill(0);
  if (!payload) throw corrupt('its contents were altered or damaged (authentication failed)');
  mkdirSync(dirname(dir), { recursive: true });
  const staging = join(dirname(dir), `.${basename(dir)}.restoring-${randomBytes(4).toString('hex')}`);
  mkdirSync(staging, { mode: 0o700 });
  try {
    writeFileDurably(join(staging, DATABASE_FILE), payload);
    writeFileDurably(join(staging, HEADER_FILE), serializeHeader(header));
    const probe = openUnlocked(staging, header, Buffer.from(key), args.clock, slot, args.actor);
    try {
      const problems = integrityCheck(probe.db);
      if (problems.length) throw corrupt(`the restored database fails its integrity check (${problems[0]})`);
      const chain = probe.audit.verify();
      if (!chain.ok) throw corrupt(`the restored audit log is broken at event ${chain.brokenAt}`);
    } finally {
      probe.close();
    }
    fsyncDir(staging);
    renameSync(staging, dir);
  } catch (e) {
    rmSync(staging, { recursive: true, force: true });
    if (isIoFailure(e)) throw ioError(e, { path: staging, doing: 'writing the restored vault', changed: 'Nothing was restored: the partly written folder was removed.', then: 'restore again' });
    throw e;
  }
  // From here the restored vault exists under its name: a failure says so.
  const restored = `The vault was restored into ${dir} and verified`;
  try {
    fsyncDir(dirname(dir));
    const vault = openUnlocked(dir, header, key, args.clock, slot, args.actor);
    try {
      vault.transaction(() => vault.audit.append({ actor: args.actor, action: 'vault.restored', details: { from: resolve(args.file), backupCreated: meta.created } }));
    } catch (e) {
      vault.close();
      throw e;
    }
    return vault;
  } catch (e) {
    if (!isIoFailure(e) && !(isDomainError(e) && ['IO_ERROR', 'DISK_FULL', 'READ_ONLY', 'MEDIA_REMOVED'].includes(e.code))) throw e;
    throw ioError(e, { path: dir, doing: 'finishing the restore', changed: `${restored}, but its vault.restored event was not recorded (or the folder could not be synced).`, then: 'unlock it with "airgap-ca --vault DIR vault verify"; to start over, delete the folder and restore again' });
  }
}
