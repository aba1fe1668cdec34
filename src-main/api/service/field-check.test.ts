/**
 * input.check and token.checkPin through dispatch: a wizard's typed values
 * refused where they are typed with the very code and words the operation
 * taking them would give (the subject's parser, the root's days limit, the
 * profile's limit and the issuer's end, the sub-CA under its parent), and a
 * PIN tried on the real SoftHSM2 token, held only when the token took it.
 * Nothing is written: the audit log is as it was.
 */
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../core/clock.ts';
import { isDomainError } from '../../core/errors.ts';
import { OWASP_MINIMUM } from '../../core/vault/kdf.ts';
import { SOFTHSM_MODULE, softHsm } from '../../testing/softhsm.ts';
import { FIXED_NOW, TEST_PASSPHRASE } from '../../testing/vault-fixtures.ts';
import { removeTempDirs, tempDir } from '../../testing/temp-dir.ts';
import type { AuditEventView, FieldCheckView, KeyView } from '../contract.ts';
import { dispatch } from '../dispatch.ts';
import { createService, type Service } from '../service.ts';
import { typedDays } from './field-check.ts';

afterAll(removeTempDirs);

// Made before this process first loads the module (it reads SOFTHSM2_CONF once).
const hsm = softHsm();
const token = hsm.token('pin-check');
process.env.SOFTHSM2_CONF = hsm.conf;

async function value<T>(service: Service, name: string, input: unknown = {}): Promise<T> {
  const r = await dispatch(service, name, input);
  if (!r.ok) throw new Error(`${name}: ${r.code} ${r.message}`);
  return r.value as T;
}

const auditTotal = async (service: Service) => (await value<{ events: AuditEventView[]; total: number }>(service, 'audit.list')).total;

