import { describe, expect, it } from 'vitest';
import { DAY_MS, fixedClock } from '../clock.ts';
import type { KeyRecord, TransitionPlan } from './lifecycle.ts';
import type { KeyState } from './key-state.ts';
import { applyPlan, planActivation, planEmergencyActivation, planPromote, planRetire, planRollback, planStage } from './lifecycle.ts';
import { codeOf } from '../../testing/refusals.ts';

const NOW = new Date('2025-06-01T00:00:00Z');
const clock = fixedClock(NOW);
const id = (n: string): string => 'sha256:' + n.repeat(64).slice(0, 64);
const cert = { hasCertificate: true, certificateNotBefore: new Date('2025-01-01T00:00:00Z'), certificateNotAfter: new Date('2035-01-01T00:00:00Z') };

const A: KeyRecord = { id: id('a'), name: 'root-a', state: 'active', ...cert, unexpiredIssuedCount: 0 };
const T: KeyRecord = { id: id('b'), name: 'root-b', state: 'trusted', ...cert, trustedUntil: new Date('2025-05-01T00:00:00Z'), unexpiredIssuedCount: 0 };
const R: KeyRecord = { id: id('c'), name: 'root-c', state: 'retired', ...cert, unexpiredIssuedCount: 0 };
const D: KeyRecord = { id: id('d'), name: 'root-d', state: 'draft', ...cert, unexpiredIssuedCount: 0 };
const S: KeyRecord = { id: id('e'), name: 'root-e', state: 'staged', ...cert, unexpiredIssuedCount: 0 };
const world = [A, T, R, D, S];
const byState: Record<KeyState, KeyRecord> = { active: A, trusted: T, retired: R, draft: D, staged: S };

const actions = {
  activate: (k: KeyRecord) => planActivation(world, k.id, { clock }),
  emergency: (k: KeyRecord) => planEmergencyActivation(world, k.id, { clock, witnesses: ['Wendy Witness'] }),
  retire: (k: KeyRecord) => planRetire(world, k.id, { clock }),
  promote: (k: KeyRecord) => planPromote(world, k.id, { clock }),
  stage: (k: KeyRecord) => planStage(world, k.id, { clock }),
};

describe('every transition from every state', () => {
  const expected: Record<keyof typeof actions, Record<KeyState, string>> = {
    activate: { draft: 'ok', staged: 'ok', active: 'INVALID_TRANSITION', trusted: 'INVALID_TRANSITION', retired: 'INVALID_TRANSITION' },
    emergency: { draft: 'ok', staged: 'ok', active: 'INVALID_TRANSITION', trusted: 'INVALID_TRANSITION', retired: 'INVALID_TRANSITION' },
    retire: { draft: 'INVALID_TRANSITION', staged: 'ok', active: 'INVALID_TRANSITION', trusted: 'ok', retired: 'INVALID_TRANSITION' },
    promote: { draft: 'INVALID_TRANSITION', staged: 'INVALID_TRANSITION', active: 'INVALID_TRANSITION', trusted: 'INVALID_TRANSITION', retired: 'ok' },
    stage: { draft: 'ok', staged: 'INVALID_TRANSITION', active: 'INVALID_TRANSITION', trusted: 'INVALID_TRANSITION', retired: 'INVALID_TRANSITION' },
  };
  const rows = Object.entries(expected).flatMap(([action, states]) =>
    Object.entries(states).map(([state, code]) => ({ action: action as keyof typeof actions, state: state as KeyState, code })),
  );
  it.each(rows)('$action on a $state key -> $code', ({ action, state, code }) => {
    expect(codeOf(() => actions[action](byState[state]))).toBe(code);
  });

  it('an unknown key id is KEY_NOT_FOUND', () => {
    expect(codeOf(() => planActivation(world, id('f'), { clock }))).toBe('KEY_NOT_FOUND');
  });

  it('retiring the active key says to activate another key first', () => {
    expect(() => planRetire(world, A.id, { clock })).toThrow(/activate another key first/);
  });
});

