/**
 * Reading requests, chains and serial lists from removable media. Everything
 * on the medium is untrusted: each file goes through the one untrusted-file
 * reader (`core/fs/untrusted-read.ts`: no links, no blocking open, plain files
 * only, a size cap, and for a folder a total cap), then is type-sniffed;
 * nothing outside the chosen folder is read, subfolders only when asked, and
 * nothing is ever executed. Parsing with the full checks stays with the
 * importers; this hands them bytes and a kind.
 */
import { lstat, readdir } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { DomainError } from '../errors.ts';
import { ReadBudget, readUntrustedFile, readUntrustedFileSync } from '../fs/untrusted-read.ts';
import { errnoOf } from './media-errors.ts';
import { PEM_LABELS, parsePemBlocks, parseSerialList, sniffDer, type DerKind, type FileKind } from './asn1-sniff.ts';

export type { FileKind } from './asn1-sniff.ts';

export const DEFAULT_MAX_FILE_BYTES = 1024 * 1024;
/**
 * The most one folder read takes in total (1 GiB): a batch of a million P-256
 * requests (about 0.5 KiB each) fits; a million files of the per-file cap
 * (1 TiB) does not reach memory.
 */
export const DEFAULT_MAX_FOLDER_BYTES = 1024 * 1024 * 1024;

export interface UntrustedFile {
  /** Name relative to the folder read (with `/` below subfolders). */
  name: string;
  path: string;
  bytes: Uint8Array;
  kind: FileKind;
  encoding: 'der' | 'pem' | 'text';
  /** PEM labels in order (PEM only). */
  pemLabels: string[];
  /** The DER of each object: one for DER, one per block for PEM; empty for serial lists. */
  ders: Uint8Array[];
  /** Lowercase hex serials (serial lists only). */
  serials: string[];
}

export interface ReadFileOptions {
  /** Default 1 MB. */
  maxBytes?: number;
  /** Kinds the caller can use; anything else is FILE_TYPE_UNKNOWN naming what it is. */
  accept?: readonly FileKind[];
}

const KIND_NAMES: Record<FileKind, string> = {
  csr: 'a certificate request (CSR)',
  certificate: 'a certificate',
  pkcs7: 'a PKCS#7 bundle',
  crl: 'a CRL',
  'serial-list': 'a list of serial numbers',
};

function unknownType(name: string, why: string): DomainError {
  return new DomainError(
    'FILE_TYPE_UNKNOWN',
    `${name} ${why}. Only certificate requests, certificates, PKCS#7 bundles and CRLs (PEM or DER) and text lists of serial numbers are read from media.`,
  );
}

/** What the bytes are: DER, PEM with a known label whose content agrees, or a serial list. Throws FILE_TYPE_UNKNOWN naming `name`. */
export function sniffFile(name: string, bytes: Uint8Array): Omit<UntrustedFile, 'name' | 'path' | 'bytes'> {
  if (bytes.length === 0) throw unknownType(name, 'is empty');
  const der = sniffDer(bytes);
  if (der) return { kind: der, encoding: 'der', pemLabels: [], ders: [bytes], serials: [] };
  if (bytes.includes(0)) throw unknownType(name, 'is binary data that is not a certificate, request, PKCS#7 bundle or CRL');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '');
  } catch {
    throw unknownType(name, 'is neither DER nor UTF-8 text');
  }
  if (text.includes('-----BEGIN ')) {
    const blocks = parsePemBlocks(text);
    if (!blocks || blocks.length === 0) throw unknownType(name, 'has a malformed PEM block');
    const kinds = new Set<DerKind>();
    for (const b of blocks) {
      if (/PRIVATE KEY/.test(b.label)) {
        throw new DomainError('FILE_REFUSED', `${name} holds a private key (PEM "${b.label}"); it was not read. Private keys never belong on the transfer medium: destroy this copy.`);
      }
      const want = PEM_LABELS[b.label];
      if (!want) throw unknownType(name, `holds a PEM block labelled "${b.label}"`);
      const got = sniffDer(b.der);
      if (got !== want) throw unknownType(name, `holds a PEM block labelled "${b.label}" whose content is ${got ? KIND_NAMES[got] : 'not valid DER'}`);
      kinds.add(want);
    }
    if (kinds.size > 1) throw unknownType(name, `mixes ${[...kinds].map((k) => KIND_NAMES[k]).join(' and ')}`);
    const kind = [...kinds][0] as DerKind;
    return { kind, encoding: 'pem', pemLabels: blocks.map((b) => b.label), ders: blocks.map((b) => b.der), serials: [] };
  }
  const serials = parseSerialList(text);
  if (serials) return { kind: 'serial-list', encoding: 'text', pemLabels: [], ders: [], serials };
  throw unknownType(name, 'is text that is neither PEM nor a list of hex serial numbers');
}

