/**
 * Checking an export package as the receiving side would (`export verify
 * DIR`): every file's size and SHA-256 against MANIFEST.json and SHA256SUMS,
 * no file missing or extra, no link or special file, and the manifest's
 * detached signature against the key in the package's trust-anchor.json —
 * whose key id must be the SHA-256 of its SPKI and whose certificate must be
 * in trust-bundle.pem. Every problem is collected; nothing is trusted because
 * an earlier check passed.
 */
import { X509Certificate } from 'node:crypto';
import { join } from 'node:path';
import { lstat } from 'node:fs/promises';
import { DomainError } from '../errors.ts';
import {
  INCOMPLETE_MARKER,
  MANIFEST_NAME,
  MAX_FOLDER_LEVELS,
  foldersOf,
  MULTI_CA_FORMAT_VERSION,
  PACKAGE_FORMAT_VERSION,
  SIGNATURE_NAME,
  SUMS_NAME,
  TRUST_ANCHOR_NAME,
  TRUST_BUNDLE_NAME,
  manifestSchema,
  manifestSigners,
  multiCaManifestSchema,
  packageNameProblem,
  parseSums,
  serializeSums,
  type AnyManifest,
  type Manifest,
  type ManifestFile,
  type MultiCaManifest,
} from './package-format.ts';
import { hashRegularFile, listTree, readRegularFile, sha256Hex, type FolderEntry } from './package-files.ts';
import { UntrustedReadError } from '../fs/untrusted-read.ts';
import { trustAnchorSchema, type TrustAnchorKey } from '../keys/trust-anchor.ts';
import { keyMatchesAlgorithm, publicKeyFromBase64url, verifyDetached } from '../pki/signature-check.ts';
import { isKeyId, keyIdOf } from '../asn1/key-id.ts';
import { PemError, pemBlocks } from '../asn1/pem.ts';
import type { CaVerdict, ExportProblem, ExportVerifyCode } from './package-verdict.ts';

export type { CaVerdict, ExportProblem, ExportVerifyCode };

/** A CA's verdict, with the key that signed for it when its signature checked out. */
export interface CaVerifyResult extends CaVerdict {
  signingKey: TrustAnchorKey | null;
}

export interface ExportVerifyResult {
  ok: boolean;
  dir: string;
  problems: ExportProblem[];
  /** Why it failed (the first CA's code, or the package's), null when ok. */
  code: ExportVerifyCode | null;
  /** The parsed manifest, when it could be read (even if other checks failed). */
  manifest: AnyManifest | null;
  manifestSha256: string | null;
  /** The key that signed the manifest of a package of one CA, when the signature checked out (for several CAs: see `cas`). */
  signingKey: TrustAnchorKey | null;
  /** One verdict per CA the manifest lists (one for a package of one CA). */
  cas: CaVerifyResult[];
}

export interface VerifyOptions {
  /** Pin the signer: only these key ids are accepted (the receiving side's own copy of the trust anchor). */
  trustedKeyIds?: readonly string[];
  /**
   * The CAs (names or ids) the pins are for; the others are still checked, against their own trust anchors.
   * Each must be in the package (else EXPORT_CA_MISSING). A package of one CA names none: it is that CA.
   */
  cas?: readonly string[];
  /** @internal The writer checks its own package before removing the INCOMPLETE marker. */
  allowIncompleteMarker?: boolean;
}

const MAX_MANIFEST = 16 * 1024 * 1024;
const MAX_SIGNATURE = 64 * 1024;
const MAX_SUMS = 16 * 1024 * 1024;
const MAX_ANCHOR = 1024 * 1024;
const MAX_BUNDLE = 16 * 1024 * 1024;

