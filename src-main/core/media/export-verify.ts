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
  SIGNATURE_NAME,
  SUMS_NAME,
  TRUST_ANCHOR_NAME,
  TRUST_BUNDLE_NAME,
  manifestSchema,
  packageNameProblem,
  parseSums,
  serializeSums,
  type Manifest,
  type ManifestFile,
} from './package-format.ts';
import { hashRegularFile, listTree, readRegularFile, sha256Hex, type FolderEntry } from './package-files.ts';
import { UntrustedReadError } from '../fs/untrusted-read.ts';
import { trustAnchorSchema, type TrustAnchorKey } from '../keys/trust-anchor.ts';
import { keyMatchesAlgorithm, publicKeyFromBase64url, verifyDetached } from '../pki/signature-check.ts';
import { isKeyId, keyIdOf } from '../asn1/key-id.ts';
import { PemError, pemBlocks } from '../asn1/pem.ts';

export interface ExportProblem {
  /** The file at fault, relative to the package folder; null for the package as a whole. */
  file: string | null;
  message: string;
}

export interface ExportVerifyResult {
  ok: boolean;
  dir: string;
  problems: ExportProblem[];
  /** The parsed manifest, when it could be read (even if other checks failed). */
  manifest: Manifest | null;
  manifestSha256: string | null;
  /** The key that signed the manifest, when the signature checked out. */
  signingKey: TrustAnchorKey | null;
}

