/**
 * A medium's identity on Windows from PowerShell's Storage module
 * (docs/architecture.md, "What is out in the field"): `Get-Volume -FilePath`
 * gives the volume holding the folder (FileSystemLabel, UniqueId — the volume
 * GUID path —, DriveLetter, FileSystem); `Get-Partition | Get-Disk` the disk
 * behind it (SerialNumber, FriendlyName, Number, IsBoot/IsSystem). One
 * PowerShell run, printed as JSON. Written and tested on recorded output
 * only (no Windows runs the tests).
 */
import type { PlatformVolumeIdentity } from './medium.ts';

/** A PowerShell single-quoted string literal: every quote character PowerShell accepts (' and the typographic ones) is doubled. */
export function psQuote(s: string): string {
  return `'${s.replace(/['\u2018\u2019\u201A\u201B]/g, '$&$&')}'`;
}

/** The arguments of powershell.exe for the folder `path` (refused before: a path with a NUL). */
export function windowsIdentityArgs(path: string): string[] {
  const p = psQuote(path);
  return [
    '-NoProfile',
    '-NonInteractive',
    '-Command',
    [
      "$ErrorActionPreference = 'Stop'",
      `$v = Get-Volume -FilePath ${p}`,
      // A volume with no partition behind it (a network or virtual drive) still has its label and GUID: no disk, no serial.
      '$d = @($v | Get-Partition -ErrorAction SilentlyContinue | Get-Disk -ErrorAction SilentlyContinue)',
      '@{ volume = ($v | Select-Object DriveLetter,FileSystemLabel,FileSystem,UniqueId,Path); disk = ($d | Select-Object -First 1 Number,SerialNumber,FriendlyName,BusType,IsBoot,IsSystem) } | ConvertTo-Json -Depth 3 -Compress',
    ].join('; '),
  ];
}

function obj(v: unknown): Record<string, unknown> | null {
  const one = Array.isArray(v) ? v[0] : v;
  return typeof one === 'object' && one !== null && !Array.isArray(one) ? (one as Record<string, unknown>) : null;
}

function text(o: Record<string, unknown> | null, key: string): string | null {
  const v = o?.[key];
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : null;
}

/** Windows PowerShell 5.1 serialises a [char] drive letter as its code. */
function letterOf(v: unknown): string | null {
  if (typeof v === 'string' && /^[A-Za-z]$/.test(v)) return v.toUpperCase();
  if (typeof v === 'number' && ((v >= 65 && v <= 90) || (v >= 97 && v <= 122))) return String.fromCharCode(v).toUpperCase();
  return null;
}

/** The JSON `windowsIdentityArgs` prints; null when it is not that. Never throws. */
export function parseWindowsIdentity(json: string, systemDrive = 'C:'): PlatformVolumeIdentity | null {
  let doc: unknown;
  try {
    doc = JSON.parse(String(json).replace(/^\uFEFF/, ''));
  } catch {
    return null;
  }
  const root = obj(doc);
  const volume = obj(root?.['volume']);
  if (!volume) return null;
  const disk = obj(root?.['disk']);
  const letter = letterOf(volume['DriveLetter']);
  const number = typeof disk?.['Number'] === 'number' && Number.isInteger(disk['Number']) && disk['Number'] >= 0 ? disk['Number'] : null;
  const sys = typeof systemDrive === 'string' ? systemDrive.slice(0, 1).toUpperCase() : 'C';
  return {
    mountpoint: letter ? `${letter}:\\` : text(volume, 'Path'),
    device: number === null ? null : `\\\\.\\PhysicalDrive${number}`,
    fsType: text(volume, 'FileSystem'),
    label: text(volume, 'FileSystemLabel'),
    uuid: text(volume, 'UniqueId'),
    serial: text(disk, 'SerialNumber'),
    model: text(disk, 'FriendlyName'),
    internal: letter === sys || disk?.['IsBoot'] === true || disk?.['IsSystem'] === true,
  };
}
