import { createHash } from 'node:crypto';
import { accessSync, constants, mkdtempSync, readdirSync, readFileSync, rmSync, statfsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

/**
 * Real folders on the real file system for tests (never a mock of fs): each
 * test file makes what it needs with tempDir() and removes them all with
 * removeTempDirs() in afterAll.
 */
const made: string[] = [];

export function tempDir(prefix = 'airgap-test-', base = tmpdir()): string {
  const dir = mkdtempSync(join(base, prefix));
  made.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Every file under `dir` (dotfiles and leftover journals included), as paths relative to it, sorted. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

/** One digest over the names and contents of every file in a folder: equal digests, unchanged folder. */
export function hashDir(dir: string): string {
  const h = createHash('sha256');
  for (const f of listFiles(dir)) h.update(f).update('\0').update(createHash('sha256').update(readFileSync(join(dir, f))).digest()).update('\0');
  return h.digest('hex');
}

/**
 * A folder in memory (tmpfs /dev/shm where the machine has one, else the usual
 * temporary folder) for suites whose faults are injected at the C library's
 * calls (libfiu), before any file system is reached: the same calls fail the
 * same way, and the thousands of fsyncs that do not fail cost nothing instead
 * of waiting on a disk. Real disks and real full volumes are tested elsewhere.
 */
export function memoryTempDir(prefix: string): string {
  try {
    accessSync('/dev/shm', constants.W_OK);
    // A container's default /dev/shm is 64 MiB: only a roomy one is used.
    const fs = statfsSync('/dev/shm');
    if (fs.bavail * fs.bsize >= 2 ** 31) return tempDir(prefix, '/dev/shm');
  } catch {
    // No /dev/shm here: the usual temporary folder.
  }
  return tempDir(prefix);
}
