import type { Clock } from '../clock.ts';
import type { ActivationFacts, WitnessShares } from './key-state.ts';
import { DomainError } from '../errors.ts';
import { generateCrl } from '../issuance/crl-publication.ts';
import type { CertificateStore } from '../store/certificate-store.ts';
import type { SigningKeyRecord, SigningKeyStore } from '../store/signing-key-store.ts';
import type { Vault } from '../vault/vault.ts';
import { buildBundle } from './bundle-builder.ts';
import { isSelfSigned, readCertificateFacts } from '../asn1/certificate-reader.ts';
import { planActivation, planEmergencyActivation, planPromote, planRetire, planRollback, planStage, type KeyRecord, type TransitionPlan } from './lifecycle.ts';
import { FleetStore, type RemainingLeaf } from '../store/fleet-store.ts';
import { DEFAULT_ACTIVATION_READINESS, readinessOf, type Readiness } from '../fleet/fleet-status.ts';
import { createLinkCertificate } from './link-cert.ts';

/**
 * What a key rotation works on. `requireActor` is asked when the change is
 * recorded (inside the transaction), so a missing actor rolls everything back.
 */
export interface RotationWorld {
  vault: Vault;
  keys: SigningKeyStore;
  certs: CertificateStore;
  clock: Clock;
  /** The actor as known before the change, if any: an emergency's witnesses must be other people. */
  actor: string | null;
  requireActor: () => string;
}

/**
 * The lifecycle rules see keys as plain records: state, window, certificate validity, what they
 * issued - and with the vault's database, how many of those leaves are not superseded.
 */
export function lifecycleRecords(keys: SigningKeyStore, certs: CertificateStore, now: Date, vault?: Vault): KeyRecord[] {
  return keys.list().map((k) => {
    const facts = k.certificate ? readCertificateFacts(k.certificate, `the certificate of key "${k.name}"`) : null;
    const leaves = vault ? new FleetStore(vault.db, k.caId).leafCounts(k.id, now) : null;
    return {
      id: k.id,
      name: k.name,
      state: k.state,
      hasCertificate: k.certificate !== null,
      certificateNotBefore: facts?.notBefore,
      certificateNotAfter: facts?.notAfter,
      trustedUntil: k.trustedUntil ? new Date(k.trustedUntil) : undefined,
      unexpiredIssuedCount: certs.countUnexpiredIssued(k.id, now),
      ...(leaves ? { remainingLeafCount: leaves.live - leaves.superseded } : {}),
    };
  });
}

/**
 * Applies a lifecycle plan's state changes to the store; the caller holds the transaction.
 * A key retired records why and by whom: an emergency activation retires the compromised key.
 */
function applyChanges(keys: SigningKeyStore, plan: TransitionPlan, actor: string): void {
  const at = plan.at.toISOString();
  const reason = plan.action === 'emergency-activate' ? 'compromise' : 'routine';
  const stagedAt = at;
  // The old active key steps down before the new one steps up: the schema allows one active key at a time.
  const ordered = [...plan.changes].sort((a, b) => Number(b.from === 'active') - Number(a.from === 'active'));
  for (const c of ordered) {
    keys.setState(c.keyId, {
      state: c.to,
      trustedUntil: c.trustedUntil ? c.trustedUntil.toISOString() : null,
      ...(c.to === 'active' ? { activatedAt: at } : {}),
      ...(c.to === 'staged' ? { stagedAt } : {}),
      ...(c.to === 'retired' ? { retiredAt: at, retiredReason: reason, retiredBy: actor } : {}),
      // Back from retired (promote): it is no longer retired, for any reason.
      ...(c.from === 'retired' ? { retiredReason: null, retiredBy: null } : {}),
    });
  }
}

export interface ActivateKeyInput {
  key: SigningKeyRecord;
  emergency: boolean;
  witnesses: readonly string[];
  trustedWindowDays: number;
  /** false: no link certificate from the previous root even when both are roots. */
  linkFromPrevious: boolean | undefined;
  /** Validity of the final CRL a compromised key publishes in an emergency. */
  crlValidityDays: number;
  /** settings.activationReadiness: the percent of known agents that must trust a staged key before it signs (default 100). */
  readinessThreshold?: number;
  /** Activate a staged key below the readiness threshold: the officer's reason, audited. */
  force?: { reason: string } | null;
  /** Emergency only: the custodian shares the witnesses presented, already checked against the quorum slot (Vault.proveWitnessShares). */
  witnessShares?: WitnessShares | null;
}

export interface ActivationOutcome extends ActivationFacts {
  activatedId: string;
  previousId: string | null;
}

function keyLabel(k: SigningKeyRecord): string {
  return `"${k.name}" (${k.id})`;
}

/**
 * A staged key signs only once enough of the fleet trusts it (READINESS_INCOMPLETE, with the
 * numbers), unless forced with a reason. Returns the readiness and the reason a force used.
 */
