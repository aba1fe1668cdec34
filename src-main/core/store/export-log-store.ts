import type { Vault } from '../vault/vault.ts';

/** One written export package, as the `exports` table records it. */
export interface ExportLogEntry {
  at: string;
  medium: string;
  folder: string;
  manifestSha256: string;
}

/** The `exports` table: one row per package written to a medium, each of one CA (`caId`; without it, of every CA / the first CA). */
export class ExportLogStore {
  private readonly vault: Vault;
  private readonly caId: string | null;

  constructor(vault: Vault, caId: string | null = null) {
    this.vault = vault;
    this.caId = caId;
  }

  /** Records a written package; call inside the transaction that appends its audit event. */
  record(e: ExportLogEntry): void {
    this.vault.db
      .prepare('INSERT INTO exports (at, medium, folder, manifest_sha256, ca_id) VALUES (?, ?, ?, ?, coalesce(?, (SELECT id FROM cas ORDER BY rowid LIMIT 1)))')
      .run(e.at, e.medium, e.folder, e.manifestSha256, this.caId);
  }

  /**
   * The first export (of the CA, or of any CA) written at or after `at`, or null. A row is recorded
   * only after the package was read back from the medium and verified, so it is a verified export.
   */
  firstSince(at: string): ExportLogEntry | null {
    const scoped = this.caId !== null;
    const r = this.vault.db
      .prepare(`SELECT at, medium, folder, manifest_sha256 AS manifestSha256 FROM exports WHERE at >= ?${scoped ? ' AND ca_id = ?' : ''} ORDER BY id LIMIT 1`)
      .get(at, ...(scoped ? [this.caId] : [])) as ExportLogEntry | undefined;
    return r ?? null;
  }

  /** The most recent export (of the CA, or of any CA), or null when there was none. */
  last(): ExportLogEntry | null {
    const scoped = this.caId !== null;
    const r = this.vault.db
      .prepare(`SELECT at, medium, folder, manifest_sha256 AS manifestSha256 FROM exports${scoped ? ' WHERE ca_id = ?' : ''} ORDER BY id DESC LIMIT 1`)
      .get(...(scoped ? [this.caId] : [])) as ExportLogEntry | undefined;
    return r ?? null;
  }
}
