/**
 * Writing a signed distribution package onto removable media
 * (docs/architecture.md, "Export packages"; CLI `export media --to DIR`).
 *
 * The package is complete only when the INCOMPLETE marker — created first,
 * removed last — is gone. In between, every file goes to a temporary name, is
 * fsynced, renamed and its folder fsynced; the manifest and its signature come
 * last; then everything is read back from the medium and compared byte for
 * byte, and the package is verified as a receiver would. On FAT and exFAT a
 * rename is not crash-atomic and file identities (inode numbers) change, so
 * only that content comparison is trusted. A folder that still holds the
 * marker never verifies, so a medium pulled at any moment leaves nothing a
 * receiver would accept.
 */
import { constants } from 'node:fs';
import { lstat, mkdir, open, rename, rm, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DomainError } from '../errors.ts';
import {
  INCOMPLETE_MARKER,
  MANIFEST_NAME,
  MAX_FOLDER_LEVELS,
  foldersOf,
  MULTI_CA_FORMAT_VERSION,
  PACKAGE_FORMAT,
  PACKAGE_FORMAT_VERSION,
  PARTIAL_SUFFIX,
  SIGNATURE_NAME,
  SUMS_NAME,
  packageFolderName,
  packageNameProblem,
  serializeManifest,
  serializeSums,
  type AnyManifest,
  type AuditHead,
  type ManifestFile,
} from './package-format.ts';
import { listTree, readRegularFile, sha256Hex } from './package-files.ts';
import { classifyWriteError, errnoOf, mediaFull, spaceOf } from './media-errors.ts';
import { verifyExportPackage } from './export-verify.ts';
import { KEY_ID_RE } from '../asn1/key-id.ts';

export interface ExportFile {
  /** Relative name with `/`, at most three folder levels (`crl/<prefix>.crl`, `ca-<name>/crl/<prefix>.crl`). */
  name: string;
  bytes: Uint8Array;
}

export interface ExportProgress {
  phase: 'write' | 'read-back' | 'done';
  /** The file about to be written or read back (null between phases). */
  file: string | null;
  filesDone: number;
  filesTotal: number;
  bytesDone: number;
  bytesTotal: number;
}

/** Detached signature over the manifest bytes by a CA's active key (node:crypto sign() format). */
export type SignManifest = (manifestBytes: Uint8Array) => Promise<Uint8Array>;

/** One CA of a package of several: its folder (every one of its files is under it) and its active key. */
export interface ExportCaSigner {
  id: string;
  name: string;
  folder: string;
  signingKeyId: string;
  sign: SignManifest;
  /** The version and SHA-256 of the CA's trust-bundle.pem, carried in its entry of the manifest. */
  bundle?: { version: number; sha256: string };
}

/** The manifest members naming a trust bundle's version (none when it has none). */
function bundleMembers(b: { version: number; sha256: string } | undefined): { bundle_version?: number; bundle_sha256?: string } {
  return b ? { bundle_version: b.version, bundle_sha256: b.sha256 } : {};
}

/**
 * Who signs: a package of one CA names its active key and is signed with it
 * (MANIFEST.json.sig, format version 1); a package of several CAs lists them,
 * each co-signing the one manifest (`<folder>/MANIFEST.json.sig`, format version 2).
 */
export type ExportSigning = { signingKeyId: string; sign: SignManifest; cas?: undefined } | { cas: readonly ExportCaSigner[]; signingKeyId?: undefined; sign?: undefined };

export type WriteExportOptions = ExportSigning & {
  /** The mounted medium's folder (from listRemovableMedia or AIRGAP_CA_MEDIA_ROOTS). */
  mediaRoot: string;
  vaultId: string;
  actor: string;
  createdAt: Date;
  /** trust-bundle.pem, trust-anchor.json, crl/<prefix>.crl, crl/<prefix>.crl.pem … (under each CA's folder for several CAs) */
  files: readonly ExportFile[];
  /** The vault's audit head, carried in the manifest (null for a vault with no events). */
  auditHead?: AuditHead | null;
  /** The version and SHA-256 of the package's trust-bundle.pem, carried in the manifest. */
  bundle?: { version: number; sha256: string };
  /** Called before each file and between phases; awaited. */
  onProgress?: (p: ExportProgress) => void | Promise<void>;
  /** Verify the written package as a receiver would before reporting done (default true). */
  verifyAfterWrite?: boolean;
  /** Appended to the folder name (`airgap-ca-<time>-<vault>-<suffix>`), e.g. for a package of emergency files only. */
  folderSuffix?: string;
  /**
   * Records the package in the vault (what it signed: new CRLs, the event) once it is written and
   * verified, before the marker goes: a package never becomes complete that the vault has not recorded.
   * A failure here removes the package like any other.
   */
  record?: (written: ExportResult) => void;
};

