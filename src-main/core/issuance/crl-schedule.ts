/**
 * Pre-signed CRLs for the gap between ceremonies (docs/architecture.md,
 * "Pre-signed CRLs"): N CRLs of one key whose windows follow each other with an
 * overlap, so the online side can publish each at its thisUpdate and relying
 * parties never hold an expired CRL. Each lists every revocation known when it
 * was signed; a later revocation makes the set stale (the caller's check).
 */
import { DAY_MS } from '../clock.ts';
import { DomainError } from '../errors.ts';
import type { CrlScheduleStore, NewCrlSchedule, ScheduledCrl } from '../store/crl-schedule-store.ts';
import type { SigningKeyRecord } from '../store/signing-key-store.ts';
import { signCrl, type CrlWorld } from './crl-publication.ts';

/** More than this many CRLs in one set is refused: a gap of years wants a ceremony, not a longer list. */
export const MAX_PRESIGNED_CRLS = 120;

export interface PresignRequest {
  count: number;
  validityDays: number;
  /** Days each window overlaps the one before (and the first the CRL it follows). */
  overlapDays: number;
  /** The CRL the set continues from (the issuer's current one), or null when there is none. */
  after: { number: number; nextUpdate: string } | null;
}

/** The windows and numbers of a set: consecutive numbers above every number used, each window starting `overlapDays` before the previous one ends. */
export function planSchedule(req: PresignRequest, highestUsed: number, now: Date): Array<{ number: number; thisUpdate: Date; nextUpdate: Date }> {
  if (!Number.isInteger(req.count) || req.count < 1 || req.count > MAX_PRESIGNED_CRLS) {
    throw new DomainError('INVALID_INPUT', `The number of CRLs to pre-sign must be 1 to ${MAX_PRESIGNED_CRLS} (got ${req.count}).`);
  }
  if (req.validityDays <= req.overlapDays) {
    throw new DomainError(
      'PRESIGN_VALIDITY_TOO_SHORT',
      `Each pre-signed CRL must be valid longer than the ${req.overlapDays}-day overlap with the next one (the CRL safety margin); ${req.validityDays} days is not. Give a longer --validity-days, or lower the safety margin.`,
    );
  }
  const step = (req.validityDays - req.overlapDays) * DAY_MS;
  const second = (t: number) => Math.floor(t / 1000) * 1000;
  // Chain from the current CRL: the first window opens `overlap` before it ends (never in the past).
  const start = second(Math.max(now.getTime(), req.after ? new Date(req.after.nextUpdate).getTime() - req.overlapDays * DAY_MS : now.getTime()));
  const first = Math.max(highestUsed + 1, (req.after?.number ?? 0) + 1, Math.floor(now.getTime() / 1000));
  return Array.from({ length: req.count }, (_, i) => {
    const thisUpdate = start + i * step;
    return { number: first + i, thisUpdate: new Date(thisUpdate), nextUpdate: new Date(thisUpdate + req.validityDays * DAY_MS) };
  });
}

/**
 * Signs a set for key `k`; nothing is stored (the caller stores it with its audit event, or
 * after the export that carries it was written). A key that must not publish is refused.
 */
export function presignCrls(world: CrlWorld & { schedules: CrlScheduleStore }, k: SigningKeyRecord, req: PresignRequest): NewCrlSchedule {
  const { certs, schedules, now } = world;
  if (k.state === 'retired' && certs.countLiveRevoked(k.id, now) === 0) {
    throw new DomainError(
      'PRESIGN_NOT_NEEDED',
      `Key "${k.name}" (${k.id}) is retired and none of the certificates it revoked is still valid: it has nothing left to publish, so no CRLs were pre-signed.`,
    );
  }
  const plan = planSchedule(req, certs.highestCrlNumber(k.id), now);
  const revocationsThrough = schedules.revocationMark(k.id);
  const crls: ScheduledCrl[] = plan.map((p) => {
    const { record, der } = signCrl({ keys: world.keys, certs, now }, k, p);
    return { number: record.number, thisUpdate: record.thisUpdate, nextUpdate: record.nextUpdate, entries: record.entries, der };
  });
  return { issuerKeyId: k.id, createdAt: now.toISOString(), validityDays: req.validityDays, overlapDays: req.overlapDays, revocationsThrough, crls };
}

export type ScheduleStaleness = { stale: false } | { stale: true; reason: 'revoked' | 'superseded'; message: string };

/**
 * Whether a set still says what the vault knows: stale once the issuer revoked
 * anything after it was signed, or published a regular CRL numbered above it
 * (the set published later would go back in number).
 */
export function scheduleStaleness(s: { revocationsThrough: number; crls: readonly ScheduledCrl[] }, marks: { revocationMark: number; lastCrlNumber: number }): ScheduleStaleness {
  const last = s.crls[s.crls.length - 1]?.number ?? 0;
  if (marks.revocationMark > s.revocationsThrough) {
    return { stale: true, reason: 'revoked', message: 'a certificate was revoked after they were signed: they do not list it' };
  }
  if (marks.lastCrlNumber > last) {
    return { stale: true, reason: 'superseded', message: `a newer CRL (number ${marks.lastCrlNumber}) was published after them: published later, they would go back in number` };
  }
  return { stale: false };
}
