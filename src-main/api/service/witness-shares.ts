import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DomainError, isDomainError } from '../../core/errors.ts';
import { readUntrustedFileSync } from '../../core/fs/untrusted-read.ts';
import { MAX_SHARE_FILE_BYTES, parseShareFile, shareDigest, type CustodianShare } from '../../core/vault/custodian-share.ts';
import type { WitnessShares } from '../../core/keys/key-state.ts';
import type { Vault } from '../../core/vault/vault.ts';
import type { QuorumSlot } from '../../core/vault/header.ts';
import type { PresentedWitnessView } from '../contract/vault.ts';

/** Who received each share of a quorum slot, as `vault.share-written` recorded it (the latest record of an index wins). */
export function recordedHolders(vault: Vault, slotId: string): Map<number, string | null> {
  const holders = new Map<number, string | null>();
  for (const e of vault.audit.list({ action: 'vault.share-written' })) {
    const d = e.details as { slot?: unknown; index?: unknown; holder?: unknown };
    if (d.slot !== slotId || typeof d.index !== 'number') continue;
    holders.set(d.index, typeof d.holder === 'string' && d.holder.trim() !== '' ? d.holder : null);
  }
  return holders;
}

/**
 * Custodian shares presented as witnesses: checked against the vault's quorum
 * slot and its key (Vault.proveWitnessShares), then named by their holders.
 * Only index and holder leave here; the share texts are not kept.
 */
export async function proveWitnesses(vault: Vault, shares: ReadonlyArray<{ label: string; content: string }>): Promise<WitnessShares> {
  const proof = await vault.proveWitnessShares(shares);
  const holders = recordedHolders(vault, proof.slotId);
  return { slotId: proof.slotId, threshold: proof.threshold, total: proof.total, shares: proof.indexes.map((index) => ({ index, holder: holders.get(index) ?? null })) };
}

export function quorumSlots(vault: Vault): QuorumSlot[] {
  return vault.header.slots.filter((s): s is QuorumSlot => s.type === 'quorum');
}

/** How many shares the vault's quorum needs, for the messages ("2 custodian shares"). */
function needed(vault: Vault): string {
  const k = [...new Set(quorumSlots(vault).map((s) => s.threshold))].sort((a, b) => a - b);
  return k.length === 0 ? 'custodian shares' : `${k.join(' or ')} custodian shares`;
}

/**
 * The witnesses' shares of an emergency rotation: checked when given; when the
 * vault requires them (settings.emergencyWitnessShares) and none were given,
 * refused with WITNESS_SHARES_REQUIRED before anything changes.
 */
export async function emergencyWitnessShares(
  vault: Vault,
  input: { emergency: boolean; witnessShares?: Array<{ label: string; content: string }> | undefined },
  required: boolean,
): Promise<WitnessShares | null> {
  if (!input.emergency) {
    if (input.witnessShares) throw new DomainError('INVALID_INPUT', 'Custodian shares witness an emergency rotation only (--emergency); a routine activation takes none. Nothing was changed.');
    return null;
  }
  if (!input.witnessShares) {
    if (!required) return null;
    throw new DomainError(
      'WITNESS_SHARES_REQUIRED',
      `This vault requires ${needed(vault)} as the witnesses' proof for an emergency rotation: have the custodians present their shares (--witness-share FILE, once per share; in the console, "Confirm with custodian shares"). Nothing was changed.`,
    );
  }
  return proveWitnesses(vault, input.witnessShares);
}

/** The rule is kept while it is on: the last quorum slot cannot go (no share could witness an emergency any more). */
export function refuseRemovingLastQuorum(vault: Vault, slotId: string, required: boolean): void {
  if (!required) return;
  const quorums = quorumSlots(vault);
  if (quorums.length === 1 && quorums[0]!.id === slotId) {
    throw new DomainError(
      'WITNESS_SHARES_REQUIRED',
      `Key slot ${slotId} is the vault's only custodian quorum, and emergency rotations require its shares as the witnesses' proof: without it none could happen. Turn the rule off first (with the custodians' shares: "vault emergency-witnesses --optional --witness-share FILE…"), or add another quorum slot. Nothing was changed.`,
    );
  }
}

/** A custodian share file as the delivery names it: `airgap-ca-<vault, 8>-<slot>-share-<i>-of-<n>.json`. */
const SHARE_FILE = /^airgap-ca-[0-9a-f]{8}-[a-z0-9-]+-share-\d+-of-\d+\.json$/;


interface Presented {
  index: number;
  holder: string | null;
  dir: string;
  label: string;
  /** The share file's bytes; zeroed when the shares are used or given up. */
  bytes: Buffer;
}

