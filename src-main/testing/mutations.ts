import fc from 'fast-check';

/**
 * Mutations of untrusted files for the property tests of their parsers: bit
 * flips, truncations, splices (insert, delete, duplicate, overwrite a range),
 * and mutations of one JSON field (set to a hostile value, delete it, add a
 * sibling). A mutation is plain data, so fast-check prints and shrinks it.
 */
export type ByteMutation =
  | { kind: 'flip'; at: number; xor: number }
  | { kind: 'truncate'; keep: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'duplicate'; at: number; length: number }
  | { kind: 'overwrite'; at: number; bytes: Uint8Array }
  /** Sets one byte to a value a DER length octet is likeliest to break a walker with. */
  | { kind: 'length-octet'; at: number; pick: number };

export type JsonMutation =
  | { kind: 'json-set'; path: number; value: unknown }
  | { kind: 'json-delete'; path: number }
  | { kind: 'json-add'; path: number; key: string; value: unknown };

export type Mutation = ByteMutation | JsonMutation;

const HUGE = 'x'.repeat(300_000);

/** Values chosen to sit on and around the schemas' bounds, plus type confusion and sheer size. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    null, true, false, 0, -1, 1, 2, 3, 255, 256, 1.5, -0, 1e308, Number.MAX_SAFE_INTEGER, 2 ** 53 + 2,
    19_455, 19_456, 131_072, 4_194_304, 4_194_305, 64, 65, 16, 17,
    '', 'x', '0'.repeat(64), 'f'.repeat(63), 'A'.repeat(44), 'A'.repeat(43), '2026-03-01T12:00:00.000Z', '2026-02-30T12:00:00Z', 'not a date',
    '00000000-0000-4000-8000-000000000000', 'passphrase', 'quorum', 'argon2id', 'argon2i', 'chacha20', 'aes256cbc', 'vault.db', '../vault.db',
    'airgap-ca-vault', 'airgap-ca-custodian-share', '__proto__', 'constructor', HUGE, [], {}, [null], { a: 1 },
  ),
  fc.string({ maxLength: 80 }),
  fc.integer(),
  fc.double(),
  fc.array(fc.oneof(fc.integer(), fc.string({ maxLength: 8 })), { maxLength: 4 }),
  fc.dictionary(fc.string({ maxLength: 6 }), fc.oneof(fc.integer(), fc.string({ maxLength: 6 })), { maxKeys: 3 }),
);

export const byteMutation: fc.Arbitrary<ByteMutation> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), xor: fc.integer({ min: 1, max: 255 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('truncate' as const), keep: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 64 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 256 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('overwrite' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }) },
);

const LENGTH_OCTETS = [0x80, 0x81, 0x84, 0xff, 0x00, 0x7f] as const;

/** Byte mutations plus odd length octets, for the DER parsers (CSRs, CRLs, certificates). */
export const derMutation: fc.Arbitrary<ByteMutation> = fc.oneof(
  { weight: 5, arbitrary: byteMutation },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('length-octet' as const), at: fc.nat(), pick: fc.nat(LENGTH_OCTETS.length - 1) }) },
);

/** One to four DER mutations, applied in order by {@link applyByteMutations}. */
export const derMutations: fc.Arbitrary<ByteMutation[]> = fc.array(derMutation, { minLength: 1, maxLength: 4 });

export function applyByteMutations(input: Uint8Array, list: readonly ByteMutation[]): Buffer {
  return list.reduce<Buffer>((b, m) => applyByteMutation(b, m), Buffer.from(input));
}

export const jsonMutation: fc.Arbitrary<JsonMutation> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('json-set' as const), path: fc.nat(), value: hostileValue }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('json-delete' as const), path: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('json-add' as const), path: fc.nat(), key: fc.constantFrom('extra', 'mac', 'slots', '__proto__', 'kdf', 'wrap', 'share'), value: hostileValue }) },
);

export const anyMutation: fc.Arbitrary<Mutation> = fc.oneof({ weight: 3, arbitrary: byteMutation }, { weight: 2, arbitrary: jsonMutation });

export function applyByteMutation(input: Uint8Array, m: ByteMutation): Buffer {
  const b = Buffer.from(input);
  const n = b.length;
  const at = n === 0 ? 0 : m.kind === 'truncate' ? 0 : m.at % (n + (m.kind === 'insert' ? 1 : 0));
  switch (m.kind) {
    case 'flip': {
      if (n === 0) return b;
      const out = Buffer.from(b);
      out[at] = out[at]! ^ m.xor;
      return out;
    }
    case 'truncate':
      return b.subarray(0, n === 0 ? 0 : m.keep % n);
    case 'insert':
      return Buffer.concat([b.subarray(0, at), m.bytes, b.subarray(at)]);
    case 'delete':
      return Buffer.concat([b.subarray(0, at), b.subarray(at + m.length)]);
    case 'duplicate':
      return Buffer.concat([b.subarray(0, at + m.length), b.subarray(at, at + m.length), b.subarray(at + m.length)]);
    case 'overwrite': {
      const out = Buffer.from(b);
      Buffer.from(m.bytes).copy(out, at);
      return out;
    }
    case 'length-octet': {
      if (n === 0) return b;
      const out = Buffer.from(b);
      out[at] = LENGTH_OCTETS[m.pick % LENGTH_OCTETS.length]!;
      return out;
    }
  }
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type PathStep = string | number;

/** Every path into a JSON document (the root excluded), in document order. */
function paths(doc: Json, prefix: PathStep[] = []): PathStep[][] {
  if (doc === null || typeof doc !== 'object') return [];
  const entries: Array<[PathStep, Json]> = Array.isArray(doc) ? doc.map((v, i) => [i, v]) : Object.entries(doc);
  return entries.flatMap(([k, v]) => [[...prefix, k], ...paths(v, [...prefix, k])]);
}

/** Applies a JSON mutation to the text of one JSON document (re-serialized compactly). */
export function applyJsonMutation(text: string, m: JsonMutation): string {
  const doc = JSON.parse(text) as Json;
  const all = paths(doc);
  if (all.length === 0) return text;
  const path = all[m.path % all.length]!;
  const parent = path.slice(0, -1).reduce<Json>((node, k) => (node as Record<string, Json>)[k as string] as Json, doc) as Record<string | number, unknown> | unknown[];
  const last = path[path.length - 1]!;
  if (m.kind === 'json-set') (parent as Record<string | number, unknown>)[last] = m.value;
  else if (m.kind === 'json-delete') {
    if (Array.isArray(parent)) parent.splice(last as number, 1);
    else delete (parent as Record<string, unknown>)[last];
  } else if (Array.isArray(parent)) parent.push(m.value);
  else Object.defineProperty(parent, m.key, { value: m.value, enumerable: true, configurable: true, writable: true });
  return JSON.stringify(doc);
}

export { refusalOf, refusalOfAsync } from './refusals.ts';
