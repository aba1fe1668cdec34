/**
 * The states of a signing key (draft -> [staged ->] active -> trusted -> retired),
 * declared once: the lifecycle, the key store, the trust anchor schema and
 * the api contract all read this tuple. Node-free, so the renderer's type
 * project can import it through the contract.
 */
// staged: in the trust bundle and trust anchor so the fleet learns it, but it signs nothing yet.
export const KEY_STATES = ['draft', 'staged', 'active', 'trusted', 'retired'] as const;

export type KeyState = (typeof KEY_STATES)[number];

/** Why a key was retired: routinely, or for compromise (an emergency rotation retired it). */
export const RETIRED_REASONS = ['routine', 'compromise'] as const;
export type RetiredReason = (typeof RETIRED_REASONS)[number];
