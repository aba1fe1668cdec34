import { randomBytes, randomUUID } from 'node:crypto';
import { combine, split } from 'shamir-secret-sharing';
import { DomainError } from '../errors.ts';
import { open, seal } from './aead.ts';
import { makeShareFile, parseShareFile, shareDigest, type CustodianShare } from './custodian-share.ts';
import { deriveKek, newKdfParams, type KdfCost } from './kdf.ts';
import { slotAad, type KeySlot, type PassphraseSlot, type QuorumSlot, type VaultHeader } from './header.ts';
import { VAULT_KEY_BYTES } from './subkeys.ts';

function newSlotId(): string {
  return randomUUID().slice(0, 8);
}

function wrapInto<S extends KeySlot>(slotWithoutWrap: Omit<S, 'wrap'>, vaultId: string, kek: Uint8Array, vaultKey: Uint8Array): S {
  const placeholder = { ...slotWithoutWrap, wrap: { nonce: '', ciphertext: '' } } as S;
  const sealed = seal(kek, vaultKey, slotAad(vaultId, placeholder));
  return { ...slotWithoutWrap, wrap: { nonce: sealed.nonce.toString('base64url'), ciphertext: sealed.ciphertext.toString('base64url') } } as S;
}

function unwrapWith(slot: KeySlot, vaultId: string, kek: Uint8Array): Buffer | null {
  const key = open(kek, { nonce: Buffer.from(slot.wrap.nonce, 'base64url'), ciphertext: Buffer.from(slot.wrap.ciphertext, 'base64url') }, slotAad(vaultId, slot));
  return key && key.length === VAULT_KEY_BYTES ? key : null;
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
  const base: Omit<PassphraseSlot, 'wrap'> = { id: newSlotId(), type: 'passphrase', created: args.now.toISOString(), label: args.label, kdf };
  const kek = await deriveKek(args.passphrase, kdf);
  try {
    return wrapInto<PassphraseSlot>(base, args.vaultId, kek, args.vaultKey);
  } finally {
    kek.fill(0);
  }
}

/** Tries every passphrase slot; null when none opens (wrong passphrase, or the slot's parameters were altered). */
export async function unlockWithPassphrase(header: VaultHeader, passphrase: string): Promise<Buffer | null> {
  for (const slot of header.slots) {
    if (slot.type !== 'passphrase') continue;
    const kek = await deriveKek(passphrase, slot.kdf);
    const key = unwrapWith(slot, header.vaultId, kek);
    kek.fill(0);
    if (key) return key;
  }
  return null;
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
  const kek = randomBytes(32);
  // The library checks for a plain Uint8Array, not a Buffer.
  const kekCopy = new Uint8Array(kek);
  const shares = await split(kekCopy, total, threshold);
  kekCopy.fill(0);
  const id = newSlotId();
  const base: Omit<QuorumSlot, 'wrap'> = {
    id,
    type: 'quorum',
    created: args.now.toISOString(),
    label: args.label,
    threshold,
    total,
    shareDigests: shares.map(shareDigest),
  };
  const slot = wrapInto<QuorumSlot>(base, args.vaultId, kek, args.vaultKey);
  const shareFiles = shares.map((s, i) =>
    makeShareFile({ vaultId: args.vaultId, slotId: id, threshold, total, index: i + 1, share: Buffer.from(s).toString('base64url') }),
  );
  // The share files (strings) are what leaves; the raw shares and the key they split are done with.
  kek.fill(0);
  for (const s of shares) s.fill(0);
  return { slot, shareFiles };
}

/**
 * Reconstructs the vault key from custodian share files. Every share is checked
 * on its own first (format, checksum, vault, slot, digest), so the error names
 * the share at fault; only then are they combined and the result verified.
 */
export async function unlockWithShares(header: VaultHeader, shareTexts: ReadonlyArray<{ label: string; content: string | Uint8Array }>): Promise<Buffer> {
  const quorumSlots = header.slots.filter((s): s is QuorumSlot => s.type === 'quorum');
  if (quorumSlots.length === 0) {
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
  const kek = Buffer.from(combined);
  const key = unwrapWith(slot, header.vaultId, kek);
  for (const r of raw) r.fill(0);
  combined.fill(0);
  kek.fill(0);
  if (!key) {
    throw new DomainError('HEADER_TAMPERED', 'The shares are genuine but do not open their key slot: the vault header was altered. Restore the vault from a backup and investigate.');
  }
  return key;
}
