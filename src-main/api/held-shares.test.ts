/**
 * Custodian shares written one medium at a time (docs/architecture.md,
 * "Custodian shares, one medium each"), on a real vault and real folders:
 * the main process holds the shares, writes share i where asked, reads it
 * back, records the holder (never the share), refuses a folder that already
 * holds another share, and says what ending the delivery early means.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../core/clock.ts';
import { OWASP_MINIMUM } from '../core/vault/kdf.ts';
import { parseShareFile } from '../core/vault/custodian-share.ts';
import { removeTempDirs, tempDir } from '../testing/temp-dir.ts';
import { FIXED_NOW } from '../testing/vault-fixtures.ts';
import { createService, type Service } from './service.ts';
import { dispatchCalls } from '../testing/dispatch-calls.ts';

afterAll(removeTempDirs);

let service: Service;
let root: string;

const { ok, refused } = dispatchCalls(() => service);

async function events(action: string): Promise<Array<{ details: Record<string, unknown> }>> {
  const r = await ok('audit.list', { action });
  return r.events as unknown as Array<{ details: Record<string, unknown> }>;
}

function newService(): Service {
  return createService({ vaultDir: join(root, 'vault'), clock: fixedClock(FIXED_NOW), kdfCost: OWASP_MINIMUM, logger: { error: () => undefined } });
}

beforeEach(() => {
  root = tempDir();
  service = newService();
});

const HOLDERS = ['Ada Lovelace', 'Grace Hopper', 'Edsger Dijkstra'];

describe('a quorum created without a shares folder', () => {
  it('holds the shares, writes each to its own folder verified, records the holder and never the share, and opens the vault with them', async () => {
    const created = await ok('vault.create', { actor: 'alice', quorum: { threshold: 2, total: 3, holders: HOLDERS } });
    expect(created.shareFiles).toEqual([]);
    expect(created.heldShares).toMatchObject({ threshold: 2, total: 3, shares: HOLDERS.map((holder, i) => ({ index: i + 1, holder, written: false, file: null })) });
    expect(JSON.stringify(created), 'the answer carries no share').not.toMatch(/"share":/);

    const a = join(root, 'STICK-A');
    const b = join(root, 'STICK-B');
    const w1 = await ok('vault.writeShare', { index: 1, dir: a });
    expect(readdirSync(a)).toEqual([w1.file.split('/').pop()]);
    const share1 = parseShareFile(readFileSync(w1.file), 'share 1');
    expect(share1).toMatchObject({ index: 1, threshold: 2, total: 3, vaultId: created.vaultId });
    expect(w1.held.shares.map((s) => s.written)).toEqual([true, false, false]);

    // Share 2 into the folder that holds share 1: refused, nothing written.
    const together = await refused('vault.writeShare', { index: 2, dir: a });
    expect(together.code).toBe('SHARES_TOGETHER');
    expect(together.message).toContain('share 2 of 3 (holder Grace Hopper)');
    expect(readdirSync(a)).toHaveLength(1);
    // Share 1 again: refused (a written share is not copied again).
    expect((await refused('vault.writeShare', { index: 1, dir: b })).code).toBe('SHARE_ALREADY_WRITTEN');
    expect(existsSync(b)).toBe(false);

    const w2 = await ok('vault.writeShare', { index: 2, dir: b });
    const written = await events('vault.share-written');
    expect(written.map((e) => e.details)).toEqual([
      { slot: created.heldShares!.slotId, index: 1, total: 3, holder: 'Ada Lovelace', file: w1.file, verified: true },
      { slot: created.heldShares!.slotId, index: 2, total: 3, holder: 'Grace Hopper', file: w2.file, verified: true },
    ]);
    const everything = JSON.stringify(await ok('audit.list', {}));
    expect(everything, 'no share reaches the audit log').not.toContain(share1.share);

    // Ending with share 3 unwritten: reported, recorded with its holder, and the quorum still opens with 1 and 2.
    const released = await ok('vault.releaseShares', {});
    expect(released).toMatchObject({ written: [1, 2], discarded: [{ index: 3, holder: 'Edsger Dijkstra' }], canUnlock: true });
    expect(released.meaning).toContain('1 of 3 shares were not written and are gone');
    expect(released.meaning).toContain('tolerates 0 lost shares instead of 1');
    expect((await events('vault.shares-discarded')).map((e) => e.details)).toEqual([
      { slot: created.heldShares!.slotId, threshold: 2, total: 3, written: [1, 2], discarded: [{ index: 3, holder: 'Edsger Dijkstra' }], canUnlock: true, reason: 'the officer ended the delivery' },
    ]);
    expect(await ok('vault.heldShares', {})).toBeNull();
    expect((await refused('vault.writeShare', { index: 3, dir: join(root, 'STICK-C') })).code).toBe('NO_HELD_SHARES');

    await ok('vault.lock', {});
    service = newService();
    const shares = [w1.file, w2.file].map((f) => ({ label: f, content: readFileSync(f, 'utf8') }));
    expect((await ok('vault.unlock', { actor: 'bob', credentials: { shares } })).unlocked).toBe(true);
  });

  it('says the quorum can never open the vault when fewer than K shares were written, and records the shares a lock gives up', async () => {
    await ok('vault.create', { actor: 'alice', passphrase: 'correct horse battery staple 42', quorum: { threshold: 2, total: 3 } });
    await ok('vault.writeShare', { index: 2, dir: join(root, 'ONLY') });
    await ok('vault.lock', {});
    service = newService();
    await ok('vault.unlock', { actor: 'alice', credentials: { passphrase: 'correct horse battery staple 42' } });
    const [discarded] = await events('vault.shares-discarded');
    expect(discarded!.details).toMatchObject({ written: [2], discarded: [{ index: 1, holder: null }, { index: 3, holder: null }], canUnlock: false, reason: 'the vault was locked' });
  });

  it('reports what fewer than K written shares mean when the officer ends the delivery', async () => {
    await ok('vault.create', { actor: 'alice', passphrase: 'correct horse battery staple 42', quorum: { threshold: 3, total: 4 } });
    await ok('vault.writeShare', { index: 1, dir: join(root, 'ONE') });
    const released = await ok('vault.releaseShares', {});
    expect(released.canUnlock).toBe(false);
    expect(released.meaning).toContain('fewer than the 3 needed: this quorum slot can never open the vault');
  });

  it('refuses holder names that do not match the shares before creating anything', async () => {
    const r = await refused('vault.create', { actor: 'alice', quorum: { threshold: 2, total: 3, holders: ['Ada', 'Grace'] } });
    expect(r).toMatchObject({ code: 'INVALID_INPUT', message: '2 holder names given for 3 shares. Name one holder per share, or none.' });
    expect(existsSync(join(root, 'vault'))).toBe(false);
  });

  it('adds a quorum slot to an open vault the same way, and refuses a second quorum while shares are still waiting', async () => {
    await ok('vault.create', { actor: 'alice', passphrase: 'correct horse battery staple 42' });
    const added = await ok('vault.addQuorumSlot', { threshold: 2, total: 2, holders: ['Ada', 'Grace'] });
    expect(added.shareFiles).toEqual([]);
    expect(added.heldShares?.slotId).toBe(added.slot.id);
    const again = await refused('vault.addQuorumSlot', { threshold: 2, total: 2 });
    expect(again.code).toBe('INVALID_INPUT');
    expect(again.message).toContain('2 shares of quorum slot');
    await ok('vault.writeShare', { index: 1, dir: join(root, 'A') });
    await ok('vault.writeShare', { index: 2, dir: join(root, 'B') });
    const released = await ok('vault.releaseShares', {});
    expect(released).toMatchObject({ written: [1, 2], discarded: [], canUnlock: true });
    expect(await events('vault.shares-discarded')).toEqual([]);
    expect((await refused('vault.addQuorumSlot', { threshold: 2, total: 2, replaceSlot: added.slot.id })).code).toBe('INVALID_INPUT');
  });
});

describe('a quorum that replaces a slot, one folder per share (vault.addQuorumSlot { replaceSlot, shareDirs })', () => {
  it('writes and reads back each share before the rekey, answers with the delivery, and refuses folders that do not fit before anything changes', async () => {
    const created = await ok('vault.create', { actor: 'alice', passphrase: 'correct horse battery staple' });
    const slotId = created.slots[0]!.id;
    const dirs = ['A', 'B', 'C'].map((x) => join(root, `STICK-${x}`));
    const refusals = [
      [{ threshold: 2, total: 3, shareDirs: dirs }, 'INVALID_INPUT', 'goes with replacing a slot'],
      [{ threshold: 2, total: 3, replaceSlot: slotId }, 'INVALID_INPUT', 'not neither'],
      [{ threshold: 2, total: 3, replaceSlot: slotId, shareDirs: dirs, sharesDir: join(root, 'all') }, 'INVALID_INPUT', 'not both'],
      [{ threshold: 2, total: 3, replaceSlot: slotId, shareDirs: dirs.slice(0, 2) }, 'INVALID_INPUT', '2 share folders given for 3 shares'],
      [{ threshold: 2, total: 3, replaceSlot: slotId, shareDirs: [dirs[0], dirs[1], `${dirs[0]}/`] }, 'SHARES_TOGETHER', 'share 1 and share 3'],
    ] as const;
    for (const [input, code, text] of refusals) {
      const r = await refused('vault.addQuorumSlot', input);
      expect([r.code, r.message]).toEqual([code, expect.stringContaining(text)]);
    }
    expect(dirs.map((d) => existsSync(d))).toEqual([false, false, false]);
    expect((await ok('vault.info', {})).slots.map((s) => s.id)).toEqual([slotId]);

    const r = await ok('vault.addQuorumSlot', { threshold: 2, total: 3, replaceSlot: slotId, shareDirs: dirs, holders: HOLDERS });
    expect(r.heldShares).toBeNull();
    expect(r.delivered).toMatchObject({ slotId: r.slot.id, written: [1, 2, 3], discarded: [], canUnlock: true, shares: HOLDERS.map((holder, i) => ({ index: i + 1, holder, written: true, file: r.shareFiles[i] })) });
    r.shareFiles.forEach((f, i) => expect(parseShareFile(readFileSync(f), f)).toMatchObject({ index: i + 1, slotId: r.slot.id, vaultId: created.vaultId }));
    expect((await ok('vault.info', {})).slots.map((s) => s.id)).toEqual([r.slot.id]);
  });
});
