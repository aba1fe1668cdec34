import type { Vault } from '../vault/vault.ts';

/** One written export package, as the `exports` table records it. */
export interface ExportLogEntry {
  at: string;
  medium: string;
  folder: string;
  manifestSha256: string;
}

/** The `exports` table: one row per package written to a medium. */
export class ExportLogStore {
  private readonly vault: Vault;

  constructor(vault: Vault) {
    this.vault = vault;
  }

  /** Records a written package; call inside the transaction that appends its audit event. */
  record(e: ExportLogEntry): void {
    this.vault.db.prepare('INSERT INTO exports (at, medium, folder, manifest_sha256) VALUES (?, ?, ?, ?)').run(e.at, e.medium, e.folder, e.manifestSha256);
  }

  /** The most recent export, or null when the vault has never exported. */
  last(): ExportLogEntry | null {
    const r = this.vault.db.prepare('SELECT at, medium, folder, manifest_sha256 AS manifestSha256 FROM exports ORDER BY id DESC LIMIT 1').get() as ExportLogEntry | undefined;
    return r ?? null;
  }
}
