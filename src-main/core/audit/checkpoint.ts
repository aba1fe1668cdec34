/**
 * Audit checkpoints that have left the machine.
 *
 * Every export package's signed MANIFEST.json carries the audit head
 * `{ seq, hash }` at the moment it was written. A vault whose chain no longer
 * contains that head was rolled back (a copied vault.db, an older backup) or
 * had its history rewritten: both look internally consistent, so only a head
 * kept elsewhere can show them.
 */
import { lstat } from 'node:fs/promises';
import { DomainError } from '../errors.ts';
import { verifyExportPackage } from '../media/export-verify.ts';
import type { AuditHead } from '../media/package-format.ts';

export interface Checkpoint {
  /** Where it came from, for the officer. */
  source: string;
  head: AuditHead;
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
  if (!isOwnKey(r.manifest.signing_key_id)) {
    throw new DomainError('CHECKPOINT_INVALID', `The package ${dir} is signed by ${r.manifest.signing_key_id}, which is not a key of this vault.`);
  }
  if (!r.manifest.audit_head) {
    throw new DomainError('CHECKPOINT_INVALID', `The package ${dir} carries no audit head (it was written by an older Airgap CA). Use a newer package as the checkpoint.`);
  }
  return { source: dir, head: r.manifest.audit_head };
}
