import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DomainError, isDomainError } from '../../core/errors.ts';
import { writeFileDurably } from '../../core/fs/durable-write.ts';
import { ioError, isIoFailure } from '../../core/fs/io-errors.ts';
import { parseShareFile } from '../../core/vault/custodian-share.ts';
import type { Vault } from '../../core/vault/vault.ts';
import type { HeldSharesView, SharesReleased } from '../contract/vault.ts';

/** The file name of share `index` of a slot: the same on every medium, so a custodian's file says which share it is. */
export function shareFileName(vaultId: string, slotId: string, index: number, total: number): string {
  return `airgap-ca-${vaultId.slice(0, 8)}-${slotId}-share-${index}-of-${total}.json`;
}

/** "share 2 of 3 (holder Grace)": how a share is named to the officer. */
export function shareWho(index: number, total: number, holder: string | null): string {
  return `share ${index} of ${total}${holder ? ` (holder ${holder})` : ''}`;
}

interface ShareToWrite {
  vaultId: string;
  slotId: string;
  index: number;
  total: number;
  who: string;
  bytes: Buffer;
}

/**
 * One share into its own folder: refused (SHARES_TOGETHER) where an earlier
 * share of the set went or where another share of the slot lies, never over a
 * file (OUTPUT_EXISTS); written durably, read back and compared
 * (SHARE_VERIFY_FAILED, with `badReadBack` saying what to do). I/O failures
 * are thrown as they come (the caller knows what they mean).
 */
function writeOneShare(s: ShareToWrite, dir: string, earlier: ReadonlyArray<{ dir: string; who: string }>, badReadBack: string): { file: string; dir: string } {
  const target = resolve(dir);
  const before = earlier.find((x) => x.dir === target);
  if (before) {
    throw new DomainError('SHARES_TOGETHER', `${target} is where ${before.who} was written. Each share goes to its own medium: eject that one, insert the medium for ${s.who} and choose its folder.`);
  }
  mkdirSync(target, { recursive: true });
  const prefix = `airgap-ca-${s.vaultId.slice(0, 8)}-${s.slotId}-share-`;
  const other = readdirSync(target).find((f) => f.startsWith(prefix));
  if (other) {
    throw new DomainError('SHARES_TOGETHER', `${target} already holds ${other}, another share of this quorum. Each share goes to its own medium: insert the medium for ${s.who} and choose its folder. Nothing was written.`);
  }
  const file = join(target, shareFileName(s.vaultId, s.slotId, s.index, s.total));
  if (existsSync(file)) throw new DomainError('OUTPUT_EXISTS', `${file} already exists; share files are never overwritten.`);
  writeFileDurably(file, s.bytes, { exclusive: true, mode: 0o600 });
  const back = readFileSync(file);
  let problem: string | null = null;
  try {
    const parsed = parseShareFile(back, file);
    if (!back.equals(s.bytes) || parsed.vaultId !== s.vaultId || parsed.slotId !== s.slotId || parsed.index !== s.index) problem = 'it differs from what was written.';
  } catch (e) {
    problem = e instanceof DomainError ? e.message : 'it cannot be read.';
  } finally {
    back.fill(0);
  }
  if (problem !== null) throw new DomainError('SHARE_VERIFY_FAILED', `${file} was written but does not read back as ${s.who}: ${problem} ${badReadBack}`);
  return { file, dir: target };
}

/** Removes share files; returns those that could not be removed. */
export function removeShareFiles(files: readonly string[]): string[] {
  return files.filter((f) => {
    try {
      rmSync(f, { force: true });
      return false;
    } catch {
      return true;
    }
  });
}

/** A replacing quorum's shares, written before its change commits: where each went, what the audit event says, and how to take them back. */
export interface SharesApart {
  files: string[];
  audit: { shares: Array<{ index: number; holder: string | null; file: string; verified: true }> };
  /** Removes every file of the set again (the change did not commit); returns a sentence for the report. */
  withdraw(): string;
}