/** A name inside the chosen folder: one path segment, no traversal, no hidden tricks. */
export function safeEntryName(name: string): string | null {
  if (name === '' || name === '.' || name === '..') return 'is not a file name';
  if (name.includes('/') || name.includes('\\')) return 'contains a path separator (only files directly in the chosen folder are read)';
  if (name.includes('\0')) return 'contains a NUL character';
  if (/^[a-zA-Z]:/.test(name)) return 'is a drive path';
  return null;
}

/** Read and sniff one file the officer chose (e.g. a chain or a serial list). */
export async function readMediaFile(path: string, opts: ReadFileOptions & { budget?: ReadBudget } = {}, displayName = basename(path)): Promise<UntrustedFile> {
  const bytes = await readUntrustedFile(path, { maxBytes: opts.maxBytes ?? DEFAULT_MAX_FILE_BYTES, what: 'input', displayName, ...(opts.budget ? { budget: opts.budget } : {}) });
  return acceptedFile(path, bytes, opts, displayName);
}

/** The same, blocking this thread for the read (a caller with nothing else to answer: the CLI). */
function readMediaFileSync(path: string, opts: ReadFileOptions, displayName: string): UntrustedFile {
  return acceptedFile(path, readUntrustedFileSync(path, { maxBytes: opts.maxBytes ?? DEFAULT_MAX_FILE_BYTES, what: 'input', displayName }), opts, displayName);
}

function acceptedFile(path: string, bytes: Uint8Array, opts: ReadFileOptions, displayName: string): UntrustedFile {
  const sniffed = sniffFile(displayName, bytes);
  if (opts.accept && !opts.accept.includes(sniffed.kind)) {
    throw new DomainError(
      'FILE_TYPE_UNKNOWN',
      `${displayName} is ${KIND_NAMES[sniffed.kind]}, but ${opts.accept.map((k) => KIND_NAMES[k]).join(' or ')} was expected here.`,
    );
  }
  return { name: displayName, path, bytes, ...sniffed };
}

/** Read `name` (one segment) from `dir`: refuses traversal before touching the disk. */
export async function readFileInFolder(dir: string, name: string, opts: ReadFileOptions = {}): Promise<UntrustedFile> {
  const why = safeEntryName(name);
  if (why) throw new DomainError('FILE_REFUSED', `"${name}" ${why}; it was not read.`);
  return await readMediaFile(join(dir, name), opts, name);
}

export type FolderFileResult = { name: string; ok: true; file: UntrustedFile } | { name: string; ok: false; code: DomainError['code']; message: string };

export interface FolderReadResult {
  dir: string;
  /** One entry per plain-file candidate, in name order; a bad file never stops the others. */
  files: FolderFileResult[];
  /** Hidden files (`.DS_Store`, `._x` AppleDouble), system folders and subfolders not entered. */
  skipped: Array<{ name: string; reason: string }>;
}

export interface ReadFolderOptions extends ReadFileOptions {
  /** Enter subfolders (never through links), at most `maxDepth` levels (default 4). */
  recursive?: boolean;
  maxDepth?: number;
  /** Stop listing after this many files (default 10,000). */
  maxFiles?: number;
  /** The most all files together may hold (default 1 GiB); beyond it the whole read is BATCH_TOO_LARGE. */
  maxTotalBytes?: number;
  /**
   * Read with blocking calls, one file after another, yielding between slices of files: for a caller
   * whose thread has nothing else to answer meanwhile (the CLI). Each asynchronous read costs several
   * round trips to the thread pool (~75 µs a small file against ~4 µs blocking, measured on a folder of
   * 10,000 requests); the desktop app keeps the asynchronous reads, so its window answers during a
   * slow medium's read.
   */
  blocking?: boolean;
}

