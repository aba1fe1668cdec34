/**
 * A medium's identity on macOS from `diskutil info -plist MOUNTPOINT`
 * (docs/architecture.md, "What is out in the field"): VolumeName (the label),
 * VolumeUUID (else DiskUUID, the partition's), DeviceNode, the file system,
 * and a serial only where diskutil prints one (most USB sticks: none; the
 * note then names the MediaName, the drive's model). Written and tested on
 * recorded output only (no Mac runs the tests).
 */
import { parsePlist, type PlistValue } from './detect-macos.ts';
import type { PlatformVolumeIdentity } from './medium.ts';

export const DISKUTIL_INFO_ARGS = ['info', '-plist'] as const;

function text(d: { [k: string]: PlistValue }, ...keys: string[]): string | null {
  for (const k of keys) {
    const v = d[k];
    if (typeof v === 'string' && v.trim() !== '') return v.trim();
  }
  return null;
}

/** `diskutil info -plist` of one volume; null when it is not a property list of a dictionary. Never throws. */
export function parseDiskutilIdentity(xml: string): PlatformVolumeIdentity | null {
  const root = parsePlist(typeof xml === 'string' ? xml : '');
  if (typeof root !== 'object' || root === null || Array.isArray(root) || root instanceof Date || root instanceof Uint8Array) return null;
  const mountpoint = text(root, 'MountPoint');
  const identifier = text(root, 'DeviceIdentifier');
  const systemVolume = mountpoint === '/' || (mountpoint?.startsWith('/System/') ?? false);
  return {
    mountpoint,
    device: text(root, 'DeviceNode') ?? (identifier ? `/dev/${identifier}` : null),
    fsType: text(root, 'FilesystemType', 'FilesystemName'),
    label: text(root, 'VolumeName'),
    uuid: text(root, 'VolumeUUID', 'DiskUUID'),
    serial: text(root, 'SerialNumber', 'MediaSerialNumber'),
    model: text(root, 'MediaName'),
    internal: systemVolume || (root['Internal'] === true && root['BusProtocol'] !== 'USB' && root['RemovableMedia'] !== true),
  };
}
