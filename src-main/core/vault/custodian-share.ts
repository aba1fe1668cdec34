import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { z } from 'zod';
import { DomainError } from '../errors.ts';

/**
 * One custodian's share of a quorum slot, as a small JSON file. It names the
 * vault, the slot, k, n and its index, and carries a checksum, so that a wrong,
 * duplicate or corrupted share is named in the error instead of silently
 * reconstructing garbage (Shamir combine does not check its result).
 */
export const SHARE_FORMAT = 'airgap-ca-custodian-share' as const;
export const MAX_SHARE_FILE_BYTES = 16 * 1024;

const shareSchema = z.strictObject({
  format: z.literal(SHARE_FORMAT),
  version: z.literal(1),
  note: z.string().max(500),
  vaultId: z.uuid(),
  slotId: z.string().regex(/^[a-z0-9-]{4,64}$/),
  threshold: z.number().int().min(2).max(255),
  total: z.number().int().min(2).max(255),
  index: z.number().int().min(1).max(255),
  share: z.string().regex(/^[A-Za-z0-9_-]{44}$/), // 33 bytes: 32-byte secret share + x coordinate
  checksum: z.string().regex(/^[0-9a-f]{64}$/),
});

export type CustodianShare = z.infer<typeof shareSchema>;

function checksumOf(share: Omit<CustodianShare, 'checksum'>): string {
  return createHash('sha256').update(canonicalize(share) ?? '').digest('hex');
}

export function shareDigest(shareBytes: Uint8Array): string {
  return createHash('sha256').update('airgap-ca/v1/share-digest').update(shareBytes).digest('hex');
}

export function makeShareFile(fields: Omit<CustodianShare, 'checksum' | 'format' | 'version' | 'note'>): string {
  const body = {
    format: SHARE_FORMAT as typeof SHARE_FORMAT,
    version: 1 as const,
    note: `Custodian share ${fields.index} of ${fields.total} for Airgap CA vault ${fields.vaultId}. Any ${fields.threshold} shares unlock the vault. Keep this file offline and to yourself.`,
    ...fields,
  };
  return JSON.stringify({ ...body, checksum: checksumOf(body) }, null, 2) + '\n';
}

/** Parse one share file; `label` names it in errors (a file name, or "share 2"). */
export function parseShareFile(text: string | Uint8Array, label: string): CustodianShare {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : Buffer.from(text);
  if (bytes.length === 0) throw new DomainError('SHARE_CORRUPT', `${label} is empty. Use the share file the custodian was given.`);
  if (bytes.length > MAX_SHARE_FILE_BYTES) {
    throw new DomainError('SHARE_CORRUPT', `${label} is ${bytes.length} bytes, far larger than a custodian share. Check that you chose the share file.`);
  }
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new DomainError('SHARE_CORRUPT', `${label} is not a custodian share file (not valid JSON). Check that you chose the share file and that it was copied completely.`);
  }
  const parsed = shareSchema.safeParse(json);
  if (!parsed.success) {
    const where = parsed.error.issues[0]?.path.join('.') || '(top level)';
    throw new DomainError('SHARE_CORRUPT', `${label} is damaged or not a custodian share (field ${where}). Ask the custodian for an intact copy.`);
  }
  const { checksum, ...rest } = parsed.data;
  if (checksumOf(rest) !== checksum || rest.threshold > rest.total || rest.index > rest.total) {
    throw new DomainError('SHARE_CORRUPT', `${label} fails its checksum: it was altered or damaged. Ask the custodian for an intact copy.`);
  }
  return parsed.data;
}
