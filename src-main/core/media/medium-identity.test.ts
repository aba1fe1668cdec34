/**
 * A medium's identity from recorded findmnt and lsblk output (the serial is
 * the disk's, a partition has none), from real /dev/disk/by-uuid and by-label
 * symlinks when the tools know less, and "unknown" with a reason for a plain
 * folder, a FUSE mount and other platforms.
 */
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTempDirs, tempDir } from '../../testing/temp-dir.ts';
import { identifyMedium, parseFindmnt, serialFromLsblk, type IdentityDeps } from './medium-identity.ts';

afterAll(removeTempDirs);

const findmnt = (fs: Record<string, string | null>) => JSON.stringify({ filesystems: [fs] });
const LSBLK = JSON.stringify({
  blockdevices: [
    { name: 'vda', path: '/dev/vda', serial: null, label: null, uuid: null, children: [{ name: 'vda1', path: '/dev/vda1', serial: null, label: null, uuid: 'root-uuid' }] },
    { name: 'sdb', path: '/dev/sdb', serial: '4C530001230915117364', label: null, uuid: null, children: [{ name: 'sdb1', path: '/dev/sdb1', serial: null, label: 'FLEET-07', uuid: '1A2B-3C4D' }] },
  ],
});

/** A `run` answering from recorded output, and recording what was asked. */
function recorded(answers: Record<string, string | Error>): { deps: IdentityDeps; asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    deps: {
      platform: 'linux',
      run: async (cmd, args) => {
        asked.push(`${cmd} ${args.join(' ')}`);
        const a = answers[cmd];
        if (a === undefined || a instanceof Error) throw a ?? new Error(`${cmd}: not installed`);
        return a;
      },
      readMounts: async () => '/dev/vda1 / ext4 rw 0 0\n/dev/sdb1 /media/FLEET\\04007 vfat rw 0 0\n',
      devDisk: join(tempDir(), 'no-dev-disk'),
    },
  };
}

describe('identifying the medium a package goes on', () => {
  it('takes label and UUID from findmnt and the serial from the partition\'s disk in lsblk', async () => {
    const { deps, asked } = recorded({ findmnt: findmnt({ source: '/dev/sdb1', target: '/media/FLEET-07', fstype: 'vfat', label: 'FLEET-07', uuid: '1A2B-3C4D' }), lsblk: LSBLK });
    expect(await identifyMedium('/media/FLEET-07/', deps)).toEqual({
      path: '/media/FLEET-07',
      mountpoint: '/media/FLEET-07',
      device: '/dev/sdb1',
      fsType: 'vfat',
      label: 'FLEET-07',
      uuid: '1A2B-3C4D',
      serial: '4C530001230915117364',
      note: null,
    });
    expect(asked).toEqual(['findmnt --json -o SOURCE,TARGET,FSTYPE,LABEL,UUID -T /media/FLEET-07', 'lsblk --json -o NAME,PATH,SERIAL,LABEL,UUID']);
  });

  it('falls back to the mount table and lsblk when findmnt is missing', async () => {
    const { deps } = recorded({ lsblk: LSBLK });
    expect(await identifyMedium('/media/FLEET 07/pkg', deps)).toMatchObject({ mountpoint: '/media/FLEET 07', device: '/dev/sdb1', label: 'FLEET-07', uuid: '1A2B-3C4D', serial: '4C530001230915117364', note: null });
  });

  it('reads the UUID and label from real /dev/disk/by-uuid and by-label links when lsblk gives nothing, and says the serial is unknown', async () => {
    const devDisk = join(tempDir(), 'disk');
    mkdirSync(join(devDisk, 'by-uuid'), { recursive: true });
    mkdirSync(join(devDisk, 'by-label'));
    // /dev/null stands in for the device: the links must resolve to exactly the mount's source.
    symlinkSync('/dev/zero', join(devDisk, 'by-uuid', 'FFFF-0000'));
    symlinkSync('/dev/null', join(devDisk, 'by-uuid', '1A2B-3C4D'));
    symlinkSync('/dev/null', join(devDisk, 'by-label', 'FLEET\\x2007'));
    symlinkSync(join(devDisk, 'nowhere'), join(devDisk, 'by-label', 'dangling'));
    const { deps } = recorded({ findmnt: findmnt({ source: '/dev/null', target: '/media/stick', fstype: 'vfat', label: null, uuid: null }), lsblk: new Error('lsblk failed') });
    expect(await identifyMedium('/media/stick', { ...deps, devDisk })).toEqual({
      path: '/media/stick',
      mountpoint: '/media/stick',
      device: '/dev/null',
      fsType: 'vfat',
      label: 'FLEET 07',
      uuid: '1A2B-3C4D',
      serial: null,
      note: 'The platform gives no serial for /dev/null.',
    });
  });

  it('says a folder on the workstation\'s disk has no label, UUID or serial', async () => {
    const { deps } = recorded({ findmnt: findmnt({ source: '/dev/vda1', target: '/', fstype: 'ext4', label: null, uuid: 'root-uuid' }), lsblk: LSBLK });
    const id = await identifyMedium('/home/alice/export', deps);
    expect(id).toMatchObject({ mountpoint: '/', device: null, label: null, uuid: null, serial: null });
    expect(id.note).toContain("A folder on the workstation's own disk (mounted at /)");
  });

  it('says a FUSE mount names no device, and another platform is not asked', async () => {
    const { deps } = recorded({ findmnt: findmnt({ source: 'fusefat', target: '/media/img', fstype: 'fuse.fusefat', label: null, uuid: null }) });
    expect((await identifyMedium('/media/img', deps)).note).toBe('The volume at /media/img (fuse.fusefat) names no device (source "fusefat"), so the platform gives no label, UUID, serial.');
    const bsd = await identifyMedium('/media/FLEET', { ...deps, platform: 'freebsd' });
    expect(bsd).toMatchObject({ label: null, uuid: null, serial: null });
    expect(bsd.note).toBe("Unknown: Airgap CA asks Linux, macOS and Windows for a medium's label, UUID and serial; on freebsd they are not recorded.");
  });

  it('parses nothing out of output that is not what the tools print', () => {
    for (const bad of ['', 'not json', '{}', '{"filesystems":[]}', '{"filesystems":[{"source":"/dev/sdb1"}]}', 'null']) expect(parseFindmnt(bad)).toBeNull();
    for (const bad of ['', '[]', '{"blockdevices":{}}', 'null']) expect(serialFromLsblk(bad, '/dev/sdb1')).toBeNull();
    expect(serialFromLsblk(LSBLK, '/dev/sdc1')).toBeNull();
    expect(serialFromLsblk(LSBLK, '/dev/vda1')).toEqual({ serial: null, label: null, uuid: 'root-uuid' });
  });
});
