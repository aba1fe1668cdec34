import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where the count of failed unlocks lives between processes. */
export interface FailureStore {
  read(): number;
  write(failures: number): void;
}

export const FAILURES_FILE = 'vault-unlock-failures.json';

/**
 * The failure count in a small file beside the header, so that each CLI call
 * (a new process) does not start from zero. It cannot be under the header's
 * MAC: that needs the vault key, which a failed attempt does not have. Someone
 * who can write the vault folder can therefore reset it, but such a person can
 * as well copy the header away and guess offline at Argon2id's full speed; the
 * count only slows guessing through Airgap CA itself. A missing or unreadable
 * file counts as no failures; a folder that cannot be written (no vault yet)
 * keeps the count in memory.
 */
export function fileFailureStore(vaultDir: string): FailureStore {
  const path = join(vaultDir, FAILURES_FILE);
  let inMemory = 0;
  return {
    read() {
      try {
        const v = (JSON.parse(readFileSync(path, 'utf8')) as { failures?: unknown }).failures;
        return typeof v === 'number' && Number.isInteger(v) && v >= 0 ? Math.max(v, inMemory) : inMemory;
      } catch {
        return inMemory;
      }
    },
    write(failures) {
      inMemory = failures;
      if (!existsSync(vaultDir)) return;
      try {
        if (failures === 0 && !existsSync(path)) return;
        writeFileSync(path, JSON.stringify({ failures }) + '\n', { mode: 0o600 });
      } catch {
        // Read-only folder: the in-memory count still throttles this process.
      }
    },
  };
}

export function memoryFailureStore(): FailureStore {
  let n = 0;
  return {
    read: () => n,
    write: (v) => {
      n = v;
    },
  };
}

/**
 * Slows down guessing: after repeated failed unlocks, each new attempt waits
 * longer (1 s, 2 s, 4 s … up to 30 s). Argon2id already makes each guess cost;
 * this makes an interactive brute force tedious too. Attempts run one at a
 * time (exclusive), so concurrent unlocks over IPC wait their turn and each
 * sees the failures of the ones before it.
 */
export class UnlockThrottle {
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly store: FailureStore;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)), store: FailureStore = memoryFailureStore()) {
    this.sleep = sleep;
    this.store = store;
  }

  /** The wait before the next attempt: none for the first two tries, then doubling. */
  nextDelayMs(): number {
    const failures = this.store.read();
    return failures < 2 ? 0 : Math.min(30_000, 1000 * 2 ** (failures - 2));
  }

  async beforeAttempt(): Promise<void> {
    const d = this.nextDelayMs();
    if (d > 0) await this.sleep(d);
  }

  failed(): void {
    this.store.write(this.store.read() + 1);
  }

  succeeded(): void {
    this.store.write(0);
  }

  get failureCount(): number {
    return this.store.read();
  }

  /** Runs one attempt after every attempt started before it has finished. */
  exclusive<T>(attempt: () => Promise<T>): Promise<T> {
    const run = this.queue.then(attempt, attempt);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
