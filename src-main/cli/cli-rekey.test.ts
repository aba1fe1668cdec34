/**
 * Every credential change that revokes gives the vault a new key (docs/architecture.md,
 * "Rekeying"). Scripted through the CLI against a real vault: an old header with
 * its old passphrase, a removed custodian's shares, an old header beside the new
 * database and a new header beside an old database open nothing — through
 * Airgap CA (exit 3 with a code) and with the raw key an attacker would recover
 * from the old header (the database does not decrypt) — and nothing changes; the
 * current credentials open the vault and every private key still signs.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../core/clock.ts';
import { openEncryptedDatabaseOrNull } from '../core/vault/database.ts';
import { DATABASE_FILE, HEADER_FILE, parseHeader, PENDING_HEADER_FILE } from '../core/vault/header.ts';
import { deriveSubkey } from '../core/vault/subkeys.ts';
import { recoverVaultKey, type VaultCredentials } from '../core/vault/vault.ts';
import { inProcessCli, type CliRun } from '../testing/cli-in-process.ts';
import { downgradeToLegacyHeader } from '../testing/legacy-vault.ts';
import { removeTempDirs, tempDir } from '../testing/temp-dir.ts';

afterAll(removeTempDirs);

const A = 'correct horse battery staple';
const B = 'a brand new passphrase for the officer';

interface SlotJson {
  id: string;
  type: 'passphrase' | 'quorum';
}
interface KeyJson {
  name: string;
  state: string;
  health: { ok: boolean; problems: string[] };
}

/** The vault's files as they are (the unlock-failure counter aside: a refused attempt is meant to count). */
function vaultState(dir: string): string {
  const h = createHash('sha256');
  for (const f of readdirSync(dir).filter((name) => name !== 'vault-unlock-failures.json').sort()) h.update(f).update('\0').update(readFileSync(join(dir, f))).update('\0');
  return h.digest('hex');
}

/** What an attacker with the credential and this header gets: the raw database key, tried with SQLite3MultipleCiphers directly. */
async function rawKeyOpensDatabase(headerBytes: Buffer, dbPath: string, credentials: VaultCredentials): Promise<boolean> {
  const { key } = await recoverVaultKey(parseHeader(headerBytes), credentials);
  const db = openEncryptedDatabaseOrNull(dbPath, deriveSubkey(key, 'database'), { create: false });
  db?.close();
  return db !== null;
}

function errorCode(r: CliRun): string {
  return (r.json as { error: { code: string } }).error.code;
}

let root: string;
let vaultDir: string;
let files: { a: string; b: string };
let shares: string[];
let cli: (args: string[]) => Promise<CliRun>;
const withA = (args: string[]) => cli(['--passphrase-file', files.a, ...args]);
const withB = (args: string[]) => cli(['--passphrase-file', files.b, ...args]);
const withShares = (picked: string[], args: string[]) => cli([...picked.flatMap((s) => ['--share', s]), ...args]);

beforeAll(async () => {
  root = tempDir('airgap-rekey-');
  vaultDir = join(root, 'vault');
  files = { a: join(root, 'a.txt'), b: join(root, 'b.txt') };
  writeFileSync(files.a, A);
  writeFileSync(files.b, B);
  cli = inProcessCli({ vault: vaultDir, clock: fixedClock(new Date(Date.now() - 60_000)) });
  const init = await withA(['--json', 'vault', 'init', '--quorum', '2/3', '--shares-dir', join(root, 'shares'), '--also-passphrase']);
  expect(init.code).toBe(0);
  shares = (init.json as { shareFiles: string[] }).shareFiles;
  for (const args of [
    ['key', 'create', '--name', 'root-a'],
    ['key', 'self-sign', 'root-a', '--subject', 'CN=Rekey Root A,O=Acme,C=DE'],
    ['key', 'activate', 'root-a'],
    ['key', 'create', '--name', 'spare-b', '--algorithm', 'ed25519'],
  ]) {
    expect((await withA(args)).code, args.join(' ')).toBe(0);
  }
});

/** Every private key unwraps and signs (key list checks each with a test signature), and a draft can still be self-signed. */
async function everyKeySigns(run: (args: string[]) => Promise<CliRun>): Promise<void> {
  const list = await run(['--json', 'key', 'list']);
  expect(list.code).toBe(0);
  const keys = list.json as KeyJson[];
  expect(keys.map((k) => k.name).sort()).toEqual(['root-a', 'spare-b']);
  for (const k of keys) {
    expect(k.health.ok, k.name).toBe(true);
    expect(k.health.problems.filter((p) => /private key/i.test(p)), k.name).toEqual([]);
  }
  const crl = await run(['--json', 'crl', 'generate', '--out', join(tempDir(), 'root-a.crl')]);
  expect(crl.code).toBe(0);
}