describe('activate', () => {
  it('makes the draft the only active key and the previous active trusted for the default 30 days', () => {
    const plan = planActivation(world, D.id, { clock });
    expect(plan.action).toBe('activate');
    expect(plan.at).toEqual(NOW);
    expect(plan.changes).toEqual([
      { keyId: D.id, name: 'root-d', from: 'draft', to: 'active', trustedUntil: null },
      { keyId: A.id, name: 'root-a', from: 'active', to: 'trusted', trustedUntil: new Date('2025-07-01T00:00:00Z') },
    ]);
    expect(plan.revokeIssuedBy).toEqual([]);
    const after = applyPlan(world, plan);
    expect(after.filter((k) => k.state === 'active').map((k) => k.id)).toEqual([D.id]);
    expect(after.find((k) => k.id === T.id)?.state).toBe('trusted');
  });

  it('uses the trusted window given, including 0', () => {
    expect(planActivation(world, D.id, { clock, trustedWindowDays: 7 }).changes[1]?.trustedUntil).toEqual(new Date(NOW.getTime() + 7 * DAY_MS));
    expect(planActivation(world, D.id, { clock, trustedWindowDays: 0 }).changes[1]?.trustedUntil).toEqual(NOW);
  });

  it('with no active key yet, only the draft changes', () => {
    expect(planActivation([D], D.id, { clock }).changes).toHaveLength(1);
  });

  const refusals: { field: string; code: string; keys: KeyRecord[]; window?: number }[] = [
    { field: 'no certificate', code: 'KEY_NO_CERTIFICATE', keys: [A, { ...D, hasCertificate: false, certificateNotBefore: undefined, certificateNotAfter: undefined } as KeyRecord] },
    { field: 'certificate expired', code: 'CHAIN_EXPIRED', keys: [A, { ...D, certificateNotAfter: new Date('2025-05-31T23:59:59Z') }] },
    { field: 'certificate not yet valid', code: 'CHAIN_NOT_YET_VALID', keys: [A, { ...D, certificateNotBefore: new Date('2025-06-01T00:00:01Z') }] },
    { field: 'window negative', code: 'INVALID_INPUT', keys: world, window: -1 },
    { field: 'window fractional', code: 'INVALID_INPUT', keys: world, window: 1.5 },
    { field: 'two active keys in the vault', code: 'INTERNAL', keys: [A, { ...T, state: 'active' }, D] },
  ];
  it.each(refusals)('refuses $field with $code', ({ code, keys, window }) => {
    expect(codeOf(() => planActivation(keys, D.id, window === undefined ? { clock } : { clock, trustedWindowDays: window }))).toBe(code);
  });
});

