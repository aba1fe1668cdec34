/**
 * The console's witness shares (docs/architecture.md, "Witnesses who prove
 * they were there"): each custodian's share read from their own medium
 * (vault.presentWitnessShare), checked on its own, held in the main process
 * (the answers carry index, holder and folder only), then checked together and
 * combined by key.activate { emergency, presentedWitnessShares }; given up
 * after the activation ran, and on lock. Real vaults, real share files.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../core/clock.ts';
import { OWASP_MINIMUM } from '../core/vault/kdf.ts';
import { makeShareFile, parseShareFile } from '../core/vault/custodian-share.ts';
import { removeTempDirs, tempDir } from '../testing/temp-dir.ts';
import { FIXED_NOW } from '../testing/vault-fixtures.ts';
import { createService, type Service } from './service.ts';
import { dispatchCalls } from '../testing/dispatch-calls.ts';
import { dispatch } from './dispatch.ts';

afterAll(removeTempDirs);

const PASS = 'correct horse battery staple';
let service: Service;
let root: string;

const { ok, refused } = dispatchCalls(() => service);

/** A 2-of-3 quorum (and a passphrase) vault, shares written to STICK-1..3 with their holders; root-a active, root-b a draft root. */
async function setup(): Promise<{ stick: (i: number) => string; file: (i: number) => string }> {
  await ok('vault.create', { actor: 'alice', passphrase: PASS, quorum: { threshold: 2, total: 3, holders: ['Ada', 'Grace', 'Edsger'] } });
  const stick = (i: number) => join(root, `STICK-${i}`);
  for (const i of [1, 2, 3]) await ok('vault.writeShare', { index: i, dir: stick(i) });
  await ok('vault.releaseShares', {});
  for (const name of ['root-a', 'root-b']) {
    await ok('key.create', { name });
    await ok('key.selfSign', { key: name, subject: `CN=${name},O=Acme` });
  }
  await ok('key.activate', { key: 'root-a' });
  return { stick, file: (i) => join(stick(i), readdirSync(stick(i))[0]!) };
}

async function active(): Promise<string | undefined> {
  return (await ok('key.list', {})).find((k) => k.state === 'active')?.name;
}

beforeEach(() => {
  root = tempDir('airgap-witness-api-');
  service = createService({ vaultDir: join(root, 'vault'), clock: fixedClock(FIXED_NOW), kdfCost: OWASP_MINIMUM, logger: { error: () => undefined } });
});

describe('witness shares presented one medium at a time', () => {
  it('checks each share as it is presented, names its holder, and never answers with a share', async () => {
    const w = await setup();
    const first = await ok('vault.presentWitnessShare', { dir: w.stick(3) });
    expect(first).toMatchObject({ threshold: 2, total: 3, shares: [{ index: 3, holder: 'Edsger', dir: w.stick(3) }] });
    expect(JSON.stringify(first)).not.toContain(parseShareFile(readFileSync(w.file(3)), 's').share);

    expect(await refused('vault.presentWitnessShare', { dir: w.stick(3) })).toMatchObject({ code: 'WITNESS_SHARE_DUPLICATE' });
    const copy = join(root, 'COPY-OF-3');
    mkdirSync(copy);
    copyFileSync(w.file(3), join(copy, readdirSync(w.stick(3))[0]!));
    expect(await refused('vault.presentWitnessShare', { dir: copy })).toMatchObject({ code: 'WITNESS_SHARE_DUPLICATE' });

    const empty = join(root, 'EMPTY');
    mkdirSync(empty);
    expect((await refused('vault.presentWitnessShare', { dir: empty })).message).toContain('holds no custodian share file');
    const both = join(root, 'BOTH');
    mkdirSync(both);
    for (const i of [1, 2]) copyFileSync(w.file(i), join(both, readdirSync(w.stick(i))[0]!));
    expect(await refused('vault.presentWitnessShare', { dir: both })).toMatchObject({ code: 'WITNESS_SHARE_INVALID' });

    const real = parseShareFile(readFileSync(w.file(1)), 's');
    const forged = join(root, 'FORGED');
    mkdirSync(forged);
    writeFileSync(join(forged, readdirSync(w.stick(1))[0]!), makeShareFile({ vaultId: real.vaultId, slotId: real.slotId, threshold: 2, total: 3, index: 1, share: randomBytes(33).toString('base64url') }));
    expect((await refused('vault.presentWitnessShare', { dir: forged })).message).toContain('not the share that was issued');

    // The refusals added nothing: only share 3 is presented.
    expect((await ok('vault.witnessShares', {}))?.shares.map((s) => s.index)).toEqual([3]);
  });

  it("refuses another vault's share", async () => {
    await setup();
    const otherRoot = tempDir('airgap-witness-other-');
    const other = createService({ vaultDir: join(otherRoot, 'vault'), clock: fixedClock(FIXED_NOW), kdfCost: OWASP_MINIMUM, logger: { error: () => undefined } });
    const made = await dispatch(other, 'vault.create', { actor: 'eve', quorum: { threshold: 2, total: 2 } });
    expect(made.ok).toBe(true);
    const r = await dispatch(other, 'vault.writeShare', { index: 1, dir: join(otherRoot, 'OTHER') });
    expect(r.ok).toBe(true);
    expect(await refused('vault.presentWitnessShare', { dir: join(otherRoot, 'OTHER') })).toMatchObject({ code: 'WITNESS_SHARE_WRONG_VAULT' });
    expect(await ok('vault.witnessShares', {})).toBeNull();
  });

  it('activation with too few keeps what was presented; with k it names the holders and gives the shares up', async () => {
    const w = await setup();
    await ok('vault.presentWitnessShare', { dir: w.stick(2) });
    const few = await refused('key.activate', { key: 'root-b', emergency: true, witnesses: ['Bob'], presentedWitnessShares: true });
    expect(few.code).toBe('WITNESS_SHARES_TOO_FEW');
    expect(await active()).toBe('root-a');
    expect((await ok('vault.witnessShares', {}))?.shares).toHaveLength(1);

    await ok('vault.presentWitnessShare', { dir: w.stick(1) });
    const a = await ok('key.activate', { key: 'root-b', emergency: true, witnesses: ['Bob'], presentedWitnessShares: true });
    expect(a.witnessShares).toMatchObject({ threshold: 2, total: 3, shares: [{ index: 2, holder: 'Grace' }, { index: 1, holder: 'Ada' }] });
    expect(await active()).toBe('root-b');
    expect(await ok('vault.witnessShares', {})).toBeNull();
    const ev = (await ok('audit.list', { action: 'key.emergency-activated' })).events[0]!;
    expect(ev.details.witnessShares).toEqual(a.witnessShares);
  });

  it('a routine activation takes no presented shares; locking gives them up', async () => {
    const w = await setup();
    await ok('vault.presentWitnessShare', { dir: w.stick(1) });
    await ok('vault.presentWitnessShare', { dir: w.stick(2) });
    expect(await refused('key.activate', { key: 'root-b', presentedWitnessShares: true })).toMatchObject({ code: 'INVALID_INPUT' });
    await ok('vault.lock', {});
    await ok('vault.unlock', { actor: 'alice', credentials: { passphrase: PASS } });
    expect(await ok('vault.witnessShares', {})).toBeNull();
    expect(await refused('key.activate', { key: 'root-b', emergency: true, witnesses: ['Bob'], presentedWitnessShares: true })).toMatchObject({ code: 'WITNESS_SHARES_TOO_FEW' });
  });
});
