/**
 * A vault transaction that fails with an I/O error (a failed pwrite, fsync or
 * unlink under SQLite) is not necessarily rolled back: with
 * journal_mode=DELETE the commit point is the deletion of the journal, and
 * synchronous=EXTRA syncs the folder after it, so SQLite can report an error
 * for a transaction that is already in the database. The answer to the
 * officer must be true, so the outcome is found out by reading back the last
 * audit event the transaction wrote (every change writes one): it is there
 * with its hash (the transaction is in), it is not (rolled back), or the
 * vault cannot be read (unknown).
 */
import { dirname } from 'node:path';
import { DomainError, isDomainError } from '../errors.ts';
import { fsyncDir, fsyncFile } from '../fs/durable-write.ts';
import { ioError, isIoFailure } from '../fs/io-errors.ts';
import type { Db } from './database.ts';

/** The last audit event a transaction wrote, taken inside it just before the commit. */
export interface CommitMark {
  readonly seq: number;
  readonly hash: string;
  readonly action: string;
}

export type CommitOutcome = 'in' | 'out' | 'unknown';

/** The newest audit event when it is newer than `afterSeq` (written by this transaction), else null. */
export function commitMark(db: Db, afterSeq: number): CommitMark | null {
  const r = db.prepare('SELECT seq, hash, action FROM audit_events ORDER BY seq DESC LIMIT 1').get() as CommitMark | undefined;
  return r && r.seq > afterSeq ? r : null;
}

/** After a failed commit: is the transaction that wrote `mark` in the database? Reading back also rolls back a hot journal. */
export function commitOutcome(db: Db, mark: CommitMark | null, attempts = 3): CommitOutcome {
  if (!mark) return 'unknown';
  // A disk that failed once may answer the next read: a few tries before "unknown".
  for (let i = 0; i < attempts; i++) {
    try {
      const r = db.prepare('SELECT hash FROM audit_events WHERE seq = ?').get(mark.seq) as { hash: string } | undefined;
      return r?.hash === mark.hash ? 'in' : 'out';
    } catch {
      // tried again below
    }
  }
  return 'unknown';
}

function eventText(mark: CommitMark): string {
  return `audit event ${mark.seq}, ${mark.action}`;
}

/**
 * Runs `body` (a whole SQLite transaction: BEGIN … COMMIT) and answers truly
 * when it fails with an I/O error. Returns `body`'s value when the
 * transaction is in, including when the error came after its commit point
 * (the database file and its folder are then synced again, so that it is
 * also durable); throws IO_ERROR / DISK_FULL / READ_ONLY / MEDIA_REMOVED
 * otherwise, saying whether anything was changed.
 */
export function runTransactionTruthfully<T>(db: Db, body: (atCommit: (mark: CommitMark | null, value: T) => void) => T): T {
  let reached = false;
  let mark: CommitMark | null = null;
  let value: T | undefined;
  try {
    return body((m, v) => {
      reached = true;
      mark = m;
      value = v;
    });
  } catch (e) {
    if (isDomainError(e) || !isIoFailure(e)) throw e;
    const path = db.name;
    const again = 'run the command again';
    if (!reached) throw ioError(e, { path, doing: 'writing to the vault', changed: 'Nothing was changed: the vault rolled the change back.', then: again });
    const outcome = commitOutcome(db, mark);
    const m = mark as CommitMark | null;
    if (outcome === 'out') throw ioError(e, { path, doing: 'committing to the vault', changed: 'Nothing was changed: the vault did not take the change.', then: again });
    if (outcome === 'unknown' || !m) {
      const which = m ? ` Look for ${eventText(m)}: if "audit list" shows it, the change was made.` : '';
      throw ioError(e, { path, doing: 'committing to the vault', changed: `It is not known whether the change was recorded: the vault could not be read back.${which}`, then: 'run "airgap-ca vault verify" and "airgap-ca audit list" before running the command again' });
    }
    try {
      fsyncFile(path);
      fsyncDir(dirname(path));
    } catch (e2) {
      throw ioError(e2, { path, doing: 'syncing the vault', changed: `The change was recorded (${eventText(m)}), but it could not be made durable: a power loss now could undo it.`, then: 'check with "airgap-ca audit list" that the event is still there' });
    }
    return value as T;
  }
}

/** A DomainError that is already the true answer about an I/O failure (it says what changed). */
export function isTruthfulIoError(e: unknown): e is DomainError {
  return isDomainError(e) && (e.code === 'IO_ERROR' || e.code === 'DISK_FULL' || e.code === 'READ_ONLY' || e.code === 'MEDIA_REMOVED');
}
