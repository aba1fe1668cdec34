/**
 * Bundle versions (docs/architecture.md, "Bundle versions and fleet receipts"): every trust
 * bundle the vault writes for a CA gets a number that only grows and the SHA-256 of its exact
 * bytes, and the vault records which keys each version holds, so a receipt naming a bundle's
 * SHA-256 says which keys that agent trusts.
 */
import { DomainError } from '../errors.ts';
import { bundleSha256 } from '../keys/trust-bundle.ts';
import type { FleetStore } from '../store/fleet-store.ts';

export interface PlannedBundleVersion {
  version: number;
  sha256: string;
  keyIds: string[];
  /** false: the latest version already has these bytes, and keeps its number. */
  isNew: boolean;
}

/** The version a bundle of these bytes gets: the latest one's when they are the same bytes, else the next number. Writes nothing. */
export function planBundleVersion(fleet: FleetStore, pem: string, keyIds: readonly string[]): PlannedBundleVersion {
  const sha256 = bundleSha256(pem);
  const latest = fleet.latestBundle();
  if (latest && latest.sha256 === sha256) return { version: latest.version, sha256, keyIds: latest.keyIds, isNew: false };
  return { version: (latest?.version ?? 0) + 1, sha256, keyIds: [...keyIds], isNew: true };
}

/** Records a planned version (inside the caller's transaction); refuses when another write took the number meanwhile. */
export function recordBundleVersion(fleet: FleetStore, planned: PlannedBundleVersion, at: Date): void {
  const latest = fleet.latestBundle();
  if (!planned.isNew) {
    if (latest?.version === planned.version && latest.sha256 === planned.sha256) return;
  } else if ((latest?.version ?? 0) + 1 === planned.version) {
    fleet.recordBundle({ version: planned.version, sha256: planned.sha256, keyIds: planned.keyIds, createdAt: at.toISOString() });
    return;
  }
  throw new DomainError('INVALID_TRANSITION', `Another bundle was written for this CA meanwhile (version ${latest?.version ?? 0}), so bundle version ${planned.version} is no longer the next one. Nothing was recorded; run the command again.`);
}
