/**
 * What the fleet evidence says (docs/cli.md, "fleet status"): how many agents the CA knows, how
 * many of them have a receipt for a bundle holding each key, and what each key's live leaves
 * still need before it can be retired.
 */
import { DAY_MS } from '../clock.ts';
import type { KeyState } from '../keys/key-state.ts';
import type { FleetStore } from '../store/fleet-store.ts';
import type { SigningKeyRecord } from '../store/signing-key-store.ts';
import type { FleetStatus, KeyFleetStatus, Readiness } from './fleet-views.ts';

export type { FleetStatus, KeyFleetStatus, Readiness };

export const DEFAULT_ACTIVATION_READINESS = 100;

export function percentOf(part: number, whole: number): number {
  return whole === 0 ? 100 : Math.floor((part * 1000) / whole) / 10;
}

export function readinessOf(fleet: FleetStore, keyId: string, now: Date, threshold: number): Readiness {
  const agents = fleet.agentCount(now);
  const trusting = fleet.trustingCount(keyId, now);
  // Whole numbers on both sides: 2 of 3 agents is not 66.6 >= 66.7 by rounding luck.
  return { agents, trusting, percent: percentOf(trusting, agents), threshold, ready: trusting * 100 >= threshold * agents };
}

export function keyFleetStatus(fleet: FleetStore, k: SigningKeyRecord, now: Date, threshold: number): KeyFleetStatus {
  const r = readinessOf(fleet, k.id, now, threshold);
  const leaves = fleet.leafCounts(k.id, now);
  const remaining = leaves.live - leaves.superseded;
  const until = k.state === 'trusted' && k.trustedUntil ? new Date(k.trustedUntil) : null;
  const windowOver = until === null || until.getTime() <= now.getTime();
  return {
    keyId: k.id,
    name: k.name,
    state: k.state,
    trusting: r.trusting,
    trustingPercent: r.percent,
    trustedUntil: until ? until.toISOString() : null,
    daysLeft: until ? Math.max(0, Math.ceil((until.getTime() - now.getTime()) / DAY_MS)) : null,
    liveLeaves: leaves.live,
    superseded: leaves.superseded,
    remaining,
    safeToActivate: k.state === 'staged' ? r.ready : null,
    safeToRetire: k.state === 'trusted' || k.state === 'staged' ? remaining === 0 && windowOver : null,
    trustingPerDay: fleet.trustingPerDay(k.id, now),
  };
}

const ORDER: Partial<Record<KeyState, number>> = { active: 0, trusted: 1, staged: 2 };

export function fleetStatus(fleet: FleetStore, keys: readonly SigningKeyRecord[], now: Date, threshold: number): FleetStatus {
  const shown = keys.filter((k) => ORDER[k.state] !== undefined).sort((a, b) => (ORDER[a.state] ?? 9) - (ORDER[b.state] ?? 9));
  return {
    agents: fleet.agentCount(now),
    threshold,
    receipts: fleet.receiptCount(),
    bundle: fleet.latestBundle(),
    keys: shown.map((k) => keyFleetStatus(fleet, k, now, threshold)),
  };
}
