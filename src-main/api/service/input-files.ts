import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { DomainError, type ErrorCode } from '../../core/errors.ts';
import type { fileSource } from '../contract/keys.ts';
import type { z } from 'zod';

export type FileSource = z.output<typeof fileSource>;

/**
 * Reads an input file for a parser that enforces its own size limit: at most
 * maxBytes + 1 bytes are read, so a 50 MB file costs nothing and the parser
 * reports it as too large with its own code. Symlinks and special files are
 * refused (O_NOFOLLOW, regular files only).
 */
export function readBoundedInput(source: FileSource, maxBytes: number, what: string): { bytes: Uint8Array; name: string } {
  if ('base64' in source) return { bytes: Buffer.from(source.base64, 'base64').subarray(0, maxBytes + 1), name: source.name };
  let fd: number;
  try {
    fd = openSync(source.path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const reason: ErrorCode = code === 'ENOENT' ? 'NOT_FOUND' : code === 'ELOOP' ? 'FILE_REFUSED' : 'IO_ERROR';
    const text = code === 'ENOENT' ? `There is no file ${source.path}.` : code === 'ELOOP' ? `${source.path} is a symbolic link; give the ${what} file itself.` : `Cannot read ${source.path} (${code}).`;
    throw new DomainError(reason, text);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new DomainError('FILE_REFUSED', `${source.path} is not a regular file; give the ${what} file itself.`);
    const buf = Buffer.alloc(Math.min(st.size, maxBytes + 1));
    let off = 0;
    while (off < buf.length) {
      const n = readSync(fd, buf, off, buf.length - off, off);
      if (n === 0) break;
      off += n;
    }
    return { bytes: buf.subarray(0, off), name: source.path };
  } finally {
    closeSync(fd);
  }
}
