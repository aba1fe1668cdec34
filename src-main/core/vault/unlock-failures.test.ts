/**
 * Everything that must keep a vault locked: a wrong passphrase, a weak one at
 * creation, too few / corrupted / foreign / duplicate / mismatched custodian
 * shares, and a key-slot header altered on disk. Each case asserts the exact
 * code and that the vault folder is byte-for-byte unchanged afterwards.
 */
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../clock.ts';
import { DomainError, type ErrorCode } from '../errors.ts';
import { createTestVault, FIXED_NOW, OTHER_PASSPHRASE, TEST_PASSPHRASE } from '../../testing/vault-fixtures.ts';
import { hashDir, removeTempDirs, tempDir } from '../../testing/temp-dir.ts';
import { makeShareFile, parseShareFile } from './custodian-share.ts';
import { HEADER_FILE, isRecipientSlot, type KeySlot, type PassphraseSlot, type QuorumSlot, type VaultHeader } from './header.ts';
import { OWASP_MINIMUM } from './kdf.ts';
import { createPassphraseSlot } from './key-slots.ts';
import { createVault, unlockVault, type ShareInput, type VaultCredentials } from './vault.ts';
import { codeOfAsync, type Outcome } from '../../testing/refusals.ts';

const clock = fixedClock(FIXED_NOW);

/** A vault that did open is closed again, so a test that expected a refusal leaks nothing. */
const codeOf = (p: Promise<unknown>): Promise<Outcome> => codeOfAsync(p, (v) => (v as { close?: () => void }).close?.());

function unlock(dir: string, credentials: VaultCredentials) {
  return unlockVault(dir, credentials, { clock, actor: 'mallory' });
}

let root: string;
/** Vault A: a passphrase slot and two 2-of-3 quorum slots. */
let pristineA: string;
let sharesA: string[] = [];
let sharesA2: string[] = [];
let vaultIdA = '';
/** Vault B: another vault with its own quorum. */
let dirB: string;
let sharesB: string[] = [];

const share = (label: string, content: string): ShareInput => ({ label, content });

beforeAll(async () => {
  root = tempDir('airgap-unlock-');
  pristineA = join(root, 'a');
  const a = await createTestVault(pristineA, { quorum: { threshold: 2, total: 3 } });
  sharesA = a.shareFiles;
  vaultIdA = a.vault.id;
  sharesA2 = (await a.vault.addQuorumSlot({ threshold: 2, total: 3, label: 'second set', actor: 'alice' })).shareFiles;
  a.vault.close();
  dirB = join(root, 'b');
  const b = await createTestVault(dirB, { passphrase: null, quorum: { threshold: 2, total: 3 } });
  sharesB = b.shareFiles;
  b.vault.close();
});

afterAll(removeTempDirs);

describe('passphrases', () => {
  it('a wrong passphrase is WRONG_PASSPHRASE with a clear message, and changes nothing', async () => {
    const before = hashDir(pristineA);
    await expect(unlock(pristineA, { passphrase: 'not the right passphrase' })).rejects.toMatchObject({ code: 'WRONG_PASSPHRASE', message: expect.stringMatching(/^Wrong passphrase/) });
    expect(hashDir(pristineA)).toBe(before);
    const v = await unlock(pristineA, { passphrase: TEST_PASSPHRASE });
    expect(v.audit.verify().ok).toBe(true);
    v.close();
  });

  it.each([
    ['empty', ''],
    ['only spaces', '            '],
    ['11 characters', 'abcdefghijk'],
    ['11 characters of 4 bytes each', '😀'.repeat(11)],
  ])('a weak passphrase (%s) is WEAK_PASSPHRASE and creates nothing', async (_name, passphrase) => {
    const dir = join(tempDir(), 'vault');
    const code = await codeOf(createVault({ dir, passphrase, kdfCost: OWASP_MINIMUM, clock, actor: 'alice' }));
    // The empty string is "no passphrase" to createVault: without a quorum that is INVALID_INPUT.
    expect(code).toBe(passphrase === '' ? 'INVALID_INPUT' : 'WEAK_PASSPHRASE');
    expect(existsSync(dir)).toBe(false);
  });

  it('12 characters is enough, counted as characters not bytes', async () => {
    const dir = join(tempDir(), 'vault');
    const { vault } = await createVault({ dir, passphrase: 'é'.normalize('NFD').repeat(12), kdfCost: OWASP_MINIMUM, clock, actor: 'alice' });
    vault.close();
    (await unlock(dir, { passphrase: 'é'.repeat(12) })).close();
  });

  it('refuses to create over a folder that holds something', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'notes.txt'), 'x');
    expect(await codeOf(createVault({ dir, passphrase: TEST_PASSPHRASE, kdfCost: OWASP_MINIMUM, clock, actor: 'alice' }))).toBe('VAULT_EXISTS');
    expect(readdirSync(dir)).toEqual(['notes.txt']);
  });
});

