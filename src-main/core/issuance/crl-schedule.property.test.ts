/**
 * The windows and numbers of a pre-signed set, for any count, validity,
 * overlap, current CRL and highest number used: windows follow each other
 * and overlap the one before by exactly the overlap, the first chains from
 * the current CRL (never opening in the past), numbers are consecutive and
 * above every number used; a validity within the overlap or a count outside
 * 1..MAX is refused with its code.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DAY_MS } from '../clock.ts';
import { codeOf } from '../../testing/refusals.ts';
import { MAX_PRESIGNED_CRLS, planSchedule, scheduleStaleness } from './crl-schedule.ts';

const NOW = new Date('2026-12-02T04:00:00.500Z');

describe('planSchedule (property)', () => {
  it('overlapping, chained windows and consecutive numbers above every number used', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: MAX_PRESIGNED_CRLS }),
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 1, max: 60 }),
        fc.option(fc.record({ number: fc.integer({ min: 1, max: 2 ** 40 }), endsInDays: fc.integer({ min: -30, max: 60 }) })),
        fc.integer({ min: 0, max: 2 ** 41 }),
        (count, overlapDays, extra, current, highest) => {
          const validityDays = overlapDays + extra;
          const after = current ? { number: current.number, nextUpdate: new Date(NOW.getTime() + current.endsInDays * DAY_MS).toISOString() } : null;
          const plan = planSchedule({ count, validityDays, overlapDays, after }, highest, NOW);
          expect(plan).toHaveLength(count);
          const nowSecond = Math.floor(NOW.getTime() / 1000) * 1000;
          const opens = after ? Math.max(nowSecond, Math.floor((new Date(after.nextUpdate).getTime() - overlapDays * DAY_MS) / 1000) * 1000) : nowSecond;
          expect(plan[0]!.thisUpdate.getTime()).toBe(opens);
          expect(plan[0]!.number).toBe(Math.max(highest + 1, (after?.number ?? 0) + 1, Math.floor(NOW.getTime() / 1000)));
          if (after && new Date(after.nextUpdate).getTime() > NOW.getTime()) expect(plan[0]!.thisUpdate.getTime()).toBeLessThan(new Date(after.nextUpdate).getTime());
          for (const [i, p] of plan.entries()) {
            expect(p.nextUpdate.getTime() - p.thisUpdate.getTime()).toBe(validityDays * DAY_MS);
            expect(p.thisUpdate.getTime() % 1000).toBe(0);
            if (i === 0) continue;
            const prev = plan[i - 1]!;
            expect(p.number).toBe(prev.number + 1);
            expect(p.thisUpdate.getTime()).toBeGreaterThan(prev.thisUpdate.getTime());
            expect(prev.nextUpdate.getTime() - p.thisUpdate.getTime()).toBe(overlapDays * DAY_MS);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('refuses a validity within the overlap and a count outside 1..MAX, whatever else', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 0, max: 59 }), (overlapDays, shortBy) => {
        const validityDays = Math.max(1, overlapDays - shortBy);
        expect(codeOf(() => planSchedule({ count: 3, validityDays, overlapDays, after: null }, 0, NOW))).toBe('PRESIGN_VALIDITY_TOO_SHORT');
      }),
    );
    for (const count of [0, -1, MAX_PRESIGNED_CRLS + 1, 1.5]) expect(codeOf(() => planSchedule({ count, validityDays: 7, overlapDays: 2, after: null }, 0, NOW))).toBe('INVALID_INPUT');
  });

  it('a set is stale after a later revocation or a higher regular CRL number, and only then', () => {
    const crls = [100, 101, 102].map((number) => ({ number, thisUpdate: '', nextUpdate: '', entries: 0, der: Buffer.alloc(0) }));
    const set = { revocationsThrough: 7, crls };
    expect(scheduleStaleness(set, { revocationMark: 7, lastCrlNumber: 99 })).toEqual({ stale: false });
    expect(scheduleStaleness(set, { revocationMark: 7, lastCrlNumber: 102 })).toEqual({ stale: false });
    expect(scheduleStaleness(set, { revocationMark: 8, lastCrlNumber: 99 })).toMatchObject({ stale: true, reason: 'revoked' });
    expect(scheduleStaleness(set, { revocationMark: 7, lastCrlNumber: 103 })).toMatchObject({ stale: true, reason: 'superseded' });
  });
});
