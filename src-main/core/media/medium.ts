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
