/**
 * Which medium a package was written to, as far as the platform says (the
 * export record, "What is out in the field"): the volume label, the file
 * system UUID and the serial of the device. On Linux from `findmnt` (the
 * mount holding the folder: its source device, label and UUID), `lsblk`
 * (the serial, which sits on the disk, not the partition) and the symlinks
 * of /dev/disk/by-uuid and by-label when those tools know less. A field the
 * platform does not give is null and `note` says why, in words for the
 * officer: a plain folder on the workstation's disk, a FUSE mount naming no
 * device, a platform this does not ask. Never throws: an unknown medium is
 * recorded as unknown, it does not stop an export.
 */
import { readdir, readFile, realpath } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { isSystemMount, parseMounts } from './detect-linux.ts';
import type { RunCommand } from './detect.ts';
import type { MediumIdentity } from './medium.ts';

export type { MediumIdentity };


export interface IdentityDeps {
  platform: NodeJS.Platform;
  run: RunCommand;
  readMounts?: () => Promise<string>;
  /** The /dev/disk folder (by-uuid, by-label); default /dev/disk. */
  devDisk?: string;
}

export const FINDMNT_ARGS = ['--json', '-o', 'SOURCE,TARGET,FSTYPE,LABEL,UUID', '-T'] as const;
export const LSBLK_IDENTITY_ARGS = ['--json', '-o', 'NAME,PATH,SERIAL,LABEL,UUID'] as const;

function str(v: unknown): string | null {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : null;
}

/** `findmnt --json -o SOURCE,TARGET,FSTYPE,LABEL,UUID -T PATH`: the one mount holding PATH. */
export function parseFindmnt(json: string): { source: string | null; target: string; fsType: string | null; label: string | null; uuid: string | null } | null {
  let doc: unknown;
  try {
    doc = JSON.parse(json);
  } catch {
    return null;
  }
  const list = (doc as { filesystems?: unknown } | null)?.filesystems;
  if (!Array.isArray(list) || list.length === 0) return null;
  const fs = list[0] as Record<string, unknown>;
  const target = str(fs['target']);
  if (!target) return null;
  return { source: str(fs['source']), target, fsType: str(fs['fstype']), label: str(fs['label']), uuid: str(fs['uuid']) };
}

/**
 * `lsblk --json -o NAME,PATH,SERIAL,LABEL,UUID`: the node whose path is `device`, its label and UUID, and the
 * serial of the nearest node up the tree that has one (a partition has none; its disk does).
 */
export function serialFromLsblk(json: string, device: string): { serial: string | null; label: string | null; uuid: string | null } | null {
  let doc: unknown;
  try {
    doc = JSON.parse(json);
  } catch {
    return null;
  }
  const roots = (doc as { blockdevices?: unknown } | null)?.blockdevices;
  if (!Array.isArray(roots)) return null;
  const find = (nodes: unknown[], serials: Array<string | null>): { serial: string | null; label: string | null; uuid: string | null } | null => {
    for (const raw of nodes) {
      if (typeof raw !== 'object' || raw === null) continue;
      const n = raw as Record<string, unknown>;
      const path = str(n['path']) ?? (str(n['name']) ? `/dev/${str(n['name'])}` : null);
      const chain = [str(n['serial']), ...serials];
      if (path === device) return { serial: chain.find((s) => s !== null) ?? null, label: str(n['label']), uuid: str(n['uuid']) };
      const kids = n['children'];
      if (Array.isArray(kids)) {
        const hit = find(kids as unknown[], chain);
        if (hit) return hit;
      }
    }
    return null;
  };
  return find(roots as unknown[], []);
}

