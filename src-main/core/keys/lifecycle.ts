/**
 * The signing-key state machine (docs/architecture.md, "Key lifecycle") as pure rules:
 *
 *   draft -> active -> trusted -> retired,   retired -> trusted (re-promote)
 *   draft -> staged -> active (staging: in the bundle first, signing later)
 *   emergency: draft -> active and the previous active -> retired at once
 *   rollback: active -> staged (or retired) and the previous key, trusted, -> active
 *
 * Each plan* function reads the key records and returns a TransitionPlan:
 * the complete list of state changes to apply. The integrator applies all of
 * them in one vault transaction together with their audit events (and, for
 * an emergency, the revocations listed in revokeIssuedBy), so the vault never
 * holds two active keys or an active key without its predecessor's demotion.
 * Nothing here reads a clock of its own or touches storage.
 */
import type { Clock } from '../clock.ts';
import { DAY_MS } from '../clock.ts';
import { DomainError } from '../errors.ts';
import type { ErrorCode } from '../errors.ts';

import type { KeyState } from './key-state.ts';

export const DEFAULT_TRUSTED_WINDOW_DAYS = 30;
export const MAX_TRUSTED_WINDOW_DAYS = 3650;

export interface KeyRecord {
  /** Key id ("sha256:..."). */
  id: string;
  name: string;
  state: KeyState;
  /** A certificate (self-signed, or an imported chain) is stored for the key. */
  hasCertificate: boolean;
  /** The certificate's validity, when known: activation and promotion refuse a certificate not valid now. */
  certificateNotBefore?: Date;
  certificateNotAfter?: Date;
  /** Set for trusted keys: the end of the window in which agents still trust it. */
  trustedUntil?: Date;
  /** Certificates this key issued that are neither expired nor revoked. */
  unexpiredIssuedCount: number;
  /**
   * Of those, the ones whose subject has no newer live certificate from another key of the CA:
   * the agents retiring this key would cut off. Defaults to unexpiredIssuedCount.
   */
  remainingLeafCount?: number;
}

export interface StateChange {
  keyId: string;
  name: string;
  from: KeyState;
  to: KeyState;
  /** The new trustedUntil: a date for a key becoming trusted, null to clear it. */
  trustedUntil: Date | null;
}

export type TransitionAction = 'activate' | 'emergency-activate' | 'retire' | 'promote' | 'stage' | 'rollback';

export interface TransitionPlan {
  action: TransitionAction;
  /** The key the officer named. */
  keyId: string;
  /** The clock's now when the plan was made: the time for the audit events. */
  at: Date;
  /** Every state change, the named key first. Apply all or none. */
  changes: StateChange[];
  /**
   * Keys whose unexpired issued certificates must be revoked (reason
   * keyCompromise) in the same transaction. Set only by an emergency.
   */
  revokeIssuedBy: string[];
  /** Witnesses of an emergency activation, trimmed and deduplicated; empty otherwise. */
  witnesses: string[];
  /** Set when a retire was forced past a refusal: the codes overridden and the officer's reason, for the audit. */
  forced: { reason: string; overrode: ErrorCode[] } | null;
}

const iso = (d: Date): string => d.toISOString();

function label(k: KeyRecord): string {
  return `key "${k.name}" (${k.id})`;
}

function findKey(keys: readonly KeyRecord[], keyId: string): KeyRecord {
  const k = keys.find((x) => x.id === keyId);
  if (!k) throw new DomainError('KEY_NOT_FOUND', `No signing key with id ${keyId}. Run "key list" to see the keys.`);
  return k;
}

/** The one active key, or null. Two active keys mean a damaged vault: refuse rather than guess. */
export function activeKeyOf(keys: readonly KeyRecord[]): KeyRecord | null {
  const active = keys.filter((k) => k.state === 'active');
  if (active.length > 1) {
    throw new DomainError('INTERNAL', `The vault holds ${active.length} active keys; there must be at most one. Run "vault verify" and restore from a backup if needed.`, active.map((k) => k.id).join(','));
  }
  return active[0] ?? null;
}

function checkDays(days: number, what: string, min: number): number {
  if (!Number.isInteger(days) || days < min || days > MAX_TRUSTED_WINDOW_DAYS) {
    throw new DomainError('INVALID_INPUT', `${what} must be a whole number of days from ${min} to ${MAX_TRUSTED_WINDOW_DAYS}, not ${String(days)}.`);
  }
  return days;
}

