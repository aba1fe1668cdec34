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
/** The rekeyed copy of the database a credential change builds; renamed over DATABASE_FILE at its commit. */
export const NEXT_DATABASE_FILE = 'vault.db.next';
export const HEADER_FORMAT = 'airgap-ca-vault';
/** The version written. Version 1 headers (symmetric slots only) are still read; see "Legacy slots" in key-slots.ts. */
export const HEADER_VERSION = 2;
export const LEGACY_HEADER_VERSION = 1;
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

/** A legacy (version 1) slot: the vault key sealed directly under the slot's secret. */
const symmetricWrapSchema = z.strictObject({ nonce: b64url(12, 12), ciphertext: b64url(48, 48) });
/** A recipient slot: the vault key sealed to the slot's X25519 public key with an ephemeral key. */
const recipientWrapSchema = z.strictObject({ ephemeral: b64url(32, 32), nonce: b64url(12, 12), ciphertext: b64url(48, 48) });
const recipient = b64url(32, 32);

const passphraseFields = {
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
};

const quorumFields = {
  id: slotId,
  type: z.literal('quorum'),
  created: isoTime,
  label: z.string().max(100),
  threshold: z.number().int().min(2).max(255),
  total: z.number().int().min(2).max(255),
  /** SHA-256 of each share, by index-1: names a forged or wrong share instead of failing blindly. */
  shareDigests: z.array(z.string().regex(/^[0-9a-f]{64}$/)).max(255),
};

const quorumConsistent = (s: { threshold: number; total: number; shareDigests: string[] }) => s.threshold <= s.total && s.shareDigests.length === s.total;
const QUORUM_DISAGREES = 'threshold, total and digests disagree';

const passphraseSlotSchema = z.union([
  z.strictObject({ ...passphraseFields, recipient, wrap: recipientWrapSchema }),
  z.strictObject({ ...passphraseFields, wrap: symmetricWrapSchema }),
]);

const quorumSlotSchema = z.union([
  z.strictObject({ ...quorumFields, recipient, wrap: recipientWrapSchema }).refine(quorumConsistent, QUORUM_DISAGREES),
  z.strictObject({ ...quorumFields, wrap: symmetricWrapSchema }).refine(quorumConsistent, QUORUM_DISAGREES),
]);

const slotSchema = z.union([passphraseSlotSchema, quorumSlotSchema]);

const headerSchema = z.strictObject({
  format: z.literal(HEADER_FORMAT),
  version: z.union([z.literal(LEGACY_HEADER_VERSION), z.literal(HEADER_VERSION)]),
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
export type RecipientWrap = z.infer<typeof recipientWrapSchema>;
/** A slot that a rekey can wrap a new vault key to without the slot's credential. */
export type RecipientSlot = Extract<KeySlot, { recipient: string }>;
/** A slot written before recipient slots existed: only its own credential can re-wrap it. */
export type LegacySlot = Exclude<KeySlot, RecipientSlot>;

export function isRecipientSlot(slot: KeySlot): slot is RecipientSlot {
  return 'recipient' in slot;
}
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
  if (
    typeof json === 'object' &&
    json !== null &&
    'format' in json &&
    (json.format !== HEADER_FORMAT || ('version' in json && json.version !== HEADER_VERSION && json.version !== LEGACY_HEADER_VERSION))
  ) {
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
  if (parsed.data.version === LEGACY_HEADER_VERSION && parsed.data.slots.some(isRecipientSlot)) {
    throw new DomainError('HEADER_CORRUPT', 'The vault header says version 1 but holds a slot of a later version. Restore the vault from a backup.');
  }
  if (parsed.data.version === HEADER_VERSION && parsed.data.generation === undefined) {
    throw new DomainError('HEADER_CORRUPT', 'The vault header is damaged (field generation). Restore the vault from a backup.');
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
