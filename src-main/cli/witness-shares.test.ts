/**
 * Witnesses who prove they were there: `key activate --emergency
 * --witness-share FILE…` with real Shamir shares as `vault init --quorum`
 * writes them. Each share is checked against the vault's quorum slot (as an
 * unlock checks it, then combined to the vault's own key); a refusal changes
 * nothing; the holders recorded by vault.share-written name the shares in the
 * output and in key.emergency-activated, and no share reaches the audit log
 * or the output. `vault emergency-witnesses` makes the shares required,
 * and only the shares can make them optional again.
 */
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../core/clock.ts';
import { makeShareFile, parseShareFile } from '../core/vault/custodian-share.ts';
import { inProcessCli, type CliRun } from '../testing/cli-in-process.ts';
import { jsonError } from '../testing/cli-runner.ts';
import { removeTempDirs, tempDir } from '../testing/temp-dir.ts';

afterAll(removeTempDirs);

const PASS = 'correct horse battery staple';

interface World {
  cli: (args: string[]) => Promise<CliRun>;
  /** Share 1..3 of the quorum, each in its own folder (medium). */
  share: (i: number) => string;
  root: string;
}

/** A 2-of-3 quorum vault (plus a passphrase slot the officer unlocks with), holders Ada, Grace, Edsger; root-a active, root-b a draft root. */
async function quorumVault(): Promise<World> {
  const root = tempDir('airgap-witness-');
  const cli = inProcessCli({ vault: join(root, 'vault'), clock: fixedClock('2026-06-01T09:00:00Z'), env: { AIRGAP_CA_PASSPHRASE: PASS} });
  const sticks = ['A', 'B', 'C'].map((s) => join(root, `STICK-${s}`));
  const init = await cli(['vault', 'init', '--quorum', '2/3', '--also-passphrase', ...sticks.flatMap((d) => ['--share-out', d]), '--holder', 'Ada', '--holder', 'Grace', '--holder', 'Edsger']);
  expect(init.code, init.stderr).toBe(0);
  for (const args of [
    ['key', 'create', '--name', 'root-a'],
    ['key', 'self-sign', 'root-a', '--subject', 'CN=Fleet Root A,O=Acme,C=DE'],
    ['key', 'activate', 'root-a'],
    ['key', 'create', '--name', 'root-b'],
    ['key', 'self-sign', 'root-b', '--subject', 'CN=Fleet Root B,O=Acme,C=DE'],
  ]) {
    const r = await cli(args);
    expect(r.code, r.stderr).toBe(0);
  }
  return { cli, root, share: (i) => join(sticks[i - 1]!, readdirSync(sticks[i - 1]!)[0]!) };
}

async function activeKeyName(w: World): Promise<string | undefined> {
  const list = await w.cli(['--json', 'key', 'list']);
  return (list.json as Array<{ name: string; state: string }>).find((k) => k.state === 'active')?.name;
}

function emergency(w: World, files: string[], extra: string[] = []): Promise<CliRun> {
  return w.cli(['--json', '--witness', 'Bob Witness', 'key', 'activate', 'root-b', '--emergency', ...files.flatMap((f) => ['--witness-share', f]), ...extra]);
}

