import { describe, expect, it } from 'vitest';
import { readBackMatches } from './read-back.ts';

const FP = 'sha256:' + 'fedcba9876543210'.repeat(3) + 'e58294f2e9a22748';

describe('readBackMatches', () => {
  it('takes the last two groups as hex, in groups or not, any case, with or without the prefix', () => {
    for (const t of ['e9a2 2748', 'E9A22748', ' e9a2  2748 ', 'sha256:e9a2 2748']) expect(readBackMatches(t, FP)).toBe(true);
  });

  it('takes their four PGP words, as the kit prints them, in any case', () => {
    expect(readBackMatches('treadmill Pacific brackish dictator', FP)).toBe(true);
    expect(readBackMatches('TREADMILL pacific,  brackish dictator', FP)).toBe(true);
  });

  it('refuses a near miss, the words in another order, the start of the fingerprint, and nothing typed', () => {
    for (const t of ['e9a2 2749', 'Pacific treadmill brackish dictator', 'treadmill Pacific brackish', 'fedc ba98', '', '   ']) expect(readBackMatches(t, FP)).toBe(false);
    // The same bytes read with the other list (as if they sat at even positions) are other words.
    expect(readBackMatches('treadmill Pacific brackish dictator', 'sha256:' + 'e9a22748' + '0'.repeat(56))).toBe(false);
  });
});
