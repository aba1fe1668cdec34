import { z } from 'zod';
import type { SlotSummary } from '../../core/vault/slot-summary.ts';
import { empty, filePath, op } from './common.ts';

/** A key slot as shown: declared once in core/vault/slot-summary.ts. */
export type SlotInfo = SlotSummary;

export interface VaultInfo {
  dir: string;
  exists: boolean;
  vaultId: string | null;
  created: string | null;
  formatVersion: number | null;
  slots: SlotInfo[];
  /** Only when the vault is unlocked in this session. */
  counts: { keys: number; certificates: number; auditEvents: number } | null;
}

export interface SessionStatus {
  vaultDir: string;
  vaultExists: boolean;
  unlocked: boolean;
  vaultId: string | null;
  actor: string | null;
  autoLockMinutes: number;
  /** Why the last session ended, for the unlock screen ("locked after 5 minutes idle"). */
  lockedReason: string | null;
  /** Slot types present, so the unlock screen offers passphrase and/or quorum. */
  unlockMethods: Array<'passphrase' | 'quorum'>;
  quorumThreshold: number | null;
}

export interface VaultVerification {
  ok: boolean;
  integrity: string[];
  audit: { ok: boolean; count: number; brokenAt: number | null; reason: string | null };
}

const shareInput = z.strictObject({ label: z.string().min(1).max(200), content: z.string().min(1).max(16 * 1024) });
const credentials = z.union([
  z.strictObject({ passphrase: z.string().min(1, 'the passphrase is empty').max(1024) }),
  z.strictObject({ shares: z.array(shareInput).min(1, 'give at least one custodian share').max(255) }),
]);
const quorumSpec = z.strictObject({
  threshold: z.number().int().min(2).max(255),
  total: z.number().int().min(2).max(255),
  sharesDir: filePath,
});

export const vaultOps = {
  'session.status': op<SessionStatus>()(empty, { mutates: false, needsUnlock: false }),
  'vault.info': op<VaultInfo>()(empty, { mutates: false, needsUnlock: false }),
  'vault.create': op<{ vaultId: string; shareFiles: string[]; slots: SlotInfo[] }>()(
    z.strictObject({ actor: z.string().trim().min(1).max(100), passphrase: z.string().max(1024).optional(), quorum: quorumSpec.optional() }),
    { mutates: true, needsUnlock: false },
  ),
  // Writes only to record a key-slot header change it finds (vault.header-changed: a crash during a slot change).
  // Up to two: a header change seen for the first time (vault.header-changed), a legacy slot converted (vault.slot-upgraded).
  'vault.unlock': op<SessionStatus>()(z.strictObject({ actor: z.string().trim().min(1).max(100), credentials }), { mutates: { transactions: [0, 2] }, needsUnlock: false }),
  'vault.lock': op<SessionStatus>()(empty, { mutates: false, needsUnlock: false }),
  'vault.verify': op<VaultVerification>()(empty, { mutates: false, needsUnlock: true }),
  'vault.changePassphrase': op<SlotInfo>()(z.strictObject({ newPassphrase: z.string().max(1024) }), { mutates: true, needsUnlock: true }),
  'vault.addPassphraseSlot': op<SlotInfo>()(z.strictObject({ passphrase: z.string().max(1024), label: z.string().trim().min(1).max(100) }), { mutates: true, needsUnlock: true }),
  'vault.addQuorumSlot': op<{ slot: SlotInfo; shareFiles: string[] }>()(
    /** replaceSlot: the new quorum takes that slot's place, and the vault gets a new key. */
    quorumSpec.extend({ label: z.string().trim().min(1).max(100).optional(), replaceSlot: z.string().min(1).max(64).optional() }),
    { mutates: true, needsUnlock: true },
  ),
  'vault.removeSlot': op<VaultInfo>()(z.strictObject({ slotId: z.string().min(1).max(64) }), { mutates: true, needsUnlock: true }),
  'vault.backup': op<{ file: string; bytes: number }>()(z.strictObject({ out: filePath }), { mutates: true, needsUnlock: true }),
  'vault.restore': op<{ vaultId: string; dir: string; auditHead: { seq: number; hash: string } | null; checkpoint: { source: string; seq: number; status: 'contains' | 'behind' | 'differs' } | null }>()(
    z.strictObject({
      from: filePath,
      actor: z.string().trim().min(1).max(100),
      credentials,
      /** An export package folder of this vault: a backup whose chain does not contain its audit head is refused. */
      checkpoint: filePath.optional(),
      /** Restore anyway, behind the checkpoint (audited with the reason). */
      acceptRollback: z.strictObject({ reason: z.string().trim().min(1).max(500) }).optional(),
    }),
    // vault.restored, then vault.rollback-accepted when a rollback behind the checkpoint is accepted.
    { mutates: { transactions: [1, 2] }, needsUnlock: false },
  ),
} as const;