describe('custodian shares', () => {
  const parsed = (i: number) => parseShareFile(sharesA[i]!, 'x');
  const forged = (i: number, change: Partial<ReturnType<typeof parsed>>) => {
    const { checksum: _c, format: _f, version: _v, note: _n, ...fields } = parsed(i);
    return makeShareFile({ ...fields, ...change });
  };

  const rows: Array<[string, () => ShareInput[], ErrorCode, string?]> = [
    ['no share at all', () => [], 'NOT_ENOUGH_SHARES'],
    ['k-1 shares', () => [share('s1.json', sharesA[0]!)], 'NOT_ENOUGH_SHARES', '1 of the 2'],
    ['share.checksum (a flipped digit)', () => [share('s1.json', sharesA[0]!), share('bad.json', sharesA[1]!.replace(/"checksum": "(.)/, (_m, c: string) => `"checksum": "${c === '0' ? '1' : '0'}`))], 'SHARE_CORRUPT', 'bad.json'],
    ['share.share (altered, checksum recomputed)', () => [share('s1.json', sharesA[0]!), share('forged.json', forged(1, { share: Buffer.alloc(33, 7).toString('base64url') }))], 'SHARE_CORRUPT', 'forged.json'],
    ['share.index (claims another index, checksum recomputed)', () => [share('s1.json', sharesA[0]!), share('forged.json', forged(1, { index: 3 }))], 'SHARE_CORRUPT', 'forged.json'],
    ['share file truncated', () => [share('s1.json', sharesA[0]!), share('cut.json', sharesA[1]!.slice(0, 100))], 'SHARE_CORRUPT', 'cut.json'],
    ['share file empty', () => [share('s1.json', sharesA[0]!), share('empty.json', '')], 'SHARE_CORRUPT', 'empty.json'],
    ['share.vaultId (a share of another vault)', () => [share('s1.json', sharesA[0]!), share('other.json', sharesB[1]!)], 'SHARE_WRONG_VAULT', 'other.json'],
    ['the same file twice', () => [share('s1.json', sharesA[0]!), share('s1.json', sharesA[0]!)], 'SHARE_DUPLICATE'],
    ['the same share under two names', () => [share('s1.json', sharesA[0]!), share('copy.json', sharesA[0]!)], 'SHARE_DUPLICATE', 'copy.json'],
    ['share.slotId (shares from two quorum slots)', () => [share('s1.json', sharesA[0]!), share('set2.json', sharesA2[1]!)], 'SHARE_MISMATCH', 'set2.json'],
  ];

  const cases = rows.map(([field, shares, code, named]) => ({ field, shares, code, named }));
  it.each(cases)('$field -> $code', async ({ shares, code, named }) => {
    const before = hashDir(pristineA);
    const err = await unlock(pristineA, { shares: shares() }).then(
      (v) => (v.close(), null),
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).code).toBe(code);
    if (named) expect((err as DomainError).message).toContain(named);
    expect(hashDir(pristineA)).toBe(before);
  });

  it('any k shares of either set open the vault; all n also do', async () => {
    for (const set of [[sharesA[0]!, sharesA[2]!], [sharesA[2]!, sharesA[1]!], sharesA, [sharesA2[0]!, sharesA2[1]!]]) {
      const v = await unlock(pristineA, { shares: set.map((c, i) => share(`s${i}`, c)) });
      expect(v.id).toBe(vaultIdA);
      v.close();
    }
  });

  it('shares of a removed slot are SHARE_MISMATCH', async () => {
    const dir = join(tempDir(), 'a');
    cpSync(pristineA, dir, { recursive: true });
    const v = await unlock(dir, { passphrase: TEST_PASSPHRASE });
    const slot = v.header.slots.find((s) => s.type === 'quorum' && s.label === 'second set')!;
    await v.removeSlot({ slotId: slot.id, actor: 'alice' });
    v.close();
    expect(await codeOf(unlock(dir, { shares: [share('a', sharesA2[0]!), share('b', sharesA2[1]!)] }))).toBe('SHARE_MISMATCH');
  });
});

describe('header tampering', () => {
  type Tamper = (h: VaultHeader) => Promise<VaultHeader> | VaultHeader;
  const passSlot = (h: VaultHeader) => h.slots.find((s): s is PassphraseSlot => s.type === 'passphrase')!;
  const quorumSlot = (h: VaultHeader) => h.slots.find((s): s is QuorumSlot => s.type === 'quorum' && s.label !== 'second set')!;
  const flipB64 = (s: string) => (s[0] === 'A' ? 'B' : 'A') + s.slice(1);
  const recipientOf = (slot: KeySlot) => {
    if (!isRecipientSlot(slot)) throw new Error('a new vault has recipient slots only');
    return slot;
  };
  const attackerSlot = () =>
    createPassphraseSlot({ vaultId: vaultIdA, vaultKey: randomBytes(32), passphrase: OTHER_PASSPHRASE, cost: OWASP_MINIMUM, label: 'passphrase', now: new Date(FIXED_NOW) });

  // [broken field, tamper, code with the passphrase, code with two shares of the first set]
  const rows: Array<[string, Tamper, ErrorCode, ErrorCode]> = [
    ['slots[passphrase].kdf.memoryKiB (raised)', (h) => (passSlot(h).kdf.memoryKiB *= 2, h), 'WRONG_PASSPHRASE', 'HEADER_TAMPERED'],
    ['slots[passphrase].kdf.passes (raised)', (h) => (passSlot(h).kdf.passes += 1, h), 'WRONG_PASSPHRASE', 'HEADER_TAMPERED'],
    ['slots[passphrase].kdf.salt', (h) => (passSlot(h).kdf.salt = flipB64(passSlot(h).kdf.salt), h), 'WRONG_PASSPHRASE', 'HEADER_TAMPERED'],
    ['slots[passphrase].label', (h) => (passSlot(h).label = 'renamed', h), 'WRONG_PASSPHRASE', 'HEADER_TAMPERED'],
    ['slots[passphrase].wrap.ciphertext', (h) => (passSlot(h).wrap.ciphertext = flipB64(passSlot(h).wrap.ciphertext), h), 'WRONG_PASSPHRASE', 'HEADER_TAMPERED'],
    ['slots (an attacker passphrase slot added)', async (h) => ({ ...h, slots: [...h.slots, await attackerSlot()] }), 'HEADER_TAMPERED', 'HEADER_TAMPERED'],
    ['slots (the second quorum slot removed)', (h) => ({ ...h, slots: h.slots.filter((s) => s.label !== 'second set') }), 'HEADER_TAMPERED', 'HEADER_TAMPERED'],
    ['slots[quorum].wrap.ciphertext', (h) => (quorumSlot(h).wrap.ciphertext = flipB64(quorumSlot(h).wrap.ciphertext), h), 'HEADER_TAMPERED', 'HEADER_TAMPERED'],
    ['slots[quorum].threshold (raised to 3)', (h) => (quorumSlot(h).threshold = 3, h), 'HEADER_TAMPERED', 'HEADER_TAMPERED'],
    ['slots[quorum].shareDigests[1]', (h) => (quorumSlot(h).shareDigests[1] = '0'.repeat(64), h), 'HEADER_TAMPERED', 'SHARE_CORRUPT'],
    ['keyCommitment', (h) => ({ ...h, keyCommitment: flipB64(h.keyCommitment) }), 'HEADER_TAMPERED', 'HEADER_TAMPERED'],
    ['created', (h) => ({ ...h, created: '2020-01-01T00:00:00.000Z' }), 'HEADER_TAMPERED', 'HEADER_TAMPERED'],
    ['mac', (h) => ({ ...h, mac: flipB64(h.mac) }), 'HEADER_TAMPERED', 'HEADER_TAMPERED'],
    ['vaultId', (h) => ({ ...h, vaultId: '00000000-0000-4000-8000-000000000000' }), 'WRONG_PASSPHRASE', 'SHARE_WRONG_VAULT'],
    ['database.cipher', (h) => ({ ...h, database: { ...h.database, cipher: 'rc4' as 'chacha20' } }), 'HEADER_CORRUPT', 'HEADER_CORRUPT'],
    ['slots[passphrase].kdf.memoryKiB (below OWASP)', (h) => (passSlot(h).kdf.memoryKiB = 1024, h), 'HEADER_CORRUPT', 'HEADER_CORRUPT'],
    ['version (a later one)', (h) => ({ ...h, version: 3 as 2 }), 'UNSUPPORTED_FORMAT', 'UNSUPPORTED_FORMAT'],
    ['version (set back to 1 beside recipient slots)', (h) => ({ ...h, version: 1 as 2 }), 'HEADER_CORRUPT', 'HEADER_CORRUPT'],
    ['slots[passphrase].recipient', (h) => (recipientOf(passSlot(h)).recipient = flipB64(recipientOf(passSlot(h)).recipient), h), 'WRONG_PASSPHRASE', 'HEADER_TAMPERED'],
    ['slots[passphrase].wrap.ephemeral', (h) => (recipientOf(passSlot(h)).wrap.ephemeral = flipB64(recipientOf(passSlot(h)).wrap.ephemeral), h), 'WRONG_PASSPHRASE', 'HEADER_TAMPERED'],
    ['slots[quorum].recipient', (h) => (recipientOf(quorumSlot(h)).recipient = flipB64(recipientOf(quorumSlot(h)).recipient), h), 'HEADER_TAMPERED', 'HEADER_TAMPERED'],
  ];

  const cases = rows.map(([field, tamper, withPassphrase, withShares]) => ({ field, tamper, withPassphrase, withShares }));
  it.each(cases)('$field: passphrase -> $withPassphrase, shares -> $withShares; the vault is unchanged', async ({ tamper, withPassphrase, withShares }) => {
    const dir = join(tempDir(), 'a');
    cpSync(pristineA, dir, { recursive: true });
    const header = JSON.parse(readFileSync(join(dir, HEADER_FILE), 'utf8')) as VaultHeader;
    writeFileSync(join(dir, HEADER_FILE), JSON.stringify(await tamper(header), null, 2));
    const before = hashDir(dir);
    expect(await codeOf(unlock(dir, { passphrase: TEST_PASSPHRASE }))).toBe(withPassphrase);
    expect(await codeOf(unlock(dir, { shares: [share('s1', sharesA[0]!), share('s2', sharesA[1]!)] }))).toBe(withShares);
    expect(hashDir(dir)).toBe(before);
  });

  it("an added slot opened with the attacker's own passphrase is HEADER_TAMPERED (key commitment), the vault unchanged", async () => {
    const dir = join(tempDir(), 'a');
    cpSync(pristineA, dir, { recursive: true });
    const header = JSON.parse(readFileSync(join(dir, HEADER_FILE), 'utf8')) as VaultHeader;
    writeFileSync(join(dir, HEADER_FILE), JSON.stringify({ ...header, slots: [await attackerSlot(), ...header.slots] }));
    const before = hashDir(dir);
    expect(await codeOf(unlock(dir, { passphrase: OTHER_PASSPHRASE }))).toBe('HEADER_TAMPERED');
    expect(hashDir(dir)).toBe(before);
  });

  it('the untouched copy still opens with both (the cases above fail because of the tampering)', async () => {
    const dir = join(tempDir(), 'a');
    cpSync(pristineA, dir, { recursive: true });
    expect(await codeOf(unlock(dir, { passphrase: TEST_PASSPHRASE }))).toBe('ok');
    expect(await codeOf(unlock(dir, { shares: [share('s1', sharesA[0]!), share('s2', sharesA[1]!)] }))).toBe('ok');
  });
});
