/**
 * Property: a custodian share file is untrusted bytes. Whatever is done to a
 * genuine one (bit flips, truncations, splices, one JSON field changed,
 * removed or added), parseShareFile either refuses it with SHARE_CORRUPT or —
 * only when the change did not alter its content (JSON whitespace) — returns
 * exactly the original share. Never another exception.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { anyMutation, applyByteMutation, applyJsonMutation, refusalOf, type Mutation } from '../../testing/mutations.ts';
import { makeShareFile, parseShareFile } from './custodian-share.ts';

const genuine = makeShareFile({
  vaultId: '6f1c2d3e-4a5b-4c6d-8e7f-8091a2b3c4d5',
  slotId: 'a1b2c3d4',
  threshold: 2,
  total: 3,
  index: 2,
  share: Buffer.alloc(33, 0x5a).toString('base64url'),
});
const original = parseShareFile(genuine, 'genuine.json');

function mutate(m: Mutation): Buffer {
  return m.kind.startsWith('json-') ? Buffer.from(applyJsonMutation(genuine, m as Extract<Mutation, { kind: `json-${string}` }>)) : applyByteMutation(Buffer.from(genuine), m as Exclude<Mutation, { kind: `json-${string}` }>);
}

describe('parseShareFile on mutated share files', () => {
  it('the genuine file parses', () => {
    expect(original).toMatchObject({ index: 2, threshold: 2, total: 3 });
  });

  it('refuses every content change with SHARE_CORRUPT naming the file (4000 mutations)', () => {
    let refused = 0;
    fc.assert(
      fc.property(anyMutation, fc.boolean(), (m, asString) => {
        const bytes = mutate(m);
        let message = '';
        const r = refusalOf(() => {
          try {
            return parseShareFile(asString ? bytes.toString('utf8') : bytes, 'custodian-2.json');
          } catch (e) {
            message = (e as Error).message;
            throw e;
          }
        });
        if (r.refused) {
          refused += 1;
          expect(r.code).toBe('SHARE_CORRUPT');
          expect(message).toContain('custodian-2.json');
        } else {
          expect(r.value).toEqual(original);
        }
      }),
      { numRuns: 4000 },
    );
    expect(refused).toBeGreaterThan(3000);
  });

  it('names the file in the refusal', () => {
    expect(() => parseShareFile(genuine.slice(0, 40), 'custodian-2.json')).toThrow(/custodian-2\.json/);
  });
});
