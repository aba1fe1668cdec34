/**
 * The ca.* operations and the CA scope of dispatch on a real vault: refusals
 * change nothing, a CA's own setting wins over the vault's, and a key list of
 * every CA is only for key.list, ca.update sets a CA's own settings.
 */
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { DAY_MS, fixedClock } from '../../core/clock.ts';
import { OWASP_MINIMUM } from '../../core/vault/kdf.ts';
import { removeTempDirs, tempDir } from '../../testing/temp-dir.ts';
import { FIXED_NOW, TEST_PASSPHRASE } from '../../testing/vault-fixtures.ts';
import { makeCsr } from '../../testing/issuance-fixtures.ts';
import { dispatch } from '../dispatch.ts';
import { createService, type Service } from '../service.ts';

afterAll(removeTempDirs);

let service: Service;

beforeEach(async () => {
  service = createService({ vaultDir: join(tempDir(), 'vault'), clock: fixedClock(FIXED_NOW), kdfCost: OWASP_MINIMUM });
  expect((await dispatch(service, 'vault.create', { actor: 'alice', passphrase: TEST_PASSPHRASE })).ok).toBe(true);
});

async function value<T>(name: string, input: unknown): Promise<T> {
  const r = await dispatch(service, name, input);
  if (!r.ok) throw new Error(`${name}: ${r.code} ${r.message}`);
  return r.value as T;
}

const auditTotal = async () => (await value<{ total: number }>('audit.list', {})).total;

/** A self-signed, active root in a CA. */
async function activeRoot(ca: string, name: string): Promise<void> {
  await value('key.create', { ca, name, algorithm: 'ecdsa-p256' });
  await value('key.selfSign', { ca, key: name, subject: `CN=${name}`, days: 365 });
  await value('key.activate', { ca, key: name });
}

