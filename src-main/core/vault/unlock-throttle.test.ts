import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTempDirs, tempDir } from '../../testing/temp-dir.ts';
import { FAILURES_FILE, fileFailureStore, UnlockThrottle } from './unlock-throttle.ts';

afterAll(removeTempDirs);

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

describe('UnlockThrottle across processes and concurrent attempts', () => {
  it('keeps the failure count in a file beside the header: a new throttle (a new CLI call) continues it', async () => {
    const dir = tempDir('airgap-throttle-');
    const slept: number[] = [];
    const first = new UnlockThrottle(async (ms) => void slept.push(ms), fileFailureStore(dir));
    for (let i = 0; i < 3; i++) first.failed();
    expect(JSON.parse(readFileSync(join(dir, FAILURES_FILE), 'utf8'))).toEqual({ failures: 3 });
    const second = new UnlockThrottle(async (ms) => void slept.push(ms), fileFailureStore(dir));
    expect(second.failureCount).toBe(3);
    await second.beforeAttempt();
    expect(slept).toEqual([2000]);
    second.succeeded();
    expect(new UnlockThrottle(async () => undefined, fileFailureStore(dir)).nextDelayMs()).toBe(0);
  });

  it('a garbled count file counts as none, and a folder that does not exist is not created', () => {
    const dir = tempDir('airgap-throttle-');
    writeFileSync(join(dir, FAILURES_FILE), '{"failures":-5}');
    expect(fileFailureStore(dir).read()).toBe(0);
    const missing = join(dir, 'no-vault-yet');
    const t = new UnlockThrottle(async () => undefined, fileFailureStore(missing));
    t.failed();
    t.failed();
    t.failed();
    expect(t.failureCount).toBe(3);
    expect(existsSync(missing)).toBe(false);
  });

  it('runs concurrent attempts one at a time, each seeing the failures before it', async () => {
    const slept: number[] = [];
    const t = new UnlockThrottle(async (ms) => void slept.push(ms));
    let running = 0;
    let maxRunning = 0;
    const attempt = () =>
      t.exclusive(async () => {
        running += 1;
        maxRunning = Math.max(maxRunning, running);
        await t.beforeAttempt();
        await new Promise((r) => setTimeout(r, 5));
        t.failed();
        running -= 1;
        throw new Error('wrong');
      });
    const results = await Promise.allSettled([attempt(), attempt(), attempt(), attempt(), attempt()]);
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    expect(maxRunning).toBe(1);
    expect(t.failureCount).toBe(5);
    expect(slept).toEqual([1000, 2000, 4000]);
  });
});