/** Files read at once from a folder. */
const READ_LANES = 8;

const SYSTEM_FOLDERS = new Set(['system volume information', '$recycle.bin', 'lost+found']);

/** The folder the officer chose on a medium: it exists, is no link, is a folder. Throws NOT_FOUND, FILE_REFUSED, INVALID_INPUT. */
export async function checkMediaFolder(dir: string, holds = 'the files'): Promise<void> {
  let st;
  try {
    st = await lstat(dir);
  } catch {
    throw new DomainError('NOT_FOUND', `The folder ${dir} does not exist. Check that the medium is inserted and the folder name is right.`);
  }
  if (st.isSymbolicLink()) throw new DomainError('FILE_REFUSED', `The folder ${dir} is a symbolic link; links are never followed on media. Choose the folder itself.`);
  if (!st.isDirectory()) throw new DomainError('INVALID_INPUT', `${dir} is not a folder. Choose the folder that holds ${holds}.`);
}

/** How `cert issue-batch` reads its folder (the CLI reads it ahead with the same options: readRequestFolderAhead). */
export const BATCH_FOLDER_READ = { accept: ['csr'], maxFiles: 1_000_000 } as const satisfies ReadFolderOptions;

let readAhead: { key: string; result: Promise<FolderReadResult> } | null = null;

function readAheadKey(dir: string, opts: ReadFolderOptions): string {
  const { accept, maxBytes, recursive, maxDepth, maxFiles, maxTotalBytes, blocking } = opts;
  return JSON.stringify([resolve(dir), accept ?? null, maxBytes ?? null, recursive ?? false, maxDepth ?? null, maxFiles ?? null, maxTotalBytes ?? null, blocking ?? false]);
}

/**
 * Start reading a folder now that readRequestFolder will be asked for with the same options later: the
 * CLI reads a batch's requests while Argon2id unlocks the vault on the thread pool (this thread waits
 * for it meanwhile). The next readRequestFolder takes this read if it asks for the same folder the same
 * way, else drops it; a read ahead that failed is done again then, so the error reported is that read's.
 */
export function readRequestFolderAhead(dir: string, opts: ReadFolderOptions): void {
  const result = readFolder(dir, opts);
  result.catch(() => undefined);
  readAhead = { key: readAheadKey(dir, opts), result };
}

/** Read every file in the chosen folder (e.g. a folder of CSRs for `cert issue-batch`). */
export async function readRequestFolder(dir: string, opts: ReadFolderOptions = {}): Promise<FolderReadResult> {
  const ahead = readAhead;
  readAhead = null;
  if (ahead && ahead.key === readAheadKey(dir, opts)) {
    const result = await ahead.result.catch(() => null);
    if (result) return result;
  }
  return await readFolder(dir, opts);
}