describe('retire and the trusted window', () => {
  const open: KeyRecord = { ...T, trustedUntil: new Date('2025-07-01T00:00:00Z') };

  it('is refused one millisecond before trustedUntil and allowed at trustedUntil', () => {
    expect(codeOf(() => planRetire([A, open], open.id, { clock: fixedClock(new Date('2025-06-30T23:59:59.999Z')) }))).toBe('RETIRE_REFUSED_WINDOW');
    const plan = planRetire([A, open], open.id, { clock: fixedClock(new Date('2025-07-01T00:00:00Z')) });
    expect(plan.changes).toEqual([{ keyId: T.id, name: 'root-b', from: 'trusted', to: 'retired', trustedUntil: null }]);
    expect(plan.forced).toBeNull();
  });

  it('is refused while live issued certificates remain, even after the window, and that refusal comes first', () => {
    expect(codeOf(() => planRetire([A, { ...T, unexpiredIssuedCount: 3 }], T.id, { clock }))).toBe('RETIRE_REFUSED_LIVE_LEAVES');
    expect(codeOf(() => planRetire([A, { ...open, unexpiredIssuedCount: 1 }], T.id, { clock }))).toBe('RETIRE_REFUSED_LIVE_LEAVES');
    expect(() => planRetire([A, { ...T, unexpiredIssuedCount: 3, remainingLeafCount: 2 }], T.id, { clock })).toThrow(/still has 2 live certificates .*\(1 more is superseded/);
  });

  it('superseded leaves do not block: only the remaining ones count', () => {
    const plan = planRetire([A, { ...T, unexpiredIssuedCount: 5, remainingLeafCount: 0 }], T.id, { clock });
    expect(plan.changes).toEqual([{ keyId: T.id, name: 'root-b', from: 'trusted', to: 'retired', trustedUntil: null }]);
  });

  it('can be forced with a reason, and the plan records what was overridden', () => {
    const plan = planRetire([A, { ...open, unexpiredIssuedCount: 2 }], T.id, { clock, force: { reason: '  key ceremony decided early retirement ' } });
    expect(plan.changes[0]?.to).toBe('retired');
    expect(plan.forced).toEqual({ reason: 'key ceremony decided early retirement', overrode: ['RETIRE_REFUSED_LIVE_LEAVES', 'RETIRE_REFUSED_WINDOW'] });
    expect(planRetire([A, T], T.id, { clock, force: { reason: 'tidy up' } }).forced).toEqual({ reason: 'tidy up', overrode: [] });
  });

  it('refuses a force without a reason', () => {
    expect(codeOf(() => planRetire([A, open], T.id, { clock, force: { reason: '   ' } }))).toBe('INVALID_INPUT');
  });
});

describe('promote (re-promote after a premature retire)', () => {
  it('brings a retired key back to trusted with a new trustedUntil', () => {
    const plan = planPromote(world, R.id, { clock, trustedDays: 14 });
    expect(plan.changes).toEqual([{ keyId: R.id, name: 'root-c', from: 'retired', to: 'trusted', trustedUntil: new Date('2025-06-15T00:00:00Z') }]);
    expect(planPromote(world, R.id, { clock }).changes[0]?.trustedUntil).toEqual(new Date('2025-07-01T00:00:00Z'));
  });

  it('retire -> promote -> retire again after the new window', () => {
    let keys: KeyRecord[] = [A, T];
    keys = applyPlan(keys, planRetire(keys, T.id, { clock }));
    keys = applyPlan(keys, planPromote(keys, T.id, { clock, trustedDays: 10 }));
    expect(keys.find((k) => k.id === T.id)).toMatchObject({ state: 'trusted', trustedUntil: new Date('2025-06-11T00:00:00Z') });
    expect(codeOf(() => planRetire(keys, T.id, { clock }))).toBe('RETIRE_REFUSED_WINDOW');
    keys = applyPlan(keys, planRetire(keys, T.id, { clock: fixedClock('2025-06-11T00:00:00Z') }));
    expect(keys.find((k) => k.id === T.id)?.state).toBe('retired');
  });

  it('refuses an expired certificate and a bad period', () => {
    expect(codeOf(() => planPromote([{ ...R, certificateNotAfter: new Date('2025-01-02T00:00:00Z') }], R.id, { clock }))).toBe('CHAIN_EXPIRED');
    expect(codeOf(() => planPromote(world, R.id, { clock, trustedDays: 0 }))).toBe('INVALID_INPUT');
  });
});

describe('emergency activation', () => {
  it('activates the draft, retires the previous active at once and lists it for revocation', () => {
    const plan = planEmergencyActivation(world, D.id, { clock, witnesses: [' Wendy ', 'wendy', '', 'Victor'], actor: 'olga' });
    expect(plan.action).toBe('emergency-activate');
    expect(plan.changes).toEqual([
      { keyId: D.id, name: 'root-d', from: 'draft', to: 'active', trustedUntil: null },
      { keyId: A.id, name: 'root-a', from: 'active', to: 'retired', trustedUntil: null },
    ]);
    expect(plan.revokeIssuedBy).toEqual([A.id]);
    expect(plan.witnesses).toEqual(['Wendy', 'Victor']);
    const after = applyPlan(world, plan);
    expect(after.map((k) => [k.name, k.state])).toEqual([['root-a', 'retired'], ['root-b', 'trusted'], ['root-c', 'retired'], ['root-d', 'active'], ['root-e', 'staged']]);
  });

  const refusals: { field: string; code: string; keys: KeyRecord[]; witnesses: string[]; actor?: string }[] = [
    { field: 'no witness', code: 'WITNESS_REQUIRED', keys: world, witnesses: [] },
    { field: 'blank witnesses', code: 'WITNESS_REQUIRED', keys: world, witnesses: ['', '  '] },
    { field: 'the actor as witness', code: 'WITNESS_REQUIRED', keys: world, witnesses: ['Olga'], actor: 'olga' },
    { field: 'no active key to replace', code: 'NO_ACTIVE_KEY', keys: [T, D], witnesses: ['Wendy'] },
    { field: 'a draft without certificate', code: 'KEY_NO_CERTIFICATE', keys: [A, { ...D, hasCertificate: false }], witnesses: ['Wendy'] },
  ];
  it.each(refusals)('refuses $field with $code', ({ code, keys, witnesses, actor }) => {
    expect(codeOf(() => planEmergencyActivation(keys, D.id, actor === undefined ? { clock, witnesses } : { clock, witnesses, actor }))).toBe(code);
  });
});

describe('applyPlan', () => {
  it('refuses a plan made for records that changed since', () => {
    const plan: TransitionPlan = planActivation(world, D.id, { clock });
    const changed = world.map((k) => (k.id === A.id ? { ...k, state: 'trusted' as const } : k));
    expect(codeOf(() => applyPlan(changed, plan))).toBe('INVALID_TRANSITION');
  });
});

describe('a rotation without cutting off agents', () => {
  it('A active, B activated -> A trusted; retire A refused in the window, allowed after it', () => {
    const c = fixedClock(NOW);
    let keys: KeyRecord[] = [{ ...A }, { ...D, id: id('e'), name: 'root-b' }];
    keys = applyPlan(keys, planActivation(keys, id('e'), { clock: c }));
    expect(keys.map((k) => k.state)).toEqual(['trusted', 'active']);
    expect(codeOf(() => planRetire(keys, A.id, { clock: c }))).toBe('RETIRE_REFUSED_WINDOW');
    c.advance(30 * DAY_MS);
    keys = applyPlan(keys, planRetire(keys, A.id, { clock: c }));
    expect(keys.map((k) => k.state)).toEqual(['retired', 'active']);
  });
});

describe('stage and rollback', () => {
  it('stages a draft with a valid certificate; without an active key the first key is activated directly', () => {
    expect(planStage(world, D.id, { clock }).changes).toEqual([{ keyId: D.id, name: 'root-d', from: 'draft', to: 'staged', trustedUntil: null }]);
    expect(codeOf(() => planStage([D], D.id, { clock }))).toBe('NO_ACTIVE_KEY');
    expect(codeOf(() => planStage([A, { ...D, hasCertificate: false }], D.id, { clock }))).toBe('KEY_NO_CERTIFICATE');
  });

  it('activating a staged key demotes the active key as for a draft', () => {
    const plan = planActivation(world, S.id, { clock });
    expect(plan.changes.map((c) => [c.name, c.from, c.to])).toEqual([
      ['root-e', 'staged', 'active'],
      ['root-a', 'active', 'trusted'],
    ]);
  });

  it('rolls back to the trusted key demoted last: it becomes active, the active key staged (or retired)', () => {
    const older: KeyRecord = { ...T, id: id('9'), name: 'root-old', trustedUntil: new Date('2025-06-10T00:00:00Z') };
    const newer: KeyRecord = { ...T, trustedUntil: new Date('2025-06-20T00:00:00Z') };
    const plan = planRollback([A, older, newer], { clock });
    expect(plan.action).toBe('rollback');
    expect(plan.changes).toEqual([
      { keyId: newer.id, name: 'root-b', from: 'trusted', to: 'active', trustedUntil: null },
      { keyId: A.id, name: 'root-a', from: 'active', to: 'staged', trustedUntil: null },
    ]);
    expect(applyPlan([A, older, newer], plan).map((k) => k.state)).toEqual(['staged', 'trusted', 'active']);
    expect(planRollback([A, newer], { clock, retire: true }).changes[1]?.to).toBe('retired');
  });

  it('refuses a rollback with nothing to roll back to', () => {
    expect(codeOf(() => planRollback([A, T], { clock }))).toBe('ROLLBACK_UNAVAILABLE'); // T's window closed
    expect(codeOf(() => planRollback([A, R, D], { clock }))).toBe('ROLLBACK_UNAVAILABLE');
    expect(codeOf(() => planRollback([D], { clock }))).toBe('ROLLBACK_UNAVAILABLE');
    const expired: KeyRecord = { ...T, trustedUntil: new Date('2025-06-20T00:00:00Z'), certificateNotAfter: new Date('2025-05-01T00:00:00Z') };
    expect(codeOf(() => planRollback([A, expired], { clock }))).toBe('CHAIN_EXPIRED');
  });
});