/**
 * Witness shares the console reads one medium at a time (vault.presentWitnessShare),
 * held in the main process until the emergency activation uses them, the
 * officer drops them, or the vault locks: the renderer sees index, holder and
 * folder only. Each share is checked on its own as it is presented (this
 * vault, a current quorum slot, the share issued for its index, not presented
 * before, not from a folder already used); the activation checks them all
 * again and combines them.
 */
export class PresentedWitnessShares {
  private readonly shares: Presented[] = [];

  view(): PresentedWitnessView | null {
    return this.slot ? { slotId: this.slot.id, threshold: this.slot.threshold, total: this.slot.total, shares: this.shares.map(({ index, holder, dir }) => ({ index, holder, dir })) } : null;
  }

  private slot: QuorumSlot | null = null;

  present(vault: Vault, dir: string): PresentedWitnessView {
    const target = resolve(dir);
    const earlier = this.shares.find((s) => s.dir === target);
    if (earlier) {
      throw new DomainError('WITNESS_SHARE_DUPLICATE', `${target} is where share ${earlier.index} was read from. Each custodian presents their own medium: eject that one and insert the next custodian's.`);
    }
    let names: string[];
    try {
      names = readdirSync(target).filter((f) => SHARE_FILE.test(f));
    } catch (e) {
      throw new DomainError('WITNESS_SHARE_INVALID', `${target} cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'}). Check that the custodian's medium is mounted there.`);
    }
    if (names.length === 0) throw new DomainError('WITNESS_SHARE_INVALID', `${target} holds no custodian share file (airgap-ca-…-share-I-of-N.json). Check that this is the custodian's medium and folder.`);
    if (names.length > 1) {
      throw new DomainError('WITNESS_SHARE_INVALID', `${target} holds ${names.length} custodian share files (${names.join(', ')}); a custodian's medium holds their one share. Present each share from its own medium.`);
    }
    const file = join(target, names[0]!);
    let bytes: Buffer;
    try {
      bytes = readUntrustedFileSync(file, { maxBytes: MAX_SHARE_FILE_BYTES, what: 'share' });
    } catch (e) {
      throw new DomainError('WITNESS_SHARE_INVALID', `Cannot read the share file ${file} (${isDomainError(e) ? e.message : ((e as NodeJS.ErrnoException).code ?? 'error')}).`);
    }
    try {
      const share = this.check(vault, bytes, file);
      this.shares.push({ index: share.index, holder: recordedHolders(vault, share.slotId).get(share.index) ?? null, dir: target, label: file, bytes });
    } catch (e) {
      bytes.fill(0);
      throw e;
    }
    return this.view()!;
  }

  /** One share on its own, as an unlock checks it, against the shares presented before. */
  private check(vault: Vault, bytes: Buffer, file: string): CustodianShare {
    let share: CustodianShare;
    try {
      share = parseShareFile(bytes, file);
    } catch (e) {
      throw new DomainError('WITNESS_SHARE_INVALID', isDomainError(e) ? e.message : `${file} is not a custodian share.`);
    }
    if (share.vaultId !== vault.id) throw new DomainError('WITNESS_SHARE_WRONG_VAULT', `${file} belongs to another vault (${share.vaultId}), not to ${vault.id}. Ask the custodians of this vault for their shares.`);
    const slot = quorumSlots(vault).find((s) => s.id === share.slotId);
    if (!slot) throw new DomainError('WITNESS_SHARE_INVALID', `${file} is for key slot ${share.slotId}, which this vault no longer has (it was removed or replaced): it witnesses nothing.`);
    if (this.slot && this.slot.id !== slot.id) {
      throw new DomainError('WITNESS_SHARE_INVALID', `${file} is of quorum slot ${slot.id}, but the shares presented so far are of ${this.slot.id}. Present shares of one quorum only.`);
    }
    const digest = shareDigest(Buffer.from(share.share, 'base64url'));
    if (slot.shareDigests[share.index - 1] !== digest) {
      throw new DomainError('WITNESS_SHARE_INVALID', `${file} claims to be share ${share.index} of this vault but is not the share that was issued. It was forged or belongs to a replaced set.`);
    }
    const same = this.shares.find((s) => s.index === share.index);
    if (same) throw new DomainError('WITNESS_SHARE_DUPLICATE', `${file} is share ${share.index}, which was already presented from ${same.dir}. Each custodian's share counts once.`);
    this.slot = slot;
    return share;
  }

  /** The shares for the activation (as texts), after which they are given up. */
  inputs(): Array<{ label: string; content: string }> {
    return this.shares.map((s) => ({ label: s.label, content: s.bytes.toString('utf8') }));
  }

  clear(): void {
    for (const s of this.shares) s.bytes.fill(0);
    this.shares.length = 0;
    this.slot = null;
  }
}