async function readFolder(dir: string, opts: ReadFolderOptions): Promise<FolderReadResult> {
  await checkMediaFolder(dir);

  const maxFiles = opts.maxFiles ?? 10_000;
  const budget = new ReadBudget(opts.maxTotalBytes ?? DEFAULT_MAX_FOLDER_BYTES);
  const maxDepth = opts.recursive ? (opts.maxDepth ?? 4) : 0;
  const result: FolderReadResult = { dir, files: [], skipped: [] };
  const reads: Array<{ slot: number; name: string }> = [];
  const walk = async (rel: string, depth: number): Promise<void> => {
    let entries;
    try {
      entries = await readdir(rel === '' ? dir : join(dir, rel), { withFileTypes: true });
    } catch (e) {
      throw new DomainError('IO_ERROR', `The folder ${rel === '' ? dir : join(dir, rel)} could not be listed (${errnoOf(e) ?? 'error'}). Check the medium and try again.`);
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const d of entries) {
      const name = rel === '' ? d.name : `${rel}/${d.name}`;
      if (d.name.startsWith('.')) {
        result.skipped.push({ name, reason: 'hidden file or folder' });
        continue;
      }
      if (d.isDirectory()) {
        if (SYSTEM_FOLDERS.has(d.name.toLowerCase())) result.skipped.push({ name, reason: 'system folder' });
        else if (depth < maxDepth) await walk(name, depth + 1);
        else result.skipped.push({ name, reason: opts.recursive ? 'too deep' : 'subfolder (not read unless asked)' });
        continue;
      }
      if (result.files.length >= maxFiles) {
        result.skipped.push({ name, reason: `more than ${maxFiles} files` });
        continue;
      }
      const why = safeEntryName(d.name);
      if (why) {
        result.files.push({ name, ok: false, code: 'FILE_REFUSED', message: `"${name}" ${why}; it was not read.` });
        continue;
      }
      // Listed now, read below (several at once); its place in name order is kept.
      reads.push({ slot: result.files.length, name });
      result.files.push({ name, ok: false, code: 'IO_ERROR', message: `${name} was not read.` });
    }
  };
  await walk('', 0);
  // Several reads in flight: each file costs a few round trips to the thread pool (open, stat, read, close).
  // The total cap is charged in name order, not in the order reads finish: the file named as passing it is
  // always the same one, and a lane waits for the files before its own to be charged before it takes another
  // (at most READ_LANES files are held beyond what has been charged).
  if (opts.blocking) {
    await readBlocking(dir, reads, result, budget, opts);
    return result;
  }
  let next = 0;
  const charged: Array<Promise<void>> = [];
  const lane = async (): Promise<void> => {
    for (let i = next++, r = reads[i]; r; i = next++, r = reads[i]) {
      const { slot, name } = r;
      let settle!: { ok: () => void; fail: (e: unknown) => void };
      charged[i] = new Promise<void>((ok, fail) => (settle = { ok, fail }));
      // A later file's failure is awaited through its own lane; this keeps an unawaited one from being unhandled.
      charged[i]!.catch(() => undefined);
      let outcome: FolderReadResult['files'][number];
      try {
        outcome = { name, ok: true, file: await readMediaFile(join(dir, name), opts, name) };
      } catch (e) {
        outcome = folderFailure(name, e);
      }
      try {
        if (i > 0) await charged[i - 1];
        // Over the total cap the batch stops: it is not one file's failure. A file refused on its own is not charged.
        if (outcome.ok) budget.charge(outcome.file.bytes.length, name);
      } catch (e) {
        settle.fail(e);
        throw e;
      }
      result.files[slot] = outcome;
      settle.ok();
    }
  };
  await Promise.all(Array.from({ length: Math.min(READ_LANES, reads.length) }, lane));
  return result;
}

/** One file's outcome in a folder read: a refusal of that file only, never the whole read's. */
function folderFailure(name: string, e: unknown): FolderFileResult {
  const err = e instanceof DomainError ? e : new DomainError('IO_ERROR', `${name} could not be read from the medium. Check the medium and try again.`);
  return { name, ok: false, code: err.code, message: err.message };
}

/** How long a blocking folder read holds the thread before it lets other work run (an unlock waiting for its next step). */
const BLOCKING_SLICE_MS = 4;

/** readRequestFolder's reads with blocking calls, in name order (so each file is charged to the total cap as it is read). */
async function readBlocking(dir: string, reads: ReadonlyArray<{ slot: number; name: string }>, result: FolderReadResult, budget: ReadBudget, opts: ReadFolderOptions): Promise<void> {
  let slice = performance.now();
  for (const { slot, name } of reads) {
    let outcome: FolderFileResult;
    try {
      outcome = { name, ok: true, file: readMediaFileSync(join(dir, name), opts, name) };
    } catch (e) {
      outcome = folderFailure(name, e);
    }
    // Over the total cap the batch stops: it is not one file's failure. A file refused on its own is not charged.
    if (outcome.ok) budget.charge(outcome.file.bytes.length, name);
    result.files[slot] = outcome;
    if (performance.now() - slice > BLOCKING_SLICE_MS) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      slice = performance.now();
    }
  }
}
