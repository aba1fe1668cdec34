/**
 * Reading a package folder without trusting it: list what is there with lstat
 * (links and special files are reported, never followed), and read files
 * through O_NOFOLLOW with a size cap.
 */
import { constants, type Dirent } from 'node:fs';
import { open, readdir } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join } from 'node:path';

export type EntryKind = 'file' | 'folder' | 'symlink' | 'other';

export interface FolderEntry {
  /** Relative to the package folder, with `/`. */
  name: string;
  kind: EntryKind;
}

function kindOf(d: Dirent): EntryKind {
  if (d.isSymbolicLink()) return 'symlink';
  if (d.isFile()) return 'file';
  if (d.isDirectory()) return 'folder';
  return 'other';
}

/** Every entry down to `maxDepth` folder levels (0 = only the folder itself); deeper folders are listed, not entered. */
export async function listTree(dir: string, maxDepth: number): Promise<FolderEntry[]> {
  const out: FolderEntry[] = [];
  const walk = async (rel: string, depth: number): Promise<void> => {
    const entries = await readdir(rel === '' ? dir : join(dir, rel), { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const d of entries) {
      const name = rel === '' ? d.name : `${rel}/${d.name}`;
      const kind = kindOf(d);
      out.push({ name, kind });
      if (kind === 'folder' && depth < maxDepth) await walk(name, depth + 1);
    }
  };
  await walk('', 0);
  return out;
}

export class TooLargeError extends Error {
  readonly size: number;
  constructor(size: number) {
    super(`larger than allowed (${size} bytes)`);
    this.size = size;
  }
}

export class NotRegularFileError extends Error {}

/** Read a regular file, refusing links (O_NOFOLLOW), special files (checked on the open descriptor) and anything over `maxBytes`. */
export async function readRegularFile(path: string, maxBytes: number): Promise<Uint8Array> {
  // O_NONBLOCK: opening a FIFO for reading must not wait for a writer.
  const fh = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw new NotRegularFileError('not a regular file');
    if (st.size > maxBytes) throw new TooLargeError(st.size);
    // Read up to one byte past the cap: a file that grows while being read is still caught.
    const buf = new Uint8Array(Math.min(st.size, maxBytes) + 1);
    let off = 0;
    for (;;) {
      const { bytesRead } = await fh.read(buf, off, buf.length - off, off);
      if (bytesRead === 0) break;
      off += bytesRead;
      if (off === buf.length) {
        if (off > maxBytes) throw new TooLargeError(off);
        break;
      }
    }
    return buf.subarray(0, off);
  } finally {
    await fh.close();
  }
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Size and SHA-256 of a regular file, streamed; refuses links and special files. */
export async function hashRegularFile(path: string): Promise<{ size: number; sha256: string }> {
  const fh = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw new NotRegularFileError('not a regular file');
    const h = createHash('sha256');
    const buf = new Uint8Array(1 << 20);
    let size = 0;
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, size);
      if (bytesRead === 0) break;
      h.update(buf.subarray(0, bytesRead));
      size += bytesRead;
    }
    return { size, sha256: h.digest('hex') };
  } finally {
    await fh.close();
  }
}
