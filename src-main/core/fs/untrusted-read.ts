/**
 * The one way a file named by an officer or found on a medium is opened.
 *
 * open() on a FIFO waits for a writer and on some devices never returns; on
 * the desktop app that wait would freeze the main thread with the vault
 * unlocked. So: open with O_NOFOLLOW | O_NONBLOCK (a link is refused, a FIFO
 * opens at once), fstat the open descriptor (no race with a rename), refuse
 * anything but a regular file, and read at most the cap. A batch (a folder of
 * requests) also shares a total cap (`ReadBudget`), charged before each file
 * is read, so a million files of a megabyte each cannot fill the memory.
 *
 * Synchronous for single inputs (a CSR, a share, a backup); asynchronous for
 * folders and packages, so the desktop app's main thread keeps answering
 * between files.
 */
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { DomainError } from '../errors.ts';

/** What went wrong, for callers that describe it in their own words (the package verifier). */
export type UntrustedReadFailure = 'missing' | 'link' | 'special' | 'too-large' | 'io';

/** A refusal of the reader: a DomainError (NOT_FOUND, FILE_REFUSED, FILE_TOO_LARGE, IO_ERROR) with the reason as data. */
export class UntrustedReadError extends DomainError {
  readonly failure: UntrustedReadFailure;
  /** The size seen, for 'too-large'. */
  readonly size: number | undefined;
  /** The system's error code behind 'missing' and 'io' (ENOENT, EIO…): a medium pulled mid-read is told apart by it. */
  readonly errno: string | undefined;

  constructor(failure: UntrustedReadFailure, code: DomainError['code'], message: string, extra: { size?: number; errno?: string } = {}) {
    super(code, message);
    this.failure = failure;
    this.size = extra.size;
    this.errno = extra.errno;
  }
}

/**
 * The total cap of one batch: every file read with it is charged its size
 * before it is read. Exceeding it is BATCH_TOO_LARGE, which stops the batch
 * (callers must not record it as one file's failure and go on).
 */
export class ReadBudget {
  readonly maxTotalBytes: number;
  private used = 0;

  constructor(maxTotalBytes: number) {
    this.maxTotalBytes = maxTotalBytes;
  }

  get usedBytes(): number {
    return this.used;
  }

  charge(bytes: number, name: string): void {
    if (this.used + bytes > this.maxTotalBytes) {
      throw new DomainError(
        'BATCH_TOO_LARGE',
        `The files of this batch come to more than ${this.maxTotalBytes} bytes with ${name} (${this.used} bytes read before it), the most one batch reads; nothing was done with them. Split the files into several smaller folders and run one batch per folder.`,
      );
    }
    this.used += bytes;
  }
}

export interface UntrustedReadOptions {
  /** Largest size read; a larger file is FILE_TOO_LARGE unless `truncate`. */
  maxBytes: number;
  /** Read maxBytes + 1 bytes and let the parser report the size with its own code. */
  truncate?: boolean;
  /** What the file is, for messages: "chain", "share", "backup". */
  what: string;
  /** The name shown in messages (a name relative to the folder read); default the path. */
  displayName?: string;
  /** The batch's total cap, charged with this file's size before it is read. */
  budget?: ReadBudget;
}

const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a named pipe (FIFO)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  return 'a special file';
}

function openFailure(e: unknown, name: string, what: string): UntrustedReadError {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new UntrustedReadError('missing', 'NOT_FOUND', `There is no file ${name}.`, { errno: code });
  if (code === 'ELOOP') return new UntrustedReadError('link', 'FILE_REFUSED', `${name} is a symbolic link; links are never followed. Give the ${what} file itself.`);
  if (code === 'ENXIO') return new UntrustedReadError('special', 'FILE_REFUSED', `${name} is a socket or a device, not a plain file; it was not read. Give the ${what} file itself.`);
  return new UntrustedReadError('io', 'IO_ERROR', `Cannot read ${name} (${code ?? 'error'}).`, { errno: code });
}

function notRegular(st: Stats, name: string, what: string): UntrustedReadError {
  return new UntrustedReadError('special', 'FILE_REFUSED', `${name} is ${kindOf(st)}, not a plain file; it was not read. Give the ${what} file itself.`);
}

/** Checks the open descriptor's stat and charges the budget; returns how many bytes to read (one past the cap, to catch growth). */
function plannedRead(st: Stats, name: string, opts: UntrustedReadOptions): number {
  if (!st.isFile()) throw notRegular(st, name, opts.what);
  if (st.size > opts.maxBytes && !opts.truncate) {
    throw new UntrustedReadError('too-large', 'FILE_TOO_LARGE', `${name} is ${st.size} bytes, more than the ${opts.maxBytes} bytes a ${opts.what} file may have; it was not read.`, { size: st.size });
  }
  opts.budget?.charge(Math.min(st.size, opts.maxBytes), name);
  return Math.min(st.size, opts.maxBytes) + 1;
}

function finished(buf: Buffer, read: number, name: string, opts: UntrustedReadOptions): Buffer {
  if (read > opts.maxBytes && !opts.truncate) throw new UntrustedReadError('too-large', 'FILE_TOO_LARGE', `${name} grew past ${opts.maxBytes} bytes while being read; it was not read.`, { size: read });
  return buf.subarray(0, read);
}

/**
 * Read one untrusted file. Throws NOT_FOUND, FILE_REFUSED (link, FIFO,
 * device, socket, folder), FILE_TOO_LARGE, BATCH_TOO_LARGE or IO_ERROR;
 * never blocks on a special file.
 */
export function readUntrustedFileSync(path: string, opts: UntrustedReadOptions): Buffer {
  const name = opts.displayName ?? path;
  let fd: number;
  try {
    fd = openSync(path, OPEN_FLAGS);
  } catch (e) {
    throw openFailure(e, name, opts.what);
  }
  try {
    const buf = Buffer.alloc(plannedRead(fstatSync(fd), name, opts));
    let off = 0;
    while (off < buf.length) {
      const n = readSync(fd, buf, off, buf.length - off, off);
      if (n === 0) break;
      off += n;
    }
    return finished(buf, off, name, opts);
  } finally {
    closeSync(fd);
  }
}

/** The same reader, asynchronous: for folders and packages. */
export async function readUntrustedFile(path: string, opts: UntrustedReadOptions): Promise<Buffer> {
  const name = opts.displayName ?? path;
  const fh = await openUntrustedFile(path, opts);
  try {
    const buf = Buffer.alloc(plannedRead(await fh.stat(), name, opts));
    let off = 0;
    while (off < buf.length) {
      const { bytesRead } = await fh.read(buf, off, buf.length - off, off);
      if (bytesRead === 0) break;
      off += bytesRead;
    }
    return finished(buf, off, name, opts);
  } finally {
    await fh.close();
  }
}

/**
 * Open an untrusted regular file for streaming (hashing a package file of any
 * size): no links, no blocking, regular files only. The caller closes it.
 */
export async function openUntrustedFile(path: string, opts: Pick<UntrustedReadOptions, 'what' | 'displayName'>): Promise<FileHandle> {
  const name = opts.displayName ?? path;
  let fh: FileHandle;
  try {
    fh = await open(path, OPEN_FLAGS);
  } catch (e) {
    throw openFailure(e, name, opts.what);
  }
  const st = await fh.stat().catch(async (e: unknown) => {
    await fh.close();
    throw openFailure(e, name, opts.what);
  });
  if (!st.isFile()) {
    await fh.close();
    throw notRegular(st, name, opts.what);
  }
  return fh;
}