function describeReadError(e: unknown): string {
  if (e instanceof UntrustedReadError) {
    switch (e.failure) {
      case 'too-large':
        return `is too large (${e.size ?? '?'} bytes)`;
      case 'missing':
        return 'is missing';
      case 'link':
        return 'is a symbolic link';
      case 'special':
        return 'is not a plain file';
      case 'io':
        return e.message;
    }
  }
  const code = typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : '';
  if (code === 'ENOENT') return 'is missing';
  if (code === 'ELOOP') return 'is a symbolic link';
  return `could not be read (${code || (e instanceof Error ? e.message : String(e))})`;
}

type Report = (file: string | null, message: string, code?: ExportVerifyCode) => void;

/** A package file's JSON, or undefined with a problem reported. */
function parseJsonFile(bytes: Uint8Array, file: string, problem: Report): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as unknown;
  } catch {
    problem(file, 'is not valid UTF-8 JSON');
    return undefined;
  }
}

/** "path: message" of a schema's first complaint, for a problem's text. */
function firstIssue(error: { issues: ReadonlyArray<{ path: PropertyKey[]; message: string }> }): string {
  const issue = error.issues[0];
  return issue ? `${issue.path.map(String).join('.') || 'top level'}: ${issue.message}` : 'invalid';
}

/** The manifest from its bytes, by its format version; a problem when it is neither version. */
function parseManifest(bytes: Uint8Array, problem: Report): AnyManifest | null {
  const json = parseJsonFile(bytes, MANIFEST_NAME, problem);
  if (json === undefined) return null;
  const version = (json as { format_version?: unknown } | null)?.format_version;
  if (version === MULTI_CA_FORMAT_VERSION) {
    const parsed = multiCaManifestSchema.safeParse(json);
    if (parsed.success) return parsed.data as MultiCaManifest;
    problem(MANIFEST_NAME, `is not a version 2 Airgap CA manifest (${firstIssue(parsed.error)})`);
    return null;
  }
  const parsed = manifestSchema.safeParse(json);
  if (parsed.success) return parsed.data as Manifest;
  problem(MANIFEST_NAME, `is not a version 1 Airgap CA manifest (${firstIssue(parsed.error)})`);
  return null;
}

/** A several-CA manifest's own consistency: one safe folder per CA, its signature file in it, no key signing for two CAs, every file in a CA's folder. */
function checkCaList(m: MultiCaManifest, problem: Report): void {
  const folders = new Set<string>();
  const signers = new Map<string, MultiCaManifest['cas'][number]>();
  const ids = new Set<string>();
  for (const c of m.cas) {
    const why = packageNameProblem(c.folder);
    if (why || c.folder.includes('/')) problem(MANIFEST_NAME, `gives CA "${c.name}" the folder "${c.folder}", which ${why ?? 'is more than one folder level'}`);
    if (folders.has(c.folder.toLowerCase())) problem(MANIFEST_NAME, `gives two CAs the folder "${c.folder}"`);
    folders.add(c.folder.toLowerCase());
    if (ids.has(c.id)) problem(MANIFEST_NAME, `lists CA ${c.id} twice`);
    ids.add(c.id);
    if (c.signature_file !== `${c.folder}/${SIGNATURE_NAME}`) problem(MANIFEST_NAME, `names ${c.signature_file} as the signature of CA "${c.name}"; it must be ${c.folder}/${SIGNATURE_NAME}`);
    // Which of the two is the forged one the package cannot tell: both are refused.
    const other = signers.get(c.signing_key_id);
    if (other !== undefined) {
      for (const file of [other.signature_file, c.signature_file]) problem(file, `is by ${c.signing_key_id}, which the manifest names as the signer of both CA "${other.name}" and CA "${c.name}": one key signs for one CA`, 'EXPORT_SIGNER_WRONG_CA');
    }
    signers.set(c.signing_key_id, c);
  }
  for (const f of m.files) {
    const top = f.name.split('/')[0] ?? '';
    if (!f.name.includes('/') || !folders.has(top.toLowerCase())) problem(MANIFEST_NAME, `lists "${f.name}", which is not in the folder of a CA of the package`);
  }
}

