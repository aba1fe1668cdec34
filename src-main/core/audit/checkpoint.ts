/**
 * Audit checkpoints that have left the machine.
 *
 * A checkpoint is the audit head `{ seq, hash }` kept off the machine: in
 * every export package's signed MANIFEST.json, or in a checkpoint file of its
 * own (`audit checkpoint --out FILE`). A vault whose chain no longer contains
 * that head was rolled back (a copied vault.db, an older backup) or had its
 * history rewritten: both look internally consistent, so only a head kept
 * elsewhere can show them.
 *
 * A checkpoint file is signed by the vault's active signing key, not MACed
 * with a vault secret: the officer checks it later against this vault (any of
 * its keys, whatever their state since), and anyone holding the CA's trust
 * anchor can check it with OpenSSL without the vault.
 */
import { createPublicKey } from 'node:crypto';
import { signAndVerify } from '../signing/signer.ts';
import { existsSync, lstatSync } from 'node:fs';
import { lstat } from 'node:fs/promises';
import canonicalize from 'canonicalize';
import { z } from 'zod';
import { DomainError } from '../errors.ts';
import { writeRecordedOutput } from '../fs/recorded-output.ts';
import { readUntrustedFileSync } from '../fs/untrusted-read.ts';
import { verifyExportPackage } from '../media/export-verify.ts';
import { manifestSigners, type AuditHead } from '../media/package-format.ts';
import { verifyDetached } from '../pki/signature-check.ts';
import type { KeyAlgorithm } from '../pki/algorithms.ts';
import type { SigningKeyStore } from '../store/signing-key-store.ts';
import type { Vault } from '../vault/vault.ts';
import { KEY_ID_RE } from '../asn1/key-id.ts';

export interface Checkpoint {
  /** Where it came from, for the officer. */
  source: string;
  head: AuditHead;
}

/** The public half of a key of this vault, by key id; null when the vault holds no such key. */
export type VaultKeyLookup = (keyId: string) => { algorithm: KeyAlgorithm; spki: Uint8Array } | null;

export const CHECKPOINT_FORMAT = 'airgap-ca-audit-checkpoint';
export const CHECKPOINT_FORMAT_VERSION = 1;
/** A checkpoint file is a few hundred bytes; anything near this is not one. */
export const CHECKPOINT_MAX_BYTES = 64 * 1024;

const HEX64_RE = /^[0-9a-f]{64}$/;
const BASE64_RE = /^[A-Za-z0-9+/]+={0,2}$/;

const checkpointFileSchema = z.strictObject({
  format: z.literal(CHECKPOINT_FORMAT),
  format_version: z.literal(CHECKPOINT_FORMAT_VERSION),
  vault_id: z.string().min(1).max(200),
  created: z.iso.datetime(),
  audit_head: z.strictObject({ seq: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER), hash: z.string().regex(HEX64_RE) }),
  signing_key_id: z.string().regex(KEY_ID_RE),
  /** Standard base64 of the detached signature over the RFC 8785 canonical JSON of every other member. */
  signature: z.string().max(2048).regex(BASE64_RE),
});

export type CheckpointFile = z.infer<typeof checkpointFileSchema>;

function signedBytes(unsigned: Omit<CheckpointFile, 'signature'>): Buffer {
  return Buffer.from(canonicalize(unsigned) ?? '', 'utf8');
}

/**
 * Sign the vault's current audit head with the active key and write it to
 * `out` (durably, never over an existing file), after recording
 * `audit.checkpoint-written`: a file that then fails is reported as recorded but not written.
 */
export function writeAuditCheckpoint(args: { vault: Vault; keys: SigningKeyStore; out: string; actor: string; now: Date }): { file: string; checkpoint: CheckpointFile } {
  const { vault, keys, out } = args;
  if (existsSync(out)) throw new DomainError('OUTPUT_EXISTS', `${out} already exists. A checkpoint never overwrites a file: choose a new name.`);
  const active = keys.active();
  if (!active) throw new DomainError('NO_ACTIVE_KEY', 'A checkpoint is signed by the active signing key, and there is none. Activate a key first (a package export carries the audit head too).');
  const head = vault.audit.head();
  if (!head) throw new DomainError('AUDIT_CHAIN_BROKEN', 'The audit log is empty, so there is no head to checkpoint: the database was altered.');
  const unsigned = { format: CHECKPOINT_FORMAT, format_version: CHECKPOINT_FORMAT_VERSION, vault_id: vault.id, created: args.now.toISOString(), audit_head: head, signing_key_id: active.id } as const;
  const signature = keys.withSigner(active.id, (signer) => signAndVerify(signer, active.spki, signedBytes(unsigned), 'audit checkpoint'));
  const checkpoint: CheckpointFile = { ...unsigned, signature: signature.toString('base64') };
  // Recorded first, written second (docs/architecture.md, "Writing outside the vault").
  const event = vault.transaction(() => vault.audit.append({ actor: args.actor, action: 'audit.checkpoint-written', details: { file: out, seq: head.seq, hash: head.hash, signingKeyId: active.id } }));
  writeRecordedOutput(out, Buffer.from(JSON.stringify(checkpoint, null, 2) + '\n', 'utf8'), { what: `The checkpoint of audit event ${head.seq} (audit event ${event.seq}, audit.checkpoint-written)`, again: '"airgap-ca audit checkpoint --out FILE"' });
  return { file: out, checkpoint };
}

