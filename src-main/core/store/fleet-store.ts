import type { Db } from '../vault/database.ts';
import type { RemainingLeaf } from '../fleet/fleet-views.ts';

export type { RemainingLeaf };

/** One trust bundle the vault wrote for a CA: its number, the SHA-256 of its exact bytes, the keys it holds. */
export interface BundleVersionRecord {
  version: number;
  sha256: string;
  createdAt: string;
  keyIds: string[];
}

export interface ReceiptRecord {
  agentSerial: string;
  bundleVersion: number;
  installedAt: string;
  importedAt: string;
  receiptSha256: string;
}

/**
 * Certificates of the CA that are live at :now - not expired, not revoked. "Agents" are the
 * subjects of live certificates other than sub-CA ones: a sub-CA sends no receipts.
 */
const LIVE = `live AS (
  SELECT c.serial, c.subject, c.sans, c.not_after, c.issuer_key_id, c.issued_at, c.profile FROM certificates c
  WHERE c.ca_id = :ca AND c.not_after >= :now AND NOT EXISTS (SELECT 1 FROM revocations r WHERE r.serial = c.serial))`;

/** A live certificate of the subject, from another key, issued later: the leaf `l` is superseded. */
const SUPERSEDED = `EXISTS (SELECT 1 FROM live n WHERE n.subject = l.subject AND n.issuer_key_id <> l.issuer_key_id AND n.issued_at > l.issued_at)`;

/**
 * The fleet evidence of one CA: the versions of its trust bundle and the receipts agents sent
 * back, and the counts fleet status and the retire rule read. Changes run inside the caller's
 * transaction with its audit event.
 */
export class FleetStore {
  private readonly db: Db;
  readonly caId: string;

  constructor(db: Db, caId: string) {
    this.db = db;
    this.caId = caId;
  }

  private keyIdsOf(version: number): string[] {
    return this.db.prepare('SELECT key_id FROM bundle_version_keys WHERE ca_id = ? AND version = ? ORDER BY rowid').pluck().all(this.caId, version) as string[];
  }

  private toBundle(r: { version: number; sha256: string; created_at: string } | undefined): BundleVersionRecord | null {
    return r ? { version: r.version, sha256: r.sha256, createdAt: r.created_at, keyIds: this.keyIdsOf(r.version) } : null;
  }

  latestBundle(): BundleVersionRecord | null {
    return this.toBundle(this.db.prepare('SELECT version, sha256, created_at FROM bundle_versions WHERE ca_id = ? ORDER BY version DESC LIMIT 1').get(this.caId) as never);
  }

  /** The latest version whose bundle had exactly these bytes, or null. */
  bundleBySha256(sha256: string): BundleVersionRecord | null {
    return this.toBundle(this.db.prepare('SELECT version, sha256, created_at FROM bundle_versions WHERE ca_id = ? AND sha256 = ? ORDER BY version DESC LIMIT 1').get(this.caId, sha256) as never);
  }

  recordBundle(b: BundleVersionRecord): void {
    this.db.prepare('INSERT INTO bundle_versions (ca_id, version, sha256, created_at) VALUES (?, ?, ?, ?)').run(this.caId, b.version, b.sha256, b.createdAt);
    const put = this.db.prepare('INSERT INTO bundle_version_keys (ca_id, version, key_id) VALUES (?, ?, ?)');
    for (const id of b.keyIds) put.run(this.caId, b.version, id);
  }

  hasReceipt(agentSerial: string, bundleVersion: number): boolean {
    return this.db.prepare('SELECT 1 FROM fleet_receipts WHERE ca_id = ? AND agent_serial = ? AND bundle_version = ?').get(this.caId, agentSerial, bundleVersion) !== undefined;
  }

  insertReceipt(r: ReceiptRecord): void {
    this.db
      .prepare('INSERT INTO fleet_receipts (ca_id, agent_serial, bundle_version, installed_at, imported_at, receipt_sha256) VALUES (?, ?, ?, ?, ?, ?)')
      .run(this.caId, r.agentSerial, r.bundleVersion, r.installedAt, r.importedAt, r.receiptSha256);
  }

  receiptCount(): number {
    return this.db.prepare('SELECT count(*) FROM fleet_receipts WHERE ca_id = ?').pluck().get(this.caId) as number;
  }

