/**
 * Which medium a package was written to, as far as the platform says (the
 * export record, "What is out in the field"): the volume label, the file
 * system UUID and the serial of the device. On Linux from `findmnt` (the
 * mount holding the folder: its source device, label and UUID), `lsblk`
 * (the serial, which sits on the disk, not the partition) and the symlinks
 * of /dev/disk/by-uuid and by-label when those tools know less. On macOS from
 * `diskutil info -plist` of the folder's mount point, on Windows from one
 * PowerShell run of `Get-Volume -FilePath` and `Get-Partition | Get-Disk`
 * (medium-identity-macos.ts, medium-identity-windows.ts). Every tool has a
 * time limit (`toolTimeoutMs`). A field the platform does not give is null
 * and `note` says why, in words for the officer: a plain folder on the
 * workstation's disk, a FUSE mount naming no device, a tool that failed or did
 * not answer, a platform this does not ask. Never throws: an unknown medium
 * is recorded as unknown, it does not stop an export.
 */
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { join, posix, win32 } from 'node:path';
import { isSystemMount, parseMounts } from './detect-linux.ts';
import type { RunCommand } from './detect.ts';
import type { MediumIdentity, PlatformVolumeIdentity } from './medium.ts';
import { DISKUTIL_INFO_ARGS, parseDiskutilIdentity } from './medium-identity-macos.ts';
import { parseWindowsIdentity, windowsIdentityArgs } from './medium-identity-windows.ts';

export type { MediumIdentity };


export interface IdentityDeps {
  platform: NodeJS.Platform;
  run: RunCommand;
  readMounts?: () => Promise<string>;
  /** The /dev/disk folder (by-uuid, by-label); default /dev/disk. */
  devDisk?: string;
  /** How long a tool may take before the medium is recorded as unknown; default 10 s. */
  toolTimeoutMs?: number;
  /** macOS: the mount point holding a folder; default the topmost folder above it on the same device. */
  mountPointOf?: (path: string) => Promise<string>;
  /** Windows: %SystemDrive% (the workstation's own disk); default C:. */
  env?: Readonly<Record<string, string | undefined>>;
}

const TOOL_TIMEOUT_MS = 10_000;

/** The tool's output, or why there is none (failed, or no answer within the time limit). */
async function ask(deps: IdentityDeps, cmd: string, args: readonly string[]): Promise<{ out: string } | { failed: string }> {
  const ms = deps.toolTimeoutMs ?? TOOL_TIMEOUT_MS;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<{ failed: string }>((resolve) => {
    timer = setTimeout(() => resolve({ failed: `${cmd} did not answer within ${ms} ms` }), ms);
  });
  try {
    return await Promise.race([
      deps.run(cmd, args).then(
        (out) => ({ out }),
        (e: unknown) => ({ failed: `${cmd} failed (${e instanceof Error ? e.message.split('\n')[0] : String(e)})` }),
      ),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
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
  const found = await ask(deps, 'findmnt', [...FINDMNT_ARGS, path]);
  let mount = 'out' in found ? parseFindmnt(found.out) : null;
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
  // lsblk missing, failing or silent: the by-uuid/by-label links below, serial unknown.
  const blk = await ask(deps, 'lsblk', [...LSBLK_IDENTITY_ARGS]);
  const l = 'out' in blk ? serialFromLsblk(blk.out, device) : null;
  if (l) {
    serial = l.serial;
    label ??= l.label;
    uuid ??= l.uuid;
  }
  const devDisk = deps.devDisk ?? '/dev/disk';
  uuid ??= await byLink(devDisk, 'by-uuid', device);
  label ??= await byLink(devDisk, 'by-label', device);
  const id = { label, uuid, serial };
  const gaps = missing(id);
  return { path, mountpoint: mount.target, device, fsType: mount.fsType, ...id, note: gaps === '' ? null : `The platform gives no ${gaps} for ${device}.` };
}

/** The topmost folder at or above `path` on the same device: its mount point (the path itself when it cannot be looked at). */
async function mountPointByDevice(path: string): Promise<string> {
  try {
    let here = posix.resolve(path);
    const dev = (await stat(here)).dev;
    for (;;) {
      const up = posix.dirname(here);
      if (up === here || (await stat(up)).dev !== dev) return here;
      here = up;
    }
  } catch {
    return path;
  }
}

const UNKNOWN = { mountpoint: null, device: null, fsType: null, label: null, uuid: null, serial: null } as const;

/** The record of what diskutil or PowerShell said (`got`), or "unknown" with the reason. */
function platformRecord(path: string, tool: string, got: { out: string } | { failed: string }, parse: (out: string) => PlatformVolumeIdentity | null): MediumIdentity {
  if ('failed' in got) return { path, ...UNKNOWN, note: `Unknown: ${got.failed}, so the label, UUID and serial of this medium are not recorded.` };
  const id = parse(got.out);
  if (!id) return { path, ...UNKNOWN, note: `Unknown: ${tool} printed nothing Airgap CA can read for this folder, so the label, UUID and serial of this medium are not recorded.` };
  if (id.internal) {
    return { path, mountpoint: id.mountpoint, device: null, fsType: id.fsType, label: null, uuid: null, serial: null, note: `A folder on the workstation's own disk${id.mountpoint ? ` (${id.mountpoint})` : ''}, not a removable medium: it has no label, UUID or serial to record. Mark it collected once the files are copied off or deleted.` };
  }
  const fields = { label: id.label, uuid: id.uuid, serial: id.serial };
  const gaps = missing(fields);
  const of = `${id.device ?? id.mountpoint ?? path}${id.model ? ` (${id.model})` : ''}`;
  return { path, mountpoint: id.mountpoint, device: id.device, fsType: id.fsType, ...fields, note: gaps === '' ? null : `${tool} gives no ${gaps} for ${of}.` };
}

async function macIdentity(path: string, deps: IdentityDeps): Promise<MediumIdentity> {
  const abs = posix.resolve(path);
  const mountpoint = await (deps.mountPointOf ?? mountPointByDevice)(abs);
  return platformRecord(abs, 'diskutil', await ask(deps, 'diskutil', [...DISKUTIL_INFO_ARGS, mountpoint]), parseDiskutilIdentity);
}

async function windowsIdentity(path: string, deps: IdentityDeps): Promise<MediumIdentity> {
  const abs = win32.resolve(path);
  if (abs.includes('\0')) return { path, ...UNKNOWN, note: 'Unknown: the folder name holds a NUL character, so Windows was not asked about it.' };
  return platformRecord(abs, 'Windows (Get-Volume)', await ask(deps, 'powershell.exe', windowsIdentityArgs(abs)), (out) => parseWindowsIdentity(out, deps.env?.['SystemDrive'] ?? 'C:'));
}

/** What the platform says about the medium holding `path` (an absolute folder). */
export async function identifyMedium(path: string, deps: IdentityDeps): Promise<MediumIdentity> {
  if (deps.platform === 'linux') {
    let abs = posix.resolve(path);
    if (deps.platform === process.platform) abs = await realpath(abs).catch(() => abs);
    return await linuxIdentity(abs, deps);
  }
  if (deps.platform === 'darwin') return await macIdentity(path, deps);
  if (deps.platform === 'win32') return await windowsIdentity(path, deps);
  return { path, ...UNKNOWN, note: `Unknown: Airgap CA asks Linux, macOS and Windows for a medium's label, UUID and serial; on ${deps.platform} they are not recorded.` };
}
