/**
 * The one way a file named by an officer or found on a medium is opened.
 *
 * open() on a FIFO waits for a writer and on some devices never returns; on
 * the desktop app that wait would freeze the main thread with the vault
 * unlocked. So: open with O_NOFOLLOW | O_NONBLOCK (a link is refused, a FIFO
 * opens at once), fstat the open descriptor (no race with a rename), refuse
 * anything but a regular file, and read at most the cap.
 */
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { DomainError } from '../errors.ts';

export interface UntrustedReadOptions {
  /** Largest size read; a larger file is FILE_TOO_LARGE unless `truncate`. */
  maxBytes: number;
  /** Read maxBytes + 1 bytes and let the parser report the size with its own code. */
  truncate?: boolean;
  /** What the file is, for messages: "chain", "share", "backup". */
  what: string;
}

function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a named pipe (FIFO)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  return 'a special file';
}

/**
 * Read one untrusted file. Throws NOT_FOUND, FILE_REFUSED (link, FIFO,
 * device, socket, folder), FILE_TOO_LARGE or IO_ERROR; never blocks on a
 * special file.
 */
export function readUntrustedFileSync(path: string, opts: UntrustedReadOptions): Buffer {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new DomainError('NOT_FOUND', `There is no file ${path}.`);
    if (code === 'ELOOP') throw new DomainError('FILE_REFUSED', `${path} is a symbolic link; links are never followed. Give the ${opts.what} file itself.`);
    if (code === 'ENXIO') throw new DomainError('FILE_REFUSED', `${path} is a socket or a device, not a plain file; it was not read. Give the ${opts.what} file itself.`);
    throw new DomainError('IO_ERROR', `Cannot read ${path} (${code ?? 'error'}).`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new DomainError('FILE_REFUSED', `${path} is ${kindOf(st)}, not a plain file; it was not read. Give the ${opts.what} file itself.`);
    if (st.size > opts.maxBytes && !opts.truncate) {
      throw new DomainError('FILE_TOO_LARGE', `${path} is ${st.size} bytes, more than the ${opts.maxBytes} bytes a ${opts.what} file may have; it was not read.`);
    }
    const buf = Buffer.alloc(Math.min(st.size, opts.maxBytes + 1));
    let off = 0;
    while (off < buf.length) {
      const n = readSync(fd, buf, off, buf.length - off, off);
      if (n === 0) break;
      off += n;
    }
    if (off > opts.maxBytes && !opts.truncate) throw new DomainError('FILE_TOO_LARGE', `${path} grew past ${opts.maxBytes} bytes while being read; it was not read.`);
    return buf.subarray(0, off);
  } finally {
    closeSync(fd);
  }
}