export interface ExportResult {
  /** The package folder on the medium. */
  dir: string;
  folderName: string;
  /** SHA-256 hex of MANIFEST.json: what the audit event records. */
  manifestSha256: string;
  /** Every file written: the given ones, then SHA256SUMS, MANIFEST.json, MANIFEST.json.sig. */
  files: ManifestFile[];
  totalBytes: number;
}

const MARKER_TEXT = new TextEncoder().encode(
  'This Airgap CA export did not finish writing. Do not use anything in this folder: delete it and export again.\n',
);

function invalid(message: string): DomainError {
  return new DomainError('INVALID_INPUT', message);
}

/** The signers of the package, each with the signature file it writes. */
function signersOf(opts: WriteExportOptions): Array<{ keyId: string; signatureFile: string; sign: SignManifest }> {
  if (opts.cas === undefined) return [{ keyId: opts.signingKeyId, signatureFile: SIGNATURE_NAME, sign: opts.sign }];
  return opts.cas.map((c) => ({ keyId: c.signingKeyId, signatureFile: `${c.folder}/${SIGNATURE_NAME}`, sign: c.sign }));
}

function validateCas(cas: readonly ExportCaSigner[], files: readonly ExportFile[]): void {
  if (cas.length < 2) throw invalid('A package of several CAs needs at least two; write a package of one CA with its signing key instead.');
  const folders = new Set<string>();
  const keyIds = new Set<string>();
  for (const c of cas) {
    const why = packageNameProblem(c.folder);
    if (why || c.folder.includes('/')) throw invalid(`The folder "${c.folder}" of CA "${c.name}" ${why ?? 'must be one folder level'}.`);
    if (folders.has(c.folder.toLowerCase())) throw invalid(`Two CAs of the package use the folder "${c.folder}".`);
    folders.add(c.folder.toLowerCase());
    // One key signs for one CA: a key that signed twice would let one CA's signature stand for another's.
    if (keyIds.has(c.signingKeyId)) throw invalid(`The key ${c.signingKeyId} is named as the signer of two CAs.`);
    keyIds.add(c.signingKeyId);
  }
  for (const f of files) {
    const [top, ...rest] = f.name.split('/');
    if (rest.length === 0 || !folders.has((top ?? '').toLowerCase())) throw invalid(`The export file "${f.name}" is not inside the folder of a CA of the package.`);
    if (rest.join('/').toLowerCase() === SIGNATURE_NAME.toLowerCase()) throw invalid(`The export file name "${f.name}" is reserved for the CA's signature.`);
  }
}

function validate(opts: WriteExportOptions): void {
  for (const s of signersOf(opts)) if (!KEY_ID_RE.test(s.keyId)) throw invalid('The signing key id must be "sha256:" followed by 64 lowercase hex digits.');
  if (opts.cas !== undefined) validateCas(opts.cas, opts.files);
  if (opts.folderSuffix !== undefined && !/^[a-z0-9-]{1,20}$/.test(opts.folderSuffix)) throw invalid('The package folder suffix may hold only lowercase letters, digits and "-".');
  if (opts.actor.trim() === '' || opts.actor.length > 200) throw invalid('The exporting actor must be a name of 1 to 200 characters.');
  if (Number.isNaN(opts.createdAt.getTime())) throw invalid('The export time is not a valid date.');
  if (opts.vaultId.replace(/[^0-9a-zA-Z]/g, '').length < 8) throw invalid('The vault id needs at least 8 letters or digits.');
  if (opts.files.length === 0) throw invalid('An export package needs at least one file.');
  const seen = new Set<string>();
  for (const f of opts.files) {
    const why = packageNameProblem(f.name);
    if (why) throw invalid(`The export file name "${f.name}" ${why}.`);
    // FAT and exFAT fold case: two names differing only in case are one file there.
    const key = f.name.toLowerCase();
    if (seen.has(key)) throw invalid(`The export file name "${f.name}" appears twice (names are compared ignoring case, as FAT does).`);
    seen.add(key);
  }
  const folders = new Set(opts.files.flatMap((f) => foldersOf(f.name)).map((d) => d.toLowerCase()));
  for (const f of opts.files) {
    if (folders.has(f.name.toLowerCase())) throw invalid(`The export file name "${f.name}" is also used as a folder.`);
  }
}