  /** Distinct subjects with a live certificate (not a sub-CA's) from any key of the CA. */
  agentCount(now: Date): number {
    return this.db.prepare(`WITH ${LIVE} SELECT count(DISTINCT subject) FROM live WHERE profile <> 'sub-ca'`).pluck().get({ ca: this.caId, now: now.toISOString() }) as number;
  }

  /** Of those agents, how many sent a receipt (from any of their certificates) for a bundle holding `keyId`. */
  trustingCount(keyId: string, now: Date): number {
    return this.db
      .prepare(
        `WITH ${LIVE} SELECT count(DISTINCT l.subject) FROM live l WHERE l.profile <> 'sub-ca' AND EXISTS (
           SELECT 1 FROM certificates a
             JOIN fleet_receipts fr ON fr.ca_id = :ca AND fr.agent_serial = a.serial
             JOIN bundle_version_keys bk ON bk.ca_id = fr.ca_id AND bk.version = fr.bundle_version AND bk.key_id = :key
           WHERE a.ca_id = :ca AND a.subject = l.subject)`,
      )
      .pluck()
      .get({ ca: this.caId, now: now.toISOString(), key: keyId }) as number;
  }

  /** Live certificates `keyId` issued, and how many of them are superseded (their subject has a newer live one from another key). */
  leafCounts(keyId: string, now: Date): { live: number; superseded: number } {
    const r = this.db
      .prepare(`WITH ${LIVE} SELECT count(*) AS live, coalesce(sum(${SUPERSEDED}), 0) AS superseded FROM live l WHERE l.issuer_key_id = :key`)
      .get({ ca: this.caId, now: now.toISOString(), key: keyId }) as { live: number; superseded: number };
    return { live: r.live, superseded: r.superseded };
  }

  /** The live, not superseded certificates `keyId` issued (the agents to re-bootstrap), by subject. */
  remainingLeaves(keyId: string, now: Date): RemainingLeaf[] {
    const rows = this.db
      .prepare(
        `WITH ${LIVE} SELECT l.serial, l.subject, l.sans, l.not_after AS notAfter,
           (SELECT fr.installed_at || ' ' || fr.bundle_version FROM fleet_receipts fr JOIN certificates a ON a.serial = fr.agent_serial
              WHERE fr.ca_id = :ca AND a.ca_id = :ca AND a.subject = l.subject ORDER BY fr.installed_at DESC, fr.bundle_version DESC LIMIT 1) AS lastReceipt
         FROM live l WHERE l.issuer_key_id = :key AND NOT ${SUPERSEDED} ORDER BY l.subject, l.serial`,
      )
      .all({ ca: this.caId, now: now.toISOString(), key: keyId }) as Array<{ serial: string; subject: string; sans: string; notAfter: string; lastReceipt: string | null }>;
    return rows.map((r) => {
      const [installedAt, version] = r.lastReceipt ? r.lastReceipt.split(' ') : [];
      return {
        serial: r.serial,
        subject: r.subject,
        sans: JSON.parse(r.sans) as string[],
        notAfter: r.notAfter,
        lastReceipt: installedAt && version ? { installedAt, bundleVersion: Number(version) } : null,
      };
    });
  }

  /**
   * Agents trusting `keyId` per day of installed_at: each known agent (a subject of a live
   * certificate, not a sub-CA's, as agentCount counts) on the first day one of its receipts
   * names a bundle holding the key. Summed over the days it is trustingCount, so the chart's
   * last percent is fleet status's.
   */
  trustingPerDay(keyId: string, now: Date): Array<{ day: string; agents: number }> {
    return this.db
      .prepare(
        `WITH ${LIVE} SELECT day, count(*) AS agents FROM (
           SELECT a.subject, min(substr(fr.installed_at, 1, 10)) AS day FROM fleet_receipts fr
             JOIN certificates a ON a.ca_id = fr.ca_id AND a.serial = fr.agent_serial
             JOIN bundle_version_keys bk ON bk.ca_id = fr.ca_id AND bk.version = fr.bundle_version AND bk.key_id = :key
           WHERE fr.ca_id = :ca AND a.subject IN (SELECT subject FROM live WHERE profile <> 'sub-ca') GROUP BY a.subject)
         GROUP BY day ORDER BY day`,
      )
      .all({ ca: this.caId, now: now.toISOString(), key: keyId }) as Array<{ day: string; agents: number }>;
  }
}
