import { createPrivateKey, createPublicKey, diffieHellman, generateKeyPairSync, hkdfSync, randomBytes, randomUUID, timingSafeEqual, type KeyObject } from 'node:crypto';
import { combine, split } from 'shamir-secret-sharing';
import { DomainError } from '../errors.ts';
import { open, seal } from './aead.ts';
import { makeShareFile, parseShareFile, shareDigest, type CustodianShare } from './custodian-share.ts';
import { deriveKek, newKdfParams, type KdfCost } from './kdf.ts';
import { isRecipientSlot, slotAad, type KeySlot, type LegacySlot, type PassphraseSlot, type QuorumSlot, type RecipientSlot, type VaultHeader } from './header.ts';
import { VAULT_KEY_BYTES } from './subkeys.ts';

/**
 * Key slots are X25519 recipients. A slot's secret (the Argon2id output of its
 * passphrase, or the secret its custodians' shares combine to) yields an X25519
 * private key (HKDF-SHA256); the header stores the public key, and the vault
 * key is sealed to it with an ephemeral X25519 key: HKDF-SHA256 over the shared
 * secret (salt: ephemeral and recipient public keys) gives an AES-256-GCM key,
 * the slot's parameters are the associated data. Wrapping needs only the
 * public key, so a rekey carries a new vault key to every remaining slot
 * without their passphrases or shares.
 *
 * Legacy slots (header version 1) seal the vault key directly under the
 * secret; only the secret can re-wrap them, so a slot is converted to a
 * recipient slot when it is used to unlock (same id, label and parameters).
 */
const PKCS8_X25519_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');
const SPKI_X25519_PREFIX = Buffer.from('302a300506032b656e032100', 'hex');

function newSlotId(): string {
  return randomUUID().slice(0, 8);
}

function slotPrivateKey(secret: Uint8Array): KeyObject {
  const seed = Buffer.from(hkdfSync('sha256', secret, new Uint8Array(0), 'airgap-ca/v2/slot-x25519', 32));
  const der = Buffer.concat([PKCS8_X25519_PREFIX, seed]);
  try {
    return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  } finally {
    seed.fill(0);
    der.fill(0);
  }
}

function rawPublicKey(key: KeyObject): Buffer {
  return (createPublicKey(key).export({ format: 'der', type: 'spki' }) as Buffer).subarray(SPKI_X25519_PREFIX.length);
}

function publicKeyFromRaw(raw: Uint8Array): KeyObject {
  return createPublicKey({ key: Buffer.concat([SPKI_X25519_PREFIX, raw]), format: 'der', type: 'spki' });
}

/** The recipient (public key) a slot secret stands for, as the header stores it. */
export function recipientOf(secret: Uint8Array): string {
  return rawPublicKey(slotPrivateKey(secret)).toString('base64url');
}

/** HKDF over the X25519 shared secret; null for a low-order point (an all-zero secret, RFC 7748 6.1). */
function sharedWrapKey(privateKey: KeyObject, publicKey: KeyObject, ephemeral: Uint8Array, recipient: Uint8Array): Buffer | null {
  let shared: Buffer;
  try {
    shared = diffieHellman({ privateKey, publicKey });
  } catch {
    return null;
  }
  const zero = shared.every((b) => b === 0);
  const key = zero ? null : Buffer.from(hkdfSync('sha256', shared, Buffer.concat([ephemeral, recipient]), 'airgap-ca/v2/slot-wrap', 32));
  shared.fill(0);
  return key;
}

/** Seals the vault key to the slot's recipient: what a rekey does for every remaining slot. */
export function wrapToRecipient<S extends RecipientSlot>(slotWithoutWrap: Omit<S, 'wrap'>, vaultId: string, vaultKey: Uint8Array): S {
  const recipient = Buffer.from(slotWithoutWrap.recipient, 'base64url');
  const eph = generateKeyPairSync('x25519');
  const ephemeral = rawPublicKey(eph.privateKey);
  const kek = sharedWrapKey(eph.privateKey, publicKeyFromRaw(recipient), ephemeral, recipient);
  if (!kek) {
    throw new DomainError('HEADER_TAMPERED', `Key slot ${slotWithoutWrap.id} names a public key nothing can be sealed to: the vault header was altered. Restore the vault from a backup and investigate.`);
  }
  const placeholder = { ...slotWithoutWrap, wrap: { ephemeral: '', nonce: '', ciphertext: '' } } as S;
  const sealed = seal(kek, vaultKey, slotAad(vaultId, placeholder));
  kek.fill(0);
  return {
    ...slotWithoutWrap,
    wrap: { ephemeral: ephemeral.toString('base64url'), nonce: sealed.nonce.toString('base64url'), ciphertext: sealed.ciphertext.toString('base64url') },
  } as S;
}

