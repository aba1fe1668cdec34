import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync, constants } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';

/** fsync a directory so that a rename inside it survives power loss (POSIX; a no-op where directories can't be opened). */
export function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, constants.O_RDONLY);
    fsyncSync(fd);
  } catch {
    // Windows cannot open directories; its rename is durable on return.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Replace `path` with `bytes` so that a crash leaves either the old file or the
 * new one: write a temporary sibling, fsync it, rename over, fsync the folder.
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
  if (opts.exclusive) {
    // O_EXCL on the final name: never overwrite an existing output.
    const guard = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, opts.mode ?? 0o600);
    closeSync(guard);
  }
  renameSync(tmp, path);
  fsyncDir(dir);
}
