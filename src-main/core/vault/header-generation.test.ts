/**
 * Header and database carry one generation number: an old header put back
 * beside a newer database (with the passphrase it had) opens nothing, a
 * database older than its header is refused, and every crash point of a slot
 * change leaves a vault that opens with the old credentials or the new ones.
 */
import { copyFileSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DomainError, type ErrorCode } from '../errors.ts';
import { createTestVault, OTHER_PASSPHRASE, TEST_PASSPHRASE } from '../../testing/vault-fixtures.ts';
import { hashDir, removeTempDirs, tempDir } from '../../testing/temp-dir.ts';
import { DATABASE_FILE, HEADER_FILE, NEXT_DATABASE_FILE, PENDING_HEADER_FILE, parseHeader } from './header.ts';
import { OWASP_MINIMUM } from './kdf.ts';
import { unlockVault, type VaultCredentials } from './vault.ts';

afterAll(removeTempDirs);

async function codeOf(dir: string, credentials: VaultCredentials): Promise<ErrorCode | 'opened'> {
  try {
    const v = await unlockVault(dir, credentials, { clock: { now: () => new Date('2026-03-01T12:00:00Z') }, actor: 'mallory' });
    v.close();
    return 'opened';
  } catch (e) {
    if (e instanceof DomainError) return e.code;
    throw e;
  }
}

const A = { passphrase: TEST_PASSPHRASE };
const B = { passphrase: OTHER_PASSPHRASE };

/** A vault whose passphrase went from A to B, and copies of its header and database from before the change. */
async function changedVault() {
  const dir = join(tempDir('airgap-gen-'), 'vault');
  const { vault } = await createTestVault(dir);
  const oldHeader = readFileSync(join(dir, HEADER_FILE));
  vault.close();
  copyFileSync(join(dir, DATABASE_FILE), join(dir, '..', 'old.db'));
  const again = await unlockVault(dir, A, { clock: { now: () => new Date('2026-03-01T12:00:00Z') }, actor: 'alice' });
  await again.changePassphrase({ newPassphrase: OTHER_PASSPHRASE, actor: 'alice', cost: OWASP_MINIMUM });
  again.close();
  return { dir, oldHeader, oldDb: join(dir, '..', 'old.db') };
}

describe('header generation', () => {
  it('counts slot changes in the header (under its MAC) and refuses an old header put back, changing nothing', async () => {
    const { dir, oldHeader } = await changedVault();
    expect(parseHeader(readFileSync(join(dir, HEADER_FILE))).generation).toBe(1);
    expect(parseHeader(oldHeader).generation).toBe(0);
    expect(await codeOf(dir, A)).toBe('WRONG_PASSPHRASE');
    writeFileSync(join(dir, HEADER_FILE), oldHeader);
    const before = hashDir(dir);
    expect(await codeOf(dir, A)).toBe('HEADER_GENERATION_MISMATCH');
    expect(hashDir(dir)).toEqual(before);
  });

  it('refuses a database older than its header', async () => {
    const { dir, oldDb } = await changedVault();
    copyFileSync(oldDb, join(dir, DATABASE_FILE));
    const before = hashDir(dir);
    expect(await codeOf(dir, B)).toBe('HEADER_GENERATION_MISMATCH');
    expect(hashDir(dir)).toEqual(before);
  });

  it('a generation edited into an old header breaks its MAC', async () => {
    const { dir, oldHeader } = await changedVault();
    const forged = { ...(JSON.parse(oldHeader.toString('utf8')) as Record<string, unknown>), generation: 1 };
    writeFileSync(join(dir, HEADER_FILE), JSON.stringify(forged));
    expect(await codeOf(dir, A)).toBe('HEADER_TAMPERED');
  });
});

