/**
 * Whatever bytes arrive as a chain file - mutated, truncated, spliced PEM,
 * DER or PKCS#7 - the import ends in a DomainError with a known code (or,
 * when a mutation happens to be harmless, in success): never another
 * exception and never a hang.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fixedClock } from '../clock.ts';
import { DomainError, ERROR_CODES } from '../errors.ts';
import { importChain } from './chain-import.ts';
import { bytesEqual } from '../asn1/bytes.ts';
import { makeCert, makeKey, opensslWorkspace, pemOf, text } from '../../testing/chain-fixtures.ts';
import type { TestKey } from '../../testing/chain-fixtures.ts';

const clock = fixedClock('2025-06-01T00:00:00Z');
const ws = opensslWorkspace();
const corpus: Record<string, Uint8Array> = {};
let leafKey: TestKey;
let expectedChain: Uint8Array[] = [];

beforeAll(async () => {
  const rootKey = await makeKey('ecdsa-p256');
  const interKey = await makeKey('ed25519');
  leafKey = await makeKey('ecdsa-p256');
  const root = await makeCert({ subject: 'CN=Root', key: rootKey, notBefore: '2020-01-01T00:00:00Z', notAfter: '2040-01-01T00:00:00Z' });
  const inter = await makeCert({ subject: 'CN=Inter', key: interKey, issuer: { cert: root, key: rootKey }, notBefore: '2021-01-01T00:00:00Z', notAfter: '2035-01-01T00:00:00Z' });
  const leaf = await makeCert({ subject: 'CN=Leaf', key: leafKey, issuer: { cert: inter, key: interKey }, notBefore: '2022-01-01T00:00:00Z', notAfter: '2030-01-01T00:00:00Z' });
  expectedChain = [leaf.der, inter.der, root.der];
  corpus.pem = text(`chain:\n${leaf.pem}${inter.pem}\n${root.pem}`);
  corpus.der = new Uint8Array([...leaf.der, ...inter.der, ...root.der]);
  ws.write('chain.pem', pemOf(leaf, inter, root));
  ws.run('crl2pkcs7', '-nocrl', '-certfile', 'chain.pem', '-outform', 'DER', '-out', 'c.p7b');
  ws.run('crl2pkcs7', '-nocrl', '-certfile', 'chain.pem', '-outform', 'PEM', '-out', 'c.p7b.pem');
  corpus.p7der = ws.read('c.p7b');
  corpus.p7pem = ws.read('c.p7b.pem');
  // The unmutated inputs import: the property below is not vacuous.
  for (const input of Object.values(corpus)) expect((await importChain({ input, keySpki: leafKey.spki, clock })).chain).toHaveLength(3);
});
afterAll(() => ws.cleanup());

type Mutation =
  | { op: 'flip'; at: number; bit: number }
  | { op: 'set'; at: number; value: number }
  | { op: 'truncate'; at: number }
  | { op: 'delete'; at: number; length: number }
  | { op: 'insert'; at: number; bytes: Uint8Array }
  | { op: 'repeat'; at: number; length: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ op: fc.constant('set' as const), at: fc.nat(), value: fc.constantFrom(0x00, 0x30, 0x80, 0x84, 0xff, 0x2d, 0x0a, 0x3d) }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 64 }) }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 32 }) }),
  fc.record({ op: fc.constant('repeat' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 400 }) }),
);

function mutate(input: Uint8Array, muts: Mutation[]): Uint8Array {
  let b = new Uint8Array(input);
  for (const m of muts) {
    const at = b.length === 0 ? 0 : m.at % b.length;
    switch (m.op) {
      case 'flip':
        if (b.length) b[at] = (b[at] as number) ^ (1 << m.bit);
        break;
      case 'set':
        if (b.length) b[at] = m.value;
        break;
      case 'truncate':
        b = b.slice(0, at);
        break;
      case 'delete':
        b = new Uint8Array([...b.slice(0, at), ...b.slice(at + m.length)]);
        break;
      case 'insert':
        b = new Uint8Array([...b.slice(0, at), ...m.bytes, ...b.slice(at)]);
        break;
      case 'repeat':
        b = new Uint8Array([...b.slice(0, at + m.length), ...b.slice(at)]);
        break;
    }
  }
  return b;
}

const known = new Set<string>(ERROR_CODES);

async function outcome(input: Uint8Array): Promise<string> {
  try {
    const r = await importChain({ input, keySpki: leafKey.spki, clock });
    // An accepted input must yield exactly the original certificates: no altered certificate is ever accepted.
    if (r.chain.length !== 3 || !r.chain.every((d, i) => bytesEqual(d, expectedChain[i] as Uint8Array))) throw new Error('accepted an altered chain');
    return 'ok';
  } catch (e) {
    if (!(e instanceof DomainError)) throw new Error(`not a DomainError: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`, { cause: e });
    if (!known.has(e.code) || !e.code.startsWith('CHAIN_')) throw new Error(`unexpected code ${e.code}`, { cause: e });
    return e.code;
  }
}

describe('importChain on hostile input', () => {
  it.each(['pem', 'der', 'p7der', 'p7pem'])('%s: 1000 mutated inputs end in a CHAIN_* DomainError or the original chain', async (format) => {
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 4 }), async (muts) => {
        seen.add(await outcome(mutate(corpus[format] as Uint8Array, muts)));
      }),
      { numRuns: 1000, seed: 20250601 + format.length },
    );
    // The mutations reach past the parser: more than one kind of refusal occurs.
    expect(seen.size).toBeGreaterThan(2);
  });

  it('random bytes end in a CHAIN_* DomainError', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 4096 }), async (bytes) => {
        expect(await outcome(bytes)).not.toBe('ok');
      }),
      { numRuns: 1000, seed: 42 },
    );
  });

  const adversarial: { name: string; input: () => Uint8Array; code: string }[] = [
    { name: 'thousands of BEGIN lines without END', input: () => text('-----BEGIN CERTIFICATE-----\n'.repeat(30_000)), code: 'CHAIN_UNPARSEABLE' },
    { name: 'deeply nested indefinite lengths', input: () => new Uint8Array([0x30, 0x80, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02, ...Array.from({ length: 5000 }, () => [0xa0, 0x80]).flat()]), code: 'CHAIN_UNPARSEABLE' },
    { name: 'a length claiming 4 GiB', input: () => new Uint8Array([0x30, 0x84, 0xff, 0xff, 0xff, 0xff, 0x30, 0x00]), code: 'CHAIN_UNPARSEABLE' },
    { name: 'a megabyte of zeros', input: () => new Uint8Array(1024 * 1024), code: 'CHAIN_UNPARSEABLE' },
    { name: 'PEM whose base64 holds garbage', input: () => text('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'), code: 'CHAIN_UNPARSEABLE' },
  ];
  it.each(adversarial)('$name -> $code', async ({ input, code }) => {
    expect(await outcome(input())).toBe(code);
  });
});
