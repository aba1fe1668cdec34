import { beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../clock.ts';
import { selfSignRoot } from './self-sign.ts';
import { checkKeyHealth } from './health.ts';
import type { HealthInput } from './health.ts';
import { makeCert, makeKey } from '../../testing/chain-fixtures.ts';
import type { TestCert, TestKey } from '../../testing/chain-fixtures.ts';

const NOW = '2025-06-01T00:00:00Z';
let key: TestKey, other: TestKey, rootKey: TestKey, subKey: TestKey;
let rootCert: Uint8Array, corpRoot: TestCert, sub: TestCert;

beforeAll(async () => {
  [key, other, rootKey, subKey] = await Promise.all([makeKey('ecdsa-p256'), makeKey('ecdsa-p256'), makeKey('ecdsa-p384'), makeKey('ed25519')]);
  rootCert = (await selfSignRoot({ algorithm: 'ecdsa-p256', pkcs8: key.pkcs8, spki: key.spki, subject: 'CN=Acme Agents CA', days: 365, clock: fixedClock('2025-01-01T00:00:00Z') })).der;
  corpRoot = await makeCert({ subject: 'CN=Corp Root', key: rootKey, notBefore: '2020-01-01T00:00:00Z', notAfter: '2040-01-01T00:00:00Z' });
  sub = await makeCert({ subject: 'CN=Acme Sub CA', key: subKey, issuer: { cert: corpRoot, key: rootKey }, notBefore: '2025-01-01T00:00:00Z', notAfter: '2027-01-01T00:00:00Z' });
});

function input(over: Partial<HealthInput> = {}): HealthInput {
  return { id: key.keyId, algorithm: 'ecdsa-p256', state: 'active', spki: key.spki, unwrapPrivateKey: () => new Uint8Array(key.pkcs8), certificate: rootCert, chain: [], clock: fixedClock(NOW), ...over };
}

describe('checkKeyHealth', () => {
  it('a good standalone root: usable, matching, valid, days to NotAfter', async () => {
    const h = await checkKeyHealth(input());
    expect(h).toMatchObject({ keyId: key.keyId, healthy: true, privateKeyUsable: true, publicKeyMatches: true, certificateMatchesKey: true, chainValidNow: true, notAfter: '2026-01-01T00:00:00.000Z', daysToNotAfter: 214, problems: [] });
    expect(h.warnings).toEqual([]);
  });

  it('a good sub-CA with its chain', async () => {
    const h = await checkKeyHealth(input({ id: subKey.keyId, algorithm: 'ed25519', spki: subKey.spki, unwrapPrivateKey: async () => new Uint8Array(subKey.pkcs8), certificate: sub.der, chain: [corpRoot.der] }));
    expect(h.healthy).toBe(true);
    expect(h.chainValidNow).toBe(true);
  });

  it('zeroes the unwrapped private key after the check', async () => {
    const copy = new Uint8Array(key.pkcs8);
    await checkKeyHealth(input({ unwrapPrivateKey: () => copy }));
    expect(copy.every((b) => b === 0)).toBe(true);
  });

  const sick: { field: string; over: () => Partial<HealthInput>; expect: Record<string, unknown>; says: RegExp }[] = [
    { field: 'private key does not unwrap', over: () => ({ unwrapPrivateKey: () => { throw new Error('GCM tag mismatch'); } }), expect: { privateKeyUsable: false, publicKeyMatches: false }, says: /could not be unwrapped/ },
    { field: 'private key of another key', over: () => ({ unwrapPrivateKey: () => new Uint8Array(other.pkcs8) }), expect: { privateKeyUsable: false, publicKeyMatches: false }, says: /does not belong/ },
    { field: 'private key garbage', over: () => ({ unwrapPrivateKey: () => new Uint8Array([1, 2, 3]) }), expect: { privateKeyUsable: false }, says: /cannot sign/ },
    { field: 'certificate of another key', over: () => ({ id: subKey.keyId, algorithm: 'ed25519', spki: subKey.spki, unwrapPrivateKey: () => new Uint8Array(subKey.pkcs8), certificate: rootCert }), expect: { privateKeyUsable: true, certificateMatchesKey: false }, says: /certifies another key/ },
    { field: 'certificate expired', over: () => ({ clock: fixedClock('2026-01-01T00:00:01Z') }), expect: { chainValidNow: false, daysToNotAfter: -1 }, says: /expired/ },
    { field: 'chain without its root', over: () => ({ id: subKey.keyId, algorithm: 'ed25519', spki: subKey.spki, unwrapPrivateKey: () => new Uint8Array(subKey.pkcs8), certificate: sub.der, chain: [] }), expect: { chainValidNow: false, certificateMatchesKey: true }, says: /root/ },
    { field: 'certificate unreadable', over: () => ({ certificate: new Uint8Array([0x30, 0x03, 1, 2, 3]) }), expect: { chainValidNow: false }, says: /unreadable/ },
    { field: 'active key without certificate', over: () => ({ certificate: null }), expect: { certificateMatchesKey: null, chainValidNow: null }, says: /no certificate/ },
    { field: 'key id not the public key hash', over: () => ({ id: other.keyId }), expect: { publicKeyMatches: false }, says: /key id does not match/ },
  ];
  it.each(sick)('reports $field as a problem, without throwing', async ({ over, expect: fields, says }) => {
    const h = await checkKeyHealth(input(over()));
    expect(h.healthy).toBe(false);
    expect(h).toMatchObject(fields);
    expect(h.problems.join(' ')).toMatch(says);
  });

  it('a draft without certificate is healthy, with a hint what to do next', async () => {
    const h = await checkKeyHealth(input({ state: 'draft', certificate: null }));
    expect(h.healthy).toBe(true);
    expect(h.warnings.join(' ')).toMatch(/self-sign/);
  });

  it('warns an active key 89 days before expiry, not 91', async () => {
    expect((await checkKeyHealth(input({ clock: fixedClock('2025-10-04T00:00:00Z') }))).warnings.join(' ')).toMatch(/expires in 89 days/);
    expect((await checkKeyHealth(input({ clock: fixedClock('2025-10-02T00:00:00Z') }))).warnings).toEqual([]);
  });
});