/** Whether `name` lies in `folder` ('' is the top of a package of one CA: everything). */
function inFolder(name: string | null, folder: string): boolean {
  return folder === '' || (name !== null && (name === folder || name.startsWith(`${folder}/`)));
}

export async function verifyExportPackage(dir: string, opts: VerifyOptions = {}): Promise<ExportVerifyResult> {
  const problems: ExportProblem[] = [];
  const result: ExportVerifyResult = { ok: false, dir, problems, code: null, manifest: null, manifestSha256: null, signingKey: null, cas: [] };
  const problem: Report = (file, message, code) => {
    problems.push(code === undefined ? { file, message } : { file, message, code });
  };
  const fail = (): ExportVerifyResult => {
    // Nothing could be read far enough to name a CA.
    result.code = 'EXPORT_VERIFY_FAILED';
    return result;
  };

  try {
    const st = await lstat(dir);
    if (st.isSymbolicLink()) {
      problem(null, 'the package folder is a symbolic link');
      return fail();
    }
    if (!st.isDirectory()) {
      problem(null, 'is not a folder');
      return fail();
    }
  } catch (e) {
    problem(null, `the package folder ${describeReadError(e)}`);
    return fail();
  }

  let tree: FolderEntry[];
  try {
    tree = await listTree(dir, MAX_FOLDER_LEVELS);
  } catch (e) {
    problem(null, `the package folder ${describeReadError(e)}`);
    return fail();
  }

  // What is there must be plain files and folders.
  for (const e of tree) {
    if (e.name === INCOMPLETE_MARKER && !opts.allowIncompleteMarker) problem(e.name, 'marks an export that did not finish: this package must not be used');
    if (e.kind === 'symlink') problem(e.name, 'is a symbolic link (packages hold only plain files)');
    if (e.kind === 'other') problem(e.name, 'is a special file (packages hold only plain files)');
  }
  const present = new Set(tree.filter((e) => e.kind === 'file').map((e) => e.name));

  // MANIFEST.json
  let manifestBytes: Uint8Array | null = null;
  try {
    manifestBytes = await readRegularFile(join(dir, MANIFEST_NAME), MAX_MANIFEST);
  } catch (e) {
    problem(MANIFEST_NAME, describeReadError(e));
  }
  let manifest: AnyManifest | null = null;
  if (manifestBytes) {
    result.manifestSha256 = sha256Hex(manifestBytes);
    manifest = parseManifest(manifestBytes, problem);
  }
  result.manifest = manifest;
  const signers = manifest ? manifestSigners(manifest) : [];
  if (manifest?.format_version === MULTI_CA_FORMAT_VERSION) {
    checkCaList(manifest, problem);
    for (const c of manifest.cas) {
      if (!tree.some((e) => e.kind === 'folder' && e.name === c.folder)) problem(c.folder, `is missing: the manifest lists CA "${c.name}" with this folder, which was dropped from the package`, 'EXPORT_CA_MISSING');
    }
  }

  // Names in the manifest must be safe and unique (case-insensitively: FAT folds case).
  const listed: ManifestFile[] = [];
  if (manifest) {
    const seen = new Set<string>();
    for (const f of manifest.files) {
      const why = packageNameProblem(f.name);
      if (why) {
        problem(MANIFEST_NAME, `lists "${f.name}", which ${why}`);
        continue;
      }
      if (seen.has(f.name.toLowerCase()) || signers.some((s) => s.signatureFile.toLowerCase() === f.name.toLowerCase())) {
        problem(MANIFEST_NAME, `lists "${f.name}" twice`);
        continue;
      }
      seen.add(f.name.toLowerCase());
      listed.push(f);
    }
    for (const s of signers) {
      for (const required of [TRUST_ANCHOR_NAME, TRUST_BUNDLE_NAME]) {
        const name = s.folder === '' ? required : `${s.folder}/${required}`;
        if (!listed.some((f) => f.name === name)) problem(MANIFEST_NAME, `does not list ${name}, which every ${s.folder === '' ? 'package' : 'CA of a package'} carries`);
      }
    }
  }

  // Every listed file: size and hash.
  const actualHash = new Map<string, string>();
  for (const f of listed) {
    try {
      const h = await hashRegularFile(join(dir, f.name));
      actualHash.set(f.name, h.sha256);
      if (h.size !== f.size) problem(f.name, `is ${h.size} bytes, the manifest says ${f.size}`);
      else if (h.sha256 !== f.sha256) problem(f.name, 'does not match its SHA-256 in the manifest (changed or damaged)');
    } catch (e) {
      problem(f.name, describeReadError(e));
    }
  }

  // No extra files or folders.
  const signatureFiles = signers.map((s) => s.signatureFile);
  const expected = new Set<string>([MANIFEST_NAME, SUMS_NAME, ...signatureFiles, ...listed.map((f) => f.name)]);
  if (opts.allowIncompleteMarker) expected.add(INCOMPLETE_MARKER);
  const expectedFolders = new Set([...listed.map((f) => f.name), ...signatureFiles].flatMap(foldersOf));
  const extras: string[] = [];
  for (const e of tree) {
    if (e.kind === 'file' && !expected.has(e.name) && manifest) {
      problem(e.name, 'is not listed in the manifest');
      extras.push(e.name);
    }
    if (e.kind === 'folder' && !expectedFolders.has(e.name) && manifest) problem(e.name, 'is a folder the manifest does not account for');
  }

  // The signature files, one per signer.
  const sigBytes = new Map<string, Uint8Array>();
  for (const name of signatureFiles) {
    try {
      sigBytes.set(name, await readRegularFile(join(dir, name), MAX_SIGNATURE));
    } catch (e) {
      problem(name, describeReadError(e));
    }
  }
  if (!manifest) {
    try {
      sigBytes.set(SIGNATURE_NAME, await readRegularFile(join(dir, SIGNATURE_NAME), MAX_SIGNATURE));
    } catch (e) {
      problem(SIGNATURE_NAME, describeReadError(e));
    }
  }
  await checkSums(dir, manifest, listed, result.manifestSha256, manifest ? signatureFiles : [SIGNATURE_NAME], sigBytes, present, problem);

  if (manifest?.format_version === MULTI_CA_FORMAT_VERSION) await findMisplaced(dir, manifest, listed, actualHash, extras, problem);

  // The signatures, each against the key its CA's trust-anchor.json names.
  const checked: Array<{ signer: (typeof signers)[number]; key: SignerKey | null }> = [];
  if (manifest && manifestBytes) {
    for (const signer of signers) {
      const sig = sigBytes.get(signer.signatureFile);
      const key = sig ? await checkSignature(dir, signer, manifestBytes, sig, listed, actualHash, problem) : null;
      checked.push({ signer, key });
    }
    checkAcrossCas(checked, manifestBytes, sigBytes, problem);
  }

  const selection = opts.cas ?? [];
  if (manifest) {
    for (const want of selection) {
      if (manifest.format_version === MULTI_CA_FORMAT_VERSION && !manifest.cas.some((c) => c.name === want || c.id === want)) {
        problem(null, `holds no CA "${want}" (it holds ${manifest.cas.map((c) => c.name).join(', ')}): its folder was dropped, or it was not exported`, 'EXPORT_CA_MISSING');
      }
    }
  }
  const unpinned: string[] = [];
  for (const { signer, key } of checked) {
    const asked = selection.length === 0 || signer.ca === null || selection.includes(signer.ca.name) || selection.includes(signer.ca.id);
    const pinned = opts.trustedKeyIds !== undefined && asked;
    const notPinned = pinned && !opts.trustedKeyIds!.includes(signer.keyId);
    if (notPinned) {
      problem(signer.folder === '' ? MANIFEST_NAME : signer.signatureFile, `is signed by ${signer.keyId}, which is not one of the keys this side trusts`);
      unpinned.push(signer.keyId);
    }
    const own = problems.filter((p) => (signer.folder === '' ? true : inFolder(p.file, signer.folder)));
    const ok = own.length === 0 && key !== null;
    result.cas.push({ id: signer.ca?.id ?? null, name: signer.ca?.name ?? null, folder: signer.folder, signingKeyId: signer.keyId, ok, code: ok ? null : codeOf(own, notPinned), problems: own, signingKey: ok ? key!.entry : null, pinned });
  }
  if (manifest?.format_version === PACKAGE_FORMAT_VERSION && result.cas[0]?.ok) result.signingKey = result.cas[0].signingKey;

  result.ok = problems.length === 0;
  result.code = result.ok ? null : codeOf(problems, unpinned.length > 0);
  return result;
}

