import { resolve } from 'node:path';

/** Each share goes to its own medium: the first folder given twice (compared resolved), as [its first share, the share repeating it], 1-based; null when all differ. */
export function repeatedFolder(dirs: readonly string[]): { dir: string; first: number; again: number } | null {
  const seen = new Map<string, number>();
  for (const [i, d] of dirs.entries()) {
    const key = resolve(d);
    const first = seen.get(key);
    if (first !== undefined) return { dir: d, first, again: i + 1 };
    seen.set(key, i + 1);
  }
  return null;
}

