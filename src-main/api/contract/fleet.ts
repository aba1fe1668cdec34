import { z } from 'zod';
import type { ErrorCode } from '../../core/errors.ts';
import type { FleetStatus, KeyFleetStatus, ReceiptOutcome, RemainingLeaf } from '../../core/fleet/fleet-views.ts';
import { empty, filePath, op } from './common.ts';

export type { FleetStatus, KeyFleetStatus, ReceiptOutcome, RemainingLeaf };

/** fleet.checkReceipts / fleet.importReceipts: what the folder held, file by file, and the counts. */
export interface ReceiptImportView {
  dir: string;
  /** false for a check (nothing stored), true once the import stored the accepted receipts. */
  stored: boolean;
  accepted: number;
  duplicates: number;
  /** Refused files per code; a code absent refused nothing. */
  refused: Partial<Record<ErrorCode, number>>;
  files: ReceiptOutcome[];
}

export interface RemainingListView {
  file: string;
  keyId: string;
  format: 'csv' | 'json';
  count: number;
}

const keyRef = z.string().trim().min(1, 'name the key (its id, an 8+ digit id prefix, or its name)').max(200);

export const fleetOps = {
  'fleet.status': op<FleetStatus>()(empty, { mutates: false, needsUnlock: true, ca: 'one' }),
  'fleet.checkReceipts': op<ReceiptImportView>()(z.strictObject({ dir: filePath }), { mutates: false, needsUnlock: true, ca: 'one' }),
  'fleet.importReceipts': op<ReceiptImportView>()(z.strictObject({ dir: filePath }), { mutates: true, needsUnlock: true, ca: 'one' }),
  'fleet.remaining': op<RemainingListView>()(
    z.strictObject({ key: keyRef, out: filePath, format: z.enum(['csv', 'json']).default('csv') }),
    { mutates: true, needsUnlock: true, ca: 'one' },
  ),
} as const;