describe('key activate --emergency --witness-share', () => {
  let w: World;
  beforeAll(async () => {
    w = await quorumVault();
  });

  it('refuses fewer shares than the quorum needs, and changes nothing', async () => {
    const r = await emergency(w, [w.share(1)]);
    expect(r.code).toBe(1);
    expect(jsonError(r)).toMatchObject({ code: 'WITNESS_SHARES_TOO_FEW' });
    expect(jsonError(r).message).toContain('1 more is needed');
    expect(await activeKeyName(w)).toBe('root-a');
  });

  it('refuses the same share twice, also as a copy from another medium', async () => {
    const twice = await emergency(w, [w.share(2), w.share(2)]);
    expect(jsonError(twice)).toMatchObject({ code: 'WITNESS_SHARE_DUPLICATE' });
    const copyDir = join(w.root, 'COPY');
    mkdirSync(copyDir);
    const copy = join(copyDir, 'copied-share.json');
    copyFileSync(w.share(2), copy);
    const copied = await emergency(w, [w.share(2), copy]);
    expect(copied.code).toBe(1);
    expect(jsonError(copied)).toMatchObject({ code: 'WITNESS_SHARE_DUPLICATE' });
    expect(jsonError(copied).message).toContain('copied-share.json is share 2');
    expect(await activeKeyName(w)).toBe('root-a');
  });

  it('refuses a share that was not issued (forged with a valid checksum) and one that was altered', async () => {
    const real = parseShareFile(readFileSync(w.share(3)), 'share 3');
    const forged = join(w.root, 'forged.json');
    writeFileSync(forged, makeShareFile({ vaultId: real.vaultId, slotId: real.slotId, threshold: 2, total: 3, index: 3, share: randomBytes(33).toString('base64url') }));
    const f = await emergency(w, [w.share(1), forged]);
    expect(f.code).toBe(1);
    expect(jsonError(f)).toMatchObject({ code: 'WITNESS_SHARE_INVALID' });
    expect(jsonError(f).message).toContain('not the share that was issued');
    const altered = join(w.root, 'altered.json');
    writeFileSync(altered, readFileSync(w.share(3), 'utf8').replace(/"index": 3/, '"index": 2'));
    const a = await emergency(w, [w.share(1), altered]);
    expect(jsonError(a)).toMatchObject({ code: 'WITNESS_SHARE_INVALID' });
    expect(jsonError(a).message).toContain('fails its checksum');
    expect(await activeKeyName(w)).toBe('root-a');
  });

  it("refuses shares of another vault's quorum", async () => {
    const other = tempDir('airgap-witness-other-');
    const otherCli = inProcessCli({ vault: join(other, 'vault'), clock: fixedClock('2026-06-01T09:00:00Z'), env: {} });
    const init = await otherCli(['--json', 'vault', 'init', '--quorum', '2/2', '--shares-dir', join(other, 'shares')]);
    expect(init.code, init.stderr).toBe(0);
    const files = (init.json as { shareFiles: string[] }).shareFiles;
    const r = await emergency(w, files);
    expect(r.code).toBe(1);
    expect(jsonError(r)).toMatchObject({ code: 'WITNESS_SHARE_WRONG_VAULT' });
    expect(await activeKeyName(w)).toBe('root-a');
  });

  it('refuses shares on a routine activation', async () => {
    const r = await w.cli(['--json', 'key', 'activate', 'root-b', '--witness-share', w.share(1), '--witness-share', w.share(2)]);
    expect(r.code).toBe(2);
    expect(jsonError(r)).toMatchObject({ code: 'INVALID_INPUT' });
    expect(await activeKeyName(w)).toBe('root-a');
  });

  it('accepts k genuine shares, names their holders in the output and the audit event, and never records a share', async () => {
    const text = await w.cli(['--witness', 'Bob Witness', 'key', 'activate', 'root-b', '--emergency', '--witness-share', w.share(3), '--witness-share', w.share(1)]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/Witnessed by 2 custodian shares of quorum slot [a-z0-9-]+ \(2 of 3 needed\), each checked against the vault: share 3 \(held by Edsger\), share 1 \(held by Ada\)\./);
    expect(await activeKeyName(w)).toBe('root-b');

    const audit = await w.cli(['--json', 'audit', 'list']);
    const events = (audit.json as { events: Array<{ action: string; witnesses: string[]; details: Record<string, unknown> }> }).events;
    const ev = events.find((e) => e.action === 'key.emergency-activated');
    expect(ev?.witnesses).toEqual(['Bob Witness']);
    expect(ev?.details.witnessShares).toMatchObject({ threshold: 2, total: 3, shares: [{ index: 3, holder: 'Edsger' }, { index: 1, holder: 'Ada' }] });
    const secrets = [1, 2, 3].map((i) => parseShareFile(readFileSync(w.share(i)), `share ${i}`).share);
    for (const s of secrets) {
      expect(audit.stdout).not.toContain(s);
      expect(text.stdout).not.toContain(s);
    }
    expect((await w.cli(['audit', 'verify'])).code).toBe(0);
  });
});