describe('ca operations', () => {
  it('a vault starts with one CA, "default"; ca.create adds one with one audit event naming it', async () => {
    expect((await value<Array<{ id: string; name: string }>>('ca.list', {})).map((c) => [c.id, c.name])).toEqual([['default', 'default']]);
    const before = await auditTotal();
    const ca = await value<{ id: string; name: string; purpose: string; keys: number }>('ca.create', { name: 'servers', purpose: 'TLS' });
    expect(ca).toMatchObject({ name: 'servers', purpose: 'TLS', keys: 0 });
    expect(ca.id).not.toBe('default');
    const events = (await value<{ events: Array<{ action: string; details: Record<string, unknown> }> }>('audit.list', {})).events;
    expect(await auditTotal()).toBe(before + 1);
    expect(events.at(-1)).toMatchObject({ action: 'ca.created', details: { ca: 'servers', caId: ca.id, purpose: 'TLS' } });
  });

  it('refuses an empty or taken name and a rename onto another CA, and changes nothing', async () => {
    await value('ca.create', { name: 'servers' });
    const before = await auditTotal();
    expect(await dispatch(service, 'ca.create', { name: '  ' })).toMatchObject({ ok: false, code: 'INVALID_INPUT' });
    expect(await dispatch(service, 'ca.create', { name: 'servers' })).toMatchObject({ ok: false, code: 'CA_NAME_TAKEN' });
    expect(await dispatch(service, 'ca.rename', { name: 'servers', newName: 'default' })).toMatchObject({ ok: false, code: 'CA_NAME_TAKEN' });
    expect(await dispatch(service, 'ca.rename', { name: 'nope', newName: 'x' })).toMatchObject({ ok: false, code: 'CA_NOT_FOUND' });
    expect(await auditTotal()).toBe(before);
    expect((await value<Array<{ name: string }>>('ca.list', {})).map((c) => c.name)).toEqual(['default', 'servers']);
  });

  it("a CA's own trusted window wins over the vault's; the other CA keeps the vault's", async () => {
    await value('ca.create', { name: 'servers' });
    const before = await auditTotal();
    const updated = await value<{ settings: Record<string, unknown> }>('ca.update', { name: 'servers', trustedWindowDays: 3 });
    expect(updated.settings).toEqual({ trustedWindowDays: 3, crlValidityDays: null, allowedProfiles: null, defaultValidityDays: null });
    expect(await auditTotal()).toBe(before + 1);
    expect(await dispatch(service, 'ca.update', { name: 'servers' })).toMatchObject({ ok: false, code: 'INVALID_INPUT' });
    expect(await dispatch(service, 'ca.update', { name: 'servers', trustedWindowDays: 0 })).toMatchObject({ ok: false, code: 'INVALID_INPUT' });
    expect(await auditTotal()).toBe(before + 1);
    for (const ca of ['default', 'servers']) {
      await activeRoot(ca, `${ca}-1`);
      await activeRoot(ca, `${ca}-2`);
    }
    const until = async (ca: string) => (await value<Array<{ name: string; trustedUntil: string | null }>>('key.list', { ca })).find((k) => k.name === `${ca}-1`)!.trustedUntil;
    expect(await until('servers')).toBe(new Date(Date.parse(FIXED_NOW) + 3 * DAY_MS).toISOString());
    expect(await until('default')).toBe(new Date(Date.parse(FIXED_NOW) + 30 * DAY_MS).toISOString());
  });

  it('only key.list sees every CA without a name; one active key per CA', async () => {
    await value('ca.create', { name: 'servers' });
    await activeRoot('default', 'a');
    await activeRoot('servers', 'b');
    const all = await value<Array<{ name: string; ca: string; state: string }>>('key.list', {});
    expect(all.map((k) => [k.ca, k.name, k.state])).toEqual([
      ['default', 'a', 'active'],
      ['servers', 'b', 'active'],
    ]);
    expect(await dispatch(service, 'bundle.preview', {})).toMatchObject({ ok: false, code: 'CA_REQUIRED' });
    expect(await dispatch(service, 'key.show', { key: 'a', ca: 'servers' })).toMatchObject({ ok: false, code: 'KEY_NOT_FOUND' });
    const bundle = await value<{ keys: Array<{ name: string }> }>('bundle.preview', { ca: 'servers' });
    expect(bundle.keys.map((k) => k.name)).toEqual(['b']);
  });

  it("a CA's allowed profiles refuse another profile before signing, and its default validity applies when the request names none", async () => {
    await value('ca.create', { name: 'agents' });
    const agents = await value<{ id: string }>('ca.update', { name: 'agents', allowedProfiles: ['agent'], defaultValidityDays: 10 });
    await activeRoot('agents', 'agents-root');
    await activeRoot('default', 'default-root');
    const source = { name: 'a.csr', base64: makeCsr('p256', 'agent-1').toString('base64') };
    const before = await auditTotal();
    const refused = await dispatch(service, 'cert.issue', { ca: 'agents', source, profile: 'ocsp-signer' });
    expect(refused).toMatchObject({ ok: false, code: 'PROFILE_NOT_ALLOWED' });
    expect(await auditTotal()).toBe(before);
    const c = await value<{ notAfter: string; caId: string }>('cert.issue', { ca: 'agents', source, profile: 'agent' });
    expect(c).toMatchObject({ caId: agents.id, notAfter: new Date(Date.parse(FIXED_NOW) + 10 * DAY_MS).toISOString() });
    // The default CA keeps the profile's own default (agent: 365 days) and every profile.
    const d = await value<{ notAfter: string }>('cert.issue', { ca: 'default', source, profile: 'agent' });
    expect(d.notAfter).toBe(new Date(Date.parse(FIXED_NOW) + 365 * DAY_MS).toISOString());
    // null sets them back to following the vault and the profile.
    await value('ca.update', { name: 'agents', allowedProfiles: null, defaultValidityDays: null });
    const e = await value<{ notAfter: string }>('cert.issue', { ca: 'agents', source, profile: 'agent' });
    expect(e.notAfter).toBe(new Date(Date.parse(FIXED_NOW) + 365 * DAY_MS).toISOString());
  });
});
