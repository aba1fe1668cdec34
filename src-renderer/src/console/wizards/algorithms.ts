import type { OpInput } from '../../../../src-main/api/contract.ts';

export type KeyAlgorithm = NonNullable<OpInput<'key.create'>['algorithm']>;

/** The algorithms the api accepts, in the order an officer should consider them. */
export const ALGORITHM_LABELS: Record<KeyAlgorithm, string> = {
  'ecdsa-p256': 'ECDSA P-256 (recommended)',
  'ecdsa-p384': 'ECDSA P-384',
  'rsa-3072': 'RSA 3072',
  'rsa-4096': 'RSA 4096',
  ed25519: 'Ed25519 (check that your agents accept it)',
};

export const ALGORITHMS = Object.keys(ALGORITHM_LABELS) as KeyAlgorithm[];

/** A file name from a key name: letters, digits, dot, dash and underscore only. */
export function fileNameFor(keyName: string): string {
  return keyName.trim().replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'key';
}