function checkCertificateNow(k: KeyRecord, now: Date, doing: string): void {
  if (!k.hasCertificate) {
    throw new DomainError('KEY_NO_CERTIFICATE', `${label(k)} has no certificate yet, so it cannot ${doing}. Self-sign it ("key self-sign") or import the chain the corporate CA signed ("key import-chain").`);
  }
  if (k.certificateNotBefore && now.getTime() < k.certificateNotBefore.getTime()) {
    throw new DomainError('CHAIN_NOT_YET_VALID', `The certificate of ${label(k)} is valid only from ${iso(k.certificateNotBefore)}, so it cannot ${doing} yet. Check the clock, or wait.`);
  }
  if (k.certificateNotAfter && now.getTime() > k.certificateNotAfter.getTime()) {
    throw new DomainError('CHAIN_EXPIRED', `The certificate of ${label(k)} expired at ${iso(k.certificateNotAfter)}, so it cannot ${doing}. Give the key a new certificate, or use another key.`);
  }
}

function activationTarget(keys: readonly KeyRecord[], keyId: string, now: Date): KeyRecord {
  const k = findKey(keys, keyId);
  if (k.state !== 'draft' && k.state !== 'staged') {
    const hint: Record<KeyState, string> = {
      draft: '',
      staged: '',
      active: 'It is already the active key.',
      trusted: 'A key that was active once does not become active again; create and activate a new key.',
      retired: 'A retired key can only be promoted back to trusted ("key promote"); to sign again, create and activate a new key.',
    };
    throw new DomainError('INVALID_TRANSITION', `Only a draft or staged key can be activated, and ${label(k)} is ${k.state}. ${hint[k.state]}`);
  }
  checkCertificateNow(k, now, 'be activated');
  return k;
}

function basePlan(action: TransitionAction, keyId: string, at: Date): TransitionPlan {
  return { action, keyId, at, changes: [], revokeIssuedBy: [], witnesses: [], forced: null };
}

/**
 * stage(draft): the draft, with a certificate valid now, goes into the trust bundle and the
 * trust anchor (state staged) while the active key keeps signing, so the fleet learns it
 * before it signs anything. Needs an active key: the first key of a CA is activated directly.
 *
 * Throws KEY_NOT_FOUND, INVALID_TRANSITION (not a draft), KEY_NO_CERTIFICATE,
 * CHAIN_EXPIRED / CHAIN_NOT_YET_VALID, NO_ACTIVE_KEY.
 */
export function planStage(keys: readonly KeyRecord[], keyId: string, opts: { clock: Clock }): TransitionPlan {
  const now = opts.clock.now();
  const k = findKey(keys, keyId);
  if (k.state !== 'draft') {
    throw new DomainError('INVALID_TRANSITION', `Only a draft key can be staged, and ${label(k)} is ${k.state}.${k.state === 'staged' ? ' It is already in the trust bundle; activate it when the fleet has it ("fleet status").' : ''}`);
  }
  checkCertificateNow(k, now, 'be staged');
  if (!activeKeyOf(keys)) {
    throw new DomainError('NO_ACTIVE_KEY', `There is no active key yet, so there is no fleet to prepare: activate ${label(k)} directly ("key activate").`);
  }
  const plan = basePlan('stage', keyId, now);
  plan.changes.push({ keyId: k.id, name: k.name, from: 'draft', to: 'staged', trustedUntil: null });
  return plan;
}

/**
 * activate(draft or staged): the key becomes the only active key; the previous
 * active key becomes trusted until now + trustedWindowDays, so agents keep
 * accepting what it issued while the new bundle spreads.
 *
 * Throws KEY_NOT_FOUND, INVALID_TRANSITION (not a draft), KEY_NO_CERTIFICATE,
 * CHAIN_EXPIRED / CHAIN_NOT_YET_VALID (certificate not valid now),
 * INVALID_INPUT (window), INTERNAL (two active keys).
 */
export function planActivation(keys: readonly KeyRecord[], keyId: string, opts: { clock: Clock; trustedWindowDays?: number }): TransitionPlan {
  const now = opts.clock.now();
  const windowDays = checkDays(opts.trustedWindowDays ?? DEFAULT_TRUSTED_WINDOW_DAYS, 'The trusted window', 0);
  const target = activationTarget(keys, keyId, now);
  const previous = activeKeyOf(keys);
  const plan = basePlan('activate', keyId, now);
  plan.changes.push({ keyId: target.id, name: target.name, from: target.state, to: 'active', trustedUntil: null });
  if (previous) {
    plan.changes.push({ keyId: previous.id, name: previous.name, from: 'active', to: 'trusted', trustedUntil: new Date(now.getTime() + windowDays * DAY_MS) });
  }
  return plan;
}

/** Witness names, trimmed, without blanks and repeats (case-insensitive). */
export function normalizeWitnesses(witnesses: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const w of witnesses) {
    const t = w.trim();
    if (t === '' || seen.has(t.toLowerCase())) continue;
    seen.add(t.toLowerCase());
    out.push(t);
  }
  return out;
}

