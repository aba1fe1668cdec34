/**
 * A removable medium as detection reports it (`media list`). Declared once
 * here, Node-free, for the detection code and the contract.
 */
export interface RemovableMedium {
  /** Where the volume is mounted: the folder to export to or read from. */
  path: string;
  label: string;
  fsType: string | null;
  freeBytes: number | null;
  totalBytes: number | null;
  source: 'detected' | 'configured';
}

/** Which medium a package went on, as far as the platform said (core/media/medium-identity.ts). */
export interface MediumIdentity {
  /** The folder the package was written under (the medium's root as given). */
  path: string;
  /** The mount point holding it, or null when the platform was not asked. */
  mountpoint: string | null;
  /** The block device of that mount (/dev/sdb1), or null. */
  device: string | null;
  fsType: string | null;
  label: string | null;
  uuid: string | null;
  serial: string | null;
  /** Why some of label, UUID and serial are unknown; null when all three are known. */
  note: string | null;
}

/** What diskutil (macOS) or PowerShell (Windows) says of the volume holding a folder, before it becomes a MediumIdentity (core/media/medium-identity.ts). */
export type PlatformVolumeIdentity = Omit<MediumIdentity, 'path' | 'note'> & {
  /** The drive's model, for the note when its serial is unknown. */
  model: string | null;
  /** The workstation's own disk (internal, boot or system volume): nothing to record. */
  internal: boolean;
};