function unwrapRecipient(slot: RecipientSlot, vaultId: string, secret: Uint8Array): Buffer | null {
  const privateKey = slotPrivateKey(secret);
  const recipient = Buffer.from(slot.recipient, 'base64url');
  // The wrong secret yields another public key: refused before any sealed data is touched.
  if (!rawPublicKey(privateKey).equals(recipient)) return null;
  const ephemeral = Buffer.from(slot.wrap.ephemeral, 'base64url');
  let ephemeralKey: KeyObject;
  try {
    ephemeralKey = publicKeyFromRaw(ephemeral);
  } catch {
    return null;
  }
  const kek = sharedWrapKey(privateKey, ephemeralKey, ephemeral, recipient);
  if (!kek) return null;
  const key = open(kek, { nonce: Buffer.from(slot.wrap.nonce, 'base64url'), ciphertext: Buffer.from(slot.wrap.ciphertext, 'base64url') }, slotAad(vaultId, slot));
  kek.fill(0);
  return key && key.length === VAULT_KEY_BYTES ? key : null;
}

function unwrapLegacy(slot: LegacySlot, vaultId: string, kek: Uint8Array): Buffer | null {
  const key = open(kek, { nonce: Buffer.from(slot.wrap.nonce, 'base64url'), ciphertext: Buffer.from(slot.wrap.ciphertext, 'base64url') }, slotAad(vaultId, slot));
  return key && key.length === VAULT_KEY_BYTES ? key : null;
}

/** What a slot's secret opens: the vault key, and for a legacy slot the recipient slot it becomes. */
export interface SlotUnlock {
  key: Buffer;
  slotId: string;
  /** Set for a legacy slot: the same slot as a recipient of the same vault key, to be written to the header. */
  upgraded: RecipientSlot | null;
}

function unlockSlot(slot: KeySlot, vaultId: string, secret: Uint8Array): SlotUnlock | null {
  if (isRecipientSlot(slot)) {
    const key = unwrapRecipient(slot, vaultId, secret);
    return key ? { key, slotId: slot.id, upgraded: null } : null;
  }
  const key = unwrapLegacy(slot, vaultId, secret);
  if (!key) return null;
  const { wrap: _wrap, ...params } = slot;
  const upgraded = wrapToRecipient<RecipientSlot>({ ...params, recipient: recipientOf(secret) } as Omit<RecipientSlot, 'wrap'>, vaultId, key);
  return { key, slotId: slot.id, upgraded };
}

/**
 * The slot as a recipient of a new vault key (a rekey). A legacy slot cannot
 * be carried over without its credential: refused, naming the slot.
 */
export function rewrapSlot(slot: KeySlot, vaultId: string, newVaultKey: Uint8Array): RecipientSlot {
  if (!isRecipientSlot(slot)) {
    const how = slot.type === 'passphrase' ? 'its passphrase' : "its custodians' shares";
    throw new DomainError(
      'SLOT_NEEDS_UPGRADE',
      `Key slot ${slot.id} (${slot.type}, "${slot.label}") is in the format from before rekeying and cannot be given the new vault key without its credential. Unlock once with ${how} (that converts the slot), or remove it with "vault remove-slot ${slot.id}", then make this change again. The change was not made.`,
    );
  }
  const { wrap: _wrap, ...params } = slot;
  return wrapToRecipient<RecipientSlot>(params, vaultId, newVaultKey);
}

export async function createPassphraseSlot(args: {
  vaultId: string;
  vaultKey: Uint8Array;
  passphrase: string;
  cost?: KdfCost;
  label: string;
  now: Date;
}): Promise<PassphraseSlot> {
  const kdf = newKdfParams(args.cost);
  const kek = await deriveKek(args.passphrase, kdf);
  try {
    const base = { id: newSlotId(), type: 'passphrase' as const, created: args.now.toISOString(), label: args.label, kdf, recipient: recipientOf(kek) };
    return wrapToRecipient<Extract<PassphraseSlot, RecipientSlot>>(base, args.vaultId, args.vaultKey);
  } finally {
    kek.fill(0);
  }
}

/** Tries one passphrase slot; null when it does not open (wrong passphrase, or the slot's parameters were altered). */
export async function unlockPassphraseSlot(vaultId: string, slot: PassphraseSlot, passphrase: string): Promise<SlotUnlock | null> {
  const kek = await deriveKek(passphrase, slot.kdf);
  try {
    return unlockSlot(slot, vaultId, kek);
  } finally {
    kek.fill(0);
  }
}