/**
 * Emergency activation (a compromised or lost active key): the draft becomes
 * active and the previous active key is retired at once, without a trusted
 * window; revokeIssuedBy lists it so the integrator revokes every unexpired
 * certificate it issued in the same transaction. A ceremony: at least one
 * witness, who is not the acting officer.
 *
 * Throws WITNESS_REQUIRED, NO_ACTIVE_KEY (nothing to replace: use a normal
 * activation), and what planActivation throws for the target.
 */
export function planEmergencyActivation(keys: readonly KeyRecord[], keyId: string, opts: { clock: Clock; witnesses: readonly string[]; actor?: string }): TransitionPlan {
  const now = opts.clock.now();
  const witnesses = normalizeWitnesses(opts.witnesses);
  if (witnesses.length === 0) {
    throw new DomainError('WITNESS_REQUIRED', 'An emergency activation needs at least one witness: name them with --witness NAME.');
  }
  const actor = opts.actor?.trim().toLowerCase();
  if (actor && witnesses.some((w) => w.toLowerCase() === actor)) {
    throw new DomainError('WITNESS_REQUIRED', `The acting officer "${opts.actor?.trim() ?? ''}" cannot be their own witness; name someone else with --witness.`);
  }
  const target = activationTarget(keys, keyId, now);
  const previous = activeKeyOf(keys);
  if (!previous) {
    throw new DomainError('NO_ACTIVE_KEY', 'There is no active key to replace, so this is not an emergency: activate the key normally (without --emergency).');
  }
  const plan = basePlan('emergency-activate', keyId, now);
  plan.witnesses = witnesses;
  plan.changes.push({ keyId: target.id, name: target.name, from: target.state, to: 'active', trustedUntil: null });
  plan.changes.push({ keyId: previous.id, name: previous.name, from: 'active', to: 'retired', trustedUntil: null });
  plan.revokeIssuedBy = [previous.id];
  return plan;
}

/**
 * retire(trusted or staged): the key leaves the trust bundle. Refused while
 * certificates it issued are live and not superseded - their subject has no
 * newer live certificate from another key (RETIRE_REFUSED_LIVE_LEAVES, checked
 * first) - or before a trusted key's trustedUntil (RETIRE_REFUSED_WINDOW; at
 * trustedUntil itself the window is over), unless forced with a non-empty
 * reason: the plan then records which refusals were overridden, for the audit.
 *
 * Throws KEY_NOT_FOUND, INVALID_TRANSITION (active, draft or already
 * retired), RETIRE_REFUSED_LIVE_LEAVES, RETIRE_REFUSED_WINDOW, INVALID_INPUT
 * (force without a reason).
 */
export function planRetire(keys: readonly KeyRecord[], keyId: string, opts: { clock: Clock; force?: { reason: string } }): TransitionPlan {
  const now = opts.clock.now();
  const k = findKey(keys, keyId);
  if (k.state === 'active') {
    throw new DomainError('INVALID_TRANSITION', `${label(k)} is the active key and cannot be retired directly: activate another key first (it becomes trusted), then retire it after the trusted window. If it is compromised, use an emergency activation of a new key.`);
  }
  if (k.state === 'draft') {
    throw new DomainError('INVALID_TRANSITION', `${label(k)} is a draft and was never trusted, so there is nothing to retire.`);
  }
  if (k.state === 'retired') {
    throw new DomainError('INVALID_TRANSITION', `${label(k)} is already retired.`);
  }
  let reason: string | null = null;
  if (opts.force) {
    reason = opts.force.reason.trim();
    if (reason === '') throw new DomainError('INVALID_INPUT', 'A forced retire needs a reason (--reason TEXT); it goes into the audit log.');
  }
  const overrode: ErrorCode[] = [];
  const inWindow = k.state === 'trusted' && k.trustedUntil !== undefined && now.getTime() < k.trustedUntil.getTime();
  const remaining = k.remainingLeafCount ?? k.unexpiredIssuedCount;
  if (remaining > 0) {
    if (reason === null) {
      const superseded = k.unexpiredIssuedCount - remaining;
      throw new DomainError(
        'RETIRE_REFUSED_LIVE_LEAVES',
        `${label(k)} still has ${remaining} live certificate${remaining === 1 ? '' : 's'} it issued whose agent${remaining === 1 ? ' has' : 's have'} no newer certificate from another key${superseded > 0 ? ` (${superseded} more ${superseded === 1 ? 'is' : 'are'} superseded and no longer count${superseded === 1 ? 's' : ''})` : ''}; retiring it would cut ${remaining === 1 ? 'that agent' : 'those agents'} off. Have them renew under the active key ("fleet remaining --key ${k.name} --out FILE" lists them)${inWindow ? `; its trusted window also runs until ${iso(k.trustedUntil as Date)}` : ''}, or use --force with --reason.`,
      );
    }
    overrode.push('RETIRE_REFUSED_LIVE_LEAVES');
  }
  if (inWindow) {
    if (reason === null) {
      throw new DomainError('RETIRE_REFUSED_WINDOW', `${label(k)} is trusted until ${iso(k.trustedUntil as Date)}; agents may not have the new trust bundle yet. Retire it after that, or use --force with --reason.`);
    }
    overrode.push('RETIRE_REFUSED_WINDOW');
  }
  const plan = basePlan('retire', keyId, now);
  plan.changes.push({ keyId: k.id, name: k.name, from: k.state, to: 'retired', trustedUntil: null });
  if (reason !== null) plan.forced = { reason, overrode };
  return plan;
}

