/**
 * The hash chain names the first event an attacker with the database key
 * altered, deleted or reordered (docs/architecture.md, "Audit"), and the sound log
 * verifies. The triggers that make the table append-only are tested too: they
 * are what the attacker must drop first.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../clock.ts';
import { readVaultHeader, unlockVault } from '../vault/vault.ts';
import { AUDIT_TAMPER_CASES, auditKeyOf, rechainPlain, tamperAuditLog, upgradeFromPlainChain, vaultWithSixEvents } from '../../testing/audit-tampering.ts';
import { FIXED_NOW, openRawDatabase, TEST_PASSPHRASE, vaultKeyOf } from '../../testing/vault-fixtures.ts';
import { removeTempDirs } from '../../testing/temp-dir.ts';
import { DomainError } from '../errors.ts';
import { codeOf } from '../../testing/refusals.ts';
import { AuditLog, eventHash, eventMac, genesisHash, type AuditVerification } from './audit-log.ts';

let fixture: Awaited<ReturnType<typeof vaultWithSixEvents>>;
const clock = fixedClock(FIXED_NOW);
const open = (dir: string) => unlockVault(dir, { passphrase: TEST_PASSPHRASE }, { clock, actor: 'auditor' });

beforeAll(async () => {
  fixture = await vaultWithSixEvents();
});
afterAll(removeTempDirs);

describe('audit log', () => {
  it('a sound log verifies: seq 1..n, each event links to the one before, the first to the vault genesis, each an HMAC under the audit key', async () => {
    const v = await open(fixture.copy());
    try {
      const events = v.audit.list();
      const { key, keyedFrom } = auditKeyOf(v.db);
      expect(keyedFrom).toBe(1);
      expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(events[0]!.prevHash).toBe(genesisHash(v.id));
      for (const [i, e] of events.entries()) {
        const { hash, ...content } = e;
        expect(eventMac(content, key)).toBe(hash);
        expect(eventHash(content)).not.toBe(hash);
        if (i > 0) expect(e.prevHash).toBe(events[i - 1]!.hash);
      }
      expect(events[2]).toMatchObject({ actor: 'alice', witnesses: ['bob'], action: 'test.note', details: { n: 2, serials: ['02ab'] }, at: '2026-03-01T12:02:00.000Z' });
      expect(v.audit.verify()).toEqual({ ok: true, count: 6, head: events[5]!.hash, keyedFrom: 1 });
      expect(v.audit.list({ since: '2026-03-01T12:04:00.000Z' }).map((e) => e.seq)).toEqual([5, 6]);
    } finally {
      v.close();
    }
  });

  it('refuses UPDATE and DELETE (triggers), and appends outside a transaction', async () => {
    const v = await open(fixture.copy());
    try {
      expect(() => v.db.prepare("UPDATE audit_events SET actor = 'x' WHERE seq = 2").run()).toThrow(/append-only/);
      expect(() => v.db.prepare('DELETE FROM audit_events WHERE seq = 2').run()).toThrow(/append-only/);
      expect(() => v.audit.append({ actor: 'alice', action: 'x' })).toThrow(DomainError);
      expect(() => v.transaction(() => v.audit.append({ actor: '   ', action: 'x' }))).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
      expect(v.audit.verify()).toMatchObject({ ok: true, count: 6 });
    } finally {
      v.close();
    }
  });

  it('binds the chain to its vault: the same rows under another vault id do not verify', async () => {
    const v = await open(fixture.copy());
    try {
      const foreign = new AuditLog(v.db, '00000000-0000-4000-8000-000000000000', clock);
      expect(foreign.verify()).toMatchObject({ ok: false, brokenAt: 1 });
    } finally {
      v.close();
    }
  });

  it.each(AUDIT_TAMPER_CASES)('$field: verify names event $brokenAt', async ({ sql, brokenAt }) => {
    const dir = fixture.copy();
    await tamperAuditLog(dir, sql);
    const v = await open(dir);
    try {
      const r = v.audit.verify();
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.brokenAt).toBe(brokenAt);
      expect(r.count).toBe(brokenAt - 1);
      expect(r.reason).toContain(`event ${brokenAt}`);
    } finally {
      v.close();
    }
  });
});

async function verificationOf(dir: string): Promise<AuditVerification> {
  const v = await open(dir);
  try {
    return v.audit.verify();
  } finally {
    v.close();
  }
}

/** Opens the database the way an attacker holding the vault key does, drops the append-only triggers and runs `edit`. */
async function withRawLog(dir: string, edit: (db: Parameters<typeof rechainPlain>[0]) => void): Promise<void> {
  const db = openRawDatabase(dir, await vaultKeyOf(dir));
  try {
    db.exec('DROP TRIGGER audit_events_no_update; DROP TRIGGER audit_events_no_delete;');
    db.transaction(() => edit(db))();
  } finally {
    db.close();
  }
}

