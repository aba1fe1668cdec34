/**
 * Nothing readable on disk (docs/architecture.md, "Vault format"): a marker written through the
 * api (as the actor's name, inside audit details, and as a stored value) must
 * not appear in any file of the vault folder — the database, the header, a
 * rollback journal caught mid-transaction — nor in a backup, nor in the
 * backup's decrypted payload (the snapshot is itself encrypted).
 */
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../core/clock.ts';
import { open } from '../core/vault/aead.ts';
import { parseBackupFile } from '../core/vault/backup.ts';
import { DATABASE_FILE, HEADER_FILE } from '../core/vault/header.ts';
import { OWASP_MINIMUM } from '../core/vault/kdf.ts';
import { deriveSubkey } from '../core/vault/subkeys.ts';
import { FIXED_NOW, TEST_PASSPHRASE, vaultKeyOf } from '../testing/vault-fixtures.ts';
import { listFiles, removeTempDirs, tempDir } from '../testing/temp-dir.ts';
import { dispatch } from './dispatch.ts';
import { createService, type Service } from './service.ts';

const MARKER = 'PLAINTEXT-MARKER-q7Zx3vK9';

/** The marker as UTF-8, as UTF-16 (SQLite's other text encoding) and hex-encoded. */
function leaks(bytes: Buffer): string[] {
  const forms: Array<[string, Buffer]> = [
    ['utf8', Buffer.from(MARKER, 'utf8')],
    ['utf16le', Buffer.from(MARKER, 'utf16le')],
    ['utf16be', Buffer.from(MARKER, 'utf16le').swap16()],
    ['hex', Buffer.from(Buffer.from(MARKER).toString('hex'))],
  ];
  return forms.filter(([, f]) => bytes.includes(f)).map(([n]) => n);
}

async function ok<T>(service: Service, name: string, input: unknown): Promise<T> {
  const r = await dispatch(service, name, input);
  if (!r.ok) throw new Error(`${name}: ${r.code} ${r.message}`);
  return r.value as T;
}

let root: string;
let vaultDir: string;
let backupFile: string;
let journalSnapshot: string;

beforeAll(async () => {
  root = tempDir('airgap-plain-');
  vaultDir = join(root, 'vault');
  const service = createService({ vaultDir, clock: fixedClock(FIXED_NOW), kdfCost: OWASP_MINIMUM, logger: { error: () => undefined } });
  await ok(service, 'vault.create', { actor: MARKER, passphrase: TEST_PASSPHRASE });
  await ok(service, 'settings.update', { autoLockMinutes: 17 });
  await ok(service, 'audit.export', { out: join(root, `export-${MARKER}.jsonl`) });
  const vault = service.session.requireVault();
  vault.transaction(() => {
    vault.setMeta('officer_note', `${MARKER} `.repeat(50));
    vault.audit.append({ actor: MARKER, action: 'test.note', details: { note: MARKER, nested: { list: [MARKER] } } });
  });
  backupFile = join(root, `backup-${MARKER}.bin`);
  await ok(service, 'vault.backup', { out: backupFile });

  // Catch a rollback journal: inside a transaction that overwrites the marker's pages,
  // the journal holds their previous content. Copy the whole folder at that moment.
  journalSnapshot = join(root, 'mid-transaction');
  mkdirSync(journalSnapshot);
  vault.transaction(() => {
    vault.setMeta('officer_note', 'overwritten');
    vault.audit.append({ actor: 'alice', action: 'test.overwrite' });
    for (const f of listFiles(vaultDir)) copyFileSync(join(vaultDir, f), join(journalSnapshot, f));
  });
  await ok(service, 'vault.lock', {});
});

afterAll(removeTempDirs);

describe('no plaintext on disk', () => {
  it('the marker really is in the vault (read back through the api)', async () => {
    const service = createService({ vaultDir, clock: fixedClock(FIXED_NOW), logger: { error: () => undefined } });
    await ok(service, 'vault.unlock', { actor: 'auditor', credentials: { passphrase: TEST_PASSPHRASE } });
    const { events } = await ok<{ events: Array<{ actor: string; details: unknown }> }>(service, 'audit.list', {});
    expect(events.filter((e) => e.actor === MARKER).length).toBeGreaterThanOrEqual(4);
    expect(JSON.stringify(events)).toContain(`backup-${MARKER}.bin`);
    expect(service.session.requireVault().getMeta('officer_note')).toBe('overwritten');
    expect(service.session.settings().autoLockMinutes).toBe(17);
    await ok(service, 'vault.lock', {});
    // The detector finds it where it is meant to be readable: the audit export is plain JSON Lines.
    expect(leaks(readFileSync(join(root, `export-${MARKER}.jsonl`)))).toEqual(['utf8']);
  });

  it('is absent from every file of the vault folder, and the folder holds only the vault', () => {
    expect(listFiles(vaultDir)).toEqual([HEADER_FILE, DATABASE_FILE]);
    for (const f of listFiles(vaultDir)) expect(leaks(readFileSync(join(vaultDir, f))), f).toEqual([]);
    expect(readFileSync(join(vaultDir, DATABASE_FILE)).subarray(0, 16).toString('latin1')).not.toBe('SQLite format 3\0');
  });

  it('is absent from the header JSON', () => {
    const header = readFileSync(join(vaultDir, HEADER_FILE), 'utf8');
    expect(() => JSON.parse(header)).not.toThrow();
    expect(header).not.toContain(MARKER);
  });

  it('is absent from a rollback journal left mid-transaction', () => {
    expect(listFiles(journalSnapshot)).toEqual([HEADER_FILE, DATABASE_FILE, `${DATABASE_FILE}-journal`]);
    for (const f of listFiles(journalSnapshot)) expect(leaks(readFileSync(join(journalSnapshot, f))), f).toEqual([]);
  });

  it('is absent from the backup file and from its decrypted payload, which is still an encrypted database', async () => {
    const bytes = readFileSync(backupFile);
    expect(leaks(bytes)).toEqual([]);
    const { metaLine, meta, body } = parseBackupFile(bytes);
    const key = await vaultKeyOf(vaultDir);
    const payload = open(deriveSubkey(key, 'backup'), { nonce: Buffer.from(meta.nonce, 'base64url'), ciphertext: body }, Buffer.from(metaLine));
    expect(payload).not.toBeNull();
    expect(payload!.length).toBeGreaterThan(4096);
    expect(leaks(payload!)).toEqual([]);
    expect(payload!.subarray(0, 16).toString('latin1')).not.toBe('SQLite format 3\0');
  });
});