function checkReadiness(world: RotationWorld, k: SigningKeyRecord, input: ActivateKeyInput): { readiness: Readiness | null; forcedReason: string | null } {
  if (k.state !== 'staged' || input.emergency) return { readiness: null, forcedReason: null };
  const r = readinessOf(new FleetStore(world.vault.db, k.caId), k.id, world.clock.now(), input.readinessThreshold ?? DEFAULT_ACTIVATION_READINESS);
  if (r.ready) return { readiness: r, forcedReason: null };
  const reason = input.force?.reason.trim() ?? '';
  if (input.force && reason === '') throw new DomainError('INVALID_INPUT', 'A forced activation needs --reason TEXT: it goes into the audit log.');
  if (!input.force) {
    throw new DomainError(
      'READINESS_INCOMPLETE',
      `Only ${r.trusting} of ${r.agents} known agents (${r.percent}%) have sent a receipt for a trust bundle holding key ${keyLabel(k)}; activation needs ${r.threshold}% (settings.activationReadiness). Agents that do not trust it yet would reject what it signs. Import their receipts ("fleet import-receipts --from DIR"), see who is missing ("fleet status"), or activate anyway with --force --reason TEXT. Nothing was changed.`,
    );
  }
  return { readiness: r, forcedReason: reason };
}

/**
 * Activates a key: plans the lifecycle change, has the old root sign a link
 * certificate for a standalone root rotation, and in an emergency revokes all
 * the compromised key issued and publishes its final CRL — all in one
 * transaction with one audit event.
 */
export async function activateKey(world: RotationWorld, input: ActivateKeyInput): Promise<ActivationOutcome> {
  const { vault: v, keys, certs, clock } = world;
  const k = input.key;
  const records = lifecycleRecords(keys, certs, clock.now());
  const { readiness, forcedReason } = checkReadiness(world, k, input);
  if (input.witnessShares && !input.emergency) {
    throw new DomainError('INVALID_INPUT', 'Custodian shares witness an emergency rotation only (--emergency); a routine activation takes none. Nothing was changed.');
  }
  const witnessShares = input.emergency ? (input.witnessShares ?? null) : null;
  const plan = input.emergency
    ? planEmergencyActivation(records, k.id, { clock, witnesses: input.witnesses, actor: world.actor ?? undefined })
    : planActivation(records, k.id, { clock, trustedWindowDays: input.trustedWindowDays });
  const previous = keys.active();
  // Standalone root rotation: the old root vouches for the new one, unless it is compromised.
  let link: Uint8Array | null = null;
  const newFacts = k.certificate ? readCertificateFacts(k.certificate, 'the new certificate') : null;
  const oldFacts = previous?.certificate ? readCertificateFacts(previous.certificate, 'the previous certificate') : null;
  const bothRoots = newFacts && oldFacts && isSelfSigned(newFacts) && isSelfSigned(oldFacts);
  if (previous && bothRoots && !input.emergency && input.linkFromPrevious !== false) {
    const signed = await keys.withSigner(previous.id, (signer) =>
      createLinkCertificate({ oldRoot: { algorithm: previous.algorithm, signer, certificate: previous.certificate! }, newRootCertificate: k.certificate!, clock }),
    );
    link = signed.der;
  }
  let revokedCount = 0;
  const finalCrls: ActivationOutcome['finalCrls'] = [];
  v.transaction(() => {
    const actor = world.requireActor();
    applyChanges(keys, plan, actor);
    for (const issuer of plan.revokeIssuedBy) {
      revokedCount += certs.revokeAllByIssuer(issuer, 'keyCompromise', plan.at, actor);
      // The compromised key publishes its final CRL in the same step, so the revocations can go out at once.
      const retired = keys.get(issuer);
      if (retired?.certificate) {
        const { record, der } = generateCrl({ keys, certs, now: clock.now() }, retired, input.crlValidityDays);
        certs.storeCrl({ issuerKeyId: issuer, number: record.number, thisUpdate: record.thisUpdate, nextUpdate: record.nextUpdate, entries: record.entries, der });
        finalCrls.push({ issuerKeyId: issuer, number: record.number, entries: record.entries, nextUpdate: record.nextUpdate });
      }
    }
    if (link && previous) keys.addLinkCertificate(k.id, previous.id, link, plan.at.toISOString());
    v.audit.append({
      actor,
      witnesses: plan.witnesses,
      action: input.emergency ? 'key.emergency-activated' : 'key.activated',
      details: {
        keyId: k.id,
        changes: plan.changes.map((c) => ({ keyId: c.keyId, from: c.from, to: c.to, trustedUntil: c.trustedUntil?.toISOString() ?? null })),
        revokedCertificates: revokedCount,
        revokedIssuers: plan.revokeIssuedBy,
        finalCrls,
        linkCertificateFrom: link && previous ? previous.id : null,
        from: k.state === 'staged' ? 'staged' : 'draft',
        ...(readiness ? { readiness: { agents: readiness.agents, trusting: readiness.trusting, percent: readiness.percent, threshold: readiness.threshold } } : {}),
        ...(forcedReason !== null ? { forced: { reason: forcedReason, overrode: ['READINESS_INCOMPLETE'] } } : {}),
        ...(witnessShares ? { witnessShares } : {}),
      },
    });
  });
  return {
    activatedId: k.id,
    previousId: previous ? previous.id : null,
    revokedCount,
    linkCertificate: link !== null,
    bundleKeyIds: buildBundle(keys).keys.map((b) => b.id),
    finalCrls,
    from: k.state === 'staged' ? 'staged' : 'draft',
    readiness,
    forcedReason,
    witnessShares,
  };
}