const CODE_ORDER: readonly ExportVerifyCode[] = ['EXPORT_CA_MISSING', 'EXPORT_SIGNER_WRONG_CA', 'EXPORT_FILE_MISPLACED'];

/** The most telling code: a dropped CA, another CA's signer, a file of another CA, then an unpinned signer; else EXPORT_VERIFY_FAILED. */
function codeOf(problems: readonly ExportProblem[], notPinned: boolean): ExportVerifyCode {
  return CODE_ORDER.find((c) => problems.some((p) => p.code === c)) ?? (notPinned ? 'EXPORT_SIGNER_NOT_PINNED' : 'EXPORT_VERIFY_FAILED');
}

/** SHA256SUMS must cover exactly the listed files plus the manifest and its signatures, with the same hashes, in the order the manifest determines. */
async function checkSums(
  dir: string,
  manifest: AnyManifest | null,
  listed: readonly ManifestFile[],
  manifestSha256: string | null,
  signatureFiles: readonly string[],
  sigBytes: ReadonlyMap<string, Uint8Array>,
  present: ReadonlySet<string>,
  problem: Report,
): Promise<void> {
  let problemsSeen = 0;
  const counting: Report = (file, message, code) => {
    problemsSeen++;
    problem(file, message, code);
  };
  try {
    const sumsBytes = await readRegularFile(join(dir, SUMS_NAME), MAX_SUMS);
    const parsed = parseSums(new TextDecoder('utf-8', { fatal: false }).decode(sumsBytes));
    if ('problem' in parsed) {
      counting(SUMS_NAME, parsed.problem);
      return;
    }
    const sums = new Map<string, string>();
    for (const e of parsed.entries) {
      if (sums.has(e.name)) counting(SUMS_NAME, `lists "${e.name}" twice`);
      sums.set(e.name, e.sha256);
    }
    const own = new Set<string>([MANIFEST_NAME, ...signatureFiles]);
    const shouldCover = new Map<string, string | null>();
    for (const f of listed) shouldCover.set(f.name, f.sha256);
    shouldCover.set(MANIFEST_NAME, manifestSha256);
    for (const name of signatureFiles) {
      const b = sigBytes.get(name);
      shouldCover.set(name, b ? sha256Hex(b) : null);
    }
    for (const [name, want] of shouldCover) {
      const got = sums.get(name);
      if (got === undefined) {
        if (manifest || own.has(name)) counting(SUMS_NAME, `does not list ${name}`);
      } else if (want !== null && got !== want) counting(SUMS_NAME, `has a different SHA-256 for ${name} than ${own.has(name) ? 'the file itself' : 'the manifest'}`);
    }
    for (const name of sums.keys()) {
      if (!shouldCover.has(name) && (manifest || !present.has(name))) counting(SUMS_NAME, `lists "${name}", which is not part of the package`);
    }
    // SHA256SUMS is not signed, so it must be exactly what the manifest and signatures determine: any other byte is tampering.
    const allSigs = signatureFiles.every((n) => sigBytes.has(n));
    if (manifest && manifestSha256 && allSigs && problemsSeen === 0) {
      const canonical = serializeSums([...listed, { name: MANIFEST_NAME, sha256: manifestSha256 }, ...signatureFiles.map((n) => ({ name: n, sha256: sha256Hex(sigBytes.get(n)!) }))]);
      if (Buffer.compare(Buffer.from(canonical), Buffer.from(sumsBytes)) !== 0) problem(SUMS_NAME, 'is not in the order and form the manifest determines (it was edited)');
    }
  } catch (e) {
    problem(SUMS_NAME, describeReadError(e));
  }
}