describe('change-passphrase rekeys the vault', () => {
  let oldHeader: Buffer;
  let oldDb: string;

  it('says so, and that older backups still open with the old passphrase', async () => {
    oldHeader = readFileSync(join(vaultDir, HEADER_FILE));
    oldDb = join(root, 'old-vault.db');
    copyFileSync(join(vaultDir, DATABASE_FILE), oldDb);
    // Before the change, the raw key from this header opens the database: the checks below can fail.
    expect(await rawKeyOpensDatabase(oldHeader, join(vaultDir, DATABASE_FILE), { passphrase: A })).toBe(true);
    const r = await withA(['vault', 'change-passphrase', '--new-passphrase-file', files.b]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('The vault has a new key');
    expect(r.stdout).toContain('Backups made before this change still open with the old credentials');
    const header = parseHeader(readFileSync(join(vaultDir, HEADER_FILE)));
    expect(header.generation).toBe((parseHeader(oldHeader).generation ?? 0) + 1);
    expect(header.keyCommitment).not.toBe(parseHeader(oldHeader).keyCommitment);
  });

  it('the new passphrase and the kept quorum open it, and every private key still signs', async () => {
    await everyKeySigns(withB);
    expect((await withShares([shares[0]!, shares[2]!], ['vault', 'verify'])).code).toBe(0);
    const old = await withA(['--json', 'vault', 'info']);
    expect(old.code).toBe(3);
    expect(errorCode(old)).toBe('WRONG_PASSPHRASE');
  });

  it('old header + old passphrase: refused with exit 3, nothing changed, and its raw key does not decrypt vault.db', async () => {
    const current = readFileSync(join(vaultDir, HEADER_FILE));
    writeFileSync(join(vaultDir, HEADER_FILE), oldHeader);
    const before = vaultState(vaultDir);
    const r = await withA(['--json', 'vault', 'verify']);
    expect(r.code).toBe(3);
    expect(errorCode(r)).toBe('HEADER_GENERATION_MISMATCH');
    expect(vaultState(vaultDir)).toBe(before);
    // Outside Airgap CA: the old header gives the old key, which opens nothing of the current database.
    expect(await rawKeyOpensDatabase(oldHeader, join(vaultDir, DATABASE_FILE), { passphrase: A })).toBe(false);
    writeFileSync(join(vaultDir, HEADER_FILE), current);
  });

  it('old header beside the new database, the change interrupted before its header was renamed: the old passphrase is CREDENTIAL_REVOKED, the new one finishes', async () => {
    renameSync(join(vaultDir, HEADER_FILE), join(vaultDir, PENDING_HEADER_FILE));
    writeFileSync(join(vaultDir, HEADER_FILE), oldHeader);
    const before = vaultState(vaultDir);
    const r = await withA(['--json', 'vault', 'verify']);
    expect(r.code).toBe(3);
    expect(errorCode(r)).toBe('CREDENTIAL_REVOKED');
    expect(vaultState(vaultDir)).toBe(before);
    expect((await withB(['vault', 'verify'])).code).toBe(0);
    expect(readdirSync(vaultDir)).not.toContain(PENDING_HEADER_FILE);
  });

  it('new header beside the old database (rolled back across the rekey): refused with exit 3, nothing changed', async () => {
    const current = join(root, 'current-vault.db');
    copyFileSync(join(vaultDir, DATABASE_FILE), current);
    copyFileSync(oldDb, join(vaultDir, DATABASE_FILE));
    const before = vaultState(vaultDir);
    const r = await withB(['--json', 'vault', 'verify']);
    expect(r.code).toBe(3);
    expect(errorCode(r)).toBe('HEADER_GENERATION_MISMATCH');
    expect(vaultState(vaultDir)).toBe(before);
    copyFileSync(current, join(vaultDir, DATABASE_FILE));
    expect((await withB(['vault', 'verify'])).code).toBe(0);
  });
});

describe('remove-slot and add-quorum --replace rekey the vault', () => {
  it("a removed quorum's shares open nothing: not with the current header, not with the old one put back, not with the raw key", async () => {
    const info = await withB(['--json', 'vault', 'info']);
    const quorum = (info.json as { slots: SlotJson[] }).slots.find((s) => s.type === 'quorum')!;
    const oldHeader = readFileSync(join(vaultDir, HEADER_FILE));
    const removed = await withB(['vault', 'remove-slot', quorum.id]);
    expect(removed.code).toBe(0);
    expect(removed.stdout).toContain('The vault has a new key');
    expect(removed.stdout).toContain('Backups made before this change still open with the old credentials');

    const before = vaultState(vaultDir);
    const r = await withShares([shares[0]!, shares[1]!], ['--json', 'vault', 'verify']);
    expect(r.code).toBe(3);
    expect(errorCode(r)).toBe('SHARE_MISMATCH');
    expect(vaultState(vaultDir)).toBe(before);

    const current = readFileSync(join(vaultDir, HEADER_FILE));
    writeFileSync(join(vaultDir, HEADER_FILE), oldHeader);
    const withOld = vaultState(vaultDir);
    const o = await withShares([shares[1]!, shares[2]!], ['--json', 'vault', 'verify']);
    expect(o.code).toBe(3);
    expect(errorCode(o)).toBe('HEADER_GENERATION_MISMATCH');
    expect(vaultState(vaultDir)).toBe(withOld);
    const shareInput = { shares: [shares[1]!, shares[2]!].map((f) => ({ label: f, content: readFileSync(f, 'utf8') })) };
    expect(await rawKeyOpensDatabase(oldHeader, join(vaultDir, DATABASE_FILE), shareInput)).toBe(false);
    writeFileSync(join(vaultDir, HEADER_FILE), current);

    await everyKeySigns(withB);
  });

  it('add-quorum --replace: the new shares open, the replaced passphrase opens nothing', async () => {
    const info = await withB(['--json', 'vault', 'info']);
    const pass = (info.json as { slots: SlotJson[] }).slots.find((s) => s.type === 'passphrase')!;
    const r = await withB(['--json', 'vault', 'add-quorum', '--quorum', '2/2', '--shares-dir', join(root, 'board'), '--replace', pass.id]);
    expect(r.code).toBe(0);
    const board = (r.json as { shareFiles: string[] }).shareFiles;
    expect(board).toHaveLength(2);
    const slots = parseHeader(readFileSync(join(vaultDir, HEADER_FILE))).slots;
    expect(slots.map((s) => s.type)).toEqual(['quorum']);
    const old = await withB(['--json', 'vault', 'info']);
    expect(old.code).toBe(3);
    await everyKeySigns((args) => withShares(board, args));
  });
});

describe('legacy (version 1) key slots', () => {
  it('open as before; a rekey that would have to carry a legacy slot refuses naming it; using the slot once converts it', async () => {
    const dir = join(tempDir('airgap-legacy-'), 'vault');
    const legacyCli = inProcessCli({ vault: dir, clock: fixedClock(new Date(Date.now() - 60_000)) });
    const run = (args: string[]) => legacyCli(['--passphrase-file', files.a, ...args]);
    const init = await run(['--json', 'vault', 'init', '--quorum', '2/3', '--shares-dir', join(dir, '..', 'shares'), '--also-passphrase']);
    expect(init.code).toBe(0);
    const legacyShares = (init.json as { shareFiles: string[] }).shareFiles;
    expect((await run(['key', 'create', '--name', 'root-a'])).code).toBe(0);
    await downgradeToLegacyHeader(dir, { passphrase: A, shares: legacyShares.map((f) => readFileSync(f, 'utf8')) });
    const legacyBytes = readFileSync(join(dir, HEADER_FILE));
    const legacy = parseHeader(legacyBytes);
    expect(legacy.version).toBe(1);
    const quorumId = legacy.slots.find((s) => s.type === 'quorum')!.id;
    const passId = legacy.slots.find((s) => s.type === 'passphrase')!.id;

    // Unlocking with the passphrase converts that slot (and only it).
    const refused = await run(['--json', 'vault', 'change-passphrase', '--new-passphrase-file', files.b]);
    expect(refused.code).toBe(1);
    expect(errorCode(refused)).toBe('SLOT_NEEDS_UPGRADE');
    expect((refused.json as { error: { message: string } }).error.message).toContain(quorumId);
    const converted = parseHeader(readFileSync(join(dir, HEADER_FILE)));
    expect(converted.version).toBe(2);
    expect(converted.slots.map((s) => [s.id, 'recipient' in s])).toEqual([
      [passId, true],
      [quorumId, false],
    ]);
    // The change itself was not made: the same key, the passphrase unchanged.
    expect(converted.keyCommitment).toBe(legacy.keyCommitment);
    expect((await run(['vault', 'verify'])).code).toBe(0);

    // The custodians unlock once: their slot is converted too, audited, and now the change goes through.
    const byShares = await legacyCli(['--share', legacyShares[0]!, '--share', legacyShares[1]!, '--json', 'audit', 'list']);
    expect(byShares.code).toBe(0);
    expect((byShares.json as { events: Array<{ action: string; details: { slot?: string } }> }).events.filter((e) => e.action === 'vault.slot-upgraded').map((e) => e.details.slot)).toEqual([passId, quorumId]);
    const changed = await run(['vault', 'change-passphrase', '--new-passphrase-file', files.b]);
    expect(changed.code).toBe(0);
    const after = parseHeader(readFileSync(join(dir, HEADER_FILE)));
    expect(after.keyCommitment).not.toBe(legacy.keyCommitment);
    expect((await legacyCli(['--passphrase-file', files.b, 'vault', 'verify'])).code).toBe(0);
    expect((await legacyCli(['--share', legacyShares[1]!, '--share', legacyShares[2]!, 'vault', 'verify'])).code).toBe(0);

    // The version 1 header put back with its passphrase opens nothing now.
    writeFileSync(join(dir, HEADER_FILE), legacyBytes);
    const stale = await run(['--json', 'vault', 'verify']);
    expect(stale.code).toBe(3);
    expect(errorCode(stale)).toBe('HEADER_GENERATION_MISMATCH');
  });
});
