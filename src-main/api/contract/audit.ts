import { z } from 'zod';
import { empty, filePath, op } from './common.ts';

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
  'audit.verify': op<AuditVerificationView>()(empty, { mutates: false, needsUnlock: true }),
  'audit.export': op<{ file: string; events: number }>()(z.strictObject({ out: filePath }), { mutates: true, needsUnlock: true }),
} as const;