/**
 * A file of one CA found in another CA's folder (moved or copied there): its
 * content is what the manifest lists for the other CA's folder. Named with
 * its own code, so a receiver sees files were shuffled between CAs, not just damaged.
 */
async function findMisplaced(dir: string, m: MultiCaManifest, listed: readonly ManifestFile[], actualHash: ReadonlyMap<string, string>, extras: readonly string[], problem: Report): Promise<void> {
  const folderOf = (name: string) => name.split('/')[0] ?? '';
  const owners = new Map<string, Set<string>>();
  for (const f of listed) owners.set(f.sha256, (owners.get(f.sha256) ?? new Set()).add(folderOf(f.name).toLowerCase()));
  const nameOf = new Map(m.cas.map((c) => [c.folder.toLowerCase(), c.name]));
  const check = (file: string, sha256: string | undefined) => {
    if (sha256 === undefined) return;
    const here = folderOf(file).toLowerCase();
    const from = [...(owners.get(sha256) ?? [])];
    if (from.length > 0 && !from.includes(here)) problem(file, `is a file of CA "${nameOf.get(from[0]!) ?? from[0]}" (its content is listed under ${from[0]}/), found in the folder of ${nameOf.has(here) ? `CA "${nameOf.get(here)}"` : here}`, 'EXPORT_FILE_MISPLACED');
  };
  for (const f of listed) if (actualHash.get(f.name) !== f.sha256) check(f.name, actualHash.get(f.name));
  for (const name of extras) {
    try {
      check(name, (await hashRegularFile(join(dir, name))).sha256);
    } catch {
      // already reported as not listed; unreadable as well tells nothing more
    }
  }
}

