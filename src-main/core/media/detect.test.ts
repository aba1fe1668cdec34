import { describe, it, expect, afterEach } from 'vitest';
import { mkdtemp, mkdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, delimiter } from 'node:path';
import { detectRemovableMedia, isOnRemovableMedia, listRemovableMedia, resolveTool, runCommand, toolEnvironment, type DetectDeps, type RunCommand } from './detect.ts';
import { parseLsblk } from './detect-linux.ts';
import { parsePlist } from './detect-macos.ts';
import { parseWindowsStorage } from './detect-windows.ts';
import { makeFatImage, mountFat, type FatMount } from '../../testing/fat-testkit.ts';

const sample = (name: string): Promise<string> => readFile(new URL(`../../testing/media-testdata/${name}`, import.meta.url), 'utf8');

/** A `run` that replays recorded output and remembers what was asked. */
function recorded(outputs: Record<string, string>): RunCommand & { calls: string[] } {
  const calls: string[] = [];
  const fn = async (cmd: string, args: readonly string[]): Promise<string> => {
    const key = [cmd, ...args].join(' ');
    calls.push(key);
    for (const [prefix, out] of Object.entries(outputs)) if (key.startsWith(prefix)) return out;
    throw Object.assign(new Error(`${cmd}: command not found`), { code: 'ENOENT' });
  };
  return Object.assign(fn, { calls });
}

const fakeSpace = async (p: string) => ({ freeBytes: p.length * 1000, totalBytes: p.length * 2000 });

describe('Linux detection on recorded lsblk output', () => {
  it('finds USB sticks, a USB SSD, an SD card and an unlocked LUKS stick, and skips every trap', async () => {
    const run = recorded({ lsblk: await sample('lsblk-laptop.json') });
    const media = await listRemovableMedia({ platform: 'linux', run, env: {}, statfs: fakeSpace });
    expect(run.calls).toEqual(['lsblk --json -b -o NAME,PATH,RM,HOTPLUG,TRAN,TYPE,FSTYPE,LABEL,MOUNTPOINTS,SIZE']);
    expect(media).toEqual([
      { path: '/media/alice/TRANSFER', label: 'TRANSFER', fsType: 'vfat', freeBytes: 21000, totalBytes: 42000, source: 'detected' },
      { path: '/run/media/alice/USB SSD', label: 'USB SSD', fsType: 'exfat', freeBytes: 24000, totalBytes: 48000, source: 'detected' },
      { path: '/media/alice/SDCARD', label: 'SDCARD', fsType: 'vfat', freeBytes: 19000, totalBytes: 38000, source: 'detected' },
      { path: '/media/alice/SEALED', label: 'SEALED', fsType: 'ext4', freeBytes: 19000, totalBytes: 38000, source: 'detected' },
    ]);
  });

  it.each([
    ['zram marked removable (swap and a mounted zram)', '/var/tmp/zram'],
    ['a loop-mounted FAT image', '/mnt/image'],
    ['a snap squashfs', '/snap/core22/1380'],
    ['a DVD', '/media/alice/DVD'],
    ['a FAT partition on the internal system disk', '/mnt/data'],
    ['the EFI system partition', '/boot/efi'],
    ['the root file system', '/'],
  ])('never offers %s', async (_what, mountpoint) => {
    const paths = parseLsblk(await sample('lsblk-laptop.json')).map((v) => v.mountpoint);
    expect(paths).not.toContain(mountpoint);
  });

  it('never offers a live system booted from a USB stick, but offers another stick next to it', async () => {
    const vols = parseLsblk(await sample('lsblk-live-usb.json'));
    expect(vols.map((v) => v.mountpoint)).toEqual(['/media/live/SUPERFLOPPY']);
  });

  it('reads the older lsblk JSON (strings for flags and sizes, MOUNTPOINT)', async () => {
    expect(parseLsblk(await sample('lsblk-old-2.34.json'))).toEqual([
      { device: '/dev/sda1', mountpoint: '/media/bob/OLDSTICK', label: 'OLDSTICK', fsType: 'vfat', sizeBytes: 16007561216 },
    ]);
  });

  it('survives garbage and a missing lsblk (reported as a problem, configured roots still listed)', async () => {
    expect(parseLsblk('not json')).toEqual([]);
    expect(parseLsblk('{"blockdevices":[{"name":1},null,{"name":"sdx","tran":"usb","children":"x"}]}')).toEqual([]);
    const r = await detectRemovableMedia({ platform: 'linux', run: recorded({}), env: {} });
    expect(r.media).toEqual([]);
    expect(r.problems[0]).toMatch(/lsblk failed/);
  });

  it('runs the real lsblk here and offers nothing that is a system mount', async () => {
    const media = await listRemovableMedia({ platform: 'linux', run: runCommand, env: {} });
    for (const m of media) expect(['/', '/boot', '/home', '/usr', '/var']).not.toContain(m.path);
  });
});

