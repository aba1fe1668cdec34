/**
 * `vault init --quorum K/N` and `vault add-quorum` with neither --share-out nor
 * --shares-dir, on a real pseudo-terminal (script(1)): the CLI asks for each
 * share's medium in turn, writes the share there and reads it back, says to
 * eject it, and asks for the next. A folder used already or holding a share
 * of this quorum is asked again (SHARES_TOGETHER); an empty answer, Ctrl-C or
 * Ctrl-D stops the writing with the usual report. Without a terminal the same
 * command is refused, naming the options to give.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { jsonError, runCli } from '../testing/cli-runner.ts';
import { fillMedium, makeFatImage, mountFat, type FatMount } from '../testing/fat-testkit.ts';
import { runOnTerminal } from '../testing/terminal.ts';
import { removeTempDirs, tempDir } from '../testing/temp-dir.ts';

const mounts: FatMount[] = [];
afterAll(async () => {
  for (const m of mounts) await m.cleanup();
  removeTempDirs();
});

const PASS = 'correct horse battery staple';
const ask = (i: number, n: number, holder: string) => `Insert the medium for share ${i} of ${n} (holder ${holder}). Folder on it: `;
const shareIn = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.json'));

describe('the medium prompt of vault init --quorum', () => {
  it('asks for each medium in turn, writes and reads back each share, and asks again for a folder used already or holding a share of this quorum', async () => {
    const root = tempDir('airgap-share-prompt-');
    const [a, b, c, d] = ['A', 'B', 'C', 'D'].map((s) => join(root, `STICK-${s}`)) as [string, string, string, string];
    const r = await runOnTerminal(['--vault', join(root, 'v'), '--actor', 'alice', 'vault', 'init', '--quorum', '2/3', '--holder', 'Ada', '--holder', 'Grace', '--holder', 'Edsger'], {}, [
      { after: ask(1, 3, 'Ada'), type: `${a}\r` },
      // The same medium again: refused, and asked again.
      { after: ask(2, 3, 'Grace'), type: `${a}\r` },
      { after: ask(2, 3, 'Grace'), type: `${b}\r` },
      // A folder that already holds a share of this quorum (a copy of share 1): refused, and asked again.
      {
        after: ask(3, 3, 'Edsger'),
        type: `${c}\r`,
        before: () => {
          mkdirSync(c);
          copyFileSync(join(a, shareIn(a)[0]!), join(c, shareIn(a)[0]!));
        },
      },
      { after: ask(3, 3, 'Edsger'), type: `${d}\r` },
    ]);
    expect(r.code, r.seen).toBe(0);
    expect(r.answered).toBe(5);
    const seen = r.seen.replace(/\r\n/g, '\n');
    expect(seen).toMatch(/Share 1 of 3 \(holder Ada\) written to .*STICK-A\/airgap-ca-[^ ]+-share-1-of-3\.json and read back\. Eject this medium now \(airgap-ca media eject --path MOUNT-POINT, or the desktop's Eject\), remove it and hand it to Ada; keep it apart from the others\./);
    expect(seen).toContain(`SHARES_TOGETHER: ${a} is where share 1 of 3 (holder Ada) was written.`);
    expect(seen).toMatch(new RegExp(`SHARES_TOGETHER: ${c} already holds airgap-ca-[^ ]+-share-1-of-3\\.json, another share of this quorum\\.`));
    expect(seen).toContain('All 3 shares were written, each to its own medium and verified.');
    expect([a, b, d].map((dir) => shareIn(dir).map((f) => f.replace(/^.*-share-/, '')))).toEqual([['1-of-3.json'], ['2-of-3.json'], ['3-of-3.json']]);

    // The prompted shares open the vault.
    const open = await runCli(['--vault', join(root, 'v'), '--actor', 'bob', '--json', '--share', join(b, shareIn(b)[0]!), '--share', join(d, shareIn(d)[0]!), 'audit', 'list'], { home: root });
    expect(open.code, open.stderr).toBe(0);
    const written = (open.json as { events: Array<{ action: string; details: { index: number; holder: string } }> }).events.filter((e) => e.action === 'vault.share-written');
    expect(written.map((e) => [e.details.index, e.details.holder])).toEqual([[1, 'Ada'], [2, 'Grace'], [3, 'Edsger']]);
  });

  it('a medium that cannot take the share (a full FAT volume) is said, and another is asked for: the share is still held', async () => {
    const root = tempDir('airgap-share-prompt-');
    const full = join(root, 'FULL');
    mkdirSync(full);
    await makeFatImage(join(root, 'full.img'), 256);
    const fat = await mountFat(join(root, 'full.img'), full);
    mounts.push(fat);
    await fillMedium(full);
    const [a, b] = ['A', 'B'].map((x) => join(root, `STICK-${x}`)) as [string, string];
    const r = await runOnTerminal(['--vault', join(root, 'v'), '--actor', 'alice', 'vault', 'init', '--quorum', '2/2', '--holder', 'Ada', '--holder', 'Grace'], {}, [
      { after: ask(1, 2, 'Ada'), type: `${full}\r` },
      { after: ask(1, 2, 'Ada'), type: `${a}\r` },
      { after: ask(2, 2, 'Grace'), type: `${b}\r` },
    ]);
    expect(r.code, r.seen).toBe(0);
    const seen = r.seen.replace(/\r\n/g, '\n');
    expect(seen).toMatch(new RegExp(`DISK_FULL: [^\n]*${full}[^\n]*\nThe share is still held: give another folder \\(another medium\\), or press Enter to stop\\.`));
    expect(seen).toContain('All 2 shares were written, each to its own medium and verified.');
    expect(readdirSync(full)).toEqual(['filler.bin']);
    expect([shareIn(a), shareIn(b)].map((f) => f.length)).toEqual([1, 1]);
  });

  it('an empty answer stops the writing: the report says what that means, and exit 1', async () => {
    const root = tempDir('airgap-share-prompt-');
    const a = join(root, 'STICK-A');
    const r = await runOnTerminal(['--vault', join(root, 'v'), '--actor', 'alice', 'vault', 'init', '--quorum', '2/3', '--holder', 'Ada', '--holder', 'Grace', '--holder', 'Edsger'], {}, [
      { after: ask(1, 3, 'Ada'), type: `${a}\r` },
      { after: ask(2, 3, 'Grace'), type: '\r' },
    ]);
    expect(r.code, r.seen).toBe(1);
    const seen = r.seen.replace(/\r\n/g, '\n');
    expect(seen).toContain('share 2 of 3 (holder Grace): NOT WRITTEN');
    expect(seen).toContain('Stopped at the first share that could not be written: no folder was given for share 2 of 3 (holder Grace) (the officer stopped).');
    expect(seen).toContain('Only 1 share was written, fewer than the 2 needed: this quorum slot can never open the vault.');
    expect(shareIn(a)).toHaveLength(1);
  });
});

describe('the medium prompt of vault add-quorum', () => {
  it('Ctrl-C at the second medium stops the writing; Ctrl-D (end of input) at the first does too', async () => {
    const root = tempDir('airgap-share-prompt-');
    const vault = join(root, 'v');
    writeFileSync(join(root, 'pass.txt'), PASS);
    const init = await runCli(['--vault', vault, '--actor', 'alice', '--passphrase-file', join(root, 'pass.txt'), 'vault', 'init'], { home: root });
    expect(init.code, init.stderr).toBe(0);
    const a = join(root, 'STICK-A');
    const env = { AIRGAP_CA_PASSPHRASE: PASS };
    const cut = await runOnTerminal(['--vault', vault, '--actor', 'alice', 'vault', 'add-quorum', '--quorum', '2/2'], env, [
      { after: 'Insert the medium for share 1 of 2. Folder on it: ', type: `${a}\r` },
      { after: 'Insert the medium for share 2 of 2. Folder on it: ', type: '\u0003' },
    ]);
    expect(cut.code, cut.seen).toBe(1);
    const seen = cut.seen.replace(/\r\n/g, '\n');
    expect(seen).toContain('hand it to its custodian');
    expect(seen).toContain('share 2 of 2: NOT WRITTEN');
    expect(seen).toContain('Stopped at the first share that could not be written: the officer stopped at share 2 of 2 (Ctrl-C or end of input).');
    expect(seen).toContain('fewer than the 2 needed: this quorum slot can never open the vault');
    expect(shareIn(a)).toHaveLength(1);

    const eof = await runOnTerminal(['--vault', vault, '--actor', 'alice', 'vault', 'add-quorum', '--quorum', '2/2'], env, [{ after: 'Insert the medium for share 1 of 2. Folder on it: ', type: '\u0004' }]);
    expect(eof.code, eof.seen).toBe(1);
    expect(eof.seen.replace(/\r\n/g, '\n')).toContain('share 1 of 2: NOT WRITTEN');
    expect(eof.seen).toContain('2 of 2 shares were not written and are gone');
  });

  it('--replace is not asked for (its shares are written before the change commits), and without a terminal neither command asks', async () => {
    const root = tempDir('airgap-share-prompt-');
    const vault = join(root, 'v');
    const replace = await runOnTerminal(['--vault', vault, '--actor', 'alice', 'vault', 'add-quorum', '--quorum', '2/2', '--replace', 'x'], { AIRGAP_CA_PASSPHRASE: PASS }, []);
    expect(replace.code).toBe(2);
    expect(replace.seen).toContain('--replace writes every new share before the change commits, so it cannot ask for the media one at a time');

    const init = await runCli(['--vault', vault, '--actor', 'alice', '--json', 'vault', 'init', '--quorum', '2/3'], { home: root });
    expect(init.code).toBe(2);
    expect(jsonError(init)).toEqual({
      code: 'INVALID_INPUT',
      message:
        "--quorum needs one --share-out DIR per share (3: each share on its own medium) or --shares-dir DIR (all in one folder). Without either, a terminal asks for each share's medium in turn, and there is no terminal here. Nothing was created.",
    });
    expect(existsSync(vault)).toBe(false);
  });
});
