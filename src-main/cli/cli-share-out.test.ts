/**
 * `vault init --quorum K/N --share-out DIR…` through the real command: each
 * share goes to its own folder (medium), is read back, and is recorded with
 * its holder; folders given twice are refused before anything is created; a
 * share that cannot be written is reported with what it means, exit 1.
 */
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { jsonError, runCli } from '../testing/cli-runner.ts';
import { removeTempDirs, tempDir } from '../testing/temp-dir.ts';

afterAll(removeTempDirs);

interface InitJson {
  shareFiles: string[];
  shares: { written: number[]; discarded: Array<{ index: number; holder: string | null }>; canUnlock: boolean; meaning: string };
}

describe('vault init --quorum with one --share-out per share', () => {
  it('writes each share to its own folder, names the holders in the audit log, and the written shares open the vault', async () => {
    const root = tempDir('airgap-share-out-');
    const vault = join(root, 'v');
    const sticks = ['A', 'B', 'C'].map((s) => join(root, `STICK-${s}`));
    const r = await runCli(
      ['--vault', vault, '--actor', 'alice', '--json', 'vault', 'init', '--quorum', '2/3', ...sticks.flatMap((d) => ['--share-out', d]), '--holder', 'Ada', '--holder', 'Grace', '--holder', 'Edsger'],
      { home: root },
    );
    expect(r.code, r.stderr).toBe(0);
    const j = r.json as InitJson;
    expect(j.shares).toMatchObject({ written: [1, 2, 3], discarded: [], canUnlock: true });
    sticks.forEach((d, i) => {
      expect(readdirSync(d)).toHaveLength(1);
      expect(readdirSync(d)[0]).toMatch(new RegExp(`-share-${i + 1}-of-3\\.json$`));
    });
    expect(j.shareFiles).toEqual(sticks.map((d) => join(d, readdirSync(d)[0]!)));

    const audit = await runCli(['--vault', vault, '--actor', 'bob', '--json', '--share', j.shareFiles[0]!, '--share', j.shareFiles[2]!, 'audit', 'list'], { home: root });
    expect(audit.code, audit.stderr).toBe(0);
    const evs = (audit.json as { events: Array<{ action: string; details: { index: number; holder: string } }> }).events.filter((e) => e.action === 'vault.share-written');
    expect(evs.map((e) => [e.details.index, e.details.holder])).toEqual([[1, 'Ada'], [2, 'Grace'], [3, 'Edsger']]);
  });

  it('refuses one folder given for two shares, and a count that is not N, before creating anything', async () => {
    const root = tempDir('airgap-share-out-');
    const same = await runCli(['--vault', join(root, 'v'), '--actor', 'alice', '--json', 'vault', 'init', '--quorum', '2/2', '--share-out', join(root, 'A'), '--share-out', join(root, 'A', '.')], { home: root });
    expect(same.code).toBe(1);
    expect(jsonError(same)).toMatchObject({ code: 'SHARES_TOGETHER' });
    const short = await runCli(['--vault', join(root, 'v'), '--actor', 'alice', '--json', 'vault', 'init', '--quorum', '2/3', '--share-out', join(root, 'A'), '--share-out', join(root, 'B')], { home: root });
    expect(short.code).toBe(2);
    expect(jsonError(short).message).toContain('2 --share-out folders given for 3 shares');
    expect(existsSync(join(root, 'v'))).toBe(false);
    expect(existsSync(join(root, 'A'))).toBe(false);
  });

  it('reports a share it could not write, what that means for the quorum, and exits 1', async () => {
    const root = tempDir('airgap-share-out-');
    const notAFolder = join(root, 'not-a-folder');
    writeFileSync(notAFolder, 'x');
    const r = await runCli(['--vault', join(root, 'v'), '--actor', 'alice', 'vault', 'init', '--quorum', '2/3', '--share-out', join(root, 'A'), '--share-out', join(root, 'B'), '--share-out', notAFolder], { home: root });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('share 3 of 3: NOT WRITTEN');
    expect(r.stdout).toContain('1 of 3 shares were not written and are gone');
    expect(readdirSync(join(root, 'A'))).toHaveLength(1);
  });
});
