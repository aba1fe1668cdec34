/**
 * key.selfSign through dispatch when the root breaks a lint rule: refused
 * with the lint's code, and the vault is as it was (the key still a draft
 * with no certificate, no audit event).
 */
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../core/clock.ts';
import { OWASP_MINIMUM } from '../../core/vault/kdf.ts';
import { FIXED_NOW, TEST_PASSPHRASE } from '../../testing/vault-fixtures.ts';
import { removeTempDirs, tempDir } from '../../testing/temp-dir.ts';
import type { AuditEventView, KeyDetailView, KeyView } from '../contract.ts';
import { dispatch } from '../dispatch.ts';
import { createService, type Service } from '../service.ts';

afterAll(removeTempDirs);

async function value<T>(service: Service, name: string, input: unknown = {}): Promise<T> {
  const r = await dispatch(service, name, input);
  if (!r.ok) throw new Error(`${name}: ${r.code} ${r.message}`);
  return r.value as T;
}

describe('key.selfSign and the certificate lint', () => {
  let service: Service;
  let key: KeyView;
  beforeEach(async () => {
    service = createService({ vaultDir: join(tempDir(), 'vault'), clock: fixedClock(FIXED_NOW), kdfCost: OWASP_MINIMUM, logger: { error: () => undefined } });
    await value(service, 'vault.create', { actor: 'alice', passphrase: TEST_PASSPHRASE });
    key = await value<KeyView>(service, 'key.create', { name: 'root 2026', algorithm: 'ecdsa-p256' });
  });

  it('a subject the lint refuses (a C1 control character) leaves the draft without a certificate and the audit log unchanged', async () => {
    const before = await value<{ events: AuditEventView[]; total: number }>(service, 'audit.list');
    const r = await dispatch(service, 'key.selfSign', { key: key.id, subject: 'CN=Acme\u0085Root' });
    expect(r).toMatchObject({ ok: false, code: 'LINT_FAILED' });
    const after = await value<{ events: AuditEventView[]; total: number }>(service, 'audit.list');
    expect(after.total).toBe(before.total);
    expect(after.events.at(-1)?.hash).toBe(before.events.at(-1)?.hash);
    const shown = await value<KeyDetailView>(service, 'key.show', { key: key.id });
    expect(shown).toMatchObject({ state: 'draft', certificatePem: null, subject: null });
  });

  it('the same draft self-signs with a clean subject: one key.self-signed event, and the new root pinned', async () => {
    const before = await value<{ total: number }>(service, 'audit.list');
    const signed = await value<KeyDetailView>(service, 'key.selfSign', { key: key.id, subject: 'CN=Acme Root' });
    expect(signed.certificatePem).toContain('BEGIN CERTIFICATE');
    const after = await value<{ events: AuditEventView[]; total: number }>(service, 'audit.list');
    expect(after.total).toBe(before.total + 2);
    expect(after.events.slice(-2).map((e) => e.action)).toEqual(['key.root-pinned', 'key.self-signed']);
  });
});
