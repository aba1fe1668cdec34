import { DomainError } from '../errors.ts';
import type { MediumIdentity } from '../media/medium.ts';
import type { Db } from '../vault/database.ts';

export type MediaExportKind = 'export' | 'emergency';
export type Withdrawal = 'collected' | 'destroyed';

/** A package to record as written to a medium: one or more CAs, each with its bundle version and keys. */
export interface NewMediaExport {
  kind: MediaExportKind;
  at: string;
  actor: string;
  folder: string;
  manifestSha256: string;
  medium: MediumIdentity;
  cas: Array<{ caId: string; bundleVersion: number | null; keys: Array<{ id: string; name: string }> }>;
}

/** A key a package carries, with what the vault says of it now. */
export interface CarriedKey {
  id: string;
  /** The name it had when the package was written. */
  name: string;
  state: string;
  retiredReason: string | null;
  retiredAt: string | null;
}

/** A recorded package: what was written (as recorded) and whether its medium is still out. */
export interface MediaExportRecord extends Omit<NewMediaExport, 'cas'> {
  id: number;
  withdrawn: Withdrawal | null;
  withdrawnAt: string | null;
  withdrawnBy: string | null;
  withdrawnNote: string | null;
  cas: Array<{ caId: string; caName: string; bundleVersion: number | null; keys: CarriedKey[] }>;
}

interface Row {
  id: number;
  kind: MediaExportKind;
  at: string;
  actor: string;
  medium_path: string;
  folder: string;
  manifest_sha256: string;
  mountpoint: string | null;
  device: string | null;
  fs_type: string | null;
  label: string | null;
  fs_uuid: string | null;
  serial: string | null;
  identity_note: string | null;
  withdrawn: Withdrawal | null;
  withdrawn_at: string | null;
  withdrawn_by: string | null;
  withdrawn_note: string | null;
}

/** The media_exports tables (migration 15): what is out in the field. */
export class CirculationStore {
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  /** Records a written package; call inside the transaction that records the export. Returns its number. */
  record(e: NewMediaExport): number {
    const m = e.medium;
    const id = Number(
      this.db
        .prepare(
          'INSERT INTO media_exports (kind, at, actor, medium_path, folder, manifest_sha256, mountpoint, device, fs_type, label, fs_uuid, serial, identity_note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
        )
        .run(e.kind, e.at, e.actor, m.path, e.folder, e.manifestSha256, m.mountpoint, m.device, m.fsType, m.label, m.uuid, m.serial, m.note).lastInsertRowid,
    );
    const ca = this.db.prepare('INSERT INTO media_export_cas (export_id, ca_id, bundle_version) VALUES (?, ?, ?)');
    const key = this.db.prepare('INSERT OR IGNORE INTO media_export_keys (export_id, ca_id, key_id, key_name) VALUES (?, ?, ?, ?)');
    for (const c of e.cas) {
      ca.run(id, c.caId, c.bundleVersion);
      for (const k of c.keys) key.run(id, c.caId, k.id, k.name);
    }
    return id;
  }

  /** Every recorded package, oldest first (`out`: only those not collected or destroyed). */
  list(opts: { out?: boolean } = {}): MediaExportRecord[] {
    const rows = this.db.prepare(`SELECT * FROM media_exports${opts.out ? ' WHERE withdrawn IS NULL' : ''} ORDER BY id`).all() as Row[];
    const cas = this.db.prepare('SELECT c.ca_id AS caId, coalesce(x.name, c.ca_id) AS caName, c.bundle_version AS bundleVersion FROM media_export_cas c LEFT JOIN cas x ON x.id = c.ca_id WHERE c.export_id = ? ORDER BY x.rowid');
    const keys = this.db.prepare(
      'SELECT k.key_id AS id, k.key_name AS name, s.state, s.retired_reason AS retiredReason, s.retired_at AS retiredAt FROM media_export_keys k JOIN signing_keys s ON s.id = k.key_id WHERE k.export_id = ? AND k.ca_id = ? ORDER BY s.created_at, k.key_id',
    );
    return rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      at: r.at,
      actor: r.actor,
      folder: r.folder,
      manifestSha256: r.manifest_sha256,
      medium: { path: r.medium_path, mountpoint: r.mountpoint, device: r.device, fsType: r.fs_type, label: r.label, uuid: r.fs_uuid, serial: r.serial, note: r.identity_note },
      withdrawn: r.withdrawn,
      withdrawnAt: r.withdrawn_at,
      withdrawnBy: r.withdrawn_by,
      withdrawnNote: r.withdrawn_note,
      cas: (cas.all(r.id) as Array<{ caId: string; caName: string; bundleVersion: number | null }>).map((c) => ({ ...c, keys: keys.all(r.id, c.caId) as CarriedKey[] })),
    }));
  }

  get(id: number): MediaExportRecord {
    const r = this.list().find((x) => x.id === id);
    if (!r) throw new DomainError('NOT_FOUND', `There is no export number ${id} in this vault. See "export list" for the numbers.`);
    return r;
  }

  /** Marks a medium collected or destroyed. Refused (changing nothing) when it already was. */
  withdraw(id: number, how: Withdrawal, at: string, by: string, note: string | null): MediaExportRecord {
    const before = this.get(id);
    if (before.withdrawn !== null) {
      throw new DomainError('INVALID_TRANSITION', `Export ${id} was already marked ${before.withdrawn} (${before.withdrawnAt} by ${before.withdrawnBy}). Nothing was changed.`);
    }
    this.db.prepare('UPDATE media_exports SET withdrawn = ?, withdrawn_at = ?, withdrawn_by = ?, withdrawn_note = ? WHERE id = ? AND withdrawn IS NULL').run(how, at, by, note, id);
    return this.get(id);
  }
}