/** The names under /dev/disk/by-KIND whose link resolves to `device` (udev's view when findmnt and lsblk are not there). */
async function byLink(devDisk: string, kind: 'by-uuid' | 'by-label', device: string): Promise<string | null> {
  try {
    for (const name of await readdir(join(devDisk, kind))) {
      try {
        if ((await realpath(join(devDisk, kind, name))) === device) return name.replace(/\\x([0-9a-f]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
      } catch {
        // A dangling link names no device.
      }
    }
  } catch {
    // No such folder (a container, a system without udev).
  }
  return null;
}

function missing(id: Pick<MediumIdentity, 'label' | 'uuid' | 'serial'>): string {
  const names = (['label', 'uuid', 'serial'] as const).filter((k) => id[k] === null).map((k) => (k === 'uuid' ? 'UUID' : k));
  return names.join(', ');
}

async function linuxIdentity(path: string, deps: IdentityDeps): Promise<MediumIdentity> {
  let mount: ReturnType<typeof parseFindmnt>;
  try {
    mount = parseFindmnt(await deps.run('findmnt', [...FINDMNT_ARGS, path]));
  } catch {
    mount = null;
  }
  if (!mount) {
    // No findmnt: the longest mount point of the mount table holding the folder.
    try {
      const table = parseMounts(await (deps.readMounts ?? (() => readFile('/proc/self/mounts', 'utf8')))());
      const holding = table.filter((m) => m.mountpoint === '/' || path === m.mountpoint || path.startsWith(m.mountpoint + '/')).sort((a, b) => b.mountpoint.length - a.mountpoint.length)[0];
      if (holding) mount = { source: holding.device, target: holding.mountpoint, fsType: holding.fsType, label: null, uuid: null };
    } catch {
      mount = null;
    }
  }
  const none = { label: null, uuid: null, serial: null };
  if (!mount) return { path, mountpoint: null, device: null, fsType: null, ...none, note: 'The mount holding this folder could not be found (findmnt and the mount table gave nothing): label, UUID and serial unknown.' };
  if (isSystemMount(mount.target)) {
    return { path, mountpoint: mount.target, device: null, fsType: mount.fsType, ...none, note: `A folder on the workstation's own disk (mounted at ${mount.target}), not a volume of its own: it has no label, UUID or serial. Mark it collected once the files are copied off or deleted.` };
  }
  const device = mount.source?.startsWith('/dev/') ? mount.source : null;
  if (!device) {
    return { path, mountpoint: mount.target, device: null, fsType: mount.fsType, label: mount.label, uuid: mount.uuid, serial: null, note: `The volume at ${mount.target} (${mount.fsType ?? 'unknown file system'}) names no device (source "${mount.source ?? ''}"), so the platform gives no ${missing({ label: mount.label, uuid: mount.uuid, serial: null })}.` };
  }
  let label = mount.label;
  let uuid = mount.uuid;
  let serial: string | null = null;
  try {
    const l = serialFromLsblk(await deps.run('lsblk', [...LSBLK_IDENTITY_ARGS]), device);
    if (l) {
      serial = l.serial;
      label ??= l.label;
      uuid ??= l.uuid;
    }
  } catch {
    // lsblk missing or failing: the by-uuid/by-label links below, serial unknown.
  }
  const devDisk = deps.devDisk ?? '/dev/disk';
  uuid ??= await byLink(devDisk, 'by-uuid', device);
  label ??= await byLink(devDisk, 'by-label', device);
  const id = { label, uuid, serial };
  const gaps = missing(id);
  return { path, mountpoint: mount.target, device, fsType: mount.fsType, ...id, note: gaps === '' ? null : `The platform gives no ${gaps} for ${device}.` };
}

/** What the platform says about the medium holding `path` (an absolute folder). */
export async function identifyMedium(path: string, deps: IdentityDeps): Promise<MediumIdentity> {
  if (deps.platform === 'linux') {
    let abs = posix.resolve(path);
    if (deps.platform === process.platform) abs = await realpath(abs).catch(() => abs);
    return await linuxIdentity(abs, deps);
  }
  return { path, mountpoint: null, device: null, fsType: null, label: null, uuid: null, serial: null, note: `Airgap CA asks only Linux for a medium's label, UUID and serial; on ${deps.platform} they are not recorded (unknown).` };
}
