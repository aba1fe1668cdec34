/**
 * The on-media format of an export package (docs/architecture.md, "Export packages"): the folder
 * name, the reserved file names, MANIFEST.json and SHA256SUMS. Shared by the
 * writer and the verifier so that both sides agree byte for byte.
 */
import { z } from 'zod';
import { KEY_ID_RE } from '../asn1/key-id.ts';

export const PACKAGE_FORMAT = 'airgap-ca-export';
export const PACKAGE_FORMAT_VERSION = 1;
/** A package of several CAs: a folder per CA, one manifest co-signed by each CA's active key. */
export const MULTI_CA_FORMAT_VERSION = 2;
/** The most folder levels a package file name may have (`ca-<name>/crl/scheduled/<file>`). */
export const MAX_FOLDER_LEVELS = 3;

export const MANIFEST_NAME = 'MANIFEST.json';
export const SIGNATURE_NAME = 'MANIFEST.json.sig';
export const SUMS_NAME = 'SHA256SUMS';
/** Present while an export is being written; removed only after the read-back passed. A folder holding it never verifies. */
export const INCOMPLETE_MARKER = 'INCOMPLETE';
export const TRUST_ANCHOR_NAME = 'trust-anchor.json';
export const TRUST_BUNDLE_NAME = 'trust-bundle.pem';

/** What a key's CRL files are named by in a package: the first 16 hex digits of its key id (`crl/<stem>.crl`, `crl/scheduled/<stem>-<number>.crl`). */
export function crlFileStem(keyId: string): string {
  return keyId.slice('sha256:'.length, 'sha256:'.length + 16);
}
/** Suffix of files being written; they are renamed to their final name once synced. */
export const PARTIAL_SUFFIX = '.partial';

export const RESERVED_NAMES: readonly string[] = [MANIFEST_NAME, SIGNATURE_NAME, SUMS_NAME, INCOMPLETE_MARKER];

export interface ManifestFile {
  name: string;
  size: number;
  sha256: string;
}

export interface Manifest {
  format: typeof PACKAGE_FORMAT;
  format_version: typeof PACKAGE_FORMAT_VERSION;
  created: string;
  vault_id: string;
  actor: string;
  signing_key_id: string;
  signature_file: typeof SIGNATURE_NAME;
  files: ManifestFile[];
  /**
   * The vault's audit head when the package was written, signed with the
   * manifest: a checkpoint that leaves the machine, so a vault rolled back
   * behind it is caught (`audit verify --checkpoint`). Absent in packages
   * written before it existed.
   */
  audit_head?: AuditHead;
  /** The version of trust-bundle.pem (per CA, only grows) and the SHA-256 of its bytes; absent in older packages. */
  bundle_version?: number;
  bundle_sha256?: string;
}

/** One CA of a several-CA package: whose folder it is and which key co-signed the manifest. */
export interface ManifestCa {
  /** The CA's id in the vault, and its name when the package was written. */
  id: string;
  name: string;
  /** The folder (one segment, `ca-…`) that holds this CA's files. */
  folder: string;
  signing_key_id: string;
  /** `<folder>/MANIFEST.json.sig`: this CA's active key's signature over the exact bytes of MANIFEST.json. */
  signature_file: string;
  /** The version of this CA's trust-bundle.pem (per CA, only grows) and the SHA-256 of its bytes. */
  bundle_version?: number;
  bundle_sha256?: string;
}

/**
 * The manifest of a package of several CAs (format version 2): every file of
 * every CA, and the CAs with their folders and signers. It has no signature
 * of its own at the top: each CA in it signs these exact bytes, so a receiver
 * of one CA checks that CA's signature and that CA's files.
 */
export interface MultiCaManifest {
  format: typeof PACKAGE_FORMAT;
  format_version: typeof MULTI_CA_FORMAT_VERSION;
  created: string;
  vault_id: string;
  actor: string;
  cas: ManifestCa[];
  files: ManifestFile[];
  audit_head?: AuditHead;
}

export type AnyManifest = Manifest | MultiCaManifest;

