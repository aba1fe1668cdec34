/**
 * What the operating system or SQLite says when a write fails, turned into a
 * DomainError an officer can act on: IO_ERROR, DISK_FULL, READ_ONLY or
 * MEDIA_REMOVED, naming the path. The message says what was (or was not)
 * changed — the caller knows that and passes it — and what to do next; the
 * raw error goes into the detail, for the log only.
 */
import { existsSync, statfsSync } from 'node:fs';
import { dirname, parse } from 'node:path';
import { DomainError, isDomainError, type ErrorCode } from '../errors.ts';

export type IoErrorCode = Extract<ErrorCode, 'IO_ERROR' | 'DISK_FULL' | 'READ_ONLY' | 'MEDIA_REMOVED'>;

const FULL = new Set(['ENOSPC', 'EDQUOT', 'EFBIG', 'SQLITE_FULL']);
const READ_ONLY = new Set(['EROFS']);
const GONE = new Set(['ENODEV', 'ENXIO', 'ENOMEDIUM', 'ENOTCONN', 'ESHUTDOWN', 'ESTALE']);

function codeOf(e: unknown): string | undefined {
  if (typeof e === 'object' && e !== null && 'code' in e && typeof (e as { code: unknown }).code === 'string') return (e as { code: string }).code;
  return undefined;
}

/** An error the operating system or SQLite raised about the storage (not a bug, not a refusal of ours). */
export function isIoFailure(e: unknown): boolean {
  if (isDomainError(e)) return false;
  const code = codeOf(e);
  // A system call's failure carries its errno and syscall, whether or not Node knows the errno's name.
  if (typeof e === 'object' && e !== null && typeof (e as NodeJS.ErrnoException).errno === 'number' && typeof (e as NodeJS.ErrnoException).syscall === 'string') return true;
  if (code === undefined) return false;
  if (code.startsWith('SQLITE_')) return code.startsWith('SQLITE_IOERR') || code === 'SQLITE_FULL' || code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_CANTOPEN');
  return /^E[A-Z0-9]+$/.test(code);
}

/** Free bytes for an unprivileged writer at `dir`; Infinity when unknown (size reported as zero, or it cannot be asked). */
function freeBytes(dir: string): number {
  try {
    const s = statfsSync(dir);
    return Number(s.blocks) === 0 ? Infinity : Number(s.bavail) * Number(s.bsize);
  } catch {
    return Infinity;
  }
}

/** The folder a path lives in, or the nearest one of its ancestors that still exists. */
function nearestExisting(path: string): string | null {
  let p = dirname(path);
  const root = parse(p).root;
  while (!existsSync(p)) {
    if (p === root) return null;
    p = dirname(p);
  }
  return p;
}

/**
 * The code for an I/O failure on `path`. ENOENT is a removed medium only when
 * the folder that was being written has gone (the mount point emptied under
 * us), else a plain I/O error.
 */
export function ioErrorCode(e: unknown, path: string): IoErrorCode {
  const code = codeOf(e) ?? '';
  if (FULL.has(code)) return 'DISK_FULL';
  if (READ_ONLY.has(code) || code.startsWith('SQLITE_READONLY')) return 'READ_ONLY';
  if (GONE.has(code)) return 'MEDIA_REMOVED';
  if (code === 'ENOENT' && nearestExisting(path) !== dirname(path)) return 'MEDIA_REMOVED';
  // Some drivers (fusefat) refuse new data on a full volume with EPERM: ask for the free space.
  if ((code === 'EPERM' || code === 'EACCES') && freeBytes(dirname(path)) < 4096) return 'DISK_FULL';
  return 'IO_ERROR';
}

const WHAT_TO_DO: Record<IoErrorCode, string> = {
  IO_ERROR: 'The disk reported an error: check it (and its cable or slot)',
  DISK_FULL: 'The disk is full: free some space on it',
  READ_ONLY: 'The disk is read-only (write-protected, or mounted read-only after errors): make it writable',
  MEDIA_REMOVED: 'The disk or medium was removed or stopped answering: reconnect it',
};

function errnoText(e: unknown): string {
  const code = codeOf(e);
  return code ?? (e instanceof Error ? e.message : String(e));
}

/**
 * The DomainError for an I/O failure while `doing` (e.g. "writing the
 * certificate") on `path`. `changed` says what the vault holds now ("Nothing
 * was changed." only when that is so), `then` what to run afterwards.
 */
export function ioError(e: unknown, args: { path: string; doing: string; changed: string; then: string }): DomainError {
  const code = ioErrorCode(e, args.path);
  return new DomainError(code, `${capitalize(args.doing)} failed on ${args.path} (${errnoText(e)}). ${args.changed} ${WHAT_TO_DO[code]}, then ${args.then}.`, `${args.doing} ${args.path}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
