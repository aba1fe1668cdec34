/**
 * Turning what the operating system says about a medium into a DomainError an
 * officer can act on. The same errno means different things on different
 * drivers (fusefat answers a full volume with EPERM, Linux vfat with ENOSPC;
 * a pulled stick gives EIO, ENODEV or ENOENT on the kernel driver and ENOTCONN
 * on FUSE), so the free space is asked when the code alone is ambiguous.
 */
import { statfs } from 'node:fs/promises';
import { DomainError } from '../errors.ts';
import { UntrustedReadError } from '../fs/untrusted-read.ts';

export function errnoOf(e: unknown): string | undefined {
  if (typeof e === 'object' && e !== null && 'code' in e && typeof (e as { code: unknown }).code === 'string') return (e as { code: string }).code;
  return undefined;
}

const FULL = new Set(['ENOSPC', 'EDQUOT', 'EFBIG']);
const READ_ONLY = new Set(['EROFS']);
const DENIED = new Set(['EACCES', 'EPERM']);
const GONE = new Set(['ENOENT', 'EIO', 'ENODEV', 'ENXIO', 'ENOTCONN', 'ESTALE', 'ENOTDIR', 'EBADF', 'ESHUTDOWN', 'ENOMEDIUM']);

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 * 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MiB`;
  return `${(n / 1024 / 1024 / 1024).toFixed(1)} GiB`;
}

/** Free bytes for an unprivileged writer and the allocation unit, or null when the medium can't be asked (it is probably gone). */
export async function spaceOf(path: string): Promise<{ freeBytes: number; blockSize: number } | null> {
  try {
    const s = await statfs(path);
    // Some drivers (fusefat on FAT32) report a size of zero: that is "unknown", not "full".
    if (Number(s.blocks) === 0) return null;
    return { freeBytes: Number(s.bavail) * Number(s.bsize), blockSize: Number(s.bsize) };
  } catch {
    return null;
  }
}

export async function freeBytesOf(path: string): Promise<number | null> {
  return (await spaceOf(path))?.freeBytes ?? null;
}

export function mediaFull(mediaRoot: string, needBytes: number, freeBytes: number | null, detail?: string): DomainError {
  const free = freeBytes === null ? '' : ` (${formatBytes(freeBytes)} free, about ${formatBytes(needBytes)} needed)`;
  return new DomainError(
    'MEDIA_FULL',
    `The medium at ${mediaRoot} is full${free}. Nothing usable was left on it. Free some space on it or use a larger medium, then export again.`,
    detail,
  );
}

export function mediaReadOnly(mediaRoot: string, detail?: string): DomainError {
  return new DomainError(
    'MEDIA_READ_ONLY',
    `The medium at ${mediaRoot} can't be written to (it is read-only, write-protected, or this user may not write there). Slide its write-protect switch off or choose another medium, then export again.`,
    detail,
  );
}

export function mediaRemoved(mediaRoot: string, detail?: string): DomainError {
  return new DomainError(
    'MEDIA_REMOVED',
    `The medium at ${mediaRoot} was removed or stopped answering during the export. What was written to it is incomplete and must not be used: reinsert it, delete any folder ending in "-INCOMPLETE" or holding an INCOMPLETE file, and export again.`,
    detail,
  );
}

/**
 * Classify an error raised while writing to `mediaRoot`. `stillNeeded` is what
 * remained to be written, so that an ambiguous EPERM on an almost full volume
 * is reported as full rather than read-only.
 */
export async function classifyWriteError(e: unknown, mediaRoot: string, stillNeeded: number, what: string): Promise<DomainError> {
  // A read-back that failed in the system (not a refusal) is classified by its errno like a write.
  const failedRead = e instanceof UntrustedReadError && e.errno !== undefined;
  if (e instanceof DomainError && !failedRead) return e;
  const code = failedRead ? e.errno : errnoOf(e);
  const detail = `${what}: ${e instanceof Error ? e.message : String(e)}`;
  if (code !== undefined && FULL.has(code)) return mediaFull(mediaRoot, stillNeeded, await freeBytesOf(mediaRoot), detail);
  if (code !== undefined && READ_ONLY.has(code)) return mediaReadOnly(mediaRoot, detail);
  if (code !== undefined && DENIED.has(code)) {
    let free = await freeBytesOf(mediaRoot);
    if (free === null) {
      // Unknown size, or gone: a medium that can't even be stat'ed any more was removed.
      try {
        await statfs(mediaRoot);
      } catch {
        return mediaRemoved(mediaRoot, detail);
      }
      free = Number.MAX_SAFE_INTEGER;
    }
    // A volume with less room than the next cluster refuses new data with EPERM on some drivers.
    if (free < Math.max(stillNeeded, 4096)) return mediaFull(mediaRoot, stillNeeded, free, detail);
    return mediaReadOnly(mediaRoot, detail);
  }
  if (code !== undefined && GONE.has(code)) return mediaRemoved(mediaRoot, detail);
  return new DomainError('IO_ERROR', `Writing the export to ${mediaRoot} failed (${code ?? 'unknown error'}). Check the medium, then export again.`, detail);
}