/** Who signed a manifest, and with which file: one signer for a package of one CA (folder ''), one per CA otherwise. */
export function manifestSigners(
  m: AnyManifest,
): Array<{ keyId: string; signatureFile: string; folder: string; ca: { id: string; name: string } | null; bundleVersion?: number; bundleSha256?: string }> {
  const bundle = (b: { bundle_version?: number; bundle_sha256?: string }) => ({
    ...(b.bundle_version !== undefined ? { bundleVersion: b.bundle_version } : {}),
    ...(b.bundle_sha256 !== undefined ? { bundleSha256: b.bundle_sha256 } : {}),
  });
  if (m.format_version === PACKAGE_FORMAT_VERSION) return [{ keyId: m.signing_key_id, signatureFile: m.signature_file, folder: '', ca: null, ...bundle(m) }];
  return m.cas.map((c) => ({ keyId: c.signing_key_id, signatureFile: c.signature_file, folder: c.folder, ca: { id: c.id, name: c.name }, ...bundle(c) }));
}

/** The last audit event: its sequence number and chain hash (64 lowercase hex). */
export interface AuditHead {
  seq: number;
  hash: string;
}

const HEX64_RE = /^[0-9a-f]{64}$/;
/**
 * A segment is what FAT, exFAT, NTFS, APFS and ext4 all store unchanged:
 * letters, digits, dot, dash, underscore; not starting with a dot (hidden
 * files, `.` and `..`), at most 100 characters.
 */
const SEGMENT_RE = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}$/;
/** Names DOS devices keep for themselves on FAT/NTFS, whatever the extension (CON.txt is CON). */
const DOS_DEVICE_RE = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;

/** Every folder a file name lies in, outermost first (`crl/scheduled/x.crl`: `crl`, `crl/scheduled`). */
export function foldersOf(name: string): string[] {
  const segments = name.split('/');
  return segments.slice(0, -1).map((_, i) => segments.slice(0, i + 1).join('/'));
}

/** Why `name` can't be a package file name, or null when it can. Names use `/` and at most three folder levels (`ca-<name>/crl/scheduled/…`). */
export function packageNameProblem(name: string): string | null {
  const segments = name.split('/');
  if (segments.length > MAX_FOLDER_LEVELS + 1) return `has more than ${MAX_FOLDER_LEVELS} folder levels`;
  for (const s of segments) {
    if (!SEGMENT_RE.test(s)) return 'may contain only letters, digits, ".", "-" and "_" (not starting with ".")';
    if (DOS_DEVICE_RE.test(s)) return 'is a reserved device name on FAT and NTFS';
    if (s.endsWith('.')) return 'ends with "." (FAT drops it)';
  }
  if (RESERVED_NAMES.some((r) => r.toLowerCase() === name.toLowerCase())) return 'is reserved for the package itself';
  if (name.toLowerCase().endsWith(PARTIAL_SUFFIX)) return `ends with "${PARTIAL_SUFFIX}", which marks files being written`;
  return null;
}

/** `airgap-ca-<YYYYMMDDTHHMMSSZ>-<first 8 of the vault id>` (UTC). */
export function packageFolderName(createdAt: Date, vaultId: string): string {
  if (Number.isNaN(createdAt.getTime())) throw new TypeError('createdAt is not a valid date');
  const stamp = createdAt.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
  const prefix = vaultId.toLowerCase().replace(/[^0-9a-z]/g, '').slice(0, 8);
  if (prefix.length < 8) throw new TypeError('vaultId needs at least 8 letters or digits');
  return `airgap-ca-${stamp}-${prefix}`;
}

const manifestFileSchema = z
  .object({
    name: z.string().max(300),
    size: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
    sha256: z.string().regex(HEX64_RE),
  })
  .strict();
const auditHeadSchema = z.object({ seq: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER), hash: z.string().regex(HEX64_RE) }).strict();

/** The version and SHA-256 of a CA's trust-bundle.pem (absent in packages written before them). */
const bundleVersionMembers = {
  bundle_version: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
  bundle_sha256: z.string().regex(HEX64_RE).optional(),
};