export async function createQuorumSlot(args: {
  vaultId: string;
  vaultKey: Uint8Array;
  threshold: number;
  total: number;
  label: string;
  now: Date;
}): Promise<{ slot: QuorumSlot; shareFiles: string[] }> {
  const { threshold, total } = args;
  if (!Number.isInteger(threshold) || !Number.isInteger(total) || threshold < 2 || total < threshold || total > 255) {
    throw new DomainError('INVALID_INPUT', `A quorum must be K of N with 2 <= K <= N <= 255; got ${threshold} of ${total}.`);
  }
  const secret = randomBytes(32);
  // The library checks for a plain Uint8Array, not a Buffer.
  const secretCopy = new Uint8Array(secret);
  const shares = await split(secretCopy, total, threshold);
  secretCopy.fill(0);
  const id = newSlotId();
  const base = {
    id,
    type: 'quorum' as const,
    created: args.now.toISOString(),
    label: args.label,
    threshold,
    total,
    shareDigests: shares.map(shareDigest),
    recipient: recipientOf(secret),
  };
  const slot = wrapToRecipient<Extract<QuorumSlot, RecipientSlot>>(base, args.vaultId, args.vaultKey);
  const shareFiles = shares.map((s, i) =>
    makeShareFile({ vaultId: args.vaultId, slotId: id, threshold, total, index: i + 1, share: Buffer.from(s).toString('base64url') }),
  );
  // The share files (strings) are what leaves; the raw shares and the secret they split are done with.
  secret.fill(0);
  for (const s of shares) s.fill(0);
  return { slot, shareFiles };
}

function parsedOrNull(s: { label: string; content: string | Uint8Array }): CustodianShare | null {
  try {
    return parseShareFile(s.content, s.label);
  } catch {
    return null;
  }
}

/**
 * Reconstructs the vault key from custodian share files. Every share is checked
 * on its own first (format, checksum, vault, slot, digest), so the error names
 * the share at fault; only then are they combined and the result verified.
 */
export async function unlockWithShares(header: VaultHeader, shareTexts: ReadonlyArray<{ label: string; content: string | Uint8Array }>): Promise<SlotUnlock> {
  const quorumSlots = header.slots.filter((s): s is QuorumSlot => s.type === 'quorum');
  if (quorumSlots.length === 0) {
    const first = shareTexts[0];
    const share = first ? parsedOrNull(first) : null;
    if (share && first && share.vaultId === header.vaultId) {
      throw new DomainError('SHARE_MISMATCH', `${first.label} is for key slot ${share.slotId}, which this vault no longer has (it was removed): these shares open nothing of the vault. Unlock it with its passphrase.`);
    }
    throw new DomainError('WRONG_PASSPHRASE', 'This vault has no custodian quorum slot: unlock it with its passphrase.');
  }
  const parsed: Array<{ label: string; share: CustodianShare }> = shareTexts.map((s) => ({ label: s.label, share: parseShareFile(s.content, s.label) }));
  if (parsed.length === 0) {
    const k = quorumSlots[0]?.threshold ?? 2;
    throw new DomainError('NOT_ENOUGH_SHARES', `No custodian shares were given; ${k} are needed.`);
  }
  for (const { label, share } of parsed) {
    if (share.vaultId !== header.vaultId) {
      throw new DomainError('SHARE_WRONG_VAULT', `${label} belongs to another vault (${share.vaultId}), not to ${header.vaultId}. Ask the custodians of this vault for their shares.`);
    }
  }
  const first = parsed[0]!;
  const slot = quorumSlots.find((s) => s.id === first.share.slotId);
  if (!slot) {
    throw new DomainError('SHARE_MISMATCH', `${first.label} is for key slot ${first.share.slotId}, which this vault no longer has (it was removed). Use shares of a current quorum slot.`);
  }
  const seen = new Map<number, string>();
  const seenBytes = new Map<string, string>();
  for (const { label, share } of parsed) {
    if (share.slotId !== slot.id) {
      throw new DomainError('SHARE_MISMATCH', `${label} is from a different share set than ${first.label} (slot ${share.slotId}, not ${slot.id}). Use shares from one set only.`);
    }
    if (share.threshold !== slot.threshold || share.total !== slot.total) {
      // The share's own checksum held, so the header's quorum changed: tampering, not a custodian's mistake.
      throw new DomainError('HEADER_TAMPERED', `${label} is for a ${share.threshold}-of-${share.total} quorum, but the vault header now says ${slot.threshold} of ${slot.total}: the header was altered. Restore the vault from a backup and investigate.`);
    }
    const earlier = seen.get(share.index);
    if (earlier !== undefined) {
      throw new DomainError('SHARE_DUPLICATE', `${label} is share ${share.index}, which was already given as ${earlier}. Each custodian's share counts once.`);
    }
    const bytes = Buffer.from(share.share, 'base64url');
    const digest = shareDigest(bytes);
    const sameBytes = seenBytes.get(digest);
    if (sameBytes !== undefined) {
      throw new DomainError('SHARE_DUPLICATE', `${label} is a copy of ${sameBytes}. Each custodian's share counts once.`);
    }
    if (slot.shareDigests[share.index - 1] !== digest) {
      throw new DomainError('SHARE_CORRUPT', `${label} claims to be share ${share.index} of this vault but is not the share that was issued. It was forged or belongs to a replaced set.`);
    }
    seen.set(share.index, label);
    seenBytes.set(digest, label);
  }
  if (parsed.length < slot.threshold) {
    const missing = slot.threshold - parsed.length;
    throw new DomainError('NOT_ENOUGH_SHARES', `${parsed.length} of the ${slot.threshold} custodian shares needed were given; ${missing} more ${missing === 1 ? 'is' : 'are'} needed.`);
  }
  const raw = parsed.slice(0, slot.threshold).map((p) => new Uint8Array(Buffer.from(p.share.share, 'base64url')));
  const combined = await combine(raw);
  const secret = Buffer.from(combined);
  const unlocked = unlockSlot(slot, header.vaultId, secret);
  for (const r of raw) r.fill(0);
  combined.fill(0);
  secret.fill(0);
  if (!unlocked) {
    throw new DomainError('HEADER_TAMPERED', 'The shares are genuine but do not open their key slot: the vault header was altered. Restore the vault from a backup and investigate.');
  }
  return unlocked;
}