/**
 * promote(retired): back to trusted until now + trustedDays (default the
 * trusted window) - the way back from a premature retire.
 *
 * Throws KEY_NOT_FOUND, INVALID_TRANSITION (not retired), KEY_NO_CERTIFICATE,
 * CHAIN_EXPIRED / CHAIN_NOT_YET_VALID, INVALID_INPUT (days).
 */
export function planPromote(keys: readonly KeyRecord[], keyId: string, opts: { clock: Clock; trustedDays?: number }): TransitionPlan {
  const now = opts.clock.now();
  const days = checkDays(opts.trustedDays ?? DEFAULT_TRUSTED_WINDOW_DAYS, 'The trusted period', 1);
  const k = findKey(keys, keyId);
  if (k.state !== 'retired') {
    throw new DomainError('INVALID_TRANSITION', `Only a retired key can be promoted back to trusted, and ${label(k)} is ${k.state}.`);
  }
  checkCertificateNow(k, now, 'be trusted again');
  const plan = basePlan('promote', keyId, now);
  plan.changes.push({ keyId: k.id, name: k.name, from: 'retired', to: 'trusted', trustedUntil: new Date(now.getTime() + days * DAY_MS) });
  return plan;
}

/**
 * rollback: the active key (defective, say) steps back - to staged, so what it issued keeps
 * validating, or to retired with `retire` - and the key it replaced, trusted with its window
 * still open, becomes active again. The previous key is the trusted key demoted last (the
 * latest trustedUntil).
 *
 * Throws ROLLBACK_UNAVAILABLE (no active key, or no trusted key inside its window),
 * CHAIN_EXPIRED / CHAIN_NOT_YET_VALID (the previous key's certificate), INTERNAL.
 */
export function planRollback(keys: readonly KeyRecord[], opts: { clock: Clock; retire?: boolean }): TransitionPlan {
  const now = opts.clock.now();
  const current = activeKeyOf(keys);
  if (!current) throw new DomainError('ROLLBACK_UNAVAILABLE', 'There is no active key, so there is nothing to roll back. Nothing was changed.');
  const previous = keys
    .filter((k) => k.state === 'trusted' && k.trustedUntil !== undefined && k.trustedUntil.getTime() > now.getTime())
    .sort((a, b) => (b.trustedUntil as Date).getTime() - (a.trustedUntil as Date).getTime())[0];
  if (!previous) {
    throw new DomainError(
      'ROLLBACK_UNAVAILABLE',
      `There is no key to roll back to: a rollback makes the previous key active again, and no trusted key of this CA is inside its trusted window. ${label(current)} stays active; nothing was changed. To replace it, stage and activate a new key.`,
    );
  }
  checkCertificateNow(previous, now, 'become active again');
  const plan = basePlan('rollback', previous.id, now);
  plan.changes.push({ keyId: previous.id, name: previous.name, from: 'trusted', to: 'active', trustedUntil: null });
  plan.changes.push({ keyId: current.id, name: current.name, from: 'active', to: opts.retire ? 'retired' : 'staged', trustedUntil: null });
  return plan;
}

/**
 * The records after a plan, for callers that keep them in memory (and for
 * tests). Refuses a plan that no longer fits the records (a key changed
 * state since the plan was made) with INVALID_TRANSITION.
 */
export function applyPlan(keys: readonly KeyRecord[], plan: TransitionPlan): KeyRecord[] {
  const out = keys.map((k) => ({ ...k }));
  for (const c of plan.changes) {
    const k = out.find((x) => x.id === c.keyId);
    if (!k || k.state !== c.from) {
      throw new DomainError('INVALID_TRANSITION', `The plan expected key "${c.name}" to be ${c.from}, but it is ${k?.state ?? 'gone'}; someone changed it meanwhile. Run the command again.`);
    }
    k.state = c.to;
    if (c.trustedUntil === null) delete k.trustedUntil;
    else k.trustedUntil = c.trustedUntil;
  }
  activeKeyOf(out);
  return out;
}
