/**
 * Property: every mutated or truncated request, PEM or DER, ends in a
 * DomainError with a CSR_* code (or, when the damage misses everything that
 * matters, in a verified request) — never another exception, never a hang.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DomainError } from '../errors.ts';
import { parseAndVerifyCsr } from './csr-intake.ts';
import { makeCsr, openssl, withTempDir } from '../../testing/issuance-fixtures.ts';
import { applyByteMutations, derMutations } from '../../testing/mutations.ts';
import { toPem } from '../asn1/pem.ts';

const opensslCsr = withTempDir((dir) => {
  const r = openssl(['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'k.pem', '-subj', '/O=Acme/CN=rsa agent', '-addext', 'subjectAltName=DNS:r.example,IP:10.1.2.3', '-outform', 'DER', '-out', 'r.der'], dir);
  if (r.status !== 0) throw new Error(r.output);
  return readFileSync(join(dir, 'r.der'));
});

const SEEDS_DER = [
  makeCsr('p256', 'agent-7', { dns: ['agent-7.example'], ip: ['192.0.2.9', '2001:db8::9'], email: ['a@b.example'], uri: ['spiffe://f/a'] }),
  makeCsr('ed25519', 'ed agent'),
  makeCsr('p384'),
  opensslCsr,
];
const SEEDS_PEM = SEEDS_DER.map((d) => Buffer.from(toPem(d, 'CERTIFICATE REQUEST')));

function outcome(input: Uint8Array): string {
  try {
    parseAndVerifyCsr(input);
    return 'accepted';
  } catch (e) {
    if (e instanceof DomainError) return e.code;
    throw e;
  }
}

describe('CSR intake never crashes on damaged input', () => {
  it.each([
    ['DER', SEEDS_DER],
    ['PEM', SEEDS_PEM],
  ] as const)('mutated and truncated %s requests end in a CSR_* DomainError', (_kind, seeds) => {
    fc.assert(
      fc.property(fc.nat(seeds.length - 1), derMutations, (i, list) => {
        const result = outcome(applyByteMutations(seeds[i] as Buffer, list));
        expect(result === 'accepted' || result.startsWith('CSR_')).toBe(true);
      }),
      { numRuns: 4000 },
    );
  });

  it('every prefix of a request is refused with a code', () => {
    for (const seed of [...SEEDS_DER, ...SEEDS_PEM.slice(0, 1)]) {
      for (let n = 0; n < seed.length - 1; n++) {
        const result = outcome(seed.subarray(0, n));
        // A PEM cut inside the trailing newline still holds the whole block.
        if (result !== 'accepted') expect(result).toMatch(/^CSR_/);
      }
    }
  });

  it('random bytes are refused with a code', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        expect(outcome(bytes)).toMatch(/^CSR_/);
      }),
      { numRuns: 3000 },
    );
  });

  it('the unmutated seeds are accepted', () => {
    for (const s of [...SEEDS_DER, ...SEEDS_PEM]) expect(outcome(s)).toBe('accepted');
  });
});