/** Stages a draft: into the bundle and the trust anchor, signing nothing (key.staged). Returns the bundle's key ids. */
export function stageKey(world: RotationWorld, key: SigningKeyRecord): string[] {
  const { vault: v, keys, certs, clock } = world;
  const plan = planStage(lifecycleRecords(keys, certs, clock.now()), key.id, { clock });
  v.transaction(() => {
    const actor = world.requireActor();
    applyChanges(keys, plan, actor);
    v.audit.append({ actor, action: 'key.staged', details: { keyId: key.id } });
  });
  return buildBundle(keys).keys.map((b) => b.id);
}

export interface RollbackOutcome {
  /** The key active again. */
  restoredId: string;
  /** The key that stepped back, and what it became. */
  steppedBackId: string;
  to: 'staged' | 'retired';
  /** The live certificates the stepped-back key issued (with --retire: the agents to re-issue). */
  issued: RemainingLeaf[];
  bundleKeyIds: string[];
}

/**
 * Rollback: the previous key (trusted, window open) is active again; the key that replaced it
 * becomes staged - still in the bundle, so what it issued keeps validating - or retired.
 * One transaction, one key.rolled-back event.
 */
export function rollbackKey(world: RotationWorld, opts: { reason: string | undefined; retire: boolean }): RollbackOutcome {
  const { vault: v, keys, certs, clock } = world;
  const now = clock.now();
  const plan = planRollback(lifecycleRecords(keys, certs, now), { clock, retire: opts.retire });
  const back = plan.changes.find((c) => c.from === 'active');
  if (!back) throw new DomainError('INTERNAL', 'A rollback plan without the key that steps back.');
  const stepped = keys.get(back.keyId);
  const issued = stepped ? new FleetStore(v.db, stepped.caId).remainingLeaves(stepped.id, now) : [];
  const reason = opts.reason?.trim() || null;
  v.transaction(() => {
    const actor = world.requireActor();
    applyChanges(keys, plan, actor);
    v.audit.append({
      actor,
      action: 'key.rolled-back',
      details: { keyId: plan.keyId, from: back.keyId, to: back.to, reason, liveIssued: issued.length, ...(opts.retire ? { issuedSerials: issued.map((l) => l.serial) } : {}) },
    });
  });
  return { restoredId: plan.keyId, steppedBackId: back.keyId, to: back.to === 'retired' ? 'retired' : 'staged', issued, bundleKeyIds: buildBundle(keys).keys.map((b) => b.id) };
}

/** Retires a key; a forced retire of a key that still vouches for certificates needs a reason, recorded in the audit log. */
export function retireKey(world: RotationWorld, key: SigningKeyRecord, force: { reason: string | undefined } | null): void {
  const { vault: v, keys, certs, clock } = world;
  if (force && !force.reason) throw new DomainError('INVALID_INPUT', 'A forced retire needs --reason TEXT: it goes into the audit log.');
  const plan = planRetire(lifecycleRecords(keys, certs, clock.now(), v), key.id, { clock, force: force ? { reason: force.reason ?? '' } : undefined });
  v.transaction(() => {
    const actor = world.requireActor();
    applyChanges(keys, plan, actor);
    v.audit.append({
      actor,
      action: plan.forced ? 'key.retired-forced' : 'key.retired',
      details: { keyId: key.id, ...(plan.forced ? { reason: plan.forced.reason, overrode: plan.forced.overrode } : {}) },
    });
  });
}

/** Promotes a retired key back to trusted for `trustedDays`. */
export function promoteKey(world: RotationWorld, key: SigningKeyRecord, trustedDays: number): void {
  const { vault: v, keys, certs, clock } = world;
  // Trusted means "in the bundle every agent installs": a key retired for compromise never goes back there.
  if (key.state === 'retired' && key.retiredReason === 'compromise') {
    throw new DomainError(
      'INVALID_TRANSITION',
      `Key "${key.name}" (${key.id}) was retired for compromise${key.retiredAt ? ` on ${key.retiredAt}` : ''}${key.retiredBy ? ` by ${key.retiredBy}` : ''}: a compromised key is never trusted again. Nothing was changed. To trust a key again, create and activate a new one.`,
    );
  }
  const plan = planPromote(lifecycleRecords(keys, certs, clock.now()), key.id, { clock, trustedDays });
  v.transaction(() => {
    const actor = world.requireActor();
    applyChanges(keys, plan, actor);
    v.audit.append({ actor, action: 'key.promoted', details: { keyId: key.id, trustedUntil: plan.changes[0]?.trustedUntil?.toISOString() ?? null } });
  });
}
