/**
 * The views of the fleet evidence that core computes and the api contract hands out, declared
 * once (docs/architecture.md, "Contract views and core types"). Node-free and import-free but
 * for types, so the renderer's type project loads them through the contract.
 */
import type { ErrorCode } from '../errors.ts';
import type { KeyState } from '../keys/key-state.ts';

export interface Readiness {
  /** Agents known: distinct subjects with a live certificate (not a sub-CA's) from any key of the CA. */
  agents: number;
  /** Of them, those with a receipt for a bundle that holds the key. */
  trusting: number;
  /** trusting / agents in percent, rounded down to one decimal; 100 when there are no agents. */
  percent: number;
  /** settings.activationReadiness: the percent activation needs. */
  threshold: number;
  ready: boolean;
}

export interface KeyFleetStatus {
  keyId: string;
  name: string;
  state: KeyState;
  trusting: number;
  trustingPercent: number;
  trustedUntil: string | null;
  /** Whole days left in a trusted key's window (0 once it is over); null for other keys. */
  daysLeft: number | null;
  /** Live certificates the key issued, how many of them are superseded, and how many remain. */
  liveLeaves: number;
  superseded: number;
  remaining: number;
  /** Staged keys: activation reaches the readiness threshold. Null for other keys. */
  safeToActivate: boolean | null;
  /** Trusted and staged keys: nothing remains and (trusted) the window is over. Null for the active key. */
  safeToRetire: boolean | null;
  /** Known agents first seen trusting the key, per day of their receipts' installed_at (YYYY-MM-DD); summed, they are `trusting`. */
  trustingPerDay: Array<{ day: string; agents: number }>;
}

export interface FleetStatus {
  agents: number;
  threshold: number;
  receipts: number;
  /** The latest bundle version written for the CA, or null before the first. */
  bundle: { version: number; sha256: string; createdAt: string; keyIds: string[] } | null;
  /** The active, trusted and staged keys, in that order. */
  keys: KeyFleetStatus[];
}

/** A live certificate a key issued that no newer certificate of its subject replaces, with the agent's latest receipt. */
export interface RemainingLeaf {
  serial: string;
  subject: string;
  sans: string[];
  notAfter: string;
  lastReceipt: { installedAt: string; bundleVersion: number } | null;
}

export interface ReceiptOutcome {
  file: string;
  status: 'accepted' | 'duplicate' | 'refused';
  /** The refusal's code; null unless refused. */
  code: ErrorCode | null;
  message: string | null;
  agentSerial: string | null;
  bundleVersion: number | null;
  installedAt: string | null;
}
