/**
 * Reading a package folder without trusting it: list what is there with lstat
 * (links and special files are reported, never followed), and read files
 * through the one untrusted-file reader (`core/fs/untrusted-read.ts`).
 */
import { type Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { openUntrustedFile, readUntrustedFile } from '../fs/untrusted-read.ts';

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

/** Read a package file through the one untrusted-file reader: no links, no special files, nothing over `maxBytes`. */
export async function readRegularFile(path: string, maxBytes: number): Promise<Uint8Array> {
  return await readUntrustedFile(path, { maxBytes, what: 'package' });
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Size and SHA-256 of a regular file, streamed; refuses links and special files. */
export async function hashRegularFile(path: string): Promise<{ size: number; sha256: string }> {
  const fh = await openUntrustedFile(path, { what: 'package' });
  try {
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