/** What k custodian shares presented as an emergency's witnesses proved: which quorum slot, and which shares. */
export interface WitnessShareProof {
  slotId: string;
  threshold: number;
  total: number;
  /** The indexes of the shares presented, in the order given. */
  indexes: number[];
}

const WITNESS_CODES = {
  NOT_ENOUGH_SHARES: 'WITNESS_SHARES_TOO_FEW',
  SHARE_WRONG_VAULT: 'WITNESS_SHARE_WRONG_VAULT',
  SHARE_DUPLICATE: 'WITNESS_SHARE_DUPLICATE',
  SHARE_CORRUPT: 'WITNESS_SHARE_INVALID',
  SHARE_MISMATCH: 'WITNESS_SHARE_INVALID',
} as const;

/**
 * Custodian shares presented by witnesses in an open vault: each is checked
 * exactly as an unlock checks it (format, checksum, vault, slot, the digest
 * the header holds for its index, no share twice, at least k), then they are
 * combined and must open their slot to this vault's own key — so only
 * genuine shares of a current quorum pass, never a copy typed or made up.
 * The decoded shares, the secret and the key it opens are zeroed here; the
 * caller gets only which slot and which indexes. The unlock errors come back
 * under the WITNESS_* codes (the vault stays open: nothing is locked).
 */
export async function proveWitnessShares(header: VaultHeader, vaultKey: Uint8Array, shareTexts: ReadonlyArray<{ label: string; content: string | Uint8Array }>): Promise<WitnessShareProof> {
  const quorumSlots = header.slots.filter((s): s is QuorumSlot => s.type === 'quorum');
  if (quorumSlots.length === 0) {
    throw new DomainError('WITNESS_SHARE_INVALID', 'This vault has no custodian quorum slot, so no share can witness this step: name the witnesses instead. Nothing was changed.');
  }
  let opened: SlotUnlock;
  try {
    opened = await unlockWithShares(header, shareTexts);
  } catch (e) {
    if (e instanceof DomainError && e.code in WITNESS_CODES) {
      throw new DomainError(WITNESS_CODES[e.code as keyof typeof WITNESS_CODES], `${e.message} Nothing was changed.`);
    }
    throw e;
  }
  const same = opened.key.length === vaultKey.length && timingSafeEqual(opened.key, vaultKey);
  opened.key.fill(0);
  if (!same) {
    throw new DomainError('HEADER_TAMPERED', 'The shares open their key slot but not to the key of the open vault: the vault header was altered. Lock the vault, restore it from a backup and investigate. Nothing was changed.');
  }
  const parsed = shareTexts.map((s) => parseShareFile(s.content, s.label));
  const slot = quorumSlots.find((s) => s.id === parsed[0]!.slotId)!;
  return { slotId: slot.id, threshold: slot.threshold, total: slot.total, indexes: parsed.map((p) => p.index) };
}