/**
 * The share files of a quorum that replaces a slot, one into each of `dirs`
 * (share 1 first), each read back, before the rekey commits
 * (docs/architecture.md, "Custodian shares, one medium each"). One that cannot
 * be written or read back stops it: every share of the set already written is
 * removed again and the error says that nothing was changed, so no medium is
 * left holding a share of a quorum that never came to be.
 */
export function writeSharesApart(a: { vaultId: string; slotId: string; files: readonly string[]; dirs: readonly string[]; holders: readonly string[] | undefined; replaceSlot: string }): SharesApart {
  const total = a.files.length;
  const done: Array<{ index: number; holder: string | null; file: string; dir: string; who: string }> = [];
  const unchanged = `Nothing was changed: the quorum does not replace slot ${a.replaceSlot}, the vault key is the same, and slot ${a.replaceSlot} with its passphrase or shares still opens the vault.`;
  const withdraw = (extra: readonly string[]): string => {
    const all = [...done.map((d) => d.file), ...extra];
    if (all.length === 0) return 'No share file of the new quorum was written.';
    const left = removeShareFiles(all);
    const gone = all.filter((f) => !left.includes(f));
    return [
      ...(gone.length ? [`The new quorum's share files written so far were removed again: ${gone.join(', ')}.`] : []),
      ...(left.length ? [`These share files of the new quorum could not be removed and are void (they open nothing): delete them: ${left.join(', ')}.`] : []),
    ].join(' ');
  };
  for (const [i, text] of a.files.entries()) {
    const index = i + 1;
    const holder = a.holders?.[i] ?? null;
    const who = shareWho(index, total, holder);
    const dir = a.dirs[i]!;
    const bytes = Buffer.from(text, 'utf8');
    const path = join(resolve(dir), shareFileName(a.vaultId, a.slotId, index, total));
    const existedBefore = existsSync(path);
    try {
      const w = writeOneShare({ vaultId: a.vaultId, slotId: a.slotId, index, total, who, bytes }, dir, done, '');
      done.push({ index, holder, file: w.file, dir: w.dir, who });
    } catch (e) {
      // A file this call made at the share's path (one that read back wrong) goes too; one that was there before is not ours.
      const ours = !existedBefore && existsSync(path) ? [path] : [];
      const note = withdraw(ours);
      const then = `give a medium that can hold ${who} and run "vault add-quorum --replace ${a.replaceSlot}" again`;
      if (isDomainError(e)) throw new DomainError(e.code, `${e.message.trim()} ${unchanged} ${note}`, e.detail);
      if (isIoFailure(e)) throw ioError(e, { path, doing: `writing ${who}`, changed: `${unchanged} ${note}`, then });
      throw e;
    } finally {
      bytes.fill(0);
    }
  }
  return {
    files: done.map((d) => d.file),
    audit: { shares: done.map((d) => ({ index: d.index, holder: d.holder, file: d.file, verified: true as const })) },
    withdraw: () => withdraw([]),
  };
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
    return shareWho(s.index, this.total, s.holder);
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
    const earlier = this.shares.flatMap((x) => (x.dir === null ? [] : [{ dir: x.dir, who: this.who(x) }]));
    let written: { file: string; dir: string };
    try {
      written = writeOneShare(
        { vaultId: this.vaultId, slotId: this.slotId, index: s.index, total: this.total, who: this.who(s), bytes: s.bytes },
        dir,
        earlier,
        'The medium may be failing: delete that file, use another medium and write the share again. The share is still held.',
      );
    } catch (e) {
      // The medium's failure, named as such (not the vault's): nothing of the share is left there, and it is still held.
      if (!isIoFailure(e)) throw e;
      const path = join(resolve(dir), shareFileName(this.vaultId, this.slotId, s.index, this.total));
      throw ioError(e, { path, doing: `writing ${this.who(s)}`, changed: 'The share was not written and is still held; nothing was changed in the vault.', then: 'write the share to another medium' });
    }
    const { file, dir: target } = written;
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
