/**
 * What dispatch hands a handler: for an operation that needs the vault, the
 * session's open vault, its stores and the unlocking actor; for one that does
 * not, no vault at all — at run time here, and at the type level through the
 * @ts-expect-error lines, which `tsc` checks (an unneeded one is an error).
 */
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../core/clock.ts';
import { OWASP_MINIMUM } from '../../core/vault/kdf.ts';
import { removeTempDirs, tempDir } from '../../testing/temp-dir.ts';
import { FIXED_NOW, TEST_PASSPHRASE } from '../../testing/vault-fixtures.ts';
import { dispatch } from '../dispatch.ts';
import { createService, type Service } from '../service.ts';
import type { VaultContext, VaultlessContext } from './context.ts';
import type { Handler } from './handler.ts';

afterAll(removeTempDirs);

let service: Service;

beforeEach(async () => {
  service = createService({ vaultDir: join(tempDir(), 'vault'), clock: fixedClock(FIXED_NOW), kdfCost: OWASP_MINIMUM });
  expect((await dispatch(service, 'vault.create', { actor: 'alice', passphrase: TEST_PASSPHRASE })).ok).toBe(true);
});

describe('the handler context', () => {
  it('of a needsUnlock operation is the open vault, its stores and the actor who unlocked it', async () => {
    let seen: VaultContext | null = null;
    const spy: Handler<'key.list'> = (_i, ctx) => {
      seen = ctx;
      return [];
    };
    expect(await dispatch({ ...service, handlers: { ...service.handlers, 'key.list': spy } }, 'key.list', {})).toEqual({ ok: true, value: [] });
    const ctx = seen as VaultContext | null;
    expect(ctx?.vault).toBe(service.session.requireVault());
    expect(ctx?.actor).toBe('alice');
    expect(ctx?.stores.audit).toBe(service.session.requireVault().audit);
    expect(ctx?.stores.audit.list({}).map((e) => e.action)).toEqual(['vault.created']);
    expect(ctx?.settings()).toEqual({ autoLockMinutes: 5, trustedWindowDays: 30, crlValidityDays: 7, crlSafetyMarginDays: 2, bootstrapValidityDays: 1825, pkcs11Module: null, activationReadiness: 100, emergencyWitnessShares: false });
  });

  it('of a needsUnlock operation is never built on a locked vault: the handler does not run', async () => {
    let ran = false;
    const spy: Handler<'key.list'> = () => {
      ran = true;
      return [];
    };
    await dispatch(service, 'vault.lock', {});
    expect(await dispatch({ ...service, handlers: { ...service.handlers, 'key.list': spy } }, 'key.list', {})).toEqual({ ok: false, code: 'VAULT_LOCKED', message: 'The vault is locked. Unlock it first.' });
    expect(ran).toBe(false);
  });

  it('of an operation that runs without the vault has no vault, even while the session is unlocked', async () => {
    let seen: VaultlessContext | null = null;
    const spy: Handler<'media.list'> = (_i, ctx) => {
      seen = ctx;
      return { media: [], problems: [] };
    };
    // Neither of these compiles: a vaultless handler cannot reach the vault, nor ask the session for it.
    // @ts-expect-error the context has no vault
    const reachesVault: Handler<'media.list'> = (_i, ctx) => ({ media: [], problems: [ctx.vault.id] });
    // @ts-expect-error the session it gets has no requireVault
    const asksSession: Handler<'cert.profiles'> = (_i, ctx) => ctx.session.requireVault();
    void [reachesVault, asksSession];
    expect(service.session.unlocked).toBe(true);
    expect(await dispatch({ ...service, handlers: { ...service.handlers, 'media.list': spy } }, 'media.list', {})).toEqual({ ok: true, value: { media: [], problems: [] } });
    const ctx = seen as VaultlessContext | null;
    expect(ctx).not.toBeNull();
    expect(ctx && 'vault' in ctx).toBe(false);
    expect(ctx?.session.unlocked).toBe(true);
  });
});
