/**
 * The states of a signing key (draft -> [staged ->] active -> trusted -> retired),
 * declared once: the lifecycle, the key store, the trust anchor schema and
 * the api contract all read this tuple. Node-free, so the renderer's type
 * project can import it through the contract.
 */
import type { Readiness } from '../fleet/fleet-views.ts';
// staged: in the trust bundle and trust anchor so the fleet learns it, but it signs nothing yet.
export const KEY_STATES = ['draft', 'staged', 'active', 'trusted', 'retired'] as const;

export type KeyState = (typeof KEY_STATES)[number];

/** Why a key was retired: routinely, or for compromise (an emergency rotation retired it). */
export const RETIRED_REASONS = ['routine', 'compromise'] as const;
export type RetiredReason = (typeof RETIRED_REASONS)[number];

/**
 * What an activation did, as the core reports it and the api shows it (with the keys as views):
 * declared once here, where the contract may read it.
 */
export interface ActivationFacts {
  revokedCount: number;
  linkCertificate: boolean;
  bundleKeyIds: string[];
  /** Emergency only: the retired key's final CRL, listing everything it issued as revoked. */
  finalCrls: Array<{ issuerKeyId: string; number: number; entries: number; nextUpdate: string }>;
  /** draft: activated without staging (the fleet learns the key only from the link and the window); staged: it was in the bundle first. */
  from: 'draft' | 'staged';
  /** A staged key (not in an emergency): the fleet's readiness when it was activated. */
  readiness: Readiness | null;
  /** The officer's reason when a staged key was activated below the readiness threshold (--force). */
  forcedReason: string | null;
  /** Emergency with custodian shares as the witnesses' proof: the quorum slot and each share's holder (never a share). */
  witnessShares: WitnessShares | null;
}

/** k custodian shares checked against a quorum slot, each named by its holder as `vault.share-written` recorded it (null: not recorded). */
export interface WitnessShares {
  slotId: string;
  threshold: number;
  total: number;
  shares: Array<{ index: number; holder: string | null }>;
}
