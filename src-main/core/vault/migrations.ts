import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3-multiple-ciphers';
import { DomainError } from '../errors.ts';

/**
 * Numbered schema migrations. Each runs in its own transaction together with
 * the user_version bump, so a crash never leaves a half-migrated vault.
 * Append only: never edit a migration that has shipped.
 */
export interface Migration {
  version: number;
  description: string;
  sql: string;
  /** Work SQL cannot do well (e.g. a key from the OS's random source), in the same transaction, after `sql`. */
  after?: (db: Database.Database) => void;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'vault metadata, settings and the hash-chained audit log',
    sql: `
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
      CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
      CREATE TABLE audit_events (
        seq INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        witnesses TEXT NOT NULL,
        action TEXT NOT NULL,
        details TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL UNIQUE
      ) STRICT;
      CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
      CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    `,
  },
  {
    version: 2,
    description: 'signing keys, their certificates and chains',
    sql: `
      CREATE TABLE signing_keys (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        algorithm TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('draft', 'active', 'trusted', 'retired')),
        spki BLOB NOT NULL,
        wrapped_private_key BLOB NOT NULL,
        wrap_nonce BLOB NOT NULL,
        certificate BLOB,
        created_at TEXT NOT NULL,
        activated_at TEXT,
        trusted_until TEXT,
        retired_at TEXT
      ) STRICT;
      CREATE UNIQUE INDEX signing_keys_one_active ON signing_keys(state) WHERE state = 'active';
      CREATE TABLE key_chain (
        key_id TEXT NOT NULL REFERENCES signing_keys(id),
        position INTEGER NOT NULL,
        der BLOB NOT NULL,
        PRIMARY KEY (key_id, position)
      ) STRICT;
      CREATE TABLE link_certificates (
        new_key_id TEXT NOT NULL REFERENCES signing_keys(id),
        old_key_id TEXT NOT NULL REFERENCES signing_keys(id),
        der BLOB NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (new_key_id, old_key_id)
      ) STRICT;
    `,
  },
  {
    version: 3,
    description: 'issued certificates, revocation, CRLs and exports',
    sql: `
      CREATE TABLE certificates (
        serial TEXT PRIMARY KEY,
        issuer_key_id TEXT NOT NULL REFERENCES signing_keys(id),
        subject TEXT NOT NULL,
        sans TEXT NOT NULL,
        profile TEXT NOT NULL,
        not_before TEXT NOT NULL,
        not_after TEXT NOT NULL,
        issued_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX certificates_issuer ON certificates(issuer_key_id);
      CREATE INDEX certificates_not_after ON certificates(not_after);
      CREATE INDEX certificates_issued ON certificates(issued_at, serial);
      -- The DER lives apart, so listing and searching a fleet's certificates scans short rows only.
      CREATE TABLE certificate_der (
        serial TEXT PRIMARY KEY REFERENCES certificates(serial),
        der BLOB NOT NULL
      ) STRICT;
      -- Revocation is a fact of its own, in small rows: revoking a whole fleet
      -- appends a million short rows instead of rewriting every certificate's DER.
      CREATE TABLE revocations (
        serial TEXT PRIMARY KEY REFERENCES certificates(serial),
        issuer_key_id TEXT NOT NULL,
        revoked_at TEXT NOT NULL,
        reason TEXT NOT NULL
      ) STRICT;
      CREATE INDEX revocations_issuer ON revocations(issuer_key_id);
      CREATE TABLE crls (
        issuer_key_id TEXT NOT NULL REFERENCES signing_keys(id),
        number INTEGER NOT NULL,
        this_update TEXT NOT NULL,
        next_update TEXT NOT NULL,
        entries INTEGER NOT NULL,
        der BLOB NOT NULL,
        PRIMARY KEY (issuer_key_id, number)
      ) STRICT;
      CREATE TABLE exports (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        medium TEXT NOT NULL,
        folder TEXT NOT NULL,
        manifest_sha256 TEXT NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 4,
    description: 'the roots this vault trusts for imported chains (pinned by fingerprint)',
    sql: `
      -- A chain is stored only when its root is here: a root with the corporate
      -- root's name but another key is not the corporate root. fingerprint is
      -- the SHA-256 of the root certificate's DER, 64 lowercase hex.
      CREATE TABLE trusted_roots (
        fingerprint TEXT PRIMARY KEY CHECK (length(fingerprint) = 64),
        subject TEXT NOT NULL,
        der BLOB NOT NULL,
        pinned_at TEXT NOT NULL,
        source TEXT NOT NULL CHECK (source IN ('import', 'self-sign'))
      ) STRICT;
    `,
  },
  {
    version: 5,
    description: 'the secret key of the keyed (HMAC-SHA256) audit chain',
    sql: `
      -- One row. The key is random, not derived from the vault key, so it
      -- survives a rekey and the events already written keep verifying.
      -- keyed_from is the first event whose hash is an HMAC under it: events
      -- written before this migration keep their plain SHA-256 chain, and the
      -- first keyed event links to the last plain hash, so checkpoints
      -- already exported stay valid.
      CREATE TABLE audit_chain_key (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        key BLOB NOT NULL CHECK (length(key) = 32),
        keyed_from INTEGER NOT NULL CHECK (keyed_from >= 1)
      ) STRICT;
      CREATE TRIGGER audit_chain_key_no_update BEFORE UPDATE ON audit_chain_key
        BEGIN SELECT RAISE(ABORT, 'the audit chain key never changes'); END;
      CREATE TRIGGER audit_chain_key_no_delete BEFORE DELETE ON audit_chain_key
        BEGIN SELECT RAISE(ABORT, 'the audit chain key never changes'); END;
    `,
    after: (db) => {
      const key = randomBytes(32);
      try {
        db.prepare('INSERT INTO audit_chain_key (id, key, keyed_from) SELECT 1, ?, coalesce(max(seq), 0) + 1 FROM audit_events').run(key);
      } finally {
        key.fill(0);
      }
    },
  },
  {
    version: 6,
    description: 'a trigram index over certificate subjects and SANs for search, and certificate counts per issuer',
    sql: `
      -- Substring search (cert list --search) without reading every row: FTS5's
      -- trigram tokenizer answers any substring of three or more characters.
      -- It keeps its own copy of the text with the serial (not the certificates
      -- rowid, which VACUUM INTO may renumber), kept in step by triggers; the
      -- store re-checks its hits with LIKE, so what matches does not change.
      CREATE VIRTUAL TABLE certificate_search USING fts5(serial UNINDEXED, subject, sans, tokenize = 'trigram');
      INSERT INTO certificate_search (serial, subject, sans) SELECT serial, subject, sans FROM certificates;
      CREATE TRIGGER certificates_search_insert AFTER INSERT ON certificates
        BEGIN INSERT INTO certificate_search (serial, subject, sans) VALUES (new.serial, new.subject, new.sans); END;
      CREATE TRIGGER certificates_search_delete AFTER DELETE ON certificates
        BEGIN DELETE FROM certificate_search WHERE serial = old.serial; END;
      CREATE TRIGGER certificates_search_update AFTER UPDATE OF serial, subject, sans ON certificates
        BEGIN
          DELETE FROM certificate_search WHERE serial = old.serial;
          INSERT INTO certificate_search (serial, subject, sans) VALUES (new.serial, new.subject, new.sans);
        END;
      -- Counts per issuer, so the dashboard and the certificates table of a
      -- million certificates need no count(*) over every row. issued follows
      -- certificates through triggers; revoked is kept by the certificate
      -- store in the statement that revokes (a trigger per row would double
      -- the cost of revoking a fleet).
      CREATE TABLE certificate_counts (
        issuer_key_id TEXT PRIMARY KEY,
        issued INTEGER NOT NULL CHECK (issued >= 0),
        revoked INTEGER NOT NULL CHECK (revoked >= 0)
      ) STRICT;
      INSERT INTO certificate_counts (issuer_key_id, issued, revoked)
        SELECT c.issuer_key_id, count(*), (SELECT count(*) FROM revocations r WHERE r.issuer_key_id = c.issuer_key_id) FROM certificates c GROUP BY c.issuer_key_id;
      CREATE TRIGGER certificates_count_insert AFTER INSERT ON certificates
        BEGIN
          INSERT INTO certificate_counts (issuer_key_id, issued, revoked) VALUES (new.issuer_key_id, 1, 0)
            ON CONFLICT (issuer_key_id) DO UPDATE SET issued = issued + 1;
        END;
      CREATE TRIGGER certificates_count_delete AFTER DELETE ON certificates
        BEGIN UPDATE certificate_counts SET issued = issued - 1 WHERE issuer_key_id = old.issuer_key_id; END;
    `,
  },
  {
    version: 7,
    description: 'narrower revocation rows: the issuer as a small integer, the row order kept',
    sql: `
      -- Revoking a fleet writes a million rows in one statement, and what that
      -- costs is the bytes written to encrypted pages. Each row used to carry
      -- the issuer's 71-character key id twice (row and issuer index); now it
      -- carries a small integer from revocation_issuers. id is an explicit
      -- INTEGER PRIMARY KEY (VACUUM INTO keeps it) and keeps the old rowid, so
      -- the rows keep their order and a CRL lists its entries as before.
      CREATE TABLE revocation_issuers (
        id INTEGER PRIMARY KEY,
        issuer_key_id TEXT NOT NULL UNIQUE
      ) STRICT;
      INSERT INTO revocation_issuers (issuer_key_id) SELECT DISTINCT issuer_key_id FROM revocations ORDER BY issuer_key_id;
      CREATE TABLE revocations_narrow (
        id INTEGER PRIMARY KEY,
        issuer INTEGER NOT NULL REFERENCES revocation_issuers(id),
        serial TEXT NOT NULL UNIQUE REFERENCES certificates(serial),
        revoked_at TEXT NOT NULL,
        reason TEXT NOT NULL
      ) STRICT;
      INSERT INTO revocations_narrow (id, issuer, serial, revoked_at, reason)
        SELECT r.rowid, i.id, r.serial, r.revoked_at, r.reason FROM revocations r JOIN revocation_issuers i ON i.issuer_key_id = r.issuer_key_id ORDER BY r.rowid;
      DROP TABLE revocations;
      ALTER TABLE revocations_narrow RENAME TO revocations;
      CREATE INDEX revocations_issuer ON revocations(issuer);
    `,
  },
  {
    version: 8,
    description: 'several certificate authorities in one vault, each with its own keys, certificates, revocations and CRLs',
    sql: `
      -- Per-CA settings are NULL while the CA follows the vault's setting of the same name.
      CREATE TABLE cas (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        purpose TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL,
        -- The CA of the vault whose key certified this CA's first key (ca create --parent), if any.
        parent_id TEXT REFERENCES cas(id),
        trusted_window_days INTEGER,
        crl_validity_days INTEGER,
        allowed_profiles TEXT,
        default_validity_days INTEGER
      ) STRICT;
      -- A vault made before holds one CA, "default", which owns everything already there;
      -- it was created with the vault (its first audit event), or now for a new vault.
      INSERT INTO cas (id, name, purpose, created_at)
        SELECT 'default', 'default', '', coalesce((SELECT min(at) FROM audit_events), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
      -- SQLite cannot add a REFERENCES column with a default while foreign keys are on: a key's CA is
      -- checked by the trigger below, and certificates, revocation issuers and CRLs take their CA from
      -- the issuing key's row when they are written (core/store/certificate-store.ts).
      ALTER TABLE signing_keys ADD COLUMN ca_id TEXT NOT NULL DEFAULT 'default';
      ALTER TABLE certificates ADD COLUMN ca_id TEXT NOT NULL DEFAULT 'default';
      -- A revocation's CA is its issuer's: the CA goes on the issuer's row in revocation_issuers (one
      -- per issuing key), not on each revocation, so the rows of a revoked fleet stay as narrow as
      -- migration 7 made them; a CA's revocations are read off revocations_issuer.
      ALTER TABLE revocation_issuers ADD COLUMN ca_id TEXT NOT NULL DEFAULT 'default';
      ALTER TABLE crls ADD COLUMN ca_id TEXT NOT NULL DEFAULT 'default';
      ALTER TABLE exports ADD COLUMN ca_id TEXT NOT NULL DEFAULT 'default';
      CREATE TRIGGER signing_keys_ca_exists BEFORE INSERT ON signing_keys
        WHEN NOT EXISTS (SELECT 1 FROM cas WHERE id = NEW.ca_id)
        BEGIN SELECT RAISE(ABORT, 'a signing key belongs to a CA of the vault'); END;
      -- One active key per CA, no longer per vault.
      DROP INDEX signing_keys_one_active;
      CREATE UNIQUE INDEX signing_keys_one_active ON signing_keys(ca_id, state) WHERE state = 'active';
      CREATE INDEX signing_keys_ca ON signing_keys(ca_id);
      CREATE INDEX certificates_ca ON certificates(ca_id, issued_at, serial);
    `,
  },
  {
    version: 9,
    description: 'why a signing key was retired (routine or compromise) and by whom',
    sql: `
      -- A key retired in an emergency rotation is compromised: agents that still trust it must get
      -- the new bundle, and the console alarms until they can. NULL on a key that is not retired.
      ALTER TABLE signing_keys ADD COLUMN retired_reason TEXT CHECK (retired_reason IN ('routine', 'compromise'));
      ALTER TABLE signing_keys ADD COLUMN retired_by TEXT;
      -- The console asks each CA for its latest compromised key on every dashboard.
      CREATE INDEX signing_keys_compromised ON signing_keys(ca_id, retired_at) WHERE retired_reason = 'compromise';
      -- Keys retired before: the latest audit event that retired each one says how and who. The
      -- events are exact (one per retire, in the same transaction); a retired key without such an
      -- event keeps NULL, unknown.
      CREATE TEMP TABLE retire_events AS
        SELECT e.seq, json_extract(e.details, '$.keyId') AS key_id, 'routine' AS reason, e.actor
          FROM audit_events e WHERE e.action IN ('key.retired', 'key.retired-forced')
        UNION ALL
        SELECT e.seq, json_extract(c.value, '$.keyId'), 'compromise', e.actor
          FROM audit_events e, json_each(e.details, '$.changes') c
          WHERE e.action = 'key.emergency-activated' AND json_extract(c.value, '$.to') = 'retired';
      UPDATE signing_keys SET
          retired_reason = (SELECT r.reason FROM retire_events r WHERE r.key_id = signing_keys.id ORDER BY r.seq DESC LIMIT 1),
          retired_by = (SELECT r.actor FROM retire_events r WHERE r.key_id = signing_keys.id ORDER BY r.seq DESC LIMIT 1)
        WHERE state = 'retired';
      DROP TABLE retire_events;
    `,
  },
  {
    version: 10,
    description: 'staged keys, the versions of each CA\'s trust bundle, and receipts from the fleet',
    sql: `
      -- A staged key is in the trust bundle but signs nothing. signing_keys.state keeps the CHECK of
      -- migration 2 (SQLite changes a CHECK only by rebuilding the table, which the keys' chains and
      -- certificates reference), so a staged key is stored as a draft with staged_at set; the key store
      -- reads it as state "staged". NULL on every other key.
      ALTER TABLE signing_keys ADD COLUMN staged_at TEXT;
      -- Every trust bundle the vault wrote for a CA (bundle write, an export): a number that only grows
      -- per CA, the SHA-256 of the exact trust-bundle.pem bytes, and which keys it holds.
      CREATE TABLE bundle_versions (
        ca_id TEXT NOT NULL REFERENCES cas(id),
        version INTEGER NOT NULL CHECK (version >= 1),
        sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
        created_at TEXT NOT NULL,
        PRIMARY KEY (ca_id, version)
      ) STRICT;
      CREATE INDEX bundle_versions_sha256 ON bundle_versions(ca_id, sha256);
      CREATE TABLE bundle_version_keys (
        ca_id TEXT NOT NULL, version INTEGER NOT NULL, key_id TEXT NOT NULL,
        PRIMARY KEY (ca_id, version, key_id),
        FOREIGN KEY (ca_id, version) REFERENCES bundle_versions(ca_id, version)
      ) STRICT;
      -- A receipt: the agent holding the certificate agent_serial installed that bundle version, signed
      -- by the agent's own key. One per agent certificate and bundle version.
      CREATE TABLE fleet_receipts (
        ca_id TEXT NOT NULL,
        agent_serial TEXT NOT NULL REFERENCES certificates(serial),
        bundle_version INTEGER NOT NULL,
        -- installed_at is the agent's own word (checked against its certificate's validity); imported_at the vault's clock.
        installed_at TEXT NOT NULL,
        imported_at TEXT NOT NULL,
        receipt_sha256 TEXT NOT NULL,
        PRIMARY KEY (ca_id, agent_serial, bundle_version),
        FOREIGN KEY (ca_id, bundle_version) REFERENCES bundle_versions(ca_id, version)
      ) STRICT;
      CREATE INDEX fleet_receipts_version ON fleet_receipts(ca_id, bundle_version);
      -- Fleet status asks, per certificate, whether its subject has a newer live certificate: it uses
      -- the index certificates_subject (ca_id, subject) of migration 11, not a second copy of it.
    `,
  },
  {
    version: 11,
    description: 'renewals: which certificate each renewal request renewed, keyed by the request it served',
    sql: `
      -- One row per certificate issued from a renewal request (cert renew-batch). csr_sha256 is the
      -- SHA-256 of the inner PKCS #10 request's DER: the same request presented again is served the
      -- certificate already issued for it, never a second one (unique per CA). renews is the
      -- certificate it replaces, renewed at most once; signer the certificate that signed the
      -- request (renews itself, or the device's bootstrap certificate).
      CREATE TABLE renewals (
        serial TEXT PRIMARY KEY REFERENCES certificates(serial),
        ca_id TEXT NOT NULL REFERENCES cas(id),
        csr_sha256 TEXT NOT NULL CHECK (length(csr_sha256) = 64),
        renews TEXT NOT NULL UNIQUE REFERENCES certificates(serial),
        signer TEXT NOT NULL REFERENCES certificates(serial),
        renewed_at TEXT NOT NULL
      ) STRICT;
      CREATE UNIQUE INDEX renewals_request ON renewals(ca_id, csr_sha256);
      -- A bootstrap-signed renewal looks up the device's management certificate by subject.
      CREATE INDEX certificates_subject ON certificates(ca_id, subject);
    `,
  },
  {
    version: 12,
    description: 'pre-signed CRLs: schedules per issuing key and the CRLs they hold',
    sql: `
      -- A schedule is one "crl presign" (or its re-signing by an export): N CRLs of one issuing key
      -- with overlapping windows, signed at once for the online side to publish each at its
      -- thisUpdate. revocations_through is the largest revocations.id of the issuer when it was
      -- signed: a later revocation has a larger id, which makes the schedule stale. replaced_at is
      -- set when a newer schedule of the same key takes its place (kept, not deleted: the audit
      -- events name its numbers).
      CREATE TABLE crl_schedules (
        id INTEGER PRIMARY KEY,
        ca_id TEXT NOT NULL REFERENCES cas(id),
        issuer_key_id TEXT NOT NULL REFERENCES signing_keys(id),
        created_at TEXT NOT NULL,
        validity_days INTEGER NOT NULL,
        overlap_days INTEGER NOT NULL,
        revocations_through INTEGER NOT NULL,
        replaced_at TEXT
      ) STRICT;
      CREATE INDEX crl_schedules_issuer ON crl_schedules(issuer_key_id, id);
      -- The columns of crls, and the set each CRL belongs to; apart from crls, so that a key's
      -- current CRL (the last of crls) is never one whose window has not opened yet.
      CREATE TABLE scheduled_crls (
        schedule_id INTEGER NOT NULL REFERENCES crl_schedules(id),
        issuer_key_id TEXT NOT NULL REFERENCES signing_keys(id), number INTEGER NOT NULL,
        this_update TEXT NOT NULL, next_update TEXT NOT NULL, entries INTEGER NOT NULL, der BLOB NOT NULL,
        PRIMARY KEY (issuer_key_id, number)
      ) STRICT;
      CREATE INDEX scheduled_crls_schedule ON scheduled_crls(schedule_id, number);
    `,
  },
  {
    version: 13,
    description: 'signing keys whose private key lives on a PKCS#11 token',
    sql: `
      -- A token key's private key never enters the vault: its signing_keys row keeps empty
      -- wrapped_private_key and wrap_nonce, and this row says where the key is. token_serial picks
      -- the token (labels need not be unique); cka_id (lowercase hex) picks the key on it.
      CREATE TABLE token_keys (
        key_id TEXT PRIMARY KEY REFERENCES signing_keys(id),
        token_label TEXT NOT NULL,
        token_serial TEXT NOT NULL,
        token_manufacturer TEXT NOT NULL,
        token_model TEXT NOT NULL,
        cka_id TEXT NOT NULL CHECK (length(cka_id) BETWEEN 2 AND 256 AND cka_id NOT GLOB '*[^0-9a-f]*'),
        cka_label TEXT NOT NULL,
        origin TEXT NOT NULL CHECK (origin IN ('generated', 'adopted', 'imported')),
        UNIQUE (token_serial, cka_id)
      ) STRICT;
      CREATE TRIGGER token_keys_hold_no_private_key BEFORE INSERT ON token_keys
        WHEN (SELECT length(wrapped_private_key) FROM signing_keys WHERE id = NEW.key_id) <> 0
        BEGIN SELECT RAISE(ABORT, 'a token key holds no wrapped private key in the vault'); END;
    `,
  },
  {
    version: 14,
    description: 'revocation events: the time, reason and actor of a revocation stored once, the rows carry serial, issuer and event',
    sql: `
      -- Revoking a fleet writes a million rows in one statement; each used to repeat the revocation
      -- time and reason (37 of its ~80 bytes). Now a revocation event holds them once (and who
      -- revoked: actor, NULL for revocations made before this migration, which the audit log names),
      -- and each row carries its serial, its issuer (revocation_issuers) and its event. The rows
      -- keep their ids, so they keep their order (a CRL lists its entries as before) and the
      -- revocation marks of pre-signed schedules (crl_schedules.revocations_through) still compare.
      -- Existing rows get one event per distinct time and reason, in the order first used.
      CREATE TABLE revocation_events (
        id INTEGER PRIMARY KEY,
        revoked_at TEXT NOT NULL,
        reason TEXT NOT NULL,
        actor TEXT
      ) STRICT;
      INSERT INTO revocation_events (revoked_at, reason) SELECT revoked_at, reason FROM revocations GROUP BY revoked_at, reason ORDER BY min(id);
      CREATE INDEX temp_revocation_events_facts ON revocation_events(revoked_at, reason);
      CREATE TABLE revocations_by_event (
        id INTEGER PRIMARY KEY,
        issuer INTEGER NOT NULL REFERENCES revocation_issuers(id),
        serial TEXT NOT NULL UNIQUE REFERENCES certificates(serial),
        event INTEGER NOT NULL REFERENCES revocation_events(id)
      ) STRICT;
      INSERT INTO revocations_by_event (id, issuer, serial, event)
        SELECT r.id, r.issuer, r.serial, e.id FROM revocations r JOIN revocation_events e ON e.revoked_at = r.revoked_at AND e.reason = r.reason ORDER BY r.id;
      DROP INDEX temp_revocation_events_facts;
      DROP TABLE revocations;
      ALTER TABLE revocations_by_event RENAME TO revocations;
      CREATE INDEX revocations_issuer ON revocations(issuer);
      `,
    },
    {
    version: 15,
    description: 'circulation: every package written to a medium, the medium it went on, the bundle and keys it carries',
    sql: `
      -- One row per package written to a medium (export media, export emergency), recorded in the
      -- transaction that records the export. The medium is what the platform said about it when the
      -- package was written (core/media/medium-identity.ts): NULL label / fs_uuid / serial are
      -- unknown, identity_note says why. withdrawn is NULL while the medium is out in the field;
      -- 'collected' or 'destroyed' once the officer says so (export collect, audited).
      CREATE TABLE media_exports (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('export', 'emergency')),
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        medium_path TEXT NOT NULL,
        folder TEXT NOT NULL,
        manifest_sha256 TEXT NOT NULL CHECK (length(manifest_sha256) = 64),
        mountpoint TEXT, device TEXT, fs_type TEXT, label TEXT, fs_uuid TEXT, serial TEXT,
        identity_note TEXT,
        withdrawn TEXT CHECK (withdrawn IN ('collected', 'destroyed')),
        withdrawn_at TEXT, withdrawn_by TEXT, withdrawn_note TEXT,
        CHECK ((withdrawn IS NULL) = (withdrawn_at IS NULL) AND (withdrawn IS NULL) = (withdrawn_by IS NULL))
      ) STRICT;
      CREATE INDEX media_exports_out ON media_exports(withdrawn, id);
      -- The CAs a package carries, each with its bundle version (NULL: unknown, an export recorded before this migration
      -- whose bundle could not be told), and the keys of that bundle by id and by the name they had then.
      CREATE TABLE media_export_cas (
        export_id INTEGER NOT NULL REFERENCES media_exports(id),
        ca_id TEXT NOT NULL REFERENCES cas(id),
        bundle_version INTEGER,
        PRIMARY KEY (export_id, ca_id)
      ) STRICT;
      CREATE TABLE media_export_keys (
        export_id INTEGER NOT NULL,
        ca_id TEXT NOT NULL,
        key_id TEXT NOT NULL REFERENCES signing_keys(id),
        key_name TEXT NOT NULL,
        PRIMARY KEY (export_id, ca_id, key_id),
        FOREIGN KEY (export_id, ca_id) REFERENCES media_export_cas(export_id, ca_id)
      ) STRICT;
      CREATE INDEX media_export_keys_key ON media_export_keys(key_id);
      -- The exports recorded before (one exports row per CA of a package): one package each, its medium unknown, its
      -- bundle the CA's newest bundle version written at or before it (the export records its bundle first), its keys
      -- that bundle's keys. The officer is the actor of its export.written event, when that names its manifest.
      INSERT INTO media_exports (kind, at, actor, medium_path, folder, manifest_sha256, identity_note)
        SELECT 'export', min(e.at),
          coalesce((SELECT a.actor FROM audit_events a WHERE a.action = 'export.written' AND json_extract(a.details, '$.manifestSha256') = e.manifest_sha256 ORDER BY a.seq LIMIT 1), 'unknown'),
          e.medium, e.folder, e.manifest_sha256,
          'Written before Airgap CA recorded media: its label, UUID and serial are unknown.'
        FROM exports e WHERE length(e.manifest_sha256) = 64 GROUP BY e.folder, e.manifest_sha256 ORDER BY min(e.id);
      INSERT INTO media_export_cas (export_id, ca_id, bundle_version)
        SELECT DISTINCT m.id, e.ca_id,
          (SELECT max(b.version) FROM bundle_versions b WHERE b.ca_id = e.ca_id AND b.created_at <= e.at)
        FROM exports e JOIN media_exports m ON m.folder = e.folder AND m.manifest_sha256 = e.manifest_sha256
        WHERE e.ca_id IN (SELECT id FROM cas);
      INSERT INTO media_export_keys (export_id, ca_id, key_id, key_name)
        SELECT c.export_id, c.ca_id, k.key_id, s.name
        FROM media_export_cas c JOIN bundle_version_keys k ON k.ca_id = c.ca_id AND k.version = c.bundle_version
        JOIN signing_keys s ON s.id = k.key_id;
    `,
  },
  {
    version: 16,
    description: "an issuer's certificates indexed by serial: revoke-all reads them in serial order from the index alone",
    sql: `
      -- Revoking every certificate of an issuer inserts them in serial order (the revocations'
      -- serial index is then written in order). certificates_issuer held (issuer, rowid): every
      -- serial was a look-up into the table and the million serials were sorted. This index holds
      -- (issuer, serial), already in that order, and answers every look-up by issuer the old one did.
      CREATE INDEX certificates_issuer_serial ON certificates(issuer_key_id, serial);
      DROP INDEX certificates_issuer;
    `,
  },
  {
    version: 17,
    description: "a CA's bootstrap certificates by expiry: a bootstrap certificate is issued once per device while one is live",
    sql: `
      -- Before a bootstrap certificate is issued, the CA's live (unexpired, unrevoked) bootstrap
      -- certificates are compared with the request's subject and SANs (BOOTSTRAP_ALREADY_ISSUED).
      -- Partial: only bootstrap rows, so the look-up reads a CA's live bootstrap certificates and
      -- never its agents' (a million agents, a few thousand devices enrolled).
      CREATE INDEX certificates_bootstrap ON certificates(ca_id, not_after) WHERE profile = 'bootstrap';
    `,
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

export function migrate(db: Database.Database, target: number = SCHEMA_VERSION): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > SCHEMA_VERSION) {
    throw new DomainError('UNSUPPORTED_FORMAT', `The vault's schema version ${current} is newer than this version of Airgap CA understands (${SCHEMA_VERSION}). Use a newer Airgap CA.`);
  }
  for (const m of MIGRATIONS) {
    if (m.version <= current || m.version > target) continue;
    db.transaction(() => {
      db.exec(m.sql);
      m.after?.(db);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
}
