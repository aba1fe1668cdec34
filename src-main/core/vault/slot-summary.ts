/**
 * A key slot as it is shown (`vault info`, the settings screen): no salt, no
 * wrapped key. Declared once here, Node-free, for the vault and the contract.
 */
export interface SlotSummary {
  id: string;
  type: 'passphrase' | 'quorum';
  label: string;
  created: string;
  threshold?: number;
  total?: number;
  kdf?: { memoryKiB: number; passes: number; parallelism: number };
}
