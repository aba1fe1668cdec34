import { randomUUID } from 'node:crypto';
import { DomainError } from '../errors.ts';
import type { Vault } from '../vault/vault.ts';
import type { CaSummary } from './ca-summary.ts';

export type { CaSummary };

/** The row with the names of the view: only the settings need nesting, and the profile list parsing. */
type Row = Omit<CaSummary, 'settings'> & Omit<CaSummary['settings'], 'allowedProfiles'> & { allowedProfiles: string | null };

const COLUMNS =
  'id, name, purpose, created_at AS created, parent_id AS parentId, trusted_window_days AS trustedWindowDays, crl_validity_days AS crlValidityDays, allowed_profiles AS allowedProfiles, default_validity_days AS defaultValidityDays';

function toSummary({ id, name, purpose, created, parentId, allowedProfiles, ...settings }: Row): CaSummary {
  return { id, name, purpose, created, parentId, settings: { ...settings, allowedProfiles: allowedProfiles === null ? null : (JSON.parse(allowedProfiles) as string[]) } };
}

/** Which CA an operation works on: a name the officer gave, or none. */
export type CaSelection = string | undefined;

/**
 * The certificate authorities of the vault (table `cas`). Every signing key,
 * certificate, revocation and CRL belongs to one of them; the stores of one CA
 * see only its rows. Callers run changes inside a vault transaction.
 */
export class CaStore {
  private readonly vault: Vault;

  constructor(vault: Vault) {
    this.vault = vault;
  }

  private get db() {
    return this.vault.db;
  }

  /** In the order they were added: "default" (the vault's first CA, made by the migration) comes first. */
  list(): CaSummary[] {
    return (this.db.prepare(`SELECT ${COLUMNS} FROM cas ORDER BY rowid`).all() as Row[]).map(toSummary);
  }

  byName(name: string): CaSummary {
    const r = this.db.prepare(`SELECT ${COLUMNS} FROM cas WHERE name = ?`).get(name.trim()) as Row | undefined;
    if (!r) throw new DomainError('CA_NOT_FOUND', `There is no CA named "${name}" in this vault. The CAs are: ${this.names()}.`);
    return toSummary(r);
  }

  byId(id: string): CaSummary | null {
    const r = this.db.prepare(`SELECT ${COLUMNS} FROM cas WHERE id = ?`).get(id) as Row | undefined;
    return r ? toSummary(r) : null;
  }

  private names(): string {
    return this.list()
      .map((c) => c.name)
      .join(', ');
  }

  /**
   * The CA of an operation that works on one CA: the named one, or the only
   * one. With several and none named the operation is refused with the names,
   * so nothing is ever done to a CA the officer did not choose.
   */
  select(selection: CaSelection): CaSummary {
    if (selection !== undefined) return this.byName(selection);
    const all = this.list();
    if (all.length === 1) return all[0]!;
    throw new DomainError('CA_REQUIRED', `This vault holds ${all.length} CAs (${all.map((c) => c.name).join(', ')}). Say which one with --ca NAME (or AIRGAP_CA_CA).`);
  }

  /** Fails with CA_NAME_TAKEN when another CA has the name. */
  assertNameFree(name: string): void {
    if (this.db.prepare('SELECT 1 FROM cas WHERE name = ?').get(name)) {
      throw new DomainError('CA_NAME_TAKEN', `A CA named "${name}" already exists in this vault. CA names are unique: choose another.`);
    }
  }

  /** Like select(), but with several CAs and none named: null (every CA). */
  selectOrAll(selection: CaSelection): CaSummary | null {
    if (selection !== undefined) return this.byName(selection);
    const all = this.list();
    return all.length === 1 ? all[0]! : null;
  }

  create(c: { name: string; purpose: string; createdAt: string; parentId?: string }): CaSummary {
    this.assertNameFree(c.name);
    const id = randomUUID();
    this.db.prepare('INSERT INTO cas (id, name, purpose, created_at, parent_id) VALUES (?, ?, ?, ?, ?)').run(id, c.name, c.purpose, c.createdAt, c.parentId ?? null);
    return this.byId(id)!;
  }

  /** Sets the given settings (null: back to the vault's); the others stay. */
  updateSettings(id: string, change: Partial<CaSummary['settings']>): void {
    const columns = { trustedWindowDays: 'trusted_window_days', crlValidityDays: 'crl_validity_days', allowedProfiles: 'allowed_profiles', defaultValidityDays: 'default_validity_days' } as const;
    for (const [field, column] of Object.entries(columns) as Array<[keyof typeof columns, string]>) {
      const v = change[field];
      if (v === undefined) continue;
      this.db.prepare(`UPDATE cas SET ${column} = ? WHERE id = ?`).run(Array.isArray(v) ? JSON.stringify(v) : v, id);
    }
  }

  rename(id: string, name: string): void {
    this.assertNameFree(name);
    this.db.prepare('UPDATE cas SET name = ? WHERE id = ?').run(name, id);
  }
}