export interface VerifyOptions {
  /** Pin the signer: only these key ids are accepted (the receiving side's own copy of the trust anchor). */
  trustedKeyIds?: readonly string[];
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

export async function verifyExportPackage(dir: string, opts: VerifyOptions = {}): Promise<ExportVerifyResult> {
  const problems: ExportProblem[] = [];
  const result: ExportVerifyResult = { ok: false, dir, problems, manifest: null, manifestSha256: null, signingKey: null };
  const problem = (file: string | null, message: string): void => {
    problems.push({ file, message });
  };

  try {
    const st = await lstat(dir);
    if (st.isSymbolicLink()) {
      problem(null, 'the package folder is a symbolic link');
      return result;
    }
    if (!st.isDirectory()) {
      problem(null, 'is not a folder');
      return result;
    }
  } catch (e) {
    problem(null, `the package folder ${describeReadError(e)}`);
    return result;
  }

  let tree: FolderEntry[];
  try {
    tree = await listTree(dir, 1);
  } catch (e) {
    problem(null, `the package folder ${describeReadError(e)}`);
    return result;
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
  let manifest: Manifest | null = null;
  if (manifestBytes) {
    result.manifestSha256 = sha256Hex(manifestBytes);
    let json: unknown;
    try {
      json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(manifestBytes));
    } catch {
      problem(MANIFEST_NAME, 'is not valid UTF-8 JSON');
    }
    if (json !== undefined) {
      const parsed = manifestSchema.safeParse(json);
      if (parsed.success) manifest = parsed.data as Manifest;
      else {
        const issue = parsed.error.issues[0];
        problem(MANIFEST_NAME, `is not a version 1 Airgap CA manifest (${issue ? `${issue.path.join('.') || 'top level'}: ${issue.message}` : 'invalid'})`);
      }
    }
  }
  result.manifest = manifest;

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
      if (seen.has(f.name.toLowerCase())) {
        problem(MANIFEST_NAME, `lists "${f.name}" twice`);
        continue;
      }
      seen.add(f.name.toLowerCase());
      listed.push(f);
    }
    for (const required of [TRUST_ANCHOR_NAME, TRUST_BUNDLE_NAME]) {
      if (!listed.some((f) => f.name === required)) problem(MANIFEST_NAME, `does not list ${required}, which every package carries`);
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
  const expected = new Set<string>([MANIFEST_NAME, SIGNATURE_NAME, SUMS_NAME, ...listed.map((f) => f.name)]);
  if (opts.allowIncompleteMarker) expected.add(INCOMPLETE_MARKER);
  const expectedFolders = new Set(listed.filter((f) => f.name.includes('/')).map((f) => f.name.split('/')[0] as string));
  for (const e of tree) {
    if (e.kind === 'file' && !expected.has(e.name) && manifest) problem(e.name, 'is not listed in the manifest');
    if (e.kind === 'folder' && !expectedFolders.has(e.name) && manifest) problem(e.name, 'is a folder the manifest does not account for');
  }

  // SHA256SUMS must cover exactly the listed files plus the manifest and its signature, with the same hashes.
  let sigBytes: Uint8Array | null = null;
  try {
    sigBytes = await readRegularFile(join(dir, SIGNATURE_NAME), MAX_SIGNATURE);
  } catch (e) {
    problem(SIGNATURE_NAME, describeReadError(e));
  }
  const problemsBeforeSums = problems.length;
  try {
    const sumsBytes = await readRegularFile(join(dir, SUMS_NAME), MAX_SUMS);
    const parsed = parseSums(new TextDecoder('utf-8', { fatal: false }).decode(sumsBytes));
    if ('problem' in parsed) problem(SUMS_NAME, parsed.problem);
    else {
      const sums = new Map<string, string>();
      for (const e of parsed.entries) {
        if (sums.has(e.name)) problem(SUMS_NAME, `lists "${e.name}" twice`);
        sums.set(e.name, e.sha256);
      }
      const shouldCover = new Map<string, string | null>();
      for (const f of listed) shouldCover.set(f.name, f.sha256);
      shouldCover.set(MANIFEST_NAME, result.manifestSha256);
      shouldCover.set(SIGNATURE_NAME, sigBytes ? sha256Hex(sigBytes) : null);
      for (const [name, want] of shouldCover) {
        const got = sums.get(name);
        if (got === undefined) {
          if (manifest || name === MANIFEST_NAME || name === SIGNATURE_NAME) problem(SUMS_NAME, `does not list ${name}`);
        } else if (want !== null && got !== want) problem(SUMS_NAME, `has a different SHA-256 for ${name} than ${name === MANIFEST_NAME || name === SIGNATURE_NAME ? 'the file itself' : 'the manifest'}`);
      }
      for (const name of sums.keys()) {
        if (!shouldCover.has(name) && (manifest || !present.has(name))) problem(SUMS_NAME, `lists "${name}", which is not part of the package`);
      }
      // SHA256SUMS is not signed, so it must be exactly what the manifest and signature determine: any other byte is tampering.
      const before = problems.length;
      if (manifest && result.manifestSha256 && sigBytes && before === problemsBeforeSums) {
        const canonical = serializeSums([...listed, { name: MANIFEST_NAME, sha256: result.manifestSha256 }, { name: SIGNATURE_NAME, sha256: sha256Hex(sigBytes) }]);
        if (Buffer.compare(Buffer.from(canonical), Buffer.from(sumsBytes)) !== 0) problem(SUMS_NAME, 'is not in the order and form the manifest determines (it was edited)');
      }
    }
  } catch (e) {
    problem(SUMS_NAME, describeReadError(e));
  }

  // The signature, against the key the manifest names in trust-anchor.json.
  if (manifest && manifestBytes && sigBytes) {
    await checkSignature(dir, manifest, manifestBytes, sigBytes, actualHash, opts, problem, result);
  }

  result.ok = problems.length === 0;
  return result;
}

async function checkSignature(
  dir: string,
  manifest: Manifest,
  manifestBytes: Uint8Array,
  sigBytes: Uint8Array,
  actualHash: Map<string, string>,
  opts: VerifyOptions,
  problem: (file: string | null, message: string) => void,
  result: ExportVerifyResult,
): Promise<void> {
  const keyId = manifest.signing_key_id;
  if (opts.trustedKeyIds && !opts.trustedKeyIds.includes(keyId)) {
    problem(MANIFEST_NAME, `is signed by ${keyId}, which is not one of the keys this side trusts`);
  }
  let anchorBytes: Uint8Array;
  try {
    anchorBytes = await readRegularFile(join(dir, TRUST_ANCHOR_NAME), MAX_ANCHOR);
  } catch (e) {
    problem(TRUST_ANCHOR_NAME, describeReadError(e));
    return;
  }
  // The anchor is trusted only as far as the manifest vouches for it.
  const anchorListed = manifest.files.find((f) => f.name === TRUST_ANCHOR_NAME);
  if (!anchorListed || sha256Hex(anchorBytes) !== anchorListed.sha256 || actualHash.get(TRUST_ANCHOR_NAME) !== anchorListed.sha256) return;

  let anchorJson: unknown;
  try {
    anchorJson = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(anchorBytes));
  } catch {
    problem(TRUST_ANCHOR_NAME, 'is not valid UTF-8 JSON');
    return;
  }
  const anchor = trustAnchorSchema.safeParse(anchorJson);
  if (!anchor.success) {
    const issue = anchor.error.issues[0];
    problem(TRUST_ANCHOR_NAME, `is not a trust anchor (${issue ? `${issue.path.join('.') || 'top level'}: ${issue.message}` : 'invalid'})`);
    return;
  }
  if (anchor.data.active_key_id !== keyId) problem(MANIFEST_NAME, `is signed by ${keyId}, but trust-anchor.json names ${anchor.data.active_key_id} as the active key`);
  // The bundle version travels twice, signed in the manifest and in the anchor; both name the package's own bundle.
  const listedBundle = manifest.files.find((f) => f.name === TRUST_BUNDLE_NAME);
  if (manifest.bundle_sha256 !== undefined && listedBundle && manifest.bundle_sha256 !== listedBundle.sha256) problem(MANIFEST_NAME, `names bundle ${manifest.bundle_sha256}, but its ${TRUST_BUNDLE_NAME} is ${listedBundle.sha256}`);
  if (anchor.data.bundle_version !== manifest.bundle_version || anchor.data.bundle_sha256 !== manifest.bundle_sha256) {
    problem(TRUST_ANCHOR_NAME, `names bundle version ${anchor.data.bundle_version ?? 'none'} (${anchor.data.bundle_sha256 ?? 'no digest'}), the manifest ${manifest.bundle_version ?? 'none'} (${manifest.bundle_sha256 ?? 'no digest'})`);
  }
  const key = anchor.data.keys.find((k) => k.key_id === keyId);
  if (!key) {
    problem(MANIFEST_NAME, `names signing key ${keyId}, which trust-anchor.json does not hold`);
    return;
  }
  // A staged key is trusted by agents but signs nothing, a package manifest included.
  if (key.state === 'retired' || key.state === 'draft' || key.state === 'staged') problem(TRUST_ANCHOR_NAME, `marks signing key ${keyId} as ${key.state}`);

