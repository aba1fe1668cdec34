/**
 * ceremony.record through dispatch, as the console calls it at the end of an
 * emergency rotation: one 'ceremony.transcript' event, chained, naming the
 * officer and the witnesses; a bad transcript is refused whole and leaves the
 * audit log as it was.
 */
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../core/clock.ts';
import { OWASP_MINIMUM } from '../../core/vault/kdf.ts';
import { FIXED_NOW, TEST_PASSPHRASE } from '../../testing/vault-fixtures.ts';
import { removeTempDirs, tempDir } from '../../testing/temp-dir.ts';
import type { AuditEventView, AuditVerificationView, CeremonyRecordView } from '../contract.ts';
import { dispatch } from '../dispatch.ts';
import { createService, type Service } from '../service.ts';

afterAll(removeTempDirs);

async function value<T>(service: Service, name: string, input: unknown = {}): Promise<T> {
  const r = await dispatch(service, name, input);
  if (!r.ok) throw new Error(`${name}: ${r.code} ${r.message}`);
  return r.value as T;
}

function transcript(overrides: Record<string, unknown> = {}) {
  return {
    kind: 'emergency-rotation',
    participants: { officer: 'alice', witnesses: ['Bob Witness', 'Carol'] },
    steps: [
      { at: '2026-03-01T12:00:00.000Z', step: 'participants', by: 'alice', detail: 'officer alice; witnesses Bob Witness, Carol' },
      { at: '2026-03-01T12:01:00.000Z', step: 'checklist', by: 'Bob Witness', detail: 'acknowledged 4 items' },
      { at: '2026-03-01T12:02:00.000Z', step: 'activate', by: 'alice', detail: 'activated sha256:aa; 3 certificates revoked' },
    ],
    outcome: 'completed',
    ...overrides,
  };
}

describe('ceremony.record', () => {
  let service: Service;
  beforeEach(async () => {
    service = createService({ vaultDir: join(tempDir(), 'vault'), clock: fixedClock(FIXED_NOW), kdfCost: OWASP_MINIMUM, logger: { error: () => undefined } });
    await value(service, 'vault.create', { actor: 'alice', passphrase: TEST_PASSPHRASE });
  });

  it('appends one ceremony.transcript event, chained to the previous one, with the officer as actor and the witnesses set', async () => {
    const before = await value<{ events: AuditEventView[]; total: number }>(service, 'audit.list');
    const rec = await value<CeremonyRecordView>(service, 'ceremony.record', transcript());
    const after = await value<{ events: AuditEventView[]; total: number }>(service, 'audit.list');
    expect(after.total).toBe(before.total + 1);
    const last = after.events.at(-1)!;
    expect(last).toMatchObject({ seq: rec.seq, hash: rec.hash, at: rec.at, prevHash: before.events.at(-1)!.hash, action: 'ceremony.transcript', actor: 'alice', witnesses: ['Bob Witness', 'Carol'] });
    expect(rec.prevHash).toBe(before.events.at(-1)!.hash);
    expect(last.details).toEqual({
      ca: 'default',
      kind: 'emergency-rotation',
      outcome: 'completed',
      participants: { officer: 'alice', witnesses: ['Bob Witness', 'Carol'] },
      steps: transcript().steps,
    });
    expect(await value<AuditVerificationView>(service, 'audit.verify')).toMatchObject({ ok: true, head: rec.hash, count: after.total });
  });

  it('records a failed ceremony with the failing step', async () => {
    const steps = [...transcript().steps, { at: '2026-03-01T12:03:00.000Z', step: 'export failed', by: 'alice', detail: 'IO_ERROR: the medium is full' }];
    await value(service, 'ceremony.record', transcript({ steps, outcome: 'failed' }));
    const { events } = await value<{ events: AuditEventView[] }>(service, 'audit.list', { action: 'ceremony.transcript' });
    expect(events).toHaveLength(1);
    expect(events[0]!.details).toMatchObject({ outcome: 'failed', steps: expect.arrayContaining([expect.objectContaining({ step: 'export failed' })]) });
  });

  const refused: Array<[string, Record<string, unknown>, RegExp]> = [
    ['no witness', { participants: { officer: 'alice', witnesses: [] } }, /participants\.witnesses.*at least one witness/],
    ['blank witness', { participants: { officer: 'alice', witnesses: ['  '] } }, /participants\.witnesses\.0/],
    ['witness is the officer', { participants: { officer: 'alice', witnesses: ['Alice'] } }, /a witness is not the officer/],
    ['witness named twice', { participants: { officer: 'alice', witnesses: ['Bob', 'bob'] } }, /named once/],
    ['officer is not the session actor', { participants: { officer: 'mallory', witnesses: ['Bob Witness'] }, steps: [{ at: FIXED_NOW, step: 'x', by: 'mallory', detail: '' }] }, /officer who unlocked the vault/],
    ['step by a stranger', { steps: [{ at: FIXED_NOW, step: 'activate', by: 'eve', detail: '' }] }, /steps\.0\.by.*not a participant/],
    ['step time not ISO', { steps: [{ at: 'yesterday', step: 'activate', by: 'alice', detail: '' }] }, /steps\.0\.at/],
    ['no steps', { steps: [] }, /steps.*at least one step/],
    ['unknown kind', { kind: 'birthday' }, /kind/],
    ['unknown outcome', { outcome: 'maybe' }, /outcome/],
    ['extra field', { note: 'x' }, /request|note/],
  ];
  it.each(refused)('refuses a transcript with %s: INVALID_INPUT and nothing written', async (_name, overrides, message) => {
    const before = await value<{ total: number }>(service, 'audit.list');
    const r = await dispatch(service, 'ceremony.record', transcript(overrides));
    expect(r).toMatchObject({ ok: false, code: 'INVALID_INPUT' });
    expect(r.ok ? '' : r.message).toMatch(message);
    expect((await value<{ total: number }>(service, 'audit.list')).total).toBe(before.total);
  });

  it("names the CA whose rotation it records: in a vault of two CAs it needs the CA (CA_REQUIRED, nothing written), and the event carries that CA's name", async () => {
    await value(service, 'ca.create', { name: 'servers' });
    const before = await value<{ total: number }>(service, 'audit.list');
    const without = await dispatch(service, 'ceremony.record', transcript());
    expect(without).toMatchObject({ ok: false, code: 'CA_REQUIRED' });
    expect(without.ok ? '' : without.message).toContain('default, servers');
    expect((await value<{ total: number }>(service, 'audit.list')).total).toBe(before.total);
    await value(service, 'ceremony.record', { ...transcript(), ca: 'servers' });
    const { events } = await value<{ events: AuditEventView[] }>(service, 'audit.list', { action: 'ceremony.transcript' });
    expect(events.map((e) => e.details.ca)).toEqual(['servers']);
    expect(await dispatch(service, 'ceremony.record', { ...transcript(), ca: 'nope' })).toMatchObject({ ok: false, code: 'CA_NOT_FOUND' });
  });

  it('needs an unlocked vault', async () => {
    await value(service, 'vault.lock');
    expect(await dispatch(service, 'ceremony.record', transcript())).toMatchObject({ ok: false, code: 'VAULT_LOCKED' });
  });
});
