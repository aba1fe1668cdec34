/**
 * Dispatch checks what each operation writes against its `mutates`, on a real
 * vault: handlers are swapped for test handlers that break the declaration
 * (one field of the real table each), and the vault shows that the refused
 * transaction was rolled back.
 */
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../core/clock.ts';
import { OWASP_MINIMUM } from '../core/vault/kdf.ts';
import { removeTempDirs, tempDir } from '../testing/temp-dir.ts';
import { FIXED_NOW, TEST_PASSPHRASE } from '../testing/vault-fixtures.ts';
import { contract, OPERATION_NAMES } from './contract.ts';
import { dispatch } from './dispatch.ts';
import type { Handler } from './service/handler.ts';
import { createService, type Handlers, type Service } from './service.ts';

afterAll(removeTempDirs);

let service: Service;
let logged: string[];

beforeEach(async () => {
  logged = [];
  service = createService({
    vaultDir: join(tempDir(), 'vault'),
    clock: fixedClock(FIXED_NOW),
    kdfCost: OWASP_MINIMUM,
    logger: { error: (m, d) => void logged.push(`${m}: ${d ?? ''}`) },
  });
  expect((await dispatch(service, 'vault.create', { actor: 'alice', passphrase: TEST_PASSPHRASE })).ok).toBe(true);
});

/** The service with some handlers replaced; the vault and the session are the real ones. */
function withHandlers(replaced: Partial<Handlers>): Service {
  return { session: service.session, handlers: { ...service.handlers, ...replaced } };
}

async function auditTotal(): Promise<number> {
  const r = await dispatch(service, 'audit.list', {});
  if (!r.ok) throw new Error(r.message);
  return (r.value as { total: number }).total;
}

async function autoLockMinutes(): Promise<number> {
  const r = await dispatch(service, 'settings.get', {});
  if (!r.ok) throw new Error(r.message);
  return (r.value as { autoLockMinutes: number }).autoLockMinutes;
}

const INTERNAL = { ok: false, code: 'INTERNAL', message: 'Airgap CA hit an internal error; nothing was changed by the failed step. The details are in the log.' };

describe('a mutating operation', () => {
  it('whose transaction changes rows without an audit event is rolled back and fails with INTERNAL', async () => {
    const silent: Handler<'settings.update'> = (_input, ctx) => {
      ctx.vault.transaction(() => ctx.stores.settings.put([['autoLockMinutes', '9']]));
      return ctx.settings();
    };
    const before = await auditTotal();
    expect(await dispatch(withHandlers({ 'settings.update': silent }), 'settings.update', { autoLockMinutes: 9 })).toEqual(INTERNAL);
    expect(await autoLockMinutes()).toBe(5);
    expect(await auditTotal()).toBe(before);
    expect(logged.join('\n')).toContain('settings.update declares 1 audit event(s) per transaction, but a transaction changed 1 row(s) with 0; the transaction was rolled back');
  });

  it('whose transaction writes more audit events than declared is rolled back whole', async () => {
    const twice: Handler<'settings.update'> = (_input, ctx) => {
      ctx.vault.transaction(() => {
        ctx.stores.settings.put([['autoLockMinutes', '9']]);
        ctx.stores.audit.append({ actor: ctx.actor, action: 'settings.updated', details: {} });
        ctx.stores.audit.append({ actor: ctx.actor, action: 'settings.updated', details: {} });
      });
      return ctx.settings();
    };
    const before = await auditTotal();
    expect(await dispatch(withHandlers({ 'settings.update': twice }), 'settings.update', { autoLockMinutes: 9 })).toEqual(INTERNAL);
    expect(await autoLockMinutes()).toBe(5);
    expect(await auditTotal()).toBe(before);
    expect(logged.join('\n')).toContain('with 2; the transaction was rolled back');
  });

  it('that succeeds without writing anything fails with INTERNAL', async () => {
    const idle: Handler<'audit.export'> = (input) => ({ file: input.out, events: 0 });
    const before = await auditTotal();
    expect(await dispatch(withHandlers({ 'audit.export': idle }), 'audit.export', { out: join(tempDir(), 'audit.jsonl') })).toEqual(INTERNAL);
    expect(await auditTotal()).toBe(before);
    expect(logged.join('\n')).toContain('audit.export declares 1 committed transaction(s), but 0 committed: it recorded no change and no audit event');
  });

  it('fails with INTERNAL when its transaction was refused, even if the handler caught the error', async () => {
    const swallowing: Handler<'settings.update'> = (_input, ctx) => {
      try {
        ctx.vault.transaction(() => ctx.stores.settings.put([['autoLockMinutes', '9']]));
      } catch {
        // A handler that hides the failure must not turn it into a success.
      }
      return ctx.settings();
    };
    expect(await dispatch(withHandlers({ 'settings.update': swallowing }), 'settings.update', { autoLockMinutes: 9 })).toEqual(INTERNAL);
    expect(await autoLockMinutes()).toBe(5);
  });

  it('that commits more transactions than declared fails after the fact; each transaction stands with its own audit event', async () => {
    const split: Handler<'audit.export'> = (input, ctx) => {
      for (let i = 0; i < 2; i++) ctx.vault.transaction(() => ctx.stores.audit.append({ actor: ctx.actor, action: 'audit.exported', details: { file: input.out } }));
      return { file: input.out, events: 0 };
    };
    const before = await auditTotal();
    expect(await dispatch(withHandlers({ 'audit.export': split }), 'audit.export', { out: join(tempDir(), 'audit.jsonl') })).toEqual({
      ok: false,
      code: 'INTERNAL',
      message: 'Airgap CA hit an internal error after recording its changes; the audit log shows each of them. The details are in the log.',
    });
    expect(await auditTotal()).toBe(before + 2);
    expect(logged.join('\n')).toContain('audit.export declares 1 committed transaction(s), but 2 committed');
  });
});

