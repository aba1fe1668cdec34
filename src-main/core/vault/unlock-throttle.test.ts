import { describe, expect, it } from 'vitest';
import { UnlockThrottle } from './unlock-throttle.ts';

describe('UnlockThrottle', () => {
  it('waits longer after each failure: none for two tries, then 1 s doubling up to 30 s', async () => {
    const slept: number[] = [];
    const t = new UnlockThrottle(async (ms) => void slept.push(ms));
    const waits: number[] = [];
    for (let i = 0; i < 9; i++) {
      waits.push(t.nextDelayMs());
      await t.beforeAttempt();
      t.failed();
    }
    expect(waits).toEqual([0, 0, 1000, 2000, 4000, 8000, 16000, 30000, 30000]);
    expect(slept).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000]);
    expect(t.failureCount).toBe(9);
  });

  it('a success resets it', async () => {
    const slept: number[] = [];
    const t = new UnlockThrottle(async (ms) => void slept.push(ms));
    for (let i = 0; i < 4; i++) t.failed();
    await t.beforeAttempt();
    t.succeeded();
    await t.beforeAttempt();
    expect(slept).toEqual([4000]);
    expect(t.nextDelayMs()).toBe(0);
  });
});
