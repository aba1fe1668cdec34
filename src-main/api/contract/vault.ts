import { z } from 'zod';
import type { WitnessShares } from '../../core/keys/key-state.ts';
import type { SlotSummary } from '../../core/vault/slot-summary.ts';
import { empty, filePath, op, shareInput, witnessShareList } from './common.ts';

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

/** A new quorum's shares while the main process holds them for delivery one medium at a time; never the shares themselves. */
export interface HeldSharesView {
  slotId: string;
  threshold: number;
  total: number;
  shares: Array<{ index: number; holder: string | null; written: boolean; file: string | null }>;
}

/** The end of a delivery: which shares were written, which were given up (and whose), and what that means for the quorum. */
export interface SharesReleased extends HeldSharesView {
  written: number[];
  discarded: Array<{ index: number; holder: string | null }>;
  /** Whether the written shares reach the threshold: false means this quorum slot can never open the vault. */
  canUnlock: boolean;
  meaning: string;
}

/** The witness shares presented so far (the console's emergency ceremony, one medium at a time); never the shares themselves. */
export interface PresentedWitnessView {
  slotId: string;
  threshold: number;
  total: number;
  shares: Array<{ index: number; holder: string | null; dir: string }>;
}

export interface VaultVerification {
  ok: boolean;
  integrity: string[];
  audit: { ok: boolean; count: number; brokenAt: number | null; reason: string | null };
}

const credentials = z.union([
  z.strictObject({ passphrase: z.string().min(1, 'the passphrase is empty').max(1024) }),
  z.strictObject({ shares: z.array(shareInput).min(1, 'give at least one custodian share').max(255) }),
]);
const quorumSpec = z.strictObject({
  threshold: z.number().int().min(2).max(255),
  total: z.number().int().min(2).max(255),
  /** All N share files into this one folder. Without it the shares are held for vault.writeShare, one medium each. */
  sharesDir: filePath.optional(),
  /** Who receives each share, in order (share 1 first): named when it is written, in the audit log. */
  holders: z.array(z.string().trim().min(1, 'a holder name is empty').max(100)).max(255).optional(),
});

export const vaultOps = {
  'session.status': op<SessionStatus>()(empty, { mutates: false, needsUnlock: false }),
  'vault.info': op<VaultInfo>()(empty, { mutates: false, needsUnlock: false }),
  'vault.create': op<{ vaultId: string; shareFiles: string[]; heldShares: HeldSharesView | null; slots: SlotInfo[] }>()(
    z.strictObject({ actor: z.string().trim().min(1).max(100), passphrase: z.string().max(1024).optional(), quorum: quorumSpec.optional() }),
    { mutates: true, needsUnlock: false },
  ),
  // Writes only to record a key-slot header change it finds (vault.header-changed: a crash during a slot change).
  // Up to two: a header change seen for the first time (vault.header-changed), a legacy slot converted (vault.slot-upgraded).
  'vault.unlock': op<SessionStatus>()(z.strictObject({ actor: z.string().trim().min(1).max(100), credentials }), { mutates: { transactions: [0, 2] }, needsUnlock: false }),
  // Writes only when shares are still held: vault.shares-discarded names the ones not written.
  'vault.lock': op<SessionStatus>()(empty, { mutates: { transactions: [0, 1] }, needsUnlock: false }),
  'vault.verify': op<VaultVerification>()(empty, { mutates: false, needsUnlock: true }),
  'vault.changePassphrase': op<SlotInfo>()(z.strictObject({ newPassphrase: z.string().max(1024) }), { mutates: true, needsUnlock: true }),
  'vault.addPassphraseSlot': op<SlotInfo>()(z.strictObject({ passphrase: z.string().max(1024), label: z.string().trim().min(1).max(100) }), { mutates: true, needsUnlock: true }),
  /** delivered: with replaceSlot and shareDirs, the shares written (all of them: one that fails changes nothing). */
  'vault.addQuorumSlot': op<{ slot: SlotInfo; shareFiles: string[]; heldShares: HeldSharesView | null; delivered: SharesReleased | null }>()(
    /**
     * replaceSlot: the new quorum takes that slot's place, and the vault gets a new key; its shares are written before
     * that commits, all into sharesDir or one into each of shareDirs (share 1 first, each on its own medium, read back).
     */
    quorumSpec.extend({
      label: z.string().trim().min(1).max(100).optional(),
      replaceSlot: z.string().min(1).max(64).optional(),
      shareDirs: z.array(filePath).min(2).max(255).optional(),
    }),
    { mutates: true, needsUnlock: true },
  ),
  /** The shares held for delivery, or null. */
  'vault.heldShares': op<HeldSharesView | null>()(empty, { mutates: false, needsUnlock: true }),
  /** Write held share `index` into `dir` (its own medium), read it back, record vault.share-written with the holder. */
  'vault.writeShare': op<{ file: string; held: HeldSharesView }>()(z.strictObject({ index: z.number().int().min(1).max(255), dir: filePath }), { mutates: true, needsUnlock: true }),
  /** End the delivery: the shares not written are forgotten (vault.shares-discarded names them). */
  'vault.releaseShares': op<SharesReleased>()(empty, { mutates: { transactions: [0, 1] }, needsUnlock: true }),
  /**
   * Whether an emergency rotation needs k custodian shares as the witnesses' proof (settings.emergencyWitnessShares).
   * On: needs a quorum slot. Off again: needs k shares of it (witnessShares), or a passphrase holder alone could drop the rule.
   */
  'vault.emergencyWitnessShares': op<{ required: boolean; witnessShares: WitnessShares | null }>()(
    z.strictObject({ required: z.boolean(), witnessShares: witnessShareList.optional() }),
    { mutates: { transactions: [0, 1] }, needsUnlock: true },
  ),
  /** Read the one custodian share file in `dir` (a custodian's medium), check it on its own and hold it for key.activate { presentedWitnessShares }. */
  'vault.presentWitnessShare': op<PresentedWitnessView>()(z.strictObject({ dir: filePath }), { mutates: false, needsUnlock: true }),
  /** The witness shares presented so far, or null. */
  'vault.witnessShares': op<PresentedWitnessView | null>()(empty, { mutates: false, needsUnlock: true }),
  /** Give up the witness shares presented (zeroed). */
  'vault.dropWitnessShares': op<null>()(empty, { mutates: false, needsUnlock: true }),
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
