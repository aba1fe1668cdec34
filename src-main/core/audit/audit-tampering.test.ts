/**
 * The hash chain names the first event an attacker with the database key
 * altered, deleted or reordered (docs/architecture.md, "Audit"), and the sound log
 * verifies. The triggers that make the table append-only are tested too: they
 * are what the attacker must drop first.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../clock.ts';
import { unlockVault } from '../vault/vault.ts';
import { AUDIT_TAMPER_CASES, tamperAuditLog, vaultWithSixEvents } from '../../testing/audit-tampering.ts';
import { FIXED_NOW, TEST_PASSPHRASE } from '../../testing/vault-fixtures.ts';
import { removeTempDirs } from '../../testing/temp-dir.ts';
import { DomainError } from '../errors.ts';
import { AuditLog, eventHash, genesisHash } from './audit-log.ts';

let fixture: Awaited<ReturnType<typeof vaultWithSixEvents>>;
const clock = fixedClock(FIXED_NOW);
const open = (dir: string) => unlockVault(dir, { passphrase: TEST_PASSPHRASE }, { clock, actor: 'auditor' });

beforeAll(async () => {
  fixture = await vaultWithSixEvents();
});
afterAll(removeTempDirs);

describe('audit log', () => {
  it('a sound log verifies: seq 1..n, each event links to the one before, the first to the vault genesis', async () => {
    const v = await open(fixture.copy());
    try {
      const events = v.audit.list();
      expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(events[0]!.prevHash).toBe(genesisHash(v.id));
      for (const [i, e] of events.entries()) {
        const { hash, ...content } = e;
        expect(eventHash(content)).toBe(hash);
        if (i > 0) expect(e.prevHash).toBe(events[i - 1]!.hash);
      }
      expect(events[2]).toMatchObject({ actor: 'alice', witnesses: ['bob'], action: 'test.note', details: { n: 2, serials: ['02ab'] }, at: '2026-03-01T12:02:00.000Z' });
      expect(v.audit.verify()).toEqual({ ok: true, count: 6, head: events[5]!.hash });
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
