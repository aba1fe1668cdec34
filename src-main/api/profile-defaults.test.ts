/**
 * cert.profiles answers the defaults issuance uses: with the vault open, the
 * bootstrap profile's is the vault's bootstrapValidityDays (the issue-from-media
 * wizard shows it on its profile step); locked, the built-in one. Real vault.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../core/clock.ts';
import { PROFILES } from '../core/issuance/profiles.ts';
import { OWASP_MINIMUM } from '../core/vault/kdf.ts';
import { dispatchCalls } from '../testing/dispatch-calls.ts';
import { removeTempDirs, tempDir } from '../testing/temp-dir.ts';
import { FIXED_NOW } from '../testing/vault-fixtures.ts';
import { createService } from './service.ts';

afterAll(removeTempDirs);

describe('cert.profiles', () => {
  it("gives the bootstrap profile the vault's validity setting while the vault is open, the built-in default when locked", async () => {
    const service = createService({ vaultDir: join(tempDir(), 'vault'), clock: fixedClock(FIXED_NOW), kdfCost: OWASP_MINIMUM, logger: { error: () => undefined } });
    const { ok } = dispatchCalls(() => service);
    const bootstrapDays = async () => (await ok('cert.profiles', {})).find((p) => p.name === 'bootstrap')?.defaultDays;
    expect(await bootstrapDays()).toBe(PROFILES.bootstrap.defaultDays);
    await ok('vault.create', { actor: 'alice', passphrase: 'correct horse battery staple' });
    expect(await bootstrapDays()).toBe(PROFILES.bootstrap.defaultDays);
    await ok('settings.update', { bootstrapValidityDays: 730 });
    expect(await bootstrapDays()).toBe(730);
    // The other profiles keep their own defaults.
    expect((await ok('cert.profiles', {})).find((p) => p.name === 'agent')?.defaultDays).toBe(PROFILES.agent.defaultDays);
    await ok('vault.lock', {});
    expect(await bootstrapDays()).toBe(PROFILES.bootstrap.defaultDays);
  });
});