describe('how external tools are run', () => {
  it('finds a tool only in the system folders, never through PATH', () => {
    const seen: string[] = [];
    const exists = (p: string) => (seen.push(p), p === '/sbin/lsblk');
    expect(resolveTool('lsblk', { PATH: '/tmp/evil' }, exists)).toBe('/sbin/lsblk');
    expect(seen.every((p) => !p.startsWith('/tmp'))).toBe(true);
    expect(resolveTool('lsblk', {}, () => false)).toBeNull();
    expect(resolveTool('sh', {}, () => true)).toBeNull();
    expect(resolveTool('powershell.exe', { SystemRoot: 'D:\\Win' }, () => true)).toBe('D:\\Win\\System32\\WindowsPowerShell\\v1.0\\powershell.exe');
  });

  it('gives a tool a fixed, minimal environment with nothing of ours in it', () => {
    const env = { AIRGAP_CA_PASSPHRASE: 'secret', PATH: '/tmp/evil:/usr/bin', HOME: '/home/a', SystemRoot: 'C:\\Windows' };
    expect(toolEnvironment('linux', env)).toEqual({ LC_ALL: 'C', PATH: '/usr/sbin:/usr/bin:/sbin:/bin' });
    expect(toolEnvironment('win32', env)).toEqual({ SystemRoot: 'C:\\Windows', windir: 'C:\\Windows' });
  });

  it('refuses to run a command that is not one of its tools', async () => {
    await expect(runCommand('sh', ['-c', 'true'])).rejects.toThrow(/not a tool Airgap CA runs/);
  });
});

describe('AIRGAP_CA_MEDIA_ROOTS', () => {
  const mounts: FatMount[] = [];
  afterEach(async () => {
    for (const m of mounts.splice(0)) await m.cleanup();
  });

  it('adds existing folders (path-delimiter separated), skips missing ones and duplicates of detected media', async () => {
    const a = await mkdtemp(join(tmpdir(), 'airgap-rootA-'));
    const b = await mkdtemp(join(tmpdir(), 'airgap-rootB-'));
    const env = { AIRGAP_CA_MEDIA_ROOTS: [a, join(a, 'missing'), '', 'relative/path', b, '/media/alice/TRANSFER'].join(delimiter) };
    const run = recorded({ lsblk: await sample('lsblk-laptop.json') });
    const isDirectory = async (p: string) => p === a || p === b || p === '/media/alice/TRANSFER';
    const media = await listRemovableMedia({ platform: 'linux', run, env, statfs: fakeSpace, isDirectory });
    expect(media.filter((m) => m.source === 'configured').map((m) => m.path)).toEqual([a, b]);
    expect(media.filter((m) => m.path === '/media/alice/TRANSFER')).toHaveLength(1);
  });

  it('lists a real mounted FAT volume with its file system type and free space', async () => {
    const work = await mkdtemp(join(tmpdir(), 'airgap-detect-'));
    const mnt = join(work, 'mnt');
    await mkdir(mnt);
    await makeFatImage(join(work, 'stick.img'), 2048);
    mounts.push(await mountFat(join(work, 'stick.img'), mnt));
    const deps: DetectDeps = { platform: 'linux', run: recorded({ lsblk: '{"blockdevices":[]}' }), env: { AIRGAP_CA_MEDIA_ROOTS: mnt } };
    const [m] = await listRemovableMedia(deps);
    expect(m).toMatchObject({ path: mnt, label: 'mnt', fsType: 'fuse.fusefat', source: 'configured' });
    expect(m?.freeBytes).toBeGreaterThan(1_500_000);
    expect(m?.totalBytes).toBeGreaterThanOrEqual(m?.freeBytes ?? 0);

    // The vault refuses to live on it: a folder on the medium (existing or not yet) is on removable media; one beside it is not.
    expect(await isOnRemovableMedia(join(mnt, 'vault'), deps)).toMatchObject({ removable: true, medium: { path: mnt } });
    expect(await isOnRemovableMedia(mnt, deps)).toMatchObject({ removable: true });
    expect(await isOnRemovableMedia(join(work, 'vault'), deps)).toEqual({ removable: false, medium: null });
    expect(await isOnRemovableMedia(`${mnt}-not`, deps)).toEqual({ removable: false, medium: null });
  });
});