interface SignerKey {
  entry: TrustAnchorKey;
  pub: ReturnType<typeof publicKeyFromBase64url>;
  /** Every key id the CA's trust-anchor.json holds. */
  anchorKeyIds: string[];
  signatureOk: boolean;
}

/**
 * Across CAs: a CA whose signature fails with its own key but verifies with
 * another CA's key was re-signed by that CA; a key in two CAs' trust anchors
 * lets one CA's signature pass for the other. Both are EXPORT_SIGNER_WRONG_CA.
 */
function checkAcrossCas(checked: ReadonlyArray<{ signer: { keyId: string; signatureFile: string; folder: string; ca: { name: string } | null }; key: SignerKey | null }>, manifestBytes: Uint8Array, sigBytes: ReadonlyMap<string, Uint8Array>, problem: Report): void {
  if (checked.length < 2) return;
  for (const a of checked) {
    for (const b of checked) {
      if (a === b || !b.key || !a.key) continue;
      const sig = sigBytes.get(a.signer.signatureFile);
      if (!a.key.signatureOk && sig && b.key.signatureOk && verifyDetached(b.key.entry.algorithm, b.key.pub.key, manifestBytes, sig)) {
        problem(a.signer.signatureFile, `is a signature by ${b.signer.keyId}, the key of CA "${b.signer.ca?.name}", not by CA "${a.signer.ca?.name}"'s own key ${a.signer.keyId}`, 'EXPORT_SIGNER_WRONG_CA');
      }
      // A key belongs to one CA; which anchor was rewritten the package cannot tell, so both CAs are refused.
      const shared = a.key.anchorKeyIds.find((id) => b.key!.anchorKeyIds.includes(id));
      if (shared !== undefined) problem(`${a.signer.folder}/${TRUST_ANCHOR_NAME}`, `holds ${shared}, which the trust anchor of CA "${b.signer.ca?.name}" holds too: a key belongs to one CA`, 'EXPORT_SIGNER_WRONG_CA');
    }
  }
}

