/**
 * `vault add-quorum --replace SLOT --share-out DIR…` through the real CLI on a
 * real vault: every share of the new quorum goes to its own folder and is read
 * back before the rekey commits. Refusals come before anything is written; a
 * share that cannot be written (a real full FAT volume) changes nothing: the
 * old slot and its shares still open the vault, the key is the same, and no
 * share of the new set is left on any medium.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../core/clock.ts';
import { HEADER_FILE, NEXT_DATABASE_FILE, parseHeader } from '../core/vault/header.ts';
import { inProcessCli, type CliRun } from '../testing/cli-in-process.ts';
import { fillMedium, makeFatImage, mountFat, mtoolsList, type FatMount } from '../testing/fat-testkit.ts';
import { removeTempDirs, tempDir } from '../testing/temp-dir.ts';

const mounts: FatMount[] = [];
afterAll(async () => {
  for (const m of mounts) await m.cleanup();
  removeTempDirs();
});

const PASS = 'correct horse battery staple';

/** The vault's files as they are (the unlock-failure counter aside). */
function vaultState(dir: string): string {
  const h = createHash('sha256');
  for (const f of readdirSync(dir).filter((name) => name !== 'vault-unlock-failures.json').sort()) h.update(f).update('\0').update(readFileSync(join(dir, f))).update('\0');
  return h.digest('hex');
}

function errorOf(r: CliRun): { code: string; message: string } {
  return (r.json as { error: { code: string; message: string } }).error;
}

let root: string;
let vault: string;
let cli: (args: string[]) => Promise<CliRun>;
let oldShares: string[];
let oldSlot: string;
const withPass = (args: string[]) => cli(['--passphrase-file', join(root, 'pass.txt'), ...args]);
const withShares = (shares: string[], args: string[]) => cli([...shares.flatMap((s) => ['--share', s]), ...args]);

beforeEach(async () => {
  root = tempDir('airgap-replace-');
  vault = join(root, 'vault');
  writeFileSync(join(root, 'pass.txt'), PASS);
  cli = inProcessCli({ vault, clock: fixedClock(new Date(Date.now() - 60_000)) });
  const init = await withPass(['--json', 'vault', 'init', '--quorum', '2/3', '--shares-dir', join(root, 'old-shares'), '--also-passphrase']);
  expect(init.code, init.stderr).toBe(0);
  oldShares = (init.json as { shareFiles: string[] }).shareFiles;
  oldSlot = parseHeader(readFileSync(join(vault, HEADER_FILE))).slots.find((s) => s.type === 'quorum')!.id;
});

