import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DomainError, isDomainError } from '../../core/errors.ts';
import { writeFileDurably } from '../../core/fs/durable-write.ts';
import { parseShareFile } from '../../core/vault/custodian-share.ts';
import type { Vault } from '../../core/vault/vault.ts';
import type { HeldSharesView, SharesReleased } from '../contract/vault.ts';

/** The file name of share `index` of a slot: the same on every medium, so a custodian's file says which share it is. */
export function shareFileName(vaultId: string, slotId: string, index: number, total: number): string {
  return `airgap-ca-${vaultId.slice(0, 8)}-${slotId}-share-${index}-of-${total}.json`;
}

interface Held {
  index: number;
  holder: string | null;
  /** The share file's text; zeroed once written or given up. */
  bytes: Buffer;
  file: string | null;
  dir: string | null;
}

/**
 * A new quorum's share files, held in the main process between their creation
 * and their delivery one medium at a time (docs/architecture.md, "Custodian
 * shares, one medium each"). The renderer and the CLI's output only ever see
 * the view: index, holder, where it was written. A share's bytes are zeroed
 * as soon as it is written and verified, and all of them when the officer
 * ends the delivery, when the vault locks or another vault is opened.
 */
export class HeldShares {
  private readonly shares: Held[];
  readonly vaultId: string;
  readonly slotId: string;
  readonly threshold: number;
  readonly total: number;

  constructor(vaultId: string, slotId: string, threshold: number, total: number, files: readonly string[], holders: readonly string[] | undefined) {
    this.vaultId = vaultId;
    this.slotId = slotId;
    this.threshold = threshold;
    this.total = total;
    this.shares = files.map((text, i) => ({ index: i + 1, holder: holders?.[i] ?? null, bytes: Buffer.from(text, 'utf8'), file: null, dir: null }));
  }

  view(): HeldSharesView {
    return {
      slotId: this.slotId,
      threshold: this.threshold,
      total: this.total,
      shares: this.shares.map((s) => ({ index: s.index, holder: s.holder, written: s.file !== null, file: s.file })),
    };
  }

  private who(s: Held): string {
    return `share ${s.index} of ${this.total}${s.holder ? ` (holder ${s.holder})` : ''}`;
  }

  /**
   * Writes share `index` into `dir` (never over a file), reads it back and
   * checks it is the same share, then records `vault.share-written` with the
   * holder's name (never the share). Refused when the folder already holds
   * another share of this slot, or is where an earlier share went: each share
   * goes to its own medium.
   */
  write(vault: Vault, actor: string, index: number, dir: string): { file: string } {
    const s = this.shares.find((x) => x.index === index);
    if (!s) throw new DomainError('INVALID_INPUT', `There is no share ${index}: this quorum has shares 1 to ${this.total}.`);
    if (s.file !== null) throw new DomainError('SHARE_ALREADY_WRITTEN', `${this.who(s)} was already written to ${s.file} and verified. Each share is written once; go on with the next share.`);
    const target = resolve(dir);
    const earlier = this.shares.find((x) => x.dir === target);
    if (earlier) {
      throw new DomainError('SHARES_TOGETHER', `${target} is where ${this.who(earlier)} was written. Each share goes to its own medium: eject that one, insert the medium for ${this.who(s)} and choose its folder.`);
    }
    mkdirSync(target, { recursive: true });
    const prefix = `airgap-ca-${this.vaultId.slice(0, 8)}-${this.slotId}-share-`;
    const other = readdirSync(target).find((f) => f.startsWith(prefix));
    if (other) {
      throw new DomainError('SHARES_TOGETHER', `${target} already holds ${other}, another share of this quorum. Each share goes to its own medium: insert the medium for ${this.who(s)} and choose its folder. Nothing was written.`);
    }
    const file = join(target, shareFileName(this.vaultId, this.slotId, s.index, this.total));
    if (existsSync(file)) throw new DomainError('OUTPUT_EXISTS', `${file} already exists; share files are never overwritten.`);
    writeFileDurably(file, s.bytes, { exclusive: true, mode: 0o600 });
    const back = readFileSync(file);
    let problem: string | null = null;
    try {
      const parsed = parseShareFile(back, file);
      if (!back.equals(s.bytes) || parsed.vaultId !== this.vaultId || parsed.slotId !== this.slotId || parsed.index !== s.index) problem = 'it differs from what was written.';
    } catch (e) {
      problem = e instanceof DomainError ? e.message : 'it cannot be read.';
    } finally {
      back.fill(0);
    }
    if (problem !== null) {
      throw new DomainError(
        'SHARE_VERIFY_FAILED',
        `${file} was written but does not read back as ${this.who(s)}: ${problem} The medium may be failing: delete that file, use another medium and write the share again. The share is still held.`,
      );
    }
    try {
      vault.transaction(() =>
        vault.audit.append({ actor, action: 'vault.share-written', details: { slot: this.slotId, index: s.index, total: this.total, holder: s.holder, file, verified: true } }),
      );
    } catch (e) {
      // Not recorded (or not known to be): the file goes, so that what is on the medium is what the vault says; the share is still held.
      let removed = true;
      try {
        rmSync(file, { force: true });
      } catch {
        removed = false;
      }
      if (!isDomainError(e)) throw e;
      const note = removed ? ` ${file} was removed again; the share is still held: write it again.` : ` ${file} could not be removed: delete it, then write the share again (it is still held).`;
      throw new DomainError(e.code, e.message + note, e.detail);
    }
    s.file = file;
    s.dir = target;
    s.bytes.fill(0);
    return { file };
  }

  /** What ending the delivery now means, in the officer's words. */
  meaning(): string {
    const written = this.shares.filter((s) => s.file !== null).length;
    const lost = this.total - written;
    if (lost === 0) return `All ${this.total} shares were written, each to its own medium and verified. Any ${this.threshold} of them unlock the vault.`;
    if (written >= this.threshold) {
      return `${lost} of ${this.total} shares were not written and are gone: no one holds them. The quorum still opens the vault with any ${this.threshold} of the ${written} shares that were written, but it tolerates ${written - this.threshold} lost share${written - this.threshold === 1 ? '' : 's'} instead of ${this.total - this.threshold}. To get the full quorum back, add a new quorum slot and remove this one.`;
    }
    return `${lost} of ${this.total} shares were not written and are gone. Only ${written} share${written === 1 ? ' was' : 's were'} written, fewer than the ${this.threshold} needed: this quorum slot can never open the vault. Open the vault with another slot, remove this quorum slot and add a new one.`;
  }

  /** Ends the delivery: forgets every share not written, recording which (and whose) in `vault.shares-discarded`. */
  release(vault: Vault | null, actor: string | null, reason: string): SharesReleased {
    const written = this.shares.filter((s) => s.file !== null).map((s) => s.index);
    const discarded = this.shares.filter((s) => s.file === null).map((s) => ({ index: s.index, holder: s.holder }));
    const result: SharesReleased = { ...this.view(), written, discarded, canUnlock: written.length >= this.threshold, meaning: this.meaning() };
    if (discarded.length > 0 && vault && actor) {
      vault.transaction(() =>
        vault.audit.append({
          actor,
          action: 'vault.shares-discarded',
          details: { slot: this.slotId, threshold: this.threshold, total: this.total, written, discarded, canUnlock: result.canUnlock, reason },
        }),
      );
    }
    this.clear();
    return result;
  }

  clear(): void {
    for (const s of this.shares) s.bytes.fill(0);
  }
}
