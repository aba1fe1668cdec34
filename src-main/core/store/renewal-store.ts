import type { Db } from '../vault/database.ts';

/** A certificate issued from a renewal request (table renewals, schema 11). */
export interface RenewalRecord {
  /** The new certificate. */
  serial: string;
  /** SHA-256 (hex) of the inner PKCS #10 request's DER. */
  csrSha256: string;
  /** The certificate it replaces. */
  renews: string;
  /** The certificate that signed the request: `renews` itself, or the device's bootstrap certificate. */
  signer: string;
  renewedAt: string;
}

interface Row {
  serial: string;
  csr_sha256: string;
  renews: string;
  signer: string;
  renewed_at: string;
}

const toRecord = (r: Row): RenewalRecord => ({ serial: r.serial, csrSha256: r.csr_sha256, renews: r.renews, signer: r.signer, renewedAt: r.renewed_at });

/**
 * The renewals of one CA: which request each served and which certificate it
 * renewed, so a request presented again is served the certificate already
 * issued, and a certificate is renewed at most once. Writes run inside the
 * caller's transaction, after the new certificates are inserted.
 */
export class RenewalStore {
  private readonly db: Db;
  readonly caId: string;

  constructor(db: Db, caId: string) {
    this.db = db;
    this.caId = caId;
  }

  /** The renewal that served this request (by the SHA-256 of its CSR), if any. */
  byRequest(csrSha256: string): RenewalRecord | null {
    const r = this.db.prepare('SELECT * FROM renewals WHERE ca_id = ? AND csr_sha256 = ?').get(this.caId, csrSha256) as Row | undefined;
    return r ? toRecord(r) : null;
  }

  /** The renewal that replaced this certificate, if any. */
  successorOf(serial: string): RenewalRecord | null {
    const r = this.db.prepare('SELECT * FROM renewals WHERE renews = ? AND ca_id = ?').get(serial, this.caId) as Row | undefined;
    return r ? toRecord(r) : null;
  }

  /**
   * The device's management certificate for a bootstrap-signed renewal: the
   * newest certificate of this CA with this subject that is not a bootstrap
   * certificate (index certificates_subject).
   */
  latestManagementCertificate(subject: string): string | null {
    return (
      (this.db
        .prepare("SELECT serial FROM certificates WHERE ca_id = ? AND subject = ? AND profile <> 'bootstrap' ORDER BY issued_at DESC, serial DESC LIMIT 1")
        .pluck()
        .get(this.caId, subject) as string | undefined) ?? null
    );
  }

  insert(records: readonly RenewalRecord[]): void {
    const put = this.db.prepare('INSERT INTO renewals (serial, ca_id, csr_sha256, renews, signer, renewed_at) VALUES (?, ?, ?, ?, ?, ?)');
    for (const r of records) put.run(r.serial, this.caId, r.csrSha256, r.renews, r.signer, r.renewedAt);
  }

  /** Every renewal of this CA (tests and the report's cross-check). */
  count(): number {
    return this.db.prepare('SELECT count(*) FROM renewals WHERE ca_id = ?').pluck().get(this.caId) as number;
  }
}
