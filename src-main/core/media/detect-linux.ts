/**
 * Removable volumes on Linux from `lsblk --json -b -o NAME,PATH,RM,HOTPLUG,
 * TRAN,TYPE,FSTYPE,LABEL,MOUNTPOINTS,SIZE`. The RM flag alone is a trap: zram,
 * some virtual disks and card readers report it, and a live system booted
 * from a stick is USB too. A volume counts when its disk is on USB (TRAN is
 * set on the disk only; partitions inherit it) or hot-pluggable, it is
 * mounted, and nothing on its disk is a system mount.
 */

export const LSBLK_ARGS = ['--json', '-b', '-o', 'NAME,PATH,RM,HOTPLUG,TRAN,TYPE,FSTYPE,LABEL,MOUNTPOINTS,SIZE'] as const;

export interface LinuxVolume {
  device: string;
  mountpoint: string;
  label: string | null;
  fsType: string | null;
  sizeBytes: number | null;
}

interface Node {
  name: string;
  path: string | null;
  rm: boolean;
  hotplug: boolean;
  tran: string | null;
  type: string | null;
  fstype: string | null;
  label: string | null;
  mountpoints: string[];
  size: number | null;
  children: Node[];
}

/** lsblk changed its JSON over versions: booleans vs "0"/"1", numbers vs strings, MOUNTPOINT vs MOUNTPOINTS. */
function flag(v: unknown): boolean {
  return v === true || v === 1 || v === '1' || v === 'true';
}
function str(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}
function num(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^\d+$/.test(v)) return Number(v);
  return null;
}

function toNode(raw: unknown): Node | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const r = raw as Record<string, unknown>;
  const name = str(r['name']);
  if (!name) return null;
  const mps: string[] = [];
  const many = r['mountpoints'];
  if (Array.isArray(many)) for (const m of many) if (typeof m === 'string' && m !== '') mps.push(m);
  const one = str(r['mountpoint']);
  if (one && !mps.includes(one)) mps.push(one);
  const kids = Array.isArray(r['children']) ? (r['children'] as unknown[]).map(toNode).filter((n): n is Node => n !== null) : [];
  return {
    name,
    path: str(r['path']),
    rm: flag(r['rm']),
    hotplug: flag(r['hotplug']),
    tran: str(r['tran']),
    type: str(r['type']),
    fstype: str(r['fstype']),
    label: str(r['label']),
    mountpoints: mps,
    size: num(r['size']),
    children: kids,
  };
}

const SYSTEM_MOUNTS = new Set(['/', '/boot', '/boot/efi', '/efi', '/usr', '/var', '/home', '/opt', '/srv', '/etc', '/root', '/nix', '/tmp', '[SWAP]']);
const SYSTEM_PREFIXES = ['/boot/', '/usr/', '/var/', '/etc/', '/nix/', '/snap/', '/proc/', '/sys/', '/dev/', '/run/credentials/'];

export function isSystemMount(mp: string): boolean {
  return SYSTEM_MOUNTS.has(mp) || SYSTEM_PREFIXES.some((p) => mp.startsWith(p));
}

/** Devices that are never removable media whatever their flags say. */
const VIRTUAL_NAME = /^(zram|loop|ram|nbd|md|sr)\d/;
const NOT_DATA_FS = new Set(['swap', 'crypto_LUKS', 'LVM2_member', 'linux_raid_member', 'iso9660', 'udf', 'squashfs']);

function walk(n: Node, visit: (n: Node) => void): void {
  visit(n);
  for (const c of n.children) walk(c, visit);
}

export function parseLsblk(json: string): LinuxVolume[] {
  let doc: unknown;
  try {
    doc = JSON.parse(json);
  } catch {
    return [];
  }
  const devices = typeof doc === 'object' && doc !== null && Array.isArray((doc as { blockdevices?: unknown }).blockdevices) ? (doc as { blockdevices: unknown[] }).blockdevices : [];
  const out: LinuxVolume[] = [];
  for (const raw of devices) {
    const disk = toNode(raw);
    if (!disk) continue;
    if (VIRTUAL_NAME.test(disk.name) || disk.type === 'loop' || disk.type === 'rom') continue;
    // A disk holding any system mount (a live system on a stick, an internal disk) is never offered.
    let system = false;
    walk(disk, (n) => {
      if (n.mountpoints.some(isSystemMount)) system = true;
    });
    if (system) continue;
    // SD cards in built-in readers show neither RM nor TRAN; eMMC system disks were excluded above.
    const usb = disk.tran === 'usb' || disk.tran === 'mmc' || /^mmcblk\d+$/.test(disk.name);
    const visit = (n: Node, hot: boolean): void => {
      const hotplug = hot || n.hotplug;
      if ((usb || hotplug) && n.fstype && !NOT_DATA_FS.has(n.fstype)) {
        const mp = n.mountpoints.find((m) => !isSystemMount(m));
        if (mp) out.push({ device: n.path ?? `/dev/${n.name}`, mountpoint: mp, label: n.label, fsType: n.fstype, sizeBytes: n.size });
      }
      for (const c of n.children) visit(c, hotplug);
    };
    visit(disk, false);
  }
  return out;
}

/** /proc/self/mounts: mount point -> file system type (octal escapes undone). */
export function parseMounts(text: string): Array<{ device: string; mountpoint: string; fsType: string }> {
  const unescape = (s: string): string => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
  const out: Array<{ device: string; mountpoint: string; fsType: string }> = [];
  for (const line of text.split('\n')) {
    const [dev, mp, fs] = line.split(' ');
    if (dev && mp && fs) out.push({ device: unescape(dev), mountpoint: unescape(mp), fsType: fs });
  }
  return out;
}