describe('keyed audit chain', () => {
  it('events rewritten and re-chained with plain SHA-256 (by someone holding the vault key, not using the audit key) do not verify', async () => {
    const dir = fixture.copy();
    const id = readVaultHeader(dir).vaultId;
    await withRawLog(dir, (db) => {
      db.prepare(`UPDATE audit_events SET details = '{"n":99,"serials":["03ab"]}' WHERE seq = 3`).run();
      rechainPlain(db, id, 3);
    });
    const v = await open(dir);
    try {
      // The rewritten chain is consistent as plain SHA-256: each event links and hashes.
      const events = v.audit.list();
      for (const e of events.slice(2)) {
        const { hash, ...content } = e;
        expect(eventHash(content)).toBe(hash);
      }
      const r = v.audit.verify();
      expect(r).toMatchObject({ ok: false, brokenAt: 3, count: 2 });
      if (!r.ok) expect(r.reason).toContain('HMAC');
    } finally {
      v.close();
    }
  });

  it('a whole log re-hashed with plain SHA-256 from the genesis breaks at event 1', async () => {
    const dir = fixture.copy();
    await withRawLog(dir, (db) => rechainPlain(db, readVaultHeader(dir).vaultId, 1));
    expect(await verificationOf(dir)).toMatchObject({ ok: false, brokenAt: 1, count: 0 });
  });

  it('an upgraded vault: old events keep their plain hashes, the first keyed event links to the last plain one, both parts are checked', async () => {
    const dir = fixture.copy();
    await upgradeFromPlainChain(dir);
    const v = await open(dir);
    let plainHead: { seq: number; hash: string };
    try {
      plainHead = v.audit.head()!;
      expect(plainHead.seq).toBe(6);
      const { key, keyedFrom } = auditKeyOf(v.db);
      expect(keyedFrom).toBe(7);
      const seventh = v.transaction(() => v.audit.append({ actor: 'alice', action: 'test.after-upgrade' }));
      expect(seventh.prevHash).toBe(plainHead.hash);
      const { hash, ...content } = seventh;
      expect(hash).toBe(eventMac(content, key));
      for (const e of v.audit.list().slice(0, 6)) {
        const { hash: h, ...c } = e;
        expect(eventHash(c)).toBe(h);
      }
      expect(v.audit.verify()).toMatchObject({ ok: true, count: 7, keyedFrom: 7 });
      // A checkpoint taken before the upgrade still matches.
      expect(v.audit.compareCheckpoint(plainHead).status).toBe('contains');
    } finally {
      v.close();
    }
    // Rewriting a plain event and re-chaining everything after it with SHA-256 breaks at the first keyed event.
    await withRawLog(dir, (db) => {
      db.prepare(`UPDATE audit_events SET actor = 'mallory' WHERE seq = 2`).run();
      rechainPlain(db, v.id, 2);
    });
    expect(await verificationOf(dir)).toMatchObject({ ok: false, brokenAt: 7 });
  });

  it('a missing audit key breaks verification and refuses new events; a keyed_from moved past the end breaks it too', async () => {
    const dir = fixture.copy();
    await withRawLog(dir, (db) => db.exec('DROP TABLE audit_chain_key'));
    const v = await open(dir);
    try {
      const r = v.audit.verify();
      expect(r).toMatchObject({ ok: false, brokenAt: 1 });
      if (!r.ok) expect(r.reason).toContain('audit key is missing');
      expect(codeOf(() => v.transaction(() => v.audit.append({ actor: 'alice', action: 'x' })))).toBe('AUDIT_CHAIN_BROKEN');
      expect(v.audit.count()).toBe(6);
    } finally {
      v.close();
    }

    // On an upgraded vault (plain events 1..6), moving keyed_from past the end would let new events be written plain.
    const dir2 = fixture.copy();
    await upgradeFromPlainChain(dir2);
    await withRawLog(dir2, (db) => {
      db.exec('DROP TRIGGER audit_chain_key_no_update');
      db.prepare('UPDATE audit_chain_key SET keyed_from = 100').run();
    });
    const r2 = await verificationOf(dir2);
    expect(r2).toMatchObject({ ok: false, brokenAt: 7, count: 6 });
    if (!r2.ok) expect(r2.reason).toContain('after the end of the log');
  });

  it('the audit key table refuses UPDATE and DELETE', async () => {
    const v = await open(fixture.copy());
    try {
      expect(() => v.db.prepare('UPDATE audit_chain_key SET keyed_from = 2').run()).toThrow(/never changes/);
      expect(() => v.db.prepare('DELETE FROM audit_chain_key').run()).toThrow(/never changes/);
    } finally {
      v.close();
    }
  });
});
