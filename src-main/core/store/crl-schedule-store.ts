import type { Db } from '../vault/database.ts';

/** One pre-signed CRL of a schedule: what SCHEDULE.json lists, and the DER. */
export interface ScheduledCrl {
  number: number;
  thisUpdate: string;
  nextUpdate: string;
  entries: number;
  der: Buffer;
}

/** A schedule: N CRLs of one issuing key signed at once with overlapping windows (`crl presign`). */
export interface CrlSchedule {
  id: number;
  caId: string;
  issuerKeyId: string;
  createdAt: string;
  validityDays: number;
  overlapDays: number;
  /** The largest revocation id of the issuer when the schedule was signed; a larger one later makes it stale. */
  revocationsThrough: number;
  crls: ScheduledCrl[];
}

export type NewCrlSchedule = Omit<CrlSchedule, 'id' | 'caId'>;

interface ScheduleRow {
  id: number;
  ca_id: string;
  issuer_key_id: string;
  created_at: string;
  validity_days: number;
  overlap_days: number;
  revocations_through: number;
}

/**
 * The pre-signed CRLs of the vault (tables crl_schedules, scheduled_crls,
 * schema 12). Each issuing key has at most one current schedule (not
 * replaced); older ones stay for the record. Callers run changes inside a
 * vault transaction.
 */
export class CrlScheduleStore {
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  /** The issuer's schedule that has not been replaced, with its CRLs in number order; null when there is none. */
  current(issuerKeyId: string): CrlSchedule | null {
    const r = this.db
      .prepare('SELECT id, ca_id, issuer_key_id, created_at, validity_days, overlap_days, revocations_through FROM crl_schedules WHERE issuer_key_id = ? AND replaced_at IS NULL ORDER BY id DESC LIMIT 1')
      .get(issuerKeyId) as ScheduleRow | undefined;
    if (!r) return null;
    const crls = (
      this.db.prepare('SELECT number, this_update, next_update, entries, der FROM scheduled_crls WHERE schedule_id = ? ORDER BY number').all(r.id) as Array<{
        number: number;
        this_update: string;
        next_update: string;
        entries: number;
        der: Buffer;
      }>
    ).map((c) => ({ number: c.number, thisUpdate: c.this_update, nextUpdate: c.next_update, entries: c.entries, der: c.der }));
    return {
      id: r.id,
      caId: r.ca_id,
      issuerKeyId: r.issuer_key_id,
      createdAt: r.created_at,
      validityDays: r.validity_days,
      overlapDays: r.overlap_days,
      revocationsThrough: r.revocations_through,
      crls,
    };
  }

  /** Stores a schedule as the issuer's current one; the one it replaces (if any) is marked replaced at `createdAt`. */
  insert(s: NewCrlSchedule): number {
    this.db.prepare('UPDATE crl_schedules SET replaced_at = ? WHERE issuer_key_id = ? AND replaced_at IS NULL').run(s.createdAt, s.issuerKeyId);
    const id = Number(
      this.db
        .prepare('INSERT INTO crl_schedules (ca_id, issuer_key_id, created_at, validity_days, overlap_days, revocations_through) VALUES ((SELECT ca_id FROM signing_keys WHERE id = ?), ?, ?, ?, ?, ?)')
        .run(s.issuerKeyId, s.issuerKeyId, s.createdAt, s.validityDays, s.overlapDays, s.revocationsThrough).lastInsertRowid,
    );
    const put = this.db.prepare('INSERT INTO scheduled_crls (schedule_id, issuer_key_id, number, this_update, next_update, entries, der) VALUES (?, ?, ?, ?, ?, ?, ?)');
    for (const c of s.crls) put.run(id, s.issuerKeyId, c.number, c.thisUpdate, c.nextUpdate, c.entries, c.der);
    return id;
  }

  /** The highest number of any CRL pre-signed for the issuer, replaced schedules included (0 when none). */
  highestNumber(issuerKeyId: string): number {
    return (this.db.prepare('SELECT coalesce(max(number), 0) FROM scheduled_crls WHERE issuer_key_id = ?').pluck().get(issuerKeyId) as number) ?? 0;
  }

  /** The largest revocation id of an issuer (0 when it revoked nothing): the mark a schedule is signed at. */
  revocationMark(issuerKeyId: string): number {
    return this.db
      .prepare('SELECT coalesce(max(r.id), 0) FROM revocations r WHERE r.issuer = (SELECT i.id FROM revocation_issuers i WHERE i.issuer_key_id = ?)')
      .pluck()
      .get(issuerKeyId) as number;
  }
}
