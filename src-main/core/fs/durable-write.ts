import { closeSync, fsync, fsyncSync, openSync, renameSync, rmSync, writeSync, constants } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';

/** What fsync on a folder answers where folders can't be synced (some FUSE and network file systems): not a failure. */
const DIR_SYNC_UNSUPPORTED = new Set(['EINVAL', 'ENOTSUP', 'EOPNOTSUPP', 'EISDIR', 'EBADF', 'ENOSYS']);

/** fsync a file that is already written (opened for writing: some systems refuse fsync on a read-only descriptor). */
export function fsyncFile(path: string): void {
  const fd = openSync(path, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * fsync a directory so that a rename inside it survives power loss (POSIX; a
 * no-op where directories can't be opened or synced). A sync that fails (EIO)
 * throws: the rename before it may not be durable.
 */
export function fsyncDir(dir: string): void {
  let fd: number;
  try {
    fd = openSync(dir, constants.O_RDONLY);
  } catch {
    // Windows cannot open directories; its rename is durable on return.
    return;
  }
  try {
    fsyncSync(fd);
  } catch (e) {
    if (!DIR_SYNC_UNSUPPORTED.has((e as NodeJS.ErrnoException).code ?? '')) throw e;
  } finally {
    closeSync(fd);
  }
}

/**
 * Replace `path` with `bytes` so that a crash leaves either the old file or the
 * new one: write a temporary sibling, fsync it, rename over, fsync the folder.
 * A failure before the rename removes the temporary file (and the guard of an
 * exclusive write): nothing is left under either name.
 */
export function writeFileDurably(path: string, bytes: Uint8Array, opts: { exclusive?: boolean; mode?: number } = {}): void {
  const tmp = temporarySibling(path);
  const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, opts.mode ?? 0o600);
  try {
    writeAll(fd, bytes);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  nameSynced(tmp, path, opts);
}

function temporarySibling(path: string): string {
  return join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
}

function writeAll(fd: number, bytes: Uint8Array): void {
  let off = 0;
  while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
}

/** The last steps of a durable write: the synced temporary file gets its name (never over an existing one when exclusive), then the folder is synced. */
function nameSynced(tmp: string, path: string, opts: { exclusive?: boolean; mode?: number }): void {
  let guarded = false;
  try {
    if (opts.exclusive) {
      // O_EXCL on the final name: never overwrite an existing output.
      const guard = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, opts.mode ?? 0o600);
      guarded = true;
      closeSync(guard);
    }
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    if (guarded) rmSync(path, { force: true });
    throw e;
  }
  fsyncDir(dirname(path));
}

/** A durable write begun by stageFileDurably: named by `publish`, or removed by `discard`. */
export interface StagedFile {
  /**
   * Waits for the temporary file's sync, then names it and syncs the folder
   * (writeFileDurably's last steps). Throws what writeFileDurably would have
   * thrown for the same failure, with nothing left under either name.
   */
  publish(): Promise<void>;
  /** Waits for the sync and removes the temporary file. */
  discard(): Promise<void>;
}

/**
 * writeFileDurably in two halves, so that what must happen before the file
 * gets its name (the vault recording what the file holds) runs while the
 * file's data goes to the disk: the bytes are written now, under a hidden
 * temporary name in the same folder, and its fsync starts on libuv's thread
 * pool; nothing appears under `path` before `publish`. A failure to open,
 * write or sync is kept and thrown by `publish`; `discard` removes the file.
 */
export function stageFileDurably(path: string, bytes: Uint8Array, opts: { exclusive?: boolean; mode?: number } = {}): StagedFile {
  const tmp = temporarySibling(path);
  let fd: number | null = null;
  let synced: Promise<unknown>;
  try {
    fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, opts.mode ?? 0o600);
    writeAll(fd, bytes);
    const open = fd;
    synced = new Promise((resolve) => fsync(open, (e) => resolve(e ?? null)));
  } catch (e) {
    synced = Promise.resolve(e);
  }
  const remove = () => {
    if (fd === null) return; // never opened: nothing of ours to remove
    try {
      closeSync(fd);
    } finally {
      fd = null;
      rmSync(tmp, { force: true });
    }
  };
  return {
    async publish() {
      const failed = await synced;
      if (failed !== null) {
        remove();
        throw failed;
      }
      closeSync(fd!);
      fd = null;
      nameSynced(tmp, path, opts);
    },
    async discard() {
      await synced;
      remove();
    },
  };
}