describe('input.check', () => {
  let service: Service;
  beforeEach(async () => {
    service = createService({ vaultDir: join(tempDir(), 'vault'), clock: fixedClock(FIXED_NOW), kdfCost: OWASP_MINIMUM, logger: { error: () => undefined } });
    await value(service, 'vault.create', { actor: 'alice', passphrase: TEST_PASSPHRASE });
  });

  it('refuses a subject as key.selfSign would, names the part at fault, and takes a good one', async () => {
    const key = await value<KeyView>(service, 'key.create', { name: 'Root 2026' });
    const before = await auditTotal(service);
    for (const bad of ['CN=Root,,O=Acme', 'Acme Root', 'CN=Root,C=Germany', 'O=Acme', 'CN=Root,XX=1']) {
      const checked = await value<FieldCheckView>(service, 'input.check', { subject: bad });
      const real = await dispatch(service, 'key.selfSign', { key: key.id, subject: bad });
      expect(real.ok).toBe(false);
      expect(checked.subject, bad).toEqual(real.ok ? null : { code: real.code, message: real.message });
      expect(checked.subject?.code).toBe('INVALID_SUBJECT');
    }
    expect((await value<FieldCheckView>(service, 'input.check', { subject: 'CN=Root,C=Germany' })).subject?.message).toContain('two-letter');
    expect(await value<FieldCheckView>(service, 'input.check', { subject: 'CN=Acme Root 2026,O=Acme,C=DE' })).toEqual({ subject: null, days: null });
    expect(await auditTotal(service)).toBe(before);
  });

  it('checks a root’s days as key.selfSign does: a whole number from 1 to 36500, empty for the default', async () => {
    const days = async (v: string) => (await value<FieldCheckView>(service, 'input.check', { days: { for: 'root', value: v } })).days;
    expect(await days('')).toBeNull();
    expect(await days('3650')).toBeNull();
    expect(await days('36500')).toBeNull();
    expect(await days('36501')).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('from 1 to 36500') });
    expect(await days('0')).toMatchObject({ code: 'INVALID_INPUT' });
    expect(await days('ten years')).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('whole number of days') });
    expect(await days('1.5')).toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('checks issuance days against the profile’s limit and the active key’s end, as cert.issueBatch would', async () => {
    const key = await value<KeyView>(service, 'key.create', { name: 'Root 2026' });
    await value(service, 'key.selfSign', { key: key.id, subject: 'CN=Short Root,O=Acme', days: 100 });
    await value(service, 'key.activate', { key: key.id });
    const days = async (v: string, profile = 'agent') => (await value<FieldCheckView>(service, 'input.check', { days: { for: 'issue', value: v, profile } })).days;
    expect(await days('30')).toBeNull();
    expect(await days('826')).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('from 1 to 825') });
    // 200 days fit the server profile, not the 100-day root above it.
    expect(await days('200', 'server')).toMatchObject({ code: 'VALIDITY_EXCEEDS_ISSUER', message: expect.stringContaining("after the issuing key's certificate") });
    expect(await days('30', 'no-such-profile')).toMatchObject({ code: 'PROFILE_UNKNOWN' });
  });

  it('checks a child CA’s days under its parent’s active key, as ca.create --parent would', async () => {
    const key = await value<KeyView>(service, 'key.create', { name: 'Root 2026' });
    await value(service, 'key.selfSign', { key: key.id, subject: 'CN=Short Root,O=Acme', days: 100 });
    await value(service, 'key.activate', { key: key.id });
    const [parent] = await value<Array<{ name: string }>>(service, 'ca.list');
    const check = (v: string) => value<FieldCheckView>(service, 'input.check', { days: { for: 'child-ca', value: v, parent: parent!.name } });
    expect((await check('50')).days).toBeNull();
    const checked = (await check('200')).days;
    const real = await dispatch(service, 'ca.create', { name: 'Issuing', purpose: 'agents', parent: parent!.name, keyName: 'Issuing 2026', subject: 'CN=Issuing,O=Acme', days: 200 });
    expect(real.ok).toBe(false);
    expect(checked).toEqual(real.ok ? null : { code: real.code, message: real.message });
    expect(checked?.code).toBe('VALIDITY_EXCEEDS_ISSUER');
  });

  it('reads typed days as the operation takes them: digits only, empty for the default', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 999_999_999 }), fc.constantFrom('', ' ', '  '), (n, pad) => typedDays(`${pad}${n}${pad}`) === n),
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }).filter((s) => s.trim() !== '' && !/^\s*\d{1,9}\s*$/.test(s)), (s) => {
        try {
          typedDays(s);
          return false;
        } catch (e) {
          return isDomainError(e) && e.code === 'INVALID_INPUT';
        }
      }),
    );
    expect(typedDays('   ')).toBeUndefined();
  });
});

describe('token.checkPin', () => {
  it('a PIN the token refuses is said at once and not held; the right one is held and the key is made with it', async () => {
    const service = createService({ vaultDir: join(tempDir(), 'vault'), clock: fixedClock(FIXED_NOW), kdfCost: OWASP_MINIMUM, logger: { error: () => undefined } });
    await value(service, 'vault.create', { actor: 'alice', passphrase: TEST_PASSPHRASE });
    await value(service, 'settings.update', { pkcs11Module: SOFTHSM_MODULE });
    const before = await auditTotal(service);
    const wrong = await dispatch(service, 'token.checkPin', { token: { serial: token.serial }, pin: '999999' });
    expect(wrong).toMatchObject({ ok: false, code: 'TOKEN_PIN_INCORRECT' });
    expect(await auditTotal(service)).toBe(before);
    // Not held: the key cannot be made on the token with it.
    expect(await dispatch(service, 'key.create', { name: 'Token Root', token: { serial: token.serial } })).toMatchObject({ ok: false, code: 'TOKEN_PIN_REQUIRED' });
    expect(await value(service, 'token.checkPin', { token: { serial: token.serial }, pin: token.pin })).toEqual({ held: true });
    const key = await value<KeyView>(service, 'key.create', { name: 'Token Root', token: { serial: token.serial } });
    expect(key.token?.serial).toBe(token.serial);
    // A token that is not there: said as such, nothing held.
    expect(await dispatch(service, 'token.checkPin', { token: { label: 'absent' }, pin: token.pin })).toMatchObject({ ok: false, code: 'TOKEN_NOT_PRESENT' });
  });
});
