/**
 * audit.actions: the action names the audit log holds, each once and in
 * alphabetical order, from a real vault; they grow as events are written and
 * every one of them filters audit.list to its events.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../core/clock.ts';
import { OWASP_MINIMUM } from '../../core/vault/kdf.ts';
import { FIXED_NOW, TEST_PASSPHRASE } from '../../testing/vault-fixtures.ts';
import { removeTempDirs, tempDir } from '../../testing/temp-dir.ts';
import { dispatch } from '../dispatch.ts';
import { createService, type Service } from '../service.ts';

afterAll(removeTempDirs);

async function value<T>(service: Service, name: string, input: unknown = {}): Promise<T> {
  const r = await dispatch(service, name, input);
  if (!r.ok) throw new Error(`${name}: ${r.code} ${r.message}`);
  return r.value as T;
}

describe('audit.actions', () => {
  it('lists each action of the log once, sorted, and each filters the list to its events', async () => {
    const dir = tempDir();
    const service = createService({ vaultDir: join(dir, 'vault'), clock: fixedClock(FIXED_NOW), kdfCost: OWASP_MINIMUM, logger: { error: () => undefined } });
    expect(await dispatch(service, 'audit.actions', {})).toMatchObject({ ok: false, code: 'VAULT_LOCKED' });
    await value(service, 'vault.create', { actor: 'alice', passphrase: TEST_PASSPHRASE });
    const before = await value<{ actions: string[] }>(service, 'audit.actions');
    expect(before.actions.length).toBeGreaterThan(0);
    expect(before.actions).not.toContain('audit.exported');
    await value(service, 'audit.export', { out: join(dir, 'a.jsonl') });
    await value(service, 'audit.export', { out: join(dir, 'b.jsonl') });
    const { actions } = await value<{ actions: string[] }>(service, 'audit.actions');
    expect(actions).toContain('audit.exported');
    expect(new Set(actions).size).toBe(actions.length);
    expect(actions).toEqual([...actions].sort());
    const all = await value<{ events: { action: string }[] }>(service, 'audit.list');
    expect(actions).toEqual([...new Set(all.events.map((e) => e.action))].sort());
    const exported = await value<{ events: { action: string }[] }>(service, 'audit.list', { action: 'audit.exported' });
    expect(exported.events.map((e) => e.action)).toEqual(['audit.exported', 'audit.exported']);
    expect(await dispatch(service, 'audit.actions', { extra: 1 })).toMatchObject({ ok: false, code: 'INVALID_INPUT' });
  });
});