/** The members both versions of the manifest share. */
const manifestCommon = {
  format: z.literal(PACKAGE_FORMAT),
  created: z.iso.datetime(),
  vault_id: z.string().min(1).max(200),
  actor: z.string().min(1).max(200),
  audit_head: auditHeadSchema.optional(),
};

export const manifestSchema = z
  .object({
    ...manifestCommon,
    format_version: z.literal(PACKAGE_FORMAT_VERSION),
    signing_key_id: z.string().regex(KEY_ID_RE),
    signature_file: z.literal(SIGNATURE_NAME),
    files: z.array(manifestFileSchema).max(10_000),
    ...bundleVersionMembers,
  })
  .strict();

export const multiCaManifestSchema = z
  .object({
    ...manifestCommon,
    format_version: z.literal(MULTI_CA_FORMAT_VERSION),
    cas: z
      .array(
        z
          .object({
            id: z.string().min(1).max(200),
            name: z.string().min(1).max(200),
            folder: z.string().max(100),
            signing_key_id: z.string().regex(KEY_ID_RE),
            signature_file: z.string().max(200),
            ...bundleVersionMembers,
          })
          .strict(),
      )
      .min(2)
      .max(100),
    files: z.array(manifestFileSchema).max(100_000),
  })
  .strict();

/** The folder of a CA in a several-CA package: `ca-` and its name made safe for every file system (see caFolderNames). */
export const CA_FOLDER_PREFIX = 'ca-';

/**
 * Folder names for CAs, in the order given (the vault's: oldest first), so a
 * CA keeps its folder whichever others are exported with it: `ca-` and the
 * name without accents, anything but letters, digits, ".", "-" and "_" turned into "-",
 * lowercased (FAT folds case), at most 40 characters; a name that is taken
 * already (or empty) gets the first 8 characters of the CA's id after it.
 */
export function caFolderNames(cas: ReadonlyArray<{ id: string; name: string }>): Map<string, string> {
  const out = new Map<string, string>();
  const taken = new Set<string>();
  for (const c of cas) {
    const slug = c.name
      .normalize('NFKD')
      .replace(/\p{M}+/gu, '')
      .replace(/[^A-Za-z0-9._-]+/g, '-')
      .replace(/^[-.]+|[-.]+$/g, '')
      .toLowerCase()
      .slice(0, 40)
      .replace(/[-.]+$/, '');
    let folder = `${CA_FOLDER_PREFIX}${slug}`;
    if (slug === '' || taken.has(folder) || packageNameProblem(folder) !== null) {
      folder = `${CA_FOLDER_PREFIX}${slug === '' ? '' : `${slug}-`}${c.id.toLowerCase().replace(/[^0-9a-z]/g, '').slice(0, 8)}`;
    }
    taken.add(folder);
    out.set(c.id, folder);
  }
  return out;
}

/** The manifest's bytes: two-space indented JSON with a final newline, in the order given. */
export function serializeManifest(m: AnyManifest): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(m, null, 2) + '\n');
}

/** `sha256sum` text mode lines ("<hex>  <name>"), one per file, in the order given. */
export function serializeSums(entries: ReadonlyArray<{ name: string; sha256: string }>): Uint8Array {
  return new TextEncoder().encode(entries.map((e) => `${e.sha256}  ${e.name}\n`).join(''));
}

/** Parse SHA256SUMS strictly; returns the entries or the first problem. Accepts text ("  ") and binary (" *") markers, as sha256sum -c does. */
export function parseSums(text: string): { entries: Array<{ name: string; sha256: string }> } | { problem: string } {
  if (text.length > 0 && !text.endsWith('\n')) return { problem: 'does not end with a newline' };
  const entries: Array<{ name: string; sha256: string }> = [];
  const lines = text.split('\n');
  lines.pop();
  for (const [i, line] of lines.entries()) {
    const m = /^([0-9a-f]{64}) [ *](.+)$/.exec(line);
    if (!m || m[1] === undefined || m[2] === undefined) return { problem: `line ${i + 1} is not "<sha256>  <name>"` };
    entries.push({ sha256: m[1], name: m[2] });
  }
  return { entries };
}
