import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync, constants } from 'node:fs';
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
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, opts.mode ?? 0o600);
  try {
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
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
  fsyncDir(dir);
}