describe('vault emergency-witnesses', () => {
  it('makes the shares required; only the shares make them optional again; the last quorum slot stays', async () => {
    const w = await quorumVault();
    const on = await w.cli(['--json', 'vault', 'emergency-witnesses', '--require']);
    expect(on.code, on.stderr).toBe(0);
    expect(on.json).toEqual({ required: true, witnessShares: null });

    const without = await w.cli(['--json', '--witness', 'Bob Witness', 'key', 'activate', 'root-b', '--emergency']);
    expect(without.code).toBe(1);
    expect(jsonError(without)).toMatchObject({ code: 'WITNESS_SHARES_REQUIRED' });
    expect(await activeKeyName(w)).toBe('root-a');

    const info = await w.cli(['--json', 'vault', 'info']);
    const quorumSlot = (info.json as { slots: Array<{ id: string; type: string }> }).slots.find((s) => s.type === 'quorum')!.id;
    const remove = await w.cli(['--json', 'vault', 'remove-slot', quorumSlot]);
    expect(jsonError(remove)).toMatchObject({ code: 'WITNESS_SHARES_REQUIRED' });

    const offAlone = await w.cli(['--json', 'vault', 'emergency-witnesses', '--optional']);
    expect(jsonError(offAlone)).toMatchObject({ code: 'WITNESS_SHARES_REQUIRED' });
    const offOne = await w.cli(['--json', 'vault', 'emergency-witnesses', '--optional', '--witness-share', w.share(2)]);
    expect(jsonError(offOne)).toMatchObject({ code: 'WITNESS_SHARES_TOO_FEW' });
    const still = await w.cli(['--json', '--witness', 'Bob Witness', 'key', 'activate', 'root-b', '--emergency']);
    expect(jsonError(still)).toMatchObject({ code: 'WITNESS_SHARES_REQUIRED' });

    const off = await w.cli(['--json', 'vault', 'emergency-witnesses', '--optional', '--witness-share', w.share(2), '--witness-share', w.share(3)]);
    expect(off.code, off.stdout).toBe(0);
    expect(off.json).toMatchObject({ required: false, witnessShares: { shares: [{ index: 2, holder: 'Grace' }, { index: 3, holder: 'Edsger' }] } });
    const audit = (await w.cli(['--json', 'audit', 'list'])).json as { events: Array<{ action: string; details: Record<string, unknown> }> };
    expect(audit.events.filter((e) => e.action === 'settings.updated').map((e) => e.details.emergencyWitnessShares)).toEqual([
      { from: false, to: true },
      { from: true, to: false },
    ]);
    const after = await w.cli(['--json', '--witness', 'Bob Witness', 'key', 'activate', 'root-b', '--emergency']);
    expect(after.code, after.stdout).toBe(0);
  });

  it('is refused in a vault without a quorum slot, and so is a witness share', async () => {
    const root = tempDir('airgap-witness-plain-');
    const cli = inProcessCli({ vault: join(root, 'vault'), clock: fixedClock('2026-06-01T09:00:00Z'), env: { AIRGAP_CA_PASSPHRASE: PASS } });
    expect((await cli(['vault', 'init'])).code).toBe(0);
    const on = await cli(['--json', 'vault', 'emergency-witnesses', '--require']);
    expect(on.code).toBe(2);
    expect(jsonError(on).message).toContain('no custodian quorum slot');
    const w = await quorumVault();
    for (const args of [['key', 'create', '--name', 'a'], ['key', 'self-sign', 'a', '--subject', 'CN=A'], ['key', 'activate', 'a'], ['key', 'create', '--name', 'b'], ['key', 'self-sign', 'b', '--subject', 'CN=B']]) {
      expect((await cli(args)).code).toBe(0);
    }
    const r = await cli(['--json', '--witness', 'Bob', 'key', 'activate', 'b', '--emergency', '--witness-share', w.share(1), '--witness-share', w.share(2)]);
    expect(r.code).toBe(1);
    expect(jsonError(r)).toMatchObject({ code: 'WITNESS_SHARE_INVALID' });
    expect(jsonError(r).message).toContain('no custodian quorum slot');
  });
});
