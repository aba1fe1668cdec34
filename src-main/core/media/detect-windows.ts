/**
 * Removable volumes on Windows from PowerShell's Storage module. Get-Volume
 * reports USB sticks as DriveType Removable but USB SSDs and hard disks as
 * Fixed, so a volume also counts when the disk behind it (Get-Partition ->
 * Get-Disk) has BusType USB. Written and tested on recorded output only.
 */

export const POWERSHELL_ARGS = [
  '-NoProfile',
  '-NonInteractive',
  '-Command',
  [
    '$v = @(Get-Volume | Where-Object { $_.DriveLetter } | Select-Object DriveLetter,FileSystemLabel,FileSystem,DriveType,Size,SizeRemaining)',
    '$p = @(Get-Partition | Where-Object { $_.DriveLetter } | Select-Object DriveLetter,DiskNumber)',
    '$d = @(Get-Disk | Select-Object Number,BusType)',
    '@{ volumes = $v; partitions = $p; disks = $d } | ConvertTo-Json -Depth 4 -Compress',
  ].join('; '),
] as const;

export interface WindowsVolume {
  path: string;
  letter: string;
  label: string | null;
  fsType: string | null;
  freeBytes: number | null;
  totalBytes: number | null;
}

/** ConvertTo-Json writes one object instead of a one-element array. */
function list(v: unknown): Array<Record<string, unknown>> {
  const arr = Array.isArray(v) ? v : v === null || v === undefined ? [] : [v];
  return arr.filter((x): x is Record<string, unknown> => typeof x === 'object' && x !== null);
}

/** Windows PowerShell 5.1 serialises a [char] drive letter as its code. */
function letterOf(v: unknown): string | null {
  if (typeof v === 'string' && /^[A-Za-z]$/.test(v)) return v.toUpperCase();
  if (typeof v === 'number' && v >= 65 && v <= 122) return letterOf(String.fromCharCode(v));
  return null;
}

// MSFT_Volume.DriveType: 2 = Removable; MSFT_Disk.BusType: 7 = USB. Newer PowerShell prints the names.
const isRemovableDrive = (v: unknown): boolean => v === 2 || v === 'Removable';
const isUsbBus = (v: unknown): boolean => v === 7 || v === 'USB';

export function parseWindowsStorage(json: string, systemDrive = 'C:'): WindowsVolume[] {
  let doc: unknown;
  try {
    doc = JSON.parse(json.replace(/^\uFEFF/, ''));
  } catch {
    return [];
  }
  if (typeof doc !== 'object' || doc === null) return [];
  const d = doc as Record<string, unknown>;
  const diskOfLetter = new Map<string, number>();
  for (const p of list(d['partitions'])) {
    const l = letterOf(p['DriveLetter']);
    if (l && typeof p['DiskNumber'] === 'number') diskOfLetter.set(l, p['DiskNumber']);
  }
  const usbDisks = new Set(list(d['disks']).filter((x) => isUsbBus(x['BusType']) && typeof x['Number'] === 'number').map((x) => x['Number'] as number));
  const sys = systemDrive.slice(0, 1).toUpperCase();
  const out: WindowsVolume[] = [];
  for (const v of list(d['volumes'])) {
    const l = letterOf(v['DriveLetter']);
    if (!l || l === sys) continue;
    const disk = diskOfLetter.get(l);
    if (!isRemovableDrive(v['DriveType']) && !(disk !== undefined && usbDisks.has(disk))) continue;
    const s = (k: string): string | null => (typeof v[k] === 'string' && v[k] !== '' ? (v[k] as string) : null);
    const n = (k: string): number | null => (typeof v[k] === 'number' ? (v[k] as number) : null);
    // A card reader slot without a card has no file system and no size.
    if (s('FileSystem') === null && n('Size') === null) continue;
    out.push({ path: `${l}:\\`, letter: l, label: s('FileSystemLabel'), fsType: s('FileSystem'), freeBytes: n('SizeRemaining'), totalBytes: n('Size') });
  }
  return out;
}