function invalid(source: string, why: string): DomainError {
  return new DomainError('CHECKPOINT_INVALID', `${source} is not a usable checkpoint: ${why}.`);
}

/**
 * Parse and check a checkpoint file's bytes: strict JSON, this vault's id, a
 * signer that is one of this vault's keys, a signature that verifies. Throws
 * CHECKPOINT_INVALID (UNSUPPORTED_FORMAT for a newer format version).
 */
export function parseCheckpointFile(bytes: Uint8Array, source: string, vaultId: string, lookup: VaultKeyLookup): Checkpoint {
  let doc: unknown;
  try {
    doc = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw invalid(source, 'it is neither an export package folder nor a checkpoint file written by "audit checkpoint" (not JSON)');
  }
  const version = (doc as { format?: unknown; format_version?: unknown } | null)?.format_version;
  if ((doc as { format?: unknown } | null)?.format === CHECKPOINT_FORMAT && typeof version === 'number' && version > CHECKPOINT_FORMAT_VERSION) {
    throw new DomainError('UNSUPPORTED_FORMAT', `${source} is a checkpoint of format version ${version}, newer than this Airgap CA understands (${CHECKPOINT_FORMAT_VERSION}). Use a newer Airgap CA.`);
  }
  const parsed = checkpointFileSchema.safeParse(doc);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw invalid(source, `it does not have the checkpoint file format (${issue ? `${issue.path.join('.') || 'document'}: ${issue.message}` : 'schema'})`);
  }
  const { signature, ...unsigned } = parsed.data;
  if (unsigned.vault_id !== vaultId) throw invalid(source, `it was written by another vault (${unsigned.vault_id}), not this one (${vaultId})`);
  const key = lookup(unsigned.signing_key_id);
  if (!key) {
    throw invalid(source, `it is signed by ${unsigned.signing_key_id}, which this vault does not hold — the vault may have been rolled back to before that key was made, or the file is not from this vault`);
  }
  const sig = Buffer.from(signature, 'base64');
  if (sig.toString('base64') !== signature || !verifyDetached(key.algorithm, createPublicKey({ key: Buffer.from(key.spki), format: 'der', type: 'spki' }), signedBytes(unsigned), sig)) {
    throw invalid(source, `its signature by ${unsigned.signing_key_id} does not verify (the file was altered)`);
  }
  return { source, head: unsigned.audit_head };
}

/**
 * Read the audit head from an export package folder. The package must verify
 * (its files, its signature), be from this vault and be signed by one of this
 * vault's keys: a checkpoint anyone could write would prove nothing. Throws
 * CHECKPOINT_INVALID.
 */
export async function readPackageCheckpoint(dir: string, vaultId: string, isOwnKey: (keyId: string) => boolean): Promise<Checkpoint> {
  const st = await lstat(dir).catch(() => null);
  if (!st?.isDirectory()) {
    throw new DomainError('CHECKPOINT_INVALID', `${dir} is not an export package folder. Give the folder of a package this vault exported (airgap-ca-<time>-<vault id>).`);
  }
  const r = await verifyExportPackage(dir);
  if (!r.ok || !r.manifest) {
    const first = r.problems[0];
    throw new DomainError('CHECKPOINT_INVALID', `The package ${dir} does not verify (${first ? `${first.file ?? 'package'}: ${first.message}` : 'unreadable'}), so its audit head cannot be used as a checkpoint.`);
  }
  if (r.manifest.vault_id !== vaultId) {
    throw new DomainError('CHECKPOINT_INVALID', `The package ${dir} was exported by another vault (${r.manifest.vault_id}), not this one (${vaultId}).`);
  }
  // Every signer (one per CA of the package) must be this vault's: one foreign co-signature makes it someone else's statement.
  for (const s of manifestSigners(r.manifest)) {
    if (!isOwnKey(s.keyId)) throw new DomainError('CHECKPOINT_INVALID', `The package ${dir} is signed by ${s.keyId}, which is not a key of this vault.`);
  }
  if (!r.manifest.audit_head) {
    throw new DomainError('CHECKPOINT_INVALID', `The package ${dir} carries no audit head (it was written by an older Airgap CA). Use a newer package as the checkpoint.`);
  }
  return { source: dir, head: r.manifest.audit_head };
}

/**
 * A checkpoint from PATH: an export package folder, or a checkpoint file
 * (read as untrusted input: no links, no special files, at most 64 KiB).
 */
export async function readCheckpoint(path: string, vaultId: string, lookup: VaultKeyLookup): Promise<Checkpoint> {
  let isDir: boolean;
  try {
    isDir = lstatSync(path).isDirectory();
  } catch {
    throw new DomainError('NOT_FOUND', `There is no checkpoint at ${path}. Give an export package folder of this vault or a file written by "audit checkpoint --out".`);
  }
  if (isDir) return await readPackageCheckpoint(path, vaultId, (keyId) => lookup(keyId) !== null);
  const bytes = readUntrustedFileSync(path, { maxBytes: CHECKPOINT_MAX_BYTES, what: 'checkpoint' });
  return parseCheckpointFile(bytes, path, vaultId, lookup);
}