describe('macOS detection on recorded diskutil output', () => {
  it('lists mounted volumes of external physical disks with diskutil info', async () => {
    const run = recorded({
      'diskutil list -plist external physical': await sample('diskutil-list-external.plist'),
      'diskutil info -plist disk4s1': await sample('diskutil-info-disk4s1.plist'),
      'diskutil info -plist disk5s2': await sample('diskutil-info-disk5s2.plist'),
    });
    const media = await listRemovableMedia({ platform: 'darwin', run, env: {} });
    expect(run.calls).toEqual(['diskutil list -plist external physical', 'diskutil info -plist disk4s1', 'diskutil info -plist disk5s2']);
    expect(media).toEqual([
      { path: '/Volumes/TRANSFER', label: 'TRANSFER', fsType: 'msdos', freeBytes: 15000000000, totalBytes: 16007561216, source: 'detected' },
      { path: '/Volumes/R&D Keys', label: 'R&D Keys', fsType: 'exfat', freeBytes: 400000000000, totalBytes: 499898105856, source: 'detected' },
    ]);
  });

  it('parses plist values and rejects malformed ones', () => {
    expect(parsePlist('<plist version="1.0"><dict><key>a</key><integer>3</integer><key>b</key><array><true/><string>x &lt;y&gt;</string></array></dict></plist>')).toEqual({ a: 3, b: [true, 'x <y>'] });
    expect(parsePlist('<plist version="1.0"><dict><key>a</key></dict></plist>')).toBeNull();
    expect(parsePlist('junk')).toBeNull();
  });
});

describe('Windows detection on recorded PowerShell output', () => {
  it('lists Removable drives and USB SSDs reported as Fixed, never the system drive, a SATA disk, a network share or an empty card slot', async () => {
    const run = recorded({ 'powershell.exe': await sample('powershell-storage.json') });
    const media = await listRemovableMedia({ platform: 'win32', run, env: { SystemDrive: 'C:' } });
    expect(media).toEqual([
      { path: 'D:\\', label: 'TRANSFER', fsType: 'FAT32', freeBytes: 15000000000, totalBytes: 16007561216, source: 'detected' },
      { path: 'E:\\', label: 'USB SSD', fsType: 'exFAT', freeBytes: 400000000000, totalBytes: 500105764864, source: 'detected' },
    ]);
    expect(run.calls[0]).toMatch(/^powershell\.exe -NoProfile -NonInteractive -Command .*Get-Volume.*Get-Partition.*Get-Disk/);
  });

  it('reads Windows PowerShell 5.1 output (char codes, enum numbers, single objects)', async () => {
    expect(parseWindowsStorage(await sample('powershell-storage-ps51.json'))).toEqual([
      { path: 'E:\\', letter: 'E', label: 'USB SSD', fsType: 'exFAT', freeBytes: 400000000000, totalBytes: 500105764864 },
    ]);
    expect(parseWindowsStorage('garbage')).toEqual([]);
  });
});
