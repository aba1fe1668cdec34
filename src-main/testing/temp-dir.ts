import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

/**
 * Real folders on the real file system for tests (never a mock of fs): each
 * test file makes what it needs with tempDir() and removes them all with
 * removeTempDirs() in afterAll.
 */
const made: string[] = [];

export function tempDir(prefix = 'airgap-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
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
