import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { DomainError, isDomainError } from '../errors.ts';
import { stageFileDurably, writeFileDurably } from './durable-write.ts';
import { ioError } from './io-errors.ts';

/** What the vault recorded before its output file is written, and the command that writes the file again. */
export interface Recorded {
  /** e.g. "Certificate serial 5f3a… (audit event 12, cert.issued)". */
  readonly what: string;
  /** e.g. `"airgap-ca cert show 5f3a… --out FILE"`. */
  readonly again: string;
}

/**
 * The one rule for a file that leaves the vault (docs/architecture.md,
 * "Writing outside the vault"): the vault has recorded it, durably, before
 * this is called; the file is written under a temporary name and renamed
 * (writeFileDurably), never over an existing file. When that fails, the
 * temporary file is gone and the error says what the vault recorded and
 * which command writes the file again: never "nothing changed".
 */
export function writeRecordedOutput(out: string, bytes: Uint8Array, recorded: Recorded, mode = 0o644): void {
  try {
    writeFileDurably(out, bytes, { exclusive: true, mode });
  } catch (e) {
    throw recordedOutputError(e, out, recorded);
  }
}

/** A recorded output begun before the vault records it (its bytes are going to the disk meanwhile); see stageRecordedOutput. */
export interface StagedOutput {
  /** Call once the vault has recorded it, durably: names the file, or throws what writeRecordedOutput would. */
  publish(recorded: Recorded): Promise<void>;
  /** The vault did not record it: the temporary file is removed, nothing is left. */
  discard(): Promise<void>;
}

/**
 * writeRecordedOutput for a large file (a CRL of a million entries is 49 MB):
 * its bytes are written and synced under a hidden temporary name while the
 * vault records it, and it gets its name only in `publish`, after the
 * record. The rule is the same (the vault records first, the name comes
 * last); only the file's own sync overlaps the vault's commit.
 */
export function stageRecordedOutput(out: string, bytes: Uint8Array, mode = 0o644): StagedOutput {
  const staged = stageFileDurably(out, bytes, { exclusive: true, mode });
  return {
    async publish(recorded) {
      try {
        await staged.publish();
      } catch (e) {
        throw recordedOutputError(e, out, recorded);
      }
    },
    discard: () => staged.discard(),
  };
}

function recordedOutputError(e: unknown, out: string, recorded: Recorded): DomainError {
  if ((e as NodeJS.ErrnoException).code === 'EEXIST') {
    return new DomainError('OUTPUT_EXISTS', `${recorded.what} was recorded in the vault, but ${out} appeared meanwhile and was not overwritten. Write it to a new name with ${recorded.again}.`);
  }
  // The rename is the last step but one: a file under the final name that failed its folder sync is there but may not survive a power loss.
  const there = existsSync(out);
  return ioError(e, {
    path: out,
    doing: `writing ${basename(out)}`,
    changed: there
      ? `${recorded.what} was recorded in the vault and ${out} was written, but it could not be made durable: check it, or write it again to a new name.`
      : `${recorded.what} was recorded in the vault, but its file was not written (nothing was left under that name).`,
    then: `write it with ${recorded.again}`,
  });
}

/**
 * The same rule for a file that records nothing in the vault (a calendar of
 * what the vault holds): written under a temporary name and renamed, never
 * over an existing file. When that fails the temporary file is gone and the
 * error says whether the file is there: "nothing was changed" only when it
 * is not.
 */
export function writeUnrecordedOutput(out: string, bytes: Uint8Array, again: string, mode = 0o644): void {
  try {
    writeFileDurably(out, bytes, { exclusive: true, mode });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new DomainError('OUTPUT_EXISTS', `${out} appeared meanwhile and was not overwritten. Nothing was changed. Write it to a new name with ${again}.`);
    const there = existsSync(out);
    throw ioError(e, {
      path: out,
      doing: `writing ${basename(out)}`,
      changed: there ? `The vault holds nothing of it; ${out} was written, but it could not be made durable: check it, or write it again to a new name.` : 'Nothing was changed: the file was not written (nothing was left under that name).',
      then: `write it with ${again}`,
    });
  }
}

/**
 * After `failure`, record that it failed (an audit event: `record`) and throw
 * `failure`. When the record cannot be written either, the answer says so:
 * the failure stays the answer, with the reason the event is missing.
 */
export function recordFailure(failure: unknown, action: string, record: () => void): never {
  try {
    record();
  } catch (e) {
    if (isDomainError(failure)) {
      const why = isDomainError(e) ? e.message : ((e as NodeJS.ErrnoException).code ?? 'error');
      throw new DomainError(failure.code, `${failure.message} (The ${action} event could not be recorded either: ${why})`, failure.detail);
    }
  }
  throw failure;
}