  let pub: ReturnType<typeof publicKeyFromBase64url>;
  try {
    pub = publicKeyFromBase64url(key.public_key);
  } catch {
    problem(TRUST_ANCHOR_NAME, `holds a public key for ${keyId} that is not a valid SubjectPublicKeyInfo`);
    return;
  }
  if (keyIdOf(pub.spki) !== keyId) {
    problem(TRUST_ANCHOR_NAME, `holds a public key whose SHA-256 is not its key id ${keyId}`);
    return;
  }
  const canonical = new Uint8Array(pub.key.export({ type: 'spki', format: 'der' }));
  if (Buffer.compare(canonical, pub.spki) !== 0) {
    problem(TRUST_ANCHOR_NAME, `holds a non-canonical encoding of the public key ${keyId}`);
    return;
  }
  if (!keyMatchesAlgorithm(pub.key, key.algorithm)) {
    problem(TRUST_ANCHOR_NAME, `says key ${keyId} is ${key.algorithm}, but the public key is not`);
    return;
  }
  if (!verifyDetached(key.algorithm, pub.key, manifestBytes, sigBytes)) {
    problem(SIGNATURE_NAME, `is not a valid signature of MANIFEST.json by ${keyId}`);
    return;
  }

  // The signing key must be one the bundle distributes (active + trusted CA certificates).
  const bundleListed = manifest.files.find((f) => f.name === TRUST_BUNDLE_NAME);
  if (!bundleListed || actualHash.get(TRUST_BUNDLE_NAME) !== bundleListed.sha256) return;
  let bundleText: string;
  try {
    bundleText = new TextDecoder('utf-8', { fatal: true }).decode(await readRegularFile(join(dir, TRUST_BUNDLE_NAME), MAX_BUNDLE));
  } catch {
    problem(TRUST_BUNDLE_NAME, 'could not be read as text');
    return;
  }
  let blocks: Buffer[];
  try {
    blocks = pemBlocks(bundleText).flatMap((b) => (b.label === 'CERTIFICATE' ? [b.der] : []));
  } catch (e) {
    if (!(e instanceof PemError)) throw e;
    problem(TRUST_BUNDLE_NAME, `holds a damaged PEM block (${e.message})`);
    return;
  }
  let found = false;
  for (const block of blocks) {
    try {
      const spki = new X509Certificate(block).publicKey.export({ type: 'spki', format: 'der' });
      if (Buffer.compare(spki, pub.spki) === 0) found = true;
    } catch {
      problem(TRUST_BUNDLE_NAME, 'holds a certificate that cannot be parsed');
    }
  }
  if (blocks.length === 0) problem(TRUST_BUNDLE_NAME, 'holds no certificate');
  else if (!found) problem(TRUST_BUNDLE_NAME, `holds no certificate for the signing key ${keyId}`);
  if (result.problems.length === 0) result.signingKey = key;
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

