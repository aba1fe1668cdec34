import type { Vault } from '../vault/vault.ts';

/**
 * The vault's `settings` table: string values keyed by name. Which names exist
 * and what they mean is the contract's business; this store only reads and
 * writes them, so `api/` holds no SQL.
 */
export class SettingsStore {
  private readonly vault: Vault;

  constructor(vault: Vault) {
    this.vault = vault;
  }

  values(): Array<{ key: string; value: string }> {
    return this.vault.db.prepare('SELECT key, value FROM settings').all() as Array<{ key: string; value: string }>;
  }

  /** Upserts each entry; call inside the caller's transaction with its audit event. */
  put(entries: ReadonlyArray<readonly [string, string]>): void {
    const put = this.vault.db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value');
    for (const [k, val] of entries) put.run(k, val);
  }
}