async function checkSignature(
  dir: string,
  signer: { keyId: string; signatureFile: string; folder: string },
  manifestBytes: Uint8Array,
  sigBytes: Uint8Array,
  listed: readonly ManifestFile[],
  actualHash: ReadonlyMap<string, string>,
  problem: Report,
): Promise<SignerKey | null> {
  const keyId = signer.keyId;
  const at = (name: string) => (signer.folder === '' ? name : `${signer.folder}/${name}`);
  const anchorName = at(TRUST_ANCHOR_NAME);
  const bundleName = at(TRUST_BUNDLE_NAME);
  const manifestFile = signer.folder === '' ? MANIFEST_NAME : signer.signatureFile;
  let anchorBytes: Uint8Array;
  try {
    anchorBytes = await readRegularFile(join(dir, anchorName), MAX_ANCHOR);
  } catch (e) {
    problem(anchorName, describeReadError(e));
    return null;
  }
  // The anchor is trusted only as far as the manifest vouches for it.
  const anchorListed = listed.find((f) => f.name === anchorName);
  if (!anchorListed || sha256Hex(anchorBytes) !== anchorListed.sha256 || actualHash.get(anchorName) !== anchorListed.sha256) return null;

  const anchorJson = parseJsonFile(anchorBytes, anchorName, problem);
  if (anchorJson === undefined) return null;
  const anchor = trustAnchorSchema.safeParse(anchorJson);
  if (!anchor.success) {
    problem(anchorName, `is not a trust anchor (${firstIssue(anchor.error)})`);
    return null;
  }
  if (anchor.data.active_key_id !== keyId) problem(manifestFile, `is signed by ${keyId}, but ${anchorName} names ${anchor.data.active_key_id} as the active key`);
  const key = anchor.data.keys.find((k) => k.key_id === keyId);
  if (!key) {
    problem(manifestFile, `names signing key ${keyId}, which ${anchorName} does not hold`);
    return null;
  }
  if (key.state === 'retired' || key.state === 'draft') problem(anchorName, `marks signing key ${keyId} as ${key.state}`);

  let pub: ReturnType<typeof publicKeyFromBase64url>;
  try {
    pub = publicKeyFromBase64url(key.public_key);
  } catch {
    problem(anchorName, `holds a public key for ${keyId} that is not a valid SubjectPublicKeyInfo`);
    return null;
  }
  if (keyIdOf(pub.spki) !== keyId) {
    problem(anchorName, `holds a public key whose SHA-256 is not its key id ${keyId}`);
    return null;
  }
  const canonical = new Uint8Array(pub.key.export({ type: 'spki', format: 'der' }));
  if (Buffer.compare(canonical, pub.spki) !== 0) {
    problem(anchorName, `holds a non-canonical encoding of the public key ${keyId}`);
    return null;
  }
  if (!keyMatchesAlgorithm(pub.key, key.algorithm)) {
    problem(anchorName, `says key ${keyId} is ${key.algorithm}, but the public key is not`);
    return null;
  }
  const found: SignerKey = { entry: key, pub, anchorKeyIds: anchor.data.keys.map((k) => k.key_id), signatureOk: false };
  if (!verifyDetached(key.algorithm, pub.key, manifestBytes, sigBytes)) {
    problem(signer.signatureFile, `is not a valid signature of MANIFEST.json by ${keyId}`);
    return found;
  }
  found.signatureOk = true;

  // The signing key must be one the bundle distributes (active + trusted CA certificates).
  const bundleListed = listed.find((f) => f.name === bundleName);
  if (!bundleListed || actualHash.get(bundleName) !== bundleListed.sha256) return found;
  let bundleText: string;
  try {
    bundleText = new TextDecoder('utf-8', { fatal: true }).decode(await readRegularFile(join(dir, bundleName), MAX_BUNDLE));
  } catch {
    problem(bundleName, 'could not be read as text');
    return found;
  }
  let blocks: Buffer[];
  try {
    blocks = pemBlocks(bundleText).flatMap((b) => (b.label === 'CERTIFICATE' ? [b.der] : []));
  } catch (e) {
    if (!(e instanceof PemError)) throw e;
    problem(bundleName, `holds a damaged PEM block (${e.message})`);
    return found;
  }
  let inBundle = false;
  for (const block of blocks) {
    try {
      const spki = new X509Certificate(block).publicKey.export({ type: 'spki', format: 'der' });
      if (Buffer.compare(spki, pub.spki) === 0) inBundle = true;
    } catch {
      problem(bundleName, 'holds a certificate that cannot be parsed');
    }
  }
  if (blocks.length === 0) problem(bundleName, 'holds no certificate');
  else if (!inBundle) problem(bundleName, `holds no certificate for the signing key ${keyId}`);
  return found;
}

