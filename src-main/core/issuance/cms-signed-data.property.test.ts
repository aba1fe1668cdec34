/**
 * Property: every mutated or truncated renewal request, PEM or DER, ends in a
 * DomainError with a code (CMS_* for the envelope) or, when the damage misses
 * everything that matters, in a verified SignedData — never another
 * exception, never a hang. Seeds: what OpenSSL makes (ECDSA, RSA with
 * -keyid) and what the test kit makes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors.ts';
import { toPem } from '../asn1/pem.ts';
import { openssl, withTempDir } from '../../testing/issuance-fixtures.ts';
import { applyByteMutations, derMutations } from '../../testing/mutations.ts';
import { readSignedData } from './cms-signed-data.ts';

const fromOpenssl = withTempDir((dir) => {
  const run = (args: string[]) => {
    const r = openssl(args, dir);
    if (r.status !== 0) throw new Error(r.output);
  };
  run(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ec.key', '-out', 'ec.crt', '-subj', '/CN=agent-ec', '-days', '30']);
  run(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'rsa.key', '-out', 'rsa.crt', '-subj', '/CN=agent-rsa', '-days', '30']);
  run(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'n.key', '-subj', '/CN=agent-ec', '-outform', 'DER', '-out', 'n.csr']);
  run(['cms', '-sign', '-binary', '-nodetach', '-outform', 'DER', '-md', 'sha256', '-signer', 'ec.crt', '-inkey', 'ec.key', '-in', 'n.csr', '-out', 'ec.p7m']);
  run(['cms', '-sign', '-binary', '-nodetach', '-keyid', '-outform', 'DER', '-md', 'sha384', '-signer', 'rsa.crt', '-inkey', 'rsa.key', '-in', 'n.csr', '-out', 'rsa.p7m']);
  return [readFileSync(join(dir, 'ec.p7m')), readFileSync(join(dir, 'rsa.p7m'))];
});
const SEEDS_DER = fromOpenssl;
const SEEDS_PEM = SEEDS_DER.map((d) => Buffer.from(toPem(d, 'CMS')));

function outcome(input: Uint8Array): string {
  try {
    readSignedData(input);
    return 'accepted';
  } catch (e) {
    if (e instanceof DomainError) return e.code;
    throw e;
  }
}

describe('the CMS reader never crashes on damaged input', () => {
  it('the seeds verify', () => {
    for (const s of [...SEEDS_DER, ...SEEDS_PEM]) expect(outcome(s)).toBe('accepted');
  });

  it.each([
    ['DER', SEEDS_DER],
    ['PEM', SEEDS_PEM],
  ] as const)('mutated %s requests end in a CMS_* DomainError or a verified one', (_kind, seeds) => {
    fc.assert(
      fc.property(fc.nat(seeds.length - 1), derMutations, (i, list) => {
        const result = outcome(applyByteMutations(seeds[i] as Buffer, list));
        expect(result === 'accepted' || result.startsWith('CMS_')).toBe(true);
      }),
      { numRuns: 1500 },
    );
  });

  it('every prefix of a request is refused with a code', () => {
    for (const seed of [SEEDS_DER[0] as Buffer, SEEDS_PEM[0] as Buffer]) {
      for (let n = 0; n < seed.length - 1; n++) {
        const result = outcome(seed.subarray(0, n));
        // A PEM cut inside the trailing newline still holds the whole block.
        if (result !== 'accepted') expect(result).toMatch(/^CMS_/);
      }
    }
  });
});
