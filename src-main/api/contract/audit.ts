import { z } from 'zod';
import { filePath, op } from './common.ts';

export interface AuditEventView {
  seq: number;
  at: string;
  actor: string;
  witnesses: string[];
  action: string;
  details: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

export interface AuditVerificationView {
  ok: boolean;
  count: number;
  head: string | null;
  brokenAt: number | null;
  reason: string | null;
  /** The first event whose hash is an HMAC under the audit key (events before it, written before the chain was keyed, are plain SHA-256); null when the chain is broken. */
  keyedFrom: number | null;
  /** Given a checkpoint: whether this chain contains its head ("behind": rolled back or an older backup; "differs": history rewritten). */
  checkpoint?: { source: string; seq: number; hash: string; status: 'contains' | 'behind' | 'differs'; currentSeq: number | null };
}

/** A checkpoint file just written: the audit head it holds and the key that signed it. */
export interface AuditCheckpointView {
  file: string;
  vaultId: string;
  seq: number;
  hash: string;
  created: string;
  signingKeyId: string;
}

export const auditOps = {
  'audit.list': op<{ events: AuditEventView[]; total: number }>()(
    z.strictObject({
      since: z.iso.datetime({ offset: true }).optional(),
      action: z.string().max(100).optional(),
      limit: z.number().int().min(1).max(100_000).optional(),
    }),
    { mutates: false, needsUnlock: true },
  ),
  /** The action names the log holds (each once, alphabetical): the console's action filter chooses among them. */
  'audit.actions': op<{ actions: string[] }>()(z.strictObject({}), { mutates: false, needsUnlock: true }),
  'audit.verify': op<AuditVerificationView>()(
    z.strictObject({
      /** An export package folder whose signed MANIFEST.json carries the audit head to look for, or a checkpoint file written by audit.checkpoint. */
      checkpoint: filePath.optional(),
    }),
    { mutates: false, needsUnlock: true },
  ),
  // Signed by the active key of the CA named (the vault's only CA by default): on a vault of several CAs the officer says whose key vouches for the head.
  'audit.checkpoint': op<AuditCheckpointView>()(z.strictObject({ out: filePath }), { mutates: true, needsUnlock: true, ca: 'one' }),
  'audit.export': op<{ file: string; events: number }>()(z.strictObject({ out: filePath }), { mutates: true, needsUnlock: true }),
} as const;
