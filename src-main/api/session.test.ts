/**
 * The service session through dispatch, as the CLI and the app use it:
 * auto-lock after the configured idle minutes (injected clock, no sleeping),
 * the growing delay after failed unlocks (injected sleep), and dispatch's
 * mapping of failures to codes.
 */
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../core/clock.ts';
import { OWASP_MINIMUM } from '../core/vault/kdf.ts';
import { createTestVault, FIXED_NOW, TEST_PASSPHRASE } from '../testing/vault-fixtures.ts';
import { removeTempDirs, tempDir } from '../testing/temp-dir.ts';
import { dispatch } from './dispatch.ts';
import { createService, type Service } from './service.ts';

afterAll(removeTempDirs);

const MINUTE = 60_000;

function newService(vaultDir: string) {
  const clock = fixedClock(FIXED_NOW);
  const slept: number[] = [];
  const logged: string[] = [];
  const service = createService({
    vaultDir,
    clock,
    kdfCost: OWASP_MINIMUM,
    sleep: async (ms) => void slept.push(ms),
    logger: { error: (m, d) => void logged.push(`${m}: ${d ?? ''}`) },
  });
  return { service, clock, slept, logged };
}

async function value<T = unknown>(service: Service, name: string, input: unknown = {}): Promise<T> {
  const r = await dispatch(service, name, input);
  if (!r.ok) throw new Error(`${name}: ${r.code} ${r.message}`);
  return r.value as T;
}

describe('auto-lock', () => {
  let s: ReturnType<typeof newService>;
  beforeEach(async () => {
    s = newService(join(tempDir(), 'vault'));
    await value(s.service, 'vault.create', { actor: 'alice', passphrase: TEST_PASSPHRASE });
  });

  it('locks after the default 5 idle minutes; each operation restarts the count', async () => {
    s.clock.advance(5 * MINUTE - 1);
    expect((await dispatch(s.service, 'audit.verify', {})).ok).toBe(true);
    s.clock.advance(5 * MINUTE - 1);
    expect((await dispatch(s.service, 'audit.list', {})).ok).toBe(true);
    s.clock.advance(5 * MINUTE);
    expect(await dispatch(s.service, 'audit.list', {})).toEqual({ ok: false, code: 'VAULT_LOCKED', message: 'The vault is locked (locked after 5 minutes without activity). Unlock it again.' });
    expect(s.service.session.unlocked).toBe(false);
    expect(await value(s.service, 'session.status')).toMatchObject({ unlocked: false, lockedReason: 'locked after 5 minutes without activity', actor: null });
  });

  it('uses the configured minutes, answers every unlocked operation VAULT_LOCKED with the reason, and unlocks again', async () => {
    await value(s.service, 'settings.update', { autoLockMinutes: 1 });
    s.clock.advance(MINUTE - 1);
    expect(await value(s.service, 'settings.get')).toMatchObject({ autoLockMinutes: 1 });
    s.clock.advance(MINUTE);
    for (const [name, input] of [['audit.list', {}], ['audit.verify', {}], ['vault.verify', {}], ['settings.get', {}], ['vault.backup', { out: join(tempDir(), 'b') }]] as const) {
      expect(await dispatch(s.service, name, input)).toEqual({ ok: false, code: 'VAULT_LOCKED', message: expect.stringContaining('locked after 1 minute without activity') });
    }
    // Operations that need no unlock still answer, and do not unlock anything.
    expect(await value(s.service, 'vault.info')).toMatchObject({ exists: true, counts: null });
    await value(s.service, 'vault.unlock', { actor: 'alice', credentials: { passphrase: TEST_PASSPHRASE } });
    expect(await value(s.service, 'session.status')).toMatchObject({ unlocked: true, lockedReason: null, autoLockMinutes: 1 });
    expect(await value<{ events: Array<{ action: string }> }>(s.service, 'audit.list')).toMatchObject({ total: 2 });
  });

  it('session.status (no unlock needed) does not keep the vault open', async () => {
    s.clock.advance(4 * MINUTE);
    await value(s.service, 'session.status');
    s.clock.advance(MINUTE);
    expect(await value(s.service, 'session.status')).toMatchObject({ unlocked: false });
  });

  it('an explicit lock has no reason', async () => {
    await value(s.service, 'vault.lock');
    expect(await dispatch(s.service, 'audit.list', {})).toEqual({ ok: false, code: 'VAULT_LOCKED', message: 'The vault is locked. Unlock it first.' });
  });
});

describe('unlock throttle through the session', () => {
  it('each failed unlock makes the next attempt wait longer; a success resets', async () => {
    const dir = join(tempDir(), 'vault');
    const { shareFiles } = await createTestVault(dir, { quorum: { threshold: 2, total: 3 } }).then((r) => (r.vault.close(), r));
    const s = newService(dir);
    const wrong = { actor: 'mallory', credentials: { passphrase: 'not the right passphrase' } };
    for (let i = 0; i < 4; i++) expect(await dispatch(s.service, 'vault.unlock', wrong)).toMatchObject({ ok: false, code: 'WRONG_PASSPHRASE' });
    // Share failures count too.
    expect(await dispatch(s.service, 'vault.unlock', { actor: 'mallory', credentials: { shares: [{ label: 's1', content: shareFiles[0]! }] } })).toMatchObject({ ok: false, code: 'NOT_ENOUGH_SHARES' });
    expect(s.slept).toEqual([1000, 2000, 4000]);
    expect(s.service.session.throttle.failureCount).toBe(5);
    await value(s.service, 'vault.unlock', { actor: 'alice', credentials: { passphrase: TEST_PASSPHRASE } });
    expect(s.slept).toEqual([1000, 2000, 4000, 8000]);
    expect(s.service.session.throttle.failureCount).toBe(0);
    expect(await dispatch(s.service, 'vault.unlock', wrong)).toMatchObject({ ok: false, code: 'WRONG_PASSPHRASE' });
    expect(s.slept).toHaveLength(4);
  });
});

describe('dispatch', () => {
  it('maps unknown operations, invalid input and unexpected failures to codes, keeping details in the log', async () => {
    const s = newService(join(tempDir(), 'vault'));
    expect(await dispatch(s.service, 'vault.format', {})).toMatchObject({ ok: false, code: 'INVALID_INPUT', message: expect.stringContaining('vault.format') });
    expect(await dispatch(s.service, 'vault.create', { actor: 'alice', passphrase: 42 })).toMatchObject({ ok: false, code: 'INVALID_INPUT', message: expect.stringContaining('passphrase') });
    expect(await dispatch(s.service, 'vault.create', { actor: 'alice', passphrase: TEST_PASSPHRASE, extra: 1 })).toMatchObject({ ok: false, code: 'INVALID_INPUT' });
    expect(await dispatch(s.service, 'audit.list', {})).toMatchObject({ ok: false, code: 'VAULT_LOCKED' });
    expect(await dispatch(s.service, 'vault.unlock', { actor: 'alice', credentials: { passphrase: TEST_PASSPHRASE } })).toMatchObject({ ok: false, code: 'VAULT_NOT_FOUND' });

    const broken = { ...s.service, handlers: { ...s.service.handlers, 'session.status': () => { throw new TypeError('secret detail'); } } } as Service;
    const r = await dispatch(broken, 'session.status', {});
    expect(r).toMatchObject({ ok: false, code: 'INTERNAL' });
    expect(JSON.stringify(r)).not.toContain('secret detail');
    expect(s.logged.join('\n')).toContain('secret detail');
  });
});
