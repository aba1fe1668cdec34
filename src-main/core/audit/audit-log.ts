import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type Database from 'better-sqlite3-multiple-ciphers';
import type { Clock } from '../clock.ts';
import { DomainError } from '../errors.ts';

/**
 * Append-only, hash-chained audit log. Each event's hash covers its canonical
 * content (RFC 8785 JSON) and the previous event's hash; the first event chains
 * to a genesis value bound to the vault id, so events cannot be spliced in from
 * another vault. Callers append inside the same transaction as the change.
 */
export type AuditDetails = Record<string, unknown>;

export interface AuditEventInput {
  actor: string;
  witnesses?: readonly string[];
  action: string;
  details?: AuditDetails;
}

export interface AuditEvent {
  seq: number;
  at: string;
  actor: string;
  witnesses: string[];
  action: string;
  details: AuditDetails;
  prevHash: string;
  hash: string;
}

interface Row {
  seq: number;
  at: string;
  actor: string;
  witnesses: string;
  action: string;
  details: string;
  prev_hash: string;
  hash: string;
}

export function genesisHash(vaultId: string): string {
  return createHash('sha256').update(`airgap-ca/v1/audit-genesis/${vaultId}`).digest('hex');
}

export function eventHash(e: Omit<AuditEvent, 'hash'>): string {
  const content = canonicalize({ seq: e.seq, at: e.at, actor: e.actor, witnesses: e.witnesses, action: e.action, details: e.details, prev: e.prevHash });
  return createHash('sha256').update(content ?? '').digest('hex');
}

function rowToEvent(r: Row): AuditEvent {
  return {
    seq: r.seq,
    at: r.at,
    actor: r.actor,
    witnesses: JSON.parse(r.witnesses) as string[],
    action: r.action,
    details: JSON.parse(r.details) as AuditDetails,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

export class AuditLog {
  private readonly db: Database.Database;
  private readonly vaultId: string;
  private readonly clock: Clock;

  constructor(db: Database.Database, vaultId: string, clock: Clock) {
    this.db = db;
    this.vaultId = vaultId;
    this.clock = clock;
  }

  /** Must run inside the caller's transaction, so the event and the change commit together. */
  append(input: AuditEventInput): AuditEvent {
    if (!this.db.inTransaction) throw new DomainError('INTERNAL', 'Audit events must be written in the same transaction as the change.');
    const actor = input.actor.trim();
    if (!actor) throw new DomainError('INVALID_INPUT', 'Every change needs an actor: give --actor NAME (or set AIRGAP_CA_ACTOR).');
    const last = this.db.prepare('SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string } | undefined;
    // JSON round trip drops undefined and turns dates into strings, so the stored details hash the same when read back.
    const details = JSON.parse(JSON.stringify(input.details ?? {})) as AuditDetails;
    const event: Omit<AuditEvent, 'hash'> = {
      seq: (last?.seq ?? 0) + 1,
      at: this.clock.now().toISOString(),
      actor,
      witnesses: [...(input.witnesses ?? [])].map((w) => w.trim()).filter(Boolean),
      action: input.action,
      details,
      prevHash: last?.hash ?? genesisHash(this.vaultId),
    };
    const hash = eventHash(event);
    this.db
      .prepare('INSERT INTO audit_events (seq, at, actor, witnesses, action, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(event.seq, event.at, event.actor, JSON.stringify(event.witnesses), event.action, JSON.stringify(event.details), event.prevHash, hash);
    return { ...event, hash };
  }

  list(opts: { since?: string; limit?: number; action?: string } = {}): AuditEvent[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (opts.since) {
      where.push('at >= ?');
      args.push(opts.since);
    }
    if (opts.action) {
      where.push('action = ?');
      args.push(opts.action);
    }
    const sql = `SELECT * FROM audit_events ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY seq ${opts.limit ? 'LIMIT ' + Math.max(1, Math.floor(opts.limit)) : ''}`;
    return (this.db.prepare(sql).all(...args) as Row[]).map(rowToEvent);
  }

  *iterate(): Generator<AuditEvent> {
    for (const r of this.db.prepare('SELECT * FROM audit_events ORDER BY seq').iterate() as IterableIterator<Row>) yield rowToEvent(r);
  }

  /** The last event's sequence number and hash; null for an empty log. */
  head(): { seq: number; hash: string } | null {
    const r = this.db.prepare('SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string } | undefined;
    return r ? { seq: r.seq, hash: r.hash } : null;
  }

  /**
   * Does this chain contain `head` (a checkpoint written earlier, e.g. in an
   * export manifest)? "behind": the chain ends before it (the vault was rolled
   * back or restored from an older backup); "differs": the event at that
   * sequence number has another hash (history was rewritten).
   */
  compareCheckpoint(head: { seq: number; hash: string }): { status: 'contains' | 'behind' | 'differs'; current: { seq: number; hash: string } | null } {
    const current = this.head();
    if (!current || current.seq < head.seq) return { status: 'behind', current };
    const at = this.db.prepare('SELECT hash FROM audit_events WHERE seq = ?').get(head.seq) as { hash: string } | undefined;
    return { status: at?.hash === head.hash ? 'contains' : 'differs', current };
  }

  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM audit_events').get() as { n: number }).n;
  }

  /** Walks the whole chain; names the first event whose sequence, link or content does not verify. */
  verify(): AuditVerification {
    let expectedPrev = genesisHash(this.vaultId);
    let expectedSeq = 1;
    let count = 0;
    for (const r of this.db.prepare('SELECT * FROM audit_events ORDER BY seq').iterate() as IterableIterator<Row>) {
      let e: AuditEvent;
      try {
        e = rowToEvent(r);
      } catch {
        return { ok: false, count, brokenAt: r.seq, reason: `event ${r.seq} is not readable (its stored JSON is damaged)` };
      }
      if (e.seq !== expectedSeq) return { ok: false, count, brokenAt: expectedSeq, reason: `event ${expectedSeq} is missing (next stored event is ${e.seq})` };
      if (e.prevHash !== expectedPrev) return { ok: false, count, brokenAt: e.seq, reason: `event ${e.seq} does not link to event ${e.seq - 1}` };
      if (eventHash(e) !== e.hash) return { ok: false, count, brokenAt: e.seq, reason: `event ${e.seq} was altered after it was written (its hash does not match its content)` };
      expectedPrev = e.hash;
      expectedSeq += 1;
      count += 1;
    }
    return { ok: true, count, head: count ? expectedPrev : null };
  }
}

export type AuditVerification =
  | { ok: true; count: number; head: string | null }
  | { ok: false; count: number; brokenAt: number; reason: string };
