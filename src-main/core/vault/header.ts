import canonicalize from 'canonicalize';
import { z } from 'zod';
import { DomainError } from '../errors.ts';
import { KDF_LIMITS, OWASP_MINIMUM } from './kdf.ts';
import { constantTimeEqual, deriveSubkey, hmac } from './subkeys.ts';

/**
 * The key-slot header beside the encrypted database, like a LUKS header: it
 * names the vault, commits to the vault key, and holds the slots that wrap
 * that key. It is untrusted input until its MAC is checked with the unwrapped
 * key, so parsing is strict and bounded.
 */
export const HEADER_FILE = 'vault-header.json';
/** The next header, written in full before a slot change commits and renamed over HEADER_FILE after. */
export const PENDING_HEADER_FILE = 'vault-header.next.json';
export const DATABASE_FILE = 'vault.db';
export const HEADER_FORMAT = 'airgap-ca-vault';
export const HEADER_VERSION = 1;
export const MAX_HEADER_BYTES = 256 * 1024;

const b64url = (min: number, max: number) =>
  z
    .string()
    .regex(/^[A-Za-z0-9_-]*$/, 'not base64url')
    .refine((s) => {
      const n = Buffer.from(s, 'base64url').length;
      return n >= min && n <= max;
    }, 'wrong length');
const isoTime = z.iso.datetime();
const slotId = z.string().regex(/^[a-z0-9-]{4,64}$/);

const wrapSchema = z.strictObject({ nonce: b64url(12, 12), ciphertext: b64url(48, 48) });

const passphraseSlotSchema = z.strictObject({
  id: slotId,
  type: z.literal('passphrase'),
  created: isoTime,
  label: z.string().max(100),
  kdf: z.strictObject({
    name: z.literal('argon2id'),
    memoryKiB: z.number().int().min(OWASP_MINIMUM.memoryKiB).max(KDF_LIMITS.maxMemoryKiB),
    passes: z.number().int().min(OWASP_MINIMUM.passes).max(KDF_LIMITS.maxPasses),
    parallelism: z.number().int().min(1).max(KDF_LIMITS.maxParallelism),
    salt: b64url(16, 64),
  }),
  wrap: wrapSchema,
});

const quorumSlotSchema = z
  .strictObject({
    id: slotId,
    type: z.literal('quorum'),
    created: isoTime,
    label: z.string().max(100),
    threshold: z.number().int().min(2).max(255),
    total: z.number().int().min(2).max(255),
    /** SHA-256 of each share, by index-1: names a forged or wrong share instead of failing blindly. */
    shareDigests: z.array(z.string().regex(/^[0-9a-f]{64}$/)).max(255),
    wrap: wrapSchema,
  })
  .refine((s) => s.threshold <= s.total && s.shareDigests.length === s.total, 'threshold, total and digests disagree');

const slotSchema = z.union([passphraseSlotSchema, quorumSlotSchema]);

const headerSchema = z.strictObject({
  format: z.literal(HEADER_FORMAT),
  version: z.literal(HEADER_VERSION),
  vaultId: z.uuid(),
  created: isoTime,
  database: z.strictObject({ file: z.literal(DATABASE_FILE), cipher: z.literal('chacha20') }),
  keyCommitment: b64url(32, 32),
  /**
   * Counts the header's slot changes; the database holds the same number, so a
   * header put back from a copy (with a credential that was changed or removed
   * since) is recognised. Absent in headers written before it existed: 0.
   */
  generation: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  slots: z.array(slotSchema).min(1).max(32),
  mac: b64url(32, 32),
});

export type VaultHeader = z.infer<typeof headerSchema>;
export type KeySlot = z.infer<typeof slotSchema>;
export type PassphraseSlot = z.infer<typeof passphraseSlotSchema>;
export type QuorumSlot = z.infer<typeof quorumSlotSchema>;
export type UnsignedHeader = Omit<VaultHeader, 'mac'>;

export function parseHeader(bytes: Uint8Array): VaultHeader {
  if (bytes.length > MAX_HEADER_BYTES) {
    throw new DomainError('HEADER_CORRUPT', `The vault header is ${bytes.length} bytes, more than a header can be. Restore the vault from a backup.`);
  }
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    throw new DomainError('HEADER_CORRUPT', 'The vault header is not valid JSON: it is damaged. Restore the vault from a backup.');
  }
  if (typeof json === 'object' && json !== null && 'format' in json && (json.format !== HEADER_FORMAT || ('version' in json && json.version !== HEADER_VERSION))) {
    if (json.format === HEADER_FORMAT) {
      throw new DomainError('UNSUPPORTED_FORMAT', `This vault was written by a newer format version (${String((json as { version?: unknown }).version)}). Open it with the version of Airgap CA that created it.`);
    }
    throw new DomainError('HEADER_CORRUPT', 'The vault header is not an Airgap CA vault header. Check the --vault folder.');
  }
  const parsed = headerSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? issue.path.join('.') || '(top level)' : '(unknown)';
    throw new DomainError('HEADER_CORRUPT', `The vault header is damaged (field ${where}). Restore the vault from a backup.`, parsed.error.message);
  }
  const ids = new Set(parsed.data.slots.map((s) => s.id));
  if (ids.size !== parsed.data.slots.length) {
    throw new DomainError('HEADER_CORRUPT', 'The vault header lists a key slot twice. Restore the vault from a backup.');
  }
  return parsed.data;
}

function macOf(header: UnsignedHeader, vaultKey: Uint8Array): string {
  return hmac(deriveSubkey(vaultKey, 'header-mac'), canonicalize(header) ?? '').toString('base64url');
}

export function signHeader(header: UnsignedHeader, vaultKey: Uint8Array): VaultHeader {
  return { ...header, mac: macOf(header, vaultKey) };
}

/** After unlocking: any change to any field of the header (a slot added, a cost lowered) is tampering. */
export function verifyHeaderMac(header: VaultHeader, vaultKey: Uint8Array): void {
  const { mac, ...rest } = header;
  if (!constantTimeEqual(mac, macOf(rest, vaultKey))) {
    throw new DomainError('HEADER_TAMPERED', 'The vault header was changed outside Airgap CA (its MAC does not match). Do not use this vault; restore it from a backup and investigate.');
  }
}

export function serializeHeader(header: VaultHeader): Buffer {
  return Buffer.from(JSON.stringify(header, null, 2) + '\n', 'utf8');
}

/** Associated data binding a slot's wrapped key to the vault and to every parameter of the slot. */
export function slotAad(vaultId: string, slot: KeySlot): Buffer {
  const { wrap: _wrap, ...params } = slot;
  return Buffer.from(canonicalize({ vaultId, slot: params }) ?? '', 'utf8');
}
