/**
 * `media eject` on a real FAT file system mounted through FUSE (fusefat): the
 * eject is the real `fusermount -u`, a volume held open by another process is
 * refused with MEDIA_BUSY naming that process, and the package written before
 * the eject is complete on the image afterwards (read with mtools).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ejectMedium, holdersFromDiskutil, windowsEjectArgs, type ToolResult } from '../core/media/eject.ts';
import { cliWithMedium, type CliRun } from '../testing/cli-in-process.ts';
import { holdMedium, makeFatImage, mountFat, mtoolsList, mtoolsRead, type FatMount } from '../testing/fat-testkit.ts';
import { removeTempDirs } from '../testing/temp-dir.ts';

const code = (r: CliRun) => (r.json as { error?: { code: string; message: string } }).error?.code ?? 'OK';
const message = (r: CliRun) => (r.json as { error?: { message: string } }).error?.message ?? '';
const mounted = (path: string) => readFileSync('/proc/self/mounts', 'utf8').split('\n').some((l) => l.split(' ')[1] === path);

describe('media eject on a FUSE-mounted FAT volume', () => {
  const { dir, usb, cli } = cliWithMedium();
  const image = join(dir, 'stick.img');
  let fat: FatMount;
  const holders: Array<{ release(): Promise<void> }> = [];

  beforeAll(async () => {
    await cli(['vault', 'init']);
    await cli(['key', 'create', '--name', 'ca']);
    await cli(['key', 'self-sign', 'ca', '--subject', 'CN=Eject CA']);
    expect((await cli(['key', 'activate', 'ca'])).code).toBe(0);
    await makeFatImage(image, 4096, { label: 'EJECTME' });
  });
  afterEach(async () => {
    for (const h of holders.splice(0)) await h.release();
    await fat?.cleanup();
  });
  afterAll(removeTempDirs);

  it('unmounts with fusermount after an export, and the package is complete on the image', async () => {
    fat = await mountFat(image, usb);
    const exp = await cli(['--json', 'export', 'media', '--to', usb]);
    expect(exp.code).toBe(0);
    const folder = (exp.json as { folderName: string }).folderName;
    const r = await cli(['--json', 'media', 'eject', '--path', usb]);
    expect([r.code, code(r)]).toEqual([0, 'OK']);
    expect(r.json).toEqual({ path: usb, device: null, method: 'fusermount', poweredOff: false });
    await fat.exited;
    expect(mounted(usb)).toBe(false);
    expect(await mtoolsList(image, `/${folder}`)).toEqual(expect.arrayContaining(['MANIFEST.json', 'MANIFEST.json.sig', 'SHA256SUMS', 'trust-bundle.pem']));
    expect((await mtoolsRead(image, `/${folder}/trust-bundle.pem`)).toString()).toContain('BEGIN CERTIFICATE');
    const text = await cli(['media', 'eject', '--path', usb]);
    expect([text.code, text.stderr]).toEqual([1, expect.stringContaining('Nothing is mounted at')]);
  });

  it('refuses a volume another process holds open with MEDIA_BUSY, naming it, and leaves it mounted', async () => {
    fat = await mountFat(image, usb);
    const holder = await holdMedium(usb);
    holders.push(holder);
    const r = await cli(['--json', 'media', 'eject', '--path', usb]);
    expect([r.code, code(r)]).toEqual([1, 'MEDIA_BUSY']);
    expect(message(r)).toContain(`sleep (process ${holder.pid})`);
    expect(message(r)).toContain('Do not remove it yet');
    expect(mounted(usb)).toBe(true);
    await holder.release();
    expect((await cli(['--json', 'media', 'eject', '--path', usb])).code).toBe(0);
    await fat.exited;
    expect(mounted(usb)).toBe(false);
  });

  it('refuses a folder that is not a mount point with MEDIA_NOT_FOUND', async () => {
    const r = await cli(['--json', 'media', 'eject', '--path', dir]);
    expect([r.code, code(r)]).toEqual([1, 'MEDIA_NOT_FOUND']);
  });
});

describe('eject on other platforms: arguments and recorded output', () => {
  it('puts only a checked drive letter into the Windows script', () => {
    expect(windowsEjectArgs('e:').join(' ')).toContain("ParseName('E:')");
    for (const bad of ["E:'); Remove-Item C:\\ -Recurse; ('", 'EE:', 'E', '1:']) expect(() => windowsEjectArgs(bad)).toThrow(/not a drive letter/);
  });
  it("reads the holders from diskutil's dissent", () => {
    expect(holdersFromDiskutil('Volume STICK on disk4s1 failed to unmount: dissented by PID 412 (/usr/bin/vim)')).toEqual([{ pid: 412, command: 'vim' }]);
  });

  /** A runTool answering from recorded results, recording what it was asked (macOS and Windows do not run these tests). */
  const tool = (answer: ToolResult | null) => {
    const asked: string[][] = [];
    return { asked, runTool: async (cmd: string, args: readonly string[]) => (asked.push([cmd, ...args]), answer) };
  };

  it('macOS: diskutil eject of the mount point; a dissent is MEDIA_BUSY naming the process, anything else MEDIA_EJECT_FAILED', async () => {
    const ok = tool({ code: 0, stdout: 'Disk /Volumes/FLEET-07 ejected\n', stderr: '' });
    expect(await ejectMedium('/Volumes/FLEET-07/', { platform: 'darwin', runTool: ok.runTool })).toEqual({ path: '/Volumes/FLEET-07', device: null, method: 'diskutil', poweredOff: true });
    expect(ok.asked).toEqual([['diskutil', 'eject', '/Volumes/FLEET-07']]);
    const busy = tool({ code: 1, stdout: '', stderr: 'Volume FLEET-07 on disk4s1 failed to unmount: dissented by PID 412 (/usr/bin/vim)\nDissenter parent PPID 300 (/bin/zsh)' });
    await expect(ejectMedium('/Volumes/FLEET-07', { platform: 'darwin', runTool: busy.runTool })).rejects.toMatchObject({ code: 'MEDIA_BUSY', message: expect.stringContaining('held by vim (process 412)') });
    await expect(ejectMedium('/Volumes/FLEET-07', { platform: 'darwin', runTool: tool(null).runTool })).rejects.toMatchObject({ code: 'MEDIA_EJECT_FAILED', message: expect.stringContaining('diskutil eject is not installed') });
  });

  it("Windows: the shell's Eject verb on the drive only; a volume still there afterwards is MEDIA_BUSY", async () => {
    const ok = tool({ code: 0, stdout: '', stderr: '' });
    expect(await ejectMedium('e:\\', { platform: 'win32', runTool: ok.runTool })).toEqual({ path: 'e:\\', device: 'E:', method: 'windows-shell', poweredOff: false });
    expect(ok.asked).toEqual([['powershell.exe', ...windowsEjectArgs('E:')]]);
    await expect(ejectMedium('E:\\airgap-ca-export', { platform: 'win32', runTool: ok.runTool })).rejects.toMatchObject({ code: 'MEDIA_NOT_FOUND', message: expect.stringContaining('give the drive (for example E:\\)') });
    expect(ok.asked).toHaveLength(1);
    await expect(ejectMedium('E:\\', { platform: 'win32', runTool: tool({ code: 3, stdout: '', stderr: 'The volume is in use' }).runTool })).rejects.toMatchObject({ code: 'MEDIA_BUSY' });
  });
});