describe('a slot change interrupted at each step', () => {
  it('before its commit: the next header is dropped, the old passphrase opens, the new one does not', async () => {
    const { dir, oldHeader, oldDb } = await changedVault();
    // The state after step 1: the next header written, the database and the header still old.
    renameSync(join(dir, HEADER_FILE), join(dir, PENDING_HEADER_FILE));
    writeFileSync(join(dir, HEADER_FILE), oldHeader);
    copyFileSync(oldDb, join(dir, DATABASE_FILE));
    expect(await codeOf(dir, B)).toBe('WRONG_PASSPHRASE');
    expect(existsSync(join(dir, PENDING_HEADER_FILE))).toBe(true);
    expect(await codeOf(dir, A)).toBe('opened');
    expect(existsSync(join(dir, PENDING_HEADER_FILE))).toBe(false);
    expect(await codeOf(dir, A)).toBe('opened');
  });

  it.each([
    ['its rekeyed copy of the database half written', 'partial'],
    ['its rekeyed copy and its next header written', 'complete'],
  ] as const)('a rekey interrupted before its commit (%s): the old passphrase opens and drops them, the new one does not open', async (_name, copy) => {
    const { dir, oldHeader, oldDb } = await changedVault();
    // The rekeyed database and header of the change that ran, put beside the state from before it.
    if (copy === 'complete') {
      renameSync(join(dir, HEADER_FILE), join(dir, PENDING_HEADER_FILE));
      renameSync(join(dir, DATABASE_FILE), join(dir, NEXT_DATABASE_FILE));
    } else {
      writeFileSync(join(dir, NEXT_DATABASE_FILE), readFileSync(join(dir, DATABASE_FILE)).subarray(0, 4096));
    }
    writeFileSync(join(dir, HEADER_FILE), oldHeader);
    copyFileSync(oldDb, join(dir, DATABASE_FILE));
    expect(await codeOf(dir, B)).toBe('WRONG_PASSPHRASE');
    expect(await codeOf(dir, A)).toBe('opened');
    expect(existsSync(join(dir, NEXT_DATABASE_FILE))).toBe(false);
    expect(existsSync(join(dir, PENDING_HEADER_FILE))).toBe(false);
    expect(parseHeader(readFileSync(join(dir, HEADER_FILE))).generation).toBe(0);
  });

  it('after its commit, before the rename: the old passphrase is refused as revoked (the vault has a new key), changing nothing', async () => {
    const { dir, oldHeader } = await changedVault();
    renameSync(join(dir, HEADER_FILE), join(dir, PENDING_HEADER_FILE));
    writeFileSync(join(dir, HEADER_FILE), oldHeader);
    const before = hashDir(dir);
    expect(await codeOf(dir, A)).toBe('CREDENTIAL_REVOKED');
    expect(hashDir(dir)).toEqual(before);
  });

  it('after its commit, before the rename: the new passphrase opens and finishes the change', async () => {
    const { dir, oldHeader } = await changedVault();
    renameSync(join(dir, HEADER_FILE), join(dir, PENDING_HEADER_FILE));
    writeFileSync(join(dir, HEADER_FILE), oldHeader);
    expect(await codeOf(dir, B)).toBe('opened');
    expect(existsSync(join(dir, PENDING_HEADER_FILE))).toBe(false);
    expect(parseHeader(readFileSync(join(dir, HEADER_FILE))).generation).toBe(1);
    // Finished: from now on only the new passphrase opens.
    expect(await codeOf(dir, B)).toBe('opened');
    expect(await codeOf(dir, A)).toBe('WRONG_PASSPHRASE');
  });

  it('a slot added (no rekey) and committed before the rename: the old passphrase opens and finishes it', async () => {
    const dir = join(tempDir('airgap-gen-'), 'vault');
    const { vault } = await createTestVault(dir);
    const oldHeader = readFileSync(join(dir, HEADER_FILE));
    await vault.addPassphraseSlot({ passphrase: OTHER_PASSPHRASE, label: 'spare', actor: 'alice', cost: OWASP_MINIMUM });
    vault.close();
    renameSync(join(dir, HEADER_FILE), join(dir, PENDING_HEADER_FILE));
    writeFileSync(join(dir, HEADER_FILE), oldHeader);
    expect(await codeOf(dir, A)).toBe('opened');
    expect(existsSync(join(dir, PENDING_HEADER_FILE))).toBe(false);
    expect(parseHeader(readFileSync(join(dir, HEADER_FILE))).slots.map((s) => s.label)).toEqual(['passphrase', 'spare']);
  });
});
