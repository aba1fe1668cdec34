/**
 * Slows down guessing: after repeated failed unlocks in one process, each new
 * attempt waits longer (1 s, 2 s, 4 s … up to 30 s). Argon2id already makes
 * each guess cost; this makes an interactive brute force tedious too.
 */
export class UnlockThrottle {
  private failures = 0;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms))) {
    this.sleep = sleep;
  }

  /** The wait before the next attempt: none for the first two tries, then doubling. */
  nextDelayMs(): number {
    return this.failures < 2 ? 0 : Math.min(30_000, 1000 * 2 ** (this.failures - 2));
  }

  async beforeAttempt(): Promise<void> {
    const d = this.nextDelayMs();
    if (d > 0) await this.sleep(d);
  }

  failed(): void {
    this.failures += 1;
  }

  succeeded(): void {
    this.failures = 0;
  }

  get failureCount(): number {
    return this.failures;
  }
}