describe('a non-mutating operation', () => {
  it('whose transaction appends an audit event is rolled back and fails with INTERNAL', async () => {
    const writing: Handler<'audit.list'> = (_input, ctx) => {
      ctx.vault.transaction(() => ctx.stores.audit.append({ actor: ctx.actor, action: 'audit.listed' }));
      return { events: [], total: ctx.stores.audit.count() };
    };
    const before = await auditTotal();
    expect(await dispatch(withHandlers({ 'audit.list': writing }), 'audit.list', {})).toEqual(INTERNAL);
    expect(await auditTotal()).toBe(before);
    expect(logged.join('\n')).toContain('audit.list is declared not to change the vault, but a transaction changed 1 row(s) (1 audit event(s)); the transaction was rolled back');
  });

  it('whose transaction changes a row without an event is rolled back too', async () => {
    const writing: Handler<'settings.get'> = (_input, ctx) => {
      ctx.vault.transaction(() => ctx.stores.settings.put([['autoLockMinutes', '9']]));
      return ctx.settings();
    };
    expect(await dispatch(withHandlers({ 'settings.get': writing }), 'settings.get', {})).toEqual(INTERNAL);
    expect(await autoLockMinutes()).toBe(5);
  });

  it('is not charged with the transactions of operations running at the same time, nor are they with its', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slowReader: Handler<'audit.list'> = async (_input, ctx) => {
      await gate;
      return { events: [], total: ctx.stores.audit.count() };
    };
    const slowWriter: Handler<'audit.export'> = async (input, ctx) => {
      await gate;
      ctx.vault.transaction(() => ctx.stores.audit.append({ actor: ctx.actor, action: 'audit.exported', details: { file: input.out } }));
      return { file: input.out, events: 0 };
    };
    const s = withHandlers({ 'audit.list': slowReader, 'audit.export': slowWriter });
    const before = await auditTotal();
    const writing = dispatch(s, 'audit.export', { out: join(tempDir(), 'audit.jsonl') });
    const reading = dispatch(s, 'audit.list', {});
    // While both wait, a real mutation runs from start to end on the same vault connection.
    expect(await dispatch(s, 'settings.update', { autoLockMinutes: 9 })).toMatchObject({ ok: true, value: { autoLockMinutes: 9 } });
    release();
    expect(await reading).toMatchObject({ ok: true });
    expect(await writing).toMatchObject({ ok: true });
    expect(await auditTotal()).toBe(before + 2);
  });
});

describe('the real operations under the check', () => {
  it('settings.update writes one event for a change and nothing for no change; key.selfSign writes its two in one transaction', async () => {
    const before = await auditTotal();
    expect(await dispatch(service, 'settings.update', { autoLockMinutes: 5 })).toMatchObject({ ok: true });
    expect(await auditTotal()).toBe(before);
    expect(await dispatch(service, 'settings.update', { autoLockMinutes: 7 })).toMatchObject({ ok: true });
    expect(await auditTotal()).toBe(before + 1);
    const key = await dispatch(service, 'key.create', { name: 'root-1' });
    expect(key).toMatchObject({ ok: true });
    expect(await dispatch(service, 'key.selfSign', { key: 'root-1', subject: 'CN=Test Root' })).toMatchObject({ ok: true });
    const list = await dispatch(service, 'audit.list', {});
    expect(list.ok && (list.value as { events: Array<{ action: string }> }).events.map((e) => e.action).slice(-3)).toEqual(['key.created', 'key.root-pinned', 'key.self-signed']);
  });

  it('every operation declares mutates: false, true, or ranges of whole numbers from least to most', () => {
    for (const name of OPERATION_NAMES) {
      const m: unknown = contract[name].mutates;
      if (typeof m === 'boolean') continue;
      const spec = m as { events?: readonly number[]; transactions?: readonly number[] };
      for (const range of [spec.events, spec.transactions]) {
        if (range === undefined) continue;
        expect(range, name).toHaveLength(2);
        expect(Number.isInteger(range[0]) && Number.isInteger(range[1]) && range[0]! >= 0 && range[0]! <= range[1]!, name).toBe(true);
      }
    }
  });
});