/** verifyExportPackage, throwing EXPORT_VERIFY_FAILED that names the first problem (and counts the rest) unless the package is sound. */
export async function assertExportPackage(dir: string, opts: VerifyOptions = {}): Promise<ExportVerifyResult> {
  const r = await verifyExportPackage(dir, opts);
  if (!r.ok) {
    const first = r.problems[0];
    const where = first?.file ? `${first.file} ${first.message}` : (first?.message ?? 'unknown problem');
    const more = r.problems.length > 1 ? ` (and ${r.problems.length - 1} more problem${r.problems.length > 2 ? 's' : ''})` : '';
    throw new DomainError(
      'EXPORT_VERIFY_FAILED',
      `The export package at ${dir} failed verification: ${where}${more}. Do not use it; export it again from the CA workstation.`,
      r.problems.map((p) => (p.file ? `${p.file}: ${p.message}` : p.message)).join('\n'),
    );
  }
  return r;
}

/**
 * The key ids a receiver pins a package to: those of its own trust-anchor.json
 * (keys that are active or trusted; draft and retired keys never sign), plus
 * any given one by one. Throws TRUST_ANCHOR_INVALID for an unreadable anchor
 * and INVALID_INPUT for a malformed key id.
 */
export async function pinnedKeyIds(args: { trustAnchorPath?: string; keyIds?: readonly string[] }): Promise<string[] | undefined> {
  if (args.trustAnchorPath === undefined && (args.keyIds === undefined || args.keyIds.length === 0)) return undefined;
  const ids = new Set<string>();
  for (const raw of args.keyIds ?? []) {
    const id = raw.trim().toLowerCase();
    if (!isKeyId(id)) throw new DomainError('INVALID_INPUT', `"${raw}" is not a key id: a key id is "sha256:" and 64 hex digits, as "key list" and trust-anchor.json show it.`);
    ids.add(id);
  }
  if (args.trustAnchorPath !== undefined) {
    let anchor: ReturnType<typeof trustAnchorSchema.safeParse>;
    try {
      const bytes = await readRegularFile(args.trustAnchorPath, MAX_ANCHOR);
      anchor = trustAnchorSchema.safeParse(JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)));
    } catch (e) {
      throw new DomainError('TRUST_ANCHOR_INVALID', `The trust anchor ${args.trustAnchorPath} ${e instanceof SyntaxError || e instanceof TypeError ? 'is not JSON' : describeReadError(e)}. Give the trust-anchor.json this side already trusts (not the one inside the package).`);
    }
    if (!anchor.success) throw new DomainError('TRUST_ANCHOR_INVALID', `The trust anchor ${args.trustAnchorPath} is not a trust-anchor.json (${anchor.error.issues[0]?.message ?? 'bad shape'}).`);
    for (const k of anchor.data.keys) if (k.state === 'active' || k.state === 'trusted') ids.add(k.key_id);
  }
  return [...ids];
}

