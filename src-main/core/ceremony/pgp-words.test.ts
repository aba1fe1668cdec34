import { describe, expect, it } from 'vitest';
import { PGP_EVEN_WORDS, PGP_ODD_WORDS, pgpWords, pgpWordsOfHex } from './pgp-words.ts';

describe('the PGP word list', () => {
  it('has 256 words in each list and 512 distinct words in all, none differing from another only in case', () => {
    expect(PGP_EVEN_WORDS).toHaveLength(256);
    expect(PGP_ODD_WORDS).toHaveLength(256);
    expect(new Set([...PGP_EVEN_WORDS, ...PGP_ODD_WORDS].map((w) => w.toLowerCase())).size).toBe(512);
  });

  it('reads the published example fingerprint as the published words (even positions from the first list, odd from the second)', () => {
    // The example of the PGP word list's description: a 20-byte PGP fingerprint and its 20 words.
    expect(pgpWordsOfHex('E582 94F2 E9A2 2748 6E8B 061B 31CC 528F D7FA 3F19').join(' ')).toBe(
      'topmost Istanbul Pluto vagabond treadmill Pacific brackish dictator goldfish Medusa afflict bravado chatter revolver Dupont midsummer stopwatch whimsical cowbell bottomless',
    );
    expect(pgpWords(Uint8Array.of(0x90, 0x30, 0xe7, 0x4b)).join(' ')).toBe('peachy commando transit disable');
  });

  it('starts at the list of the first byte’s position in the whole value, so a fingerprint’s ending reads as in the whole', () => {
    const hex = 'sha256:' + 'e58294f2e9a227486e8b061b31cc528fd7fa3f19'.padEnd(64, '0');
    const all = pgpWordsOfHex(hex);
    expect(all).toHaveLength(32);
    expect(pgpWordsOfHex(hex.slice(-8), 28)).toEqual(all.slice(-4));
    expect(pgpWordsOfHex('e5', 1)).toEqual(['travesty']);
  });

  it('refuses what is not hex digits in pairs', () => {
    expect(() => pgpWordsOfHex('abc')).toThrow(RangeError);
    expect(() => pgpWordsOfHex('zz')).toThrow(RangeError);
  });
});
