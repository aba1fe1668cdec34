import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { AuditLog, eventHash, genesisHash } from '../core/audit/audit-log.ts';
import { fixedClock } from '../core/clock.ts';
import type { Db } from '../core/vault/database.ts';
import { MIGRATIONS } from '../core/vault/migrations.ts';
import { readVaultHeader } from '../core/vault/vault.ts';
import { FIXED_NOW, openRawDatabase, vaultKeyOf, createTestVault } from './vault-fixtures.ts';
import { tempDir } from './temp-dir.ts';

/**
 * An attacker who has the vault key edits the audit table directly. The table
 * has triggers refusing UPDATE and DELETE, so the attacker drops them first.
 */
export async function tamperAuditLog(dir: string, statements: string[]): Promise<void> {
  const db = openRawDatabase(dir, await vaultKeyOf(dir));
  try {
    db.exec('DROP TRIGGER audit_events_no_update; DROP TRIGGER audit_events_no_delete;');
    db.transaction(() => {
      for (const sql of statements) db.exec(sql);
    })();
  } finally {
    db.close();
  }
}

/** A vault whose log holds six events (created + five notes), copied fresh for each case. */
export async function vaultWithSixEvents(): Promise<{ copy: () => string }> {
  const pristine = join(tempDir('airgap-audit-'), 'vault');
  const { vault, clock } = await createTestVault(pristine);
  for (let i = 1; i <= 5; i++) {
    clock.advance(60_000);
    vault.transaction(() => vault.audit.append({ actor: 'alice', witnesses: ['bob'], action: 'test.note', details: { n: i, serials: [`0${i}ab`] } }));
  }
  vault.close();
  return {
    copy: () => {
      const dir = join(tempDir('airgap-audit-'), 'vault');
      cpSync(pristine, dir, { recursive: true });
      return dir;
    },
  };
}

/** Named after what was broken; brokenAt is the sequence number verify must name. */
export const AUDIT_TAMPER_CASES: Array<{ field: string; sql: string[]; brokenAt: number }> = [
  { field: 'details of event 3', sql: [`UPDATE audit_events SET details = '{"n":99,"serials":["03ab"]}' WHERE seq = 3`], brokenAt: 3 },
  { field: 'actor of event 4', sql: [`UPDATE audit_events SET actor = 'mallory' WHERE seq = 4`], brokenAt: 4 },
  { field: 'at of event 2', sql: [`UPDATE audit_events SET at = '2020-01-01T00:00:00.000Z' WHERE seq = 2`], brokenAt: 2 },
  { field: 'witnesses of event 5', sql: [`UPDATE audit_events SET witnesses = '[]' WHERE seq = 5`], brokenAt: 5 },
  { field: 'action of event 6 (the last)', sql: [`UPDATE audit_events SET action = 'test.other' WHERE seq = 6`], brokenAt: 6 },
  { field: 'event 3 deleted (from the middle)', sql: ['DELETE FROM audit_events WHERE seq = 3'], brokenAt: 3 },
  { field: 'event 1 deleted (the first)', sql: ['DELETE FROM audit_events WHERE seq = 1'], brokenAt: 1 },
  {
    field: 'hash of events 3 and 4 swapped (reordered)',
    sql: [
      `UPDATE audit_events SET hash = 'x' WHERE seq = 3`,
      `UPDATE audit_events SET hash = (SELECT prev_hash FROM audit_events WHERE seq = 4) WHERE seq = 4`,
      `UPDATE audit_events SET hash = (SELECT prev_hash FROM audit_events WHERE seq = 5) WHERE seq = 3`,
    ],
    brokenAt: 3,
  },
  { field: 'prev_hash of event 4 (relinked to event 2)', sql: [`UPDATE audit_events SET prev_hash = (SELECT hash FROM audit_events WHERE seq = 2) WHERE seq = 4`], brokenAt: 4 },
  { field: 'seq of event 5 renumbered to 50', sql: ['UPDATE audit_events SET seq = 50 WHERE seq = 5'], brokenAt: 5 },
  { field: 'details of event 2 (not JSON any more)', sql: [`UPDATE audit_events SET details = '{"n":' WHERE seq = 2`], brokenAt: 2 },
];

/** The audit key as the attacker holding the vault key reads it from the database. */
export function auditKeyOf(db: Db): { key: Buffer; keyedFrom: number } {
  const row = db.prepare('SELECT key, keyed_from FROM audit_chain_key WHERE id = 1').get() as { key: Buffer; keyed_from: number };
  return { key: row.key, keyedFrom: row.keyed_from };
}

/**
 * Re-hash every event from `fromSeq` on with plain SHA-256 (what anyone can
 * compute without the audit key), each linking to the one before: the chain
 * an attacker would leave after rewriting history with public tools.
 */
export function rechainPlain(db: Db, vaultId: string, fromSeq: number): void {
  const events = new AuditLog(db, vaultId, fixedClock(FIXED_NOW)).list();
  let prev = genesisHash(vaultId);
  const update = db.prepare('UPDATE audit_events SET prev_hash = ?, hash = ? WHERE seq = ?');
  for (const { hash: stored, ...e } of events) {
    if (e.seq < fromSeq) {
      prev = stored;
      continue;
    }
    const hash = eventHash({ ...e, prevHash: prev });
    update.run(prev, hash, e.seq);
    prev = hash;
  }
}

/**
 * Make a vault what an Airgap CA before the keyed chain left after its
 * upgrade: every event hashed with plain SHA-256 and no audit key, then the
 * keyed-chain migration run on that log (as opening the old vault runs it;
 * run here directly so later migrations need not be undone first).
 */
export async function upgradeFromPlainChain(dir: string): Promise<void> {
  const header = readVaultHeader(dir);
  const keyed = MIGRATIONS.find((m) => m.sql.includes('CREATE TABLE audit_chain_key'))!;
  const db = openRawDatabase(dir, await vaultKeyOf(dir));
  try {
    db.transaction(() => {
      db.exec('DROP TRIGGER audit_events_no_update; DROP TRIGGER audit_events_no_delete;');
      rechainPlain(db, header.vaultId, 1);
      db.exec(`
        CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
        CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
        DROP TRIGGER audit_chain_key_no_update; DROP TRIGGER audit_chain_key_no_delete; DROP TABLE audit_chain_key;
      `);
      db.exec(keyed.sql);
      keyed.after!(db);
    })();
  } finally {
    db.close();
  }
}