describe('vault add-quorum --replace with one --share-out per share', () => {
  it('writes each share to its own folder before the change commits, names the holders, and only the new shares open the vault', async () => {
    const sticks = ['A', 'B', 'C'].map((s) => join(root, `STICK-${s}`));
    const r = await withPass(['--json', 'vault', 'add-quorum', '--quorum', '2/3', '--replace', oldSlot, ...sticks.flatMap((d) => ['--share-out', d]), '--holder', 'Ada', '--holder', 'Grace', '--holder', 'Edsger']);
    expect(r.code, r.stdout).toBe(0);
    const j = r.json as { slot: { id: string }; shareFiles: string[]; shares: { written: number[]; discarded: unknown[]; canUnlock: boolean; shares: Array<{ holder: string | null }> } };
    expect(j.shares).toMatchObject({ written: [1, 2, 3], discarded: [], canUnlock: true });
    expect(j.shares.shares.map((s) => s.holder)).toEqual(['Ada', 'Grace', 'Edsger']);
    sticks.forEach((d, i) => {
      expect(readdirSync(d)).toEqual([expect.stringMatching(new RegExp(`-${j.slot.id}-share-${i + 1}-of-3\\.json$`))]);
    });
    expect(j.shareFiles).toEqual(sticks.map((d) => join(d, readdirSync(d)[0]!)));
    expect(parseHeader(readFileSync(join(vault, HEADER_FILE))).slots.map((s) => s.id)).not.toContain(oldSlot);

    const old = await withShares(oldShares.slice(0, 2), ['--json', 'vault', 'verify']);
    expect(old.code).toBe(3);
    const fresh = await withShares([j.shareFiles[0]!, j.shareFiles[2]!], ['--json', 'audit', 'list']);
    expect(fresh.code, fresh.stdout).toBe(0);
    const added = (fresh.json as { events: Array<{ action: string; details: Record<string, unknown> }> }).events.filter((e) => e.action === 'vault.slot-added').pop()!;
    expect(added.details).toMatchObject({ replacedSlot: oldSlot, slot: j.slot.id, rekeyed: true });
    expect((added.details.shares as Array<{ index: number; holder: string; verified: boolean }>).map((s) => [s.index, s.holder, s.verified])).toEqual([
      [1, 'Ada', true],
      [2, 'Grace', true],
      [3, 'Edsger', true],
    ]);
  });

  it('refuses a folder given twice (SHARES_TOGETHER), a count that is not N and holders that are not one per share, before anything is written', async () => {
    const before = vaultState(vault);
    const a = join(root, 'A');
    const b = join(root, 'B');
    const twice = await withPass(['--json', 'vault', 'add-quorum', '--quorum', '2/3', '--replace', oldSlot, '--share-out', a, '--share-out', b, '--share-out', join(a, '.')]);
    expect([twice.code, errorOf(twice).code]).toEqual([1, 'SHARES_TOGETHER']);
    expect(errorOf(twice).message).toContain('share 1 and share 3');
    const short = await withPass(['--json', 'vault', 'add-quorum', '--quorum', '2/3', '--replace', oldSlot, '--share-out', a, '--share-out', b]);
    expect([short.code, errorOf(short).code]).toEqual([2, 'INVALID_INPUT']);
    expect(errorOf(short).message).toContain('2 --share-out folders given for 3 shares');
    const holders = await withPass(['--json', 'vault', 'add-quorum', '--quorum', '2/2', '--replace', oldSlot, '--share-out', a, '--share-out', b, '--holder', 'Ada']);
    expect([holders.code, errorOf(holders).code]).toEqual([2, 'INVALID_INPUT']);
    expect(errorOf(holders).message).toContain('1 --holder name given for 2 shares');
    expect(errorOf(holders).message).toContain('Nothing was changed.');
    expect(vaultState(vault)).toBe(before);
    expect([existsSync(a), existsSync(b)]).toEqual([false, false]);
  });

  it('a share that cannot be written (a full FAT volume) changes nothing and leaves no share of the new set on any medium', async () => {
    const image = join(root, 'full.img');
    const full = join(root, 'FULL');
    mkdirSync(full);
    await makeFatImage(image, 256);
    const fat = await mountFat(image, full);
    mounts.push(fat);
    await fillMedium(full);
    const a = join(root, 'A');
    const c = join(root, 'C');
    const before = vaultState(vault);
    const headerBefore = readFileSync(join(vault, HEADER_FILE));

    const r = await withPass(['--json', 'vault', 'add-quorum', '--quorum', '2/3', '--replace', oldSlot, '--share-out', a, '--share-out', full, '--share-out', c, '--holder', 'Ada', '--holder', 'Grace', '--holder', 'Edsger']);
    expect(r.code).toBe(1);
    const e = errorOf(r);
    expect(e.code).toBe('DISK_FULL');
    expect(e.message).toContain('share 2 of 3 (holder Grace)');
    expect(e.message).toContain(`Nothing was changed: the quorum does not replace slot ${oldSlot}, the vault key is the same`);
    expect(e.message).toMatch(new RegExp(`The new quorum's share files written so far were removed again: ${a}/airgap-ca-[0-9a-f]{8}-[\\w-]+-share-1-of-3\\.json\\.`));
    // Share 1 was written and read back, then taken back; share 3 was never written.
    expect(readdirSync(a)).toEqual([]);
    expect(existsSync(c)).toBe(false);
    expect(readdirSync(full)).toEqual(['filler.bin']);
    expect(vaultState(vault)).toBe(before);
    expect(readFileSync(join(vault, HEADER_FILE)).equals(headerBefore)).toBe(true);
    // The old slot's shares still open the vault, and so does the passphrase.
    expect((await withShares(oldShares.slice(1), ['vault', 'verify'])).code).toBe(0);
    expect((await withPass(['vault', 'verify'])).code).toBe(0);
    await fat.unmount();
    expect(await mtoolsList(image, '/')).toEqual(['filler.bin']);
  });

  it('a rekey that fails after the shares were written (before its commit) takes every share back and changes nothing', async () => {
    const sticks = ['A', 'B', 'C'].map((x) => join(root, `STICK-${x}`));
    const before = vaultState(vault);
    // Something in the way of the rekeyed copy's journal: the rekey fails after the shares are written and read back.
    const inTheWay = join(vault, `${NEXT_DATABASE_FILE}-journal`);
    mkdirSync(inTheWay);
    const r = await withPass(['--json', 'vault', 'add-quorum', '--quorum', '2/3', '--replace', oldSlot, ...sticks.flatMap((d) => ['--share-out', d])]);
    rmSync(inTheWay, { recursive: true });
    expect(r.code).toBe(1);
    const e = errorOf(r);
    expect(e.code).toBe('IO_ERROR');
    expect(e.message).toContain(`Nothing was changed: slot ${oldSlot} still opens the vault and the vault key is the same.`);
    expect(e.message).toMatch(new RegExp(`The new quorum's share files written so far were removed again: ${sticks[0]}/[^,]+-share-1-of-3\\.json, ${sticks[1]}/[^,]+-share-2-of-3\\.json, ${sticks[2]}/[^,]+-share-3-of-3\\.json\\.`));
    expect(sticks.map((d) => readdirSync(d))).toEqual([[], [], []]);
    expect(vaultState(vault)).toBe(before);
    expect((await withShares(oldShares.slice(0, 2), ['vault', 'verify'])).code).toBe(0);
  });
});
