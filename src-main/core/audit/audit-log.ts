import { currentAuditCa } from './audit-scope.ts';
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import canonicalize from 'canonicalize';
import type Database from 'better-sqlite3-multiple-ciphers';
import type { Clock } from '../clock.ts';
import { DomainError } from '../errors.ts';

/**
 * Append-only, hash-chained audit log. Each event's hash covers its canonical
 * content (RFC 8785 JSON) and the previous event's hash; the first event chains
 * to a genesis value bound to the vault id, so events cannot be spliced in from
 * another vault. Callers append inside the same transaction as the change.
 *
 * The chain is keyed: from `keyed_from` on (every event of a vault created
 * with the keyed chain, the events after the upgrade of an older one) the
 * "hash" is HMAC-SHA256 under the vault's audit key, so a chain rewritten and
 * re-hashed with plain SHA-256 does not verify. Events written before the
 * upgrade keep their plain SHA-256 hashes, and the first keyed event links to
 * the last of them, so checkpoints taken before stay valid.
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

function canonicalContent(e: Omit<AuditEvent, 'hash'>): string {
  return canonicalize({ seq: e.seq, at: e.at, actor: e.actor, witnesses: e.witnesses, action: e.action, details: e.details, prev: e.prevHash }) ?? '';
}

/** The plain SHA-256 hash: events written before the chain was keyed. */
export function eventHash(e: Omit<AuditEvent, 'hash'>): string {
  return createHash('sha256').update(canonicalContent(e)).digest('hex');
}

/** The keyed hash: HMAC-SHA256 under the audit key over the same canonical content. */
export function eventMac(e: Omit<AuditEvent, 'hash'>, key: Uint8Array): string {
  return createHmac('sha256', key).update(canonicalContent(e)).digest('hex');
}

/** The audit key and the first event it covers. */
interface ChainKey {
  key: Buffer;
  keyedFrom: number;
}

function sameHex(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Exactly the event's columns, in the event's field order (the order its JSON is printed in). */
function rowToEvent({ seq, at, actor, witnesses, action, details, prev_hash: prevHash, hash }: Row): AuditEvent {
  return { seq, at, actor, witnesses: JSON.parse(witnesses) as string[], action, details: JSON.parse(details) as AuditDetails, prevHash, hash };
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
    // An event of a CA's operation names the CA (audit-scope.ts); an event that names one itself keeps it.
    const ca = currentAuditCa();
    if (ca !== undefined && !('ca' in details)) details.ca = ca;
    const event: Omit<AuditEvent, 'hash'> = {
      seq: (last?.seq ?? 0) + 1,
      at: this.clock.now().toISOString(),
      actor,
      witnesses: [...(input.witnesses ?? [])].map((w) => w.trim()).filter(Boolean),
      action: input.action,
      details,
      prevHash: last?.hash ?? genesisHash(this.vaultId),
    };
    const chainKey = this.requireChainKey();
    let hash: string;
    try {
      hash = event.seq >= chainKey.keyedFrom ? eventMac(event, chainKey.key) : eventHash(event);
    } finally {
      chainKey.key.fill(0);
    }
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

  /** Every action name the log holds, once each, in alphabetical order: what the audit log's filter offers. */
  actions(): string[] {
    return (this.db.prepare('SELECT DISTINCT action FROM audit_events ORDER BY action').all() as { action: string }[]).map((r) => r.action);
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
    const chainKey = this.chainKey();
    if (!chainKey) return { ok: false, count: 0, brokenAt: 1, reason: 'the audit key is missing from the database, so no keyed event can be checked (the database was altered)' };
    try {
      return this.verifyWith(chainKey);
    } finally {
      chainKey.key.fill(0);
    }
  }

  private verifyWith({ key, keyedFrom }: ChainKey): AuditVerification {
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
      if (e.seq >= keyedFrom) {
        if (!sameHex(eventMac(e, key), e.hash)) {
          return { ok: false, count, brokenAt: e.seq, reason: `event ${e.seq} was altered after it was written (its HMAC under the vault's audit key does not match its content)` };
        }
      } else if (eventHash(e) !== e.hash) {
        return { ok: false, count, brokenAt: e.seq, reason: `event ${e.seq} was altered after it was written (its hash does not match its content)` };
      }
      expectedPrev = e.hash;
      expectedSeq += 1;
      count += 1;
    }
    // The key is made when the log has n events (keyed_from = n + 1) and events are never removed.
    if (keyedFrom > count + 1) {
      return { ok: false, count, brokenAt: count + 1, reason: `the audit key says keyed events start at event ${keyedFrom}, after the end of the log (event ${count}): the database was altered` };
    }
    return { ok: true, count, head: count ? expectedPrev : null, keyedFrom };
  }

  /** The audit key (a copy the caller zeroes) or null when the database has none. */
  private chainKey(): ChainKey | null {
    let row: { key: Buffer; keyed_from: number } | undefined;
    try {
      row = this.db.prepare('SELECT key, keyed_from FROM audit_chain_key WHERE id = 1').get() as typeof row;
    } catch {
      return null;
    }
    if (!row || !Buffer.isBuffer(row.key) || row.key.length !== 32) return null;
    return { key: row.key, keyedFrom: row.keyed_from };
  }

  private requireChainKey(): ChainKey {
    const k = this.chainKey();
    if (!k) throw new DomainError('AUDIT_CHAIN_BROKEN', 'The audit key is missing from the vault database, so no event can be written: the database was altered. Restore the vault from a backup and investigate.');
    return k;
  }
}

export type AuditVerification =
  /** keyedFrom: the first event whose hash is an HMAC under the audit key (count + 1 when none is yet). */
  | { ok: true; count: number; head: string | null; keyedFrom: number }
  | { ok: false; count: number; brokenAt: number; reason: string };
