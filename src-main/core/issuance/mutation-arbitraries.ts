/**
 * fast-check arbitraries that damage valid inputs the way files get damaged
 * or forged: flipped bits, truncation, inserted/deleted/duplicated runs, and
 * overwritten length octets. Used by the parsers' property tests.
 */
import fc from 'fast-check';

export type Mutation =
  | { kind: 'flip'; at: number; xor: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'delete'; at: number; count: number }
  | { kind: 'duplicate'; at: number; count: number }
  | { kind: 'set'; at: number; value: number };

/** Positions are fractions of the input length, so one mutation list fits any input. */
const position = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

const mutation: fc.Arbitrary<{ kind: Mutation['kind']; pos: number; n: number; bytes: Uint8Array }> = fc.record({
  kind: fc.constantFrom('flip', 'truncate', 'insert', 'delete', 'duplicate', 'set'),
  pos: position,
  n: fc.integer({ min: 1, max: 255 }),
  bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }),
});

export function applyMutations(input: Uint8Array, list: readonly { kind: Mutation['kind']; pos: number; n: number; bytes: Uint8Array }[]): Buffer {
  let b = Buffer.from(input);
  for (const m of list) {
    if (b.length === 0) break;
    const at = Math.floor(m.pos * b.length);
    switch (m.kind) {
      case 'flip':
        b[at] = (b[at] as number) ^ m.n;
        break;
      case 'set':
        // Length octets are the likeliest to crash a walker: give them odd values.
        b[at] = [0x80, 0x81, 0x84, 0xff, 0x00, 0x7f][m.n % 6] as number;
        break;
      case 'truncate':
        b = b.subarray(0, at);
        break;
      case 'insert':
        b = Buffer.concat([b.subarray(0, at), m.bytes, b.subarray(at)]);
        break;
      case 'delete':
        b = Buffer.concat([b.subarray(0, at), b.subarray(Math.min(b.length, at + (m.n % 16) + 1))]);
        break;
      case 'duplicate':
        b = Buffer.concat([b.subarray(0, at), b.subarray(at, at + (m.n % 16) + 1), b.subarray(at)]);
        break;
    }
  }
  return b;
}

export const mutations = fc.array(mutation, { minLength: 1, maxLength: 4 });
