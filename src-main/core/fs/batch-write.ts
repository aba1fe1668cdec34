/**
 * Write many new files (a batch's certificates) durably without paying two
 * fsyncs per file. Each file is written under a hidden temporary name and
 * then published under its final name in one step (a hard link, which fails
 * if the name exists, or where the file system has no links, an exclusive
 * guard file renamed over), so a crash never leaves a half-written file under
 * a final name. Then one sync of the file system makes them all durable
 * together: the caller reports the files written only after it returns.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, constants, existsSync, fsyncSync, linkSync, openSync, renameSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fsyncDir } from './durable-write.ts';

export interface NewFile {
  readonly path: string;
  readonly bytes: Uint8Array;
}

/** Per file, in order: written (and durable once the call returns), or the errno that stopped it (EEXIST: the name was taken). */
export type NewFileResult = { readonly ok: true } | { readonly ok: false; readonly errno: string };

const NO_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV', 'EMLINK']);

function errnoOf(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? 'EIO';
}

function writeAll(fd: number, bytes: Uint8Array): void {
  let off = 0;
  while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
}

/** Moves `tmp` to `path` unless `path` exists; returns false when the file system has no hard links (nothing moved). */
function publishByLink(tmp: string, path: string): boolean {
  try {
    linkSync(tmp, path);
  } catch (e) {
    if (NO_LINKS.has(errnoOf(e))) return false;
    throw e;
  }
  unlinkSync(tmp);
  return true;
}

function publishByGuard(tmp: string, path: string, mode: number): void {
  // O_EXCL on the final name: never over an existing output.
  closeSync(openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, mode));
  renameSync(tmp, path);
}

/** The coreutils `sync` that can sync one file system (`-f`, syncfs(2)); Linux only. */
function syncfsCommand(): string | null {
  if (process.platform !== 'linux') return null;
  return ['/usr/bin/sync', '/bin/sync'].find((p) => existsSync(p)) ?? null;
}

/**
 * Make `paths` (files just written) and their folders durable. On Linux one
 * syncfs(2) per file system does it; elsewhere, or if that fails, each file
 * and folder is fsynced.
 */
export function syncWritten(paths: readonly string[]): void {
  const dirs = [...new Set(paths.map((p) => dirname(p)))];
  const sync = syncfsCommand();
  // No environment for the child: nothing of this process's reaches it.
  if (sync && dirs.every((d) => spawnSync(sync, ['-f', d], { env: {}, stdio: 'ignore' }).status === 0)) return;
  for (const p of paths) {
    const fd = openSync(p, constants.O_RDONLY);
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
  for (const d of dirs) fsyncDir(d);
}

/** A file written under a hidden temporary name beside its final one: not under its name, not yet durable. */
export interface StagedFile {
  readonly path: string;
  readonly bytes: Uint8Array;
  /** The temporary file; null when writing it failed (publishing then tries again and reports that). */
  tmp: string | null;
}

/** This process's mark on its temporary names, and a counter: no random draw per file (a batch writes thousands). */
const TMP_TAG = randomBytes(6).toString('hex');
let tmpCount = 0;

function writeTemporary(path: string, bytes: Uint8Array, mode: number): string {
  // Unique in this process by the counter, and against other processes by the tag; a name taken anyway
  // (O_EXCL) fails this write, and publishing tries again under the next name.
  const tmp = join(dirname(path), `.${basename(path)}.${TMP_TAG}${(tmpCount++).toString(36)}.tmp`);
  try {
    const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, mode);
    try {
      writeAll(fd, bytes);
    } finally {
      closeSync(fd);
    }
    return tmp;
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/**
 * Write a file's bytes ahead of time (say while the rest of a batch is still
 * being signed) under a hidden temporary name; publishStaged puts it under its
 * name later, discardStaged removes it. A file that cannot be written now is
 * tried again when published.
 */
export function stageNewFile(path: string, bytes: Uint8Array, opts: { mode?: number } = {}): StagedFile {
  try {
    return { path, bytes, tmp: writeTemporary(path, bytes, opts.mode ?? 0o600) };
  } catch {
    return { path, bytes, tmp: null };
  }
}

/** Removes the temporary files of files never published. */
export function discardStaged(staged: readonly StagedFile[]): void {
  for (const f of staged) {
    if (f.tmp) rmSync(f.tmp, { force: true });
    f.tmp = null;
  }
}

/** Puts every staged file under its name (never over an existing file), then syncs them all at once. A file that fails does not stop the others. */
export function publishStaged(staged: readonly StagedFile[], opts: { mode?: number } = {}): NewFileResult[] {
  const mode = opts.mode ?? 0o600;
  let links = true;
  const written: string[] = [];
  const results = staged.map((f): NewFileResult => {
    const { path } = f;
    try {
      const tmp = f.tmp ?? writeTemporary(path, f.bytes, mode);
      f.tmp = tmp;
      if (!(links && publishByLink(tmp, path))) {
        links = false;
        publishByGuard(tmp, path, mode);
      }
      f.tmp = null;
      written.push(path);
      return { ok: true };
    } catch (e) {
      if (f.tmp) rmSync(f.tmp, { force: true });
      f.tmp = null;
      return { ok: false, errno: errnoOf(e) };
    }
  });
  if (written.length) syncWritten(written);
  return results;
}

/** Writes every file that does not exist yet, then syncs them all at once. A file that fails does not stop the others. */
export function writeNewFilesDurably(files: readonly NewFile[], opts: { mode?: number } = {}): NewFileResult[] {
  return publishStaged(files.map(({ path, bytes }) => stageNewFile(path, bytes, opts)), opts);
}