function parentOf(name: string): string | null {
  const i = name.lastIndexOf('/');
  return i < 0 ? null : name.slice(0, i);
}

async function fsyncPath(path: string): Promise<void> {
  // Directories are fsynced so the renames in them reach the medium (POSIX); Windows can't open a folder, and its renames are durable on return.
  if (process.platform === 'win32') return;
  const fh = await open(path, constants.O_RDONLY | constants.O_DIRECTORY);
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

async function writeNewFile(path: string, bytes: Uint8Array): Promise<void> {
  const fh = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
  try {
    let off = 0;
    while (off < bytes.length) {
      const { bytesWritten } = await fh.write(bytes, off, bytes.length - off);
      off += bytesWritten;
    }
    await fh.sync();
  } finally {
    await fh.close();
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (e) {
    if (errnoOf(e) === 'ENOENT') return false;
    throw e;
  }
}

export async function writeExportPackage(opts: WriteExportOptions): Promise<ExportResult> {
  validate(opts);
  const { mediaRoot } = opts;
  const progress = opts.onProgress ?? (() => undefined);

  try {
    const st = await lstat(mediaRoot);
    if (!st.isDirectory()) throw new Error('not a directory');
  } catch (e) {
    throw new DomainError(
      'MEDIA_NOT_FOUND',
      `No medium is mounted at ${mediaRoot}. Insert the medium (or choose the folder it is mounted on), then export again.`,
      e instanceof Error ? e.message : String(e),
    );
  }

  const folderName = packageFolderName(opts.createdAt, opts.vaultId) + (opts.folderSuffix ? `-${opts.folderSuffix}` : '');
  const dir = join(mediaRoot, folderName);

  // Everything is computed and signed before the medium is touched: a signing failure leaves nothing behind.
  const payload: ManifestFile[] = opts.files.map((f) => ({ name: f.name, size: f.bytes.length, sha256: sha256Hex(f.bytes) }));
  const common = { format: PACKAGE_FORMAT, created: opts.createdAt.toISOString(), vault_id: opts.vaultId, actor: opts.actor } as const;
  const head = opts.auditHead ? { audit_head: { seq: opts.auditHead.seq, hash: opts.auditHead.hash } } : {};
  const manifest: AnyManifest =
    opts.cas === undefined
      ? { ...common, format_version: PACKAGE_FORMAT_VERSION, signing_key_id: opts.signingKeyId, signature_file: SIGNATURE_NAME, files: payload, ...head, ...bundleMembers(opts.bundle) }
      : {
          ...common,
          format_version: MULTI_CA_FORMAT_VERSION,
          cas: opts.cas.map((c) => ({ id: c.id, name: c.name, folder: c.folder, signing_key_id: c.signingKeyId, signature_file: `${c.folder}/${SIGNATURE_NAME}`, ...bundleMembers(c.bundle) })),
          files: payload,
          ...head,
        };
  const manifestBytes = serializeManifest(manifest);
  const signatures: ExportFile[] = [];
  for (const s of signersOf(opts)) {
    const signature = await s.sign(manifestBytes);
    if (!(signature instanceof Uint8Array) || signature.length === 0) throw new DomainError('INTERNAL', 'Signing the export manifest produced no signature.');
    signatures.push({ name: s.signatureFile, bytes: signature });
  }
  const manifestSha256 = sha256Hex(manifestBytes);
  const sums = serializeSums([...payload, { name: MANIFEST_NAME, sha256: manifestSha256 }, ...signatures.map((f) => ({ name: f.name, sha256: sha256Hex(f.bytes) }))]);

  const toWrite: ExportFile[] = [
    ...opts.files,
    { name: SUMS_NAME, bytes: sums },
    // The manifest and its signatures last: a package without them is visibly unfinished.
    { name: MANIFEST_NAME, bytes: manifestBytes },
    ...signatures,
  ];
  const resultFiles: ManifestFile[] = toWrite.map((f) => ({ name: f.name, size: f.bytes.length, sha256: sha256Hex(f.bytes) }));
  const bytesTotal = toWrite.reduce((n, f) => n + f.bytes.length, 0);

  // Up-front space check: every file takes whole allocation units (FAT clusters), plus the marker and the folders.
  const space = await spaceOf(mediaRoot);
  const unit = Math.max(space?.blockSize ?? 4096, 4096);
  const subfolders = [...new Set(toWrite.flatMap((f) => foldersOf(f.name)))].sort((a, b) => a.split('/').length - b.split('/').length || (a < b ? -1 : 1));
  const subfolderCount = subfolders.length;
  const need = toWrite.reduce((n, f) => n + Math.ceil(Math.max(f.bytes.length, 1) / unit) * unit, 0) + (subfolderCount + 2) * unit;
  if (space !== null && space.freeBytes < need) throw mediaFull(mediaRoot, need, space.freeBytes, 'checked before writing');

  try {
    await mkdir(dir);
  } catch (e) {
    if (errnoOf(e) === 'EEXIST') {
      throw new DomainError(
        'EXPORT_EXISTS',
        `An export folder named ${folderName} already exists on ${mediaRoot}; it is never overwritten. Move or delete it, or export again a second later.`,
      );
    }
    throw await classifyWriteError(e, mediaRoot, need, `creating ${dir}`);
  }

  // From here on, whatever fails leaves nothing a receiver would accept.
  const created: string[] = []; // files, in creation order
  const createdDirs: string[] = [];
  let bytesDone = 0;
  let current = INCOMPLETE_MARKER;
  try {
    await writeNewFile(join(dir, INCOMPLETE_MARKER), MARKER_TEXT);
    created.push(join(dir, INCOMPLETE_MARKER));
    await fsyncPath(dir);

    // Outer folders first, each made durable in its parent before anything goes into it.
    for (const sub of subfolders) {
      current = sub;
      await mkdir(join(dir, sub));
      createdDirs.push(join(dir, sub));
      const parent = parentOf(sub);
      await fsyncPath(parent === null ? dir : join(dir, parent));
    }

    for (const [i, f] of toWrite.entries()) {
      current = f.name;
      await progress({ phase: 'write', file: f.name, filesDone: i, filesTotal: toWrite.length, bytesDone, bytesTotal });
      const finalPath = join(dir, f.name);
      const tmpPath = finalPath + PARTIAL_SUFFIX;
      created.push(tmpPath);
      await writeNewFile(tmpPath, f.bytes);
      if (await exists(finalPath)) throw new DomainError('EXPORT_EXISTS', `${f.name} appeared in ${dir} while the export was being written; nothing is overwritten. Remove the folder and export again.`);
      created.push(finalPath);
      await rename(tmpPath, finalPath);
      const parent = parentOf(f.name);
      await fsyncPath(parent === null ? dir : join(dir, parent));
      bytesDone += f.bytes.length;
    }
    await fsyncPath(dir);

    // Read everything back from the medium and compare; the rename alone proves nothing on FAT.
    current = '(read-back)';
    await progress({ phase: 'read-back', file: null, filesDone: toWrite.length, filesTotal: toWrite.length, bytesDone, bytesTotal });
    await readBack(dir, toWrite, progress, bytesTotal);

    if (opts.verifyAfterWrite ?? true) {
      const v = await verifyExportPackage(dir, { allowIncompleteMarker: true, trustedKeyIds: signersOf(opts).map((x) => x.keyId) });
      if (!v.ok || v.manifestSha256 !== manifestSha256) {
        const first = v.problems[0];
        throw new DomainError(
          'EXPORT_VERIFY_FAILED',
          `The export written to ${dir} does not verify${first ? `: ${first.file ?? 'package'} ${first.message}` : ''}. It was removed; check the signing key and the files given, then export again.`,
          v.problems.map((p) => `${p.file ?? ''}: ${p.message}`).join('\n'),
        );
      }
    }

    current = '(recording in the vault)';
    opts.record?.({ dir, folderName, manifestSha256, files: resultFiles, totalBytes: bytesTotal });

    // The commit point: only now does the folder become a package.
    current = INCOMPLETE_MARKER;
    await rm(join(dir, INCOMPLETE_MARKER));
    await fsyncPath(dir);
    if (await exists(join(dir, INCOMPLETE_MARKER))) throw new Error('the INCOMPLETE marker is still there after removing it');
  } catch (e) {
    const err = await classifyWriteError(e, mediaRoot, bytesTotal - bytesDone, `at ${current}`);
    const outcome = await removeIncomplete(dir, created, createdDirs);
    const note =
      outcome === 'removed'
        ? ''
        : outcome === 'renamed'
          ? ` The partial folder could not be removed; it was renamed ${folderName}-INCOMPLETE and will not verify: delete it.`
          : ` The partial folder ${folderName} could not be removed; it holds an INCOMPLETE file and will not verify: delete it.`;
    throw new DomainError(err.code, err.message + (err.code === 'MEDIA_REMOVED' ? '' : note), `${err.detail ?? ''}; cleanup: ${outcome}`);
  }

  await progress({ phase: 'done', file: null, filesDone: toWrite.length, filesTotal: toWrite.length, bytesDone: bytesTotal, bytesTotal });
  return { dir, folderName, manifestSha256, files: resultFiles, totalBytes: bytesTotal };
}

async function readBack(dir: string, written: readonly ExportFile[], progress: (p: ExportProgress) => void | Promise<void>, bytesTotal: number): Promise<void> {
  const tree = await listTree(dir, MAX_FOLDER_LEVELS);
  const want = new Set([INCOMPLETE_MARKER, ...written.map((f) => f.name)]);
  for (const e of tree) {
    if (e.kind === 'folder') continue;
    if (!want.has(e.name)) throw readBackFailed(dir, e.name, 'is on the medium but was not written by this export');
  }
  let bytesDone = 0;
  for (const [i, f] of written.entries()) {
    await progress({ phase: 'read-back', file: f.name, filesDone: i, filesTotal: written.length, bytesDone, bytesTotal });
    if (!tree.some((e) => e.name === f.name && e.kind === 'file')) throw readBackFailed(dir, f.name, 'is missing after writing');
    const got = await readRegularFile(join(dir, f.name), f.bytes.length);
    if (got.length !== f.bytes.length || Buffer.compare(got, f.bytes) !== 0) throw readBackFailed(dir, f.name, 'reads back different from what was written');
    bytesDone += f.bytes.length;
  }
}

function readBackFailed(dir: string, name: string, what: string): DomainError {
  return new DomainError(
    'EXPORT_VERIFY_FAILED',
    `${name} ${what} in ${dir}: the medium is not storing data reliably. The export was removed; use another medium and export again.`,
  );
}

/** Best effort: remove what this export created; if that fails, make sure nothing can verify. */
async function removeIncomplete(dir: string, created: readonly string[], createdDirs: readonly string[]): Promise<'removed' | 'renamed' | 'marked'> {
  try {
    // The marker (created first) goes last, so an interrupted cleanup still leaves it.
    for (const p of [...created].reverse()) await rm(p, { force: true });
    for (const d of [...createdDirs].reverse()) await rmdir(d);
    await rmdir(dir);
    return 'removed';
  } catch {
    // fall through
  }
  try {
    if (!(await exists(join(dir, INCOMPLETE_MARKER)))) await writeNewFile(join(dir, INCOMPLETE_MARKER), MARKER_TEXT);
  } catch {
    // the medium may be gone; the rename below is the other safeguard
  }
  try {
    await rename(dir, `${dir}-INCOMPLETE`);
    return 'renamed';
  } catch {
    return 'marked';
  }
}

