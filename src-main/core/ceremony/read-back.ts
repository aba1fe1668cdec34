import { pgpWordsOfHex } from './pgp-words.ts';

/**
 * Does what the officer typed match the last two groups of `fingerprint`
 * ("sha256:" + 64 hex) as the witnesses read them off the printed kit? The
 * kit prints them as hex ("8da9 05e5") and as their four PGP words ("optic
 * passenger adult travesty"); either is taken, in any case and spacing, the
 * hex with or without "sha256:". Node-free: the console's confirmation uses it.
 */
export function readBackMatches(typed: string, fingerprint: string): boolean {
  const hex = fingerprint.replace(/^sha256:/, '').toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(hex)) return false;
  const ending = hex.slice(-8);
  const compact = typed.replace(/\s/g, '').toLowerCase();
  if (compact === '') return false;
  if ((compact.startsWith('sha256:') ? compact.slice(7) : compact) === ending) return true;
  const words = typed.trim().toLowerCase().split(/[\s,.-]+/).filter(Boolean);
  const expected = pgpWordsOfHex(ending, 28).map((w) => w.toLowerCase());
  return words.length === expected.length && words.every((w, i) => w === expected[i]);
}
