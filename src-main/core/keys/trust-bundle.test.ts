import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS, fixedClock } from '../clock.ts';
import { trustAnchorSchema } from './trust-anchor.ts';
import type { KeyAlgorithm } from '../pki/algorithms.ts';
import { selfSignRoot } from './self-sign.ts';
import { importChain } from './chain-import.ts';
import { applyPlan, planActivation, planEmergencyActivation, planPromote, planRetire } from './lifecycle.ts';
import type { KeyRecord } from './lifecycle.ts';
import { buildTrustBundle } from './trust-bundle.ts';
import { buildTrustAnchor, serializeTrustAnchor } from './trust-anchor.ts';
import type { AnchorKey } from './trust-anchor.ts';
import { readChainFile } from './chain-file.ts';
import { bytesEqual } from '../asn1/bytes.ts';
import { toPem } from '../asn1/pem.ts';
import { keyIdOf } from '../asn1/key-id.ts';
import { makeCert, makeKey, opensslWorkspace, pemOf } from '../../testing/chain-fixtures.ts';
import type { TestCert, TestKey } from '../../testing/chain-fixtures.ts';

/**
 * A small world: A and C standalone roots, B a sub-CA under a corporate
 * intermediate I and root R, D a standalone root for the emergency.
 * The lifecycle walks the states and the bundle is checked at each step.
 */
const T0 = new Date('2025-01-10T00:00:00Z');
const clock = fixedClock(T0);
const ws = opensslWorkspace();

interface Key extends AnchorKey, KeyRecord {
  algorithm: KeyAlgorithm;
}

let keys: Key[] = [];
let rootR: TestCert, interI: TestCert, iKey: TestKey;
let certA: Uint8Array, certB: Uint8Array, certC: Uint8Array, certD: Uint8Array;
let ids: Record<'A' | 'B' | 'C' | 'D', string>;

async function standalone(alg: KeyAlgorithm, cn: string): Promise<{ k: TestKey; der: Uint8Array }> {
  const k = await makeKey(alg);
  const root = await selfSignRoot({ algorithm: alg, pkcs8: k.pkcs8, spki: k.spki, subject: `CN=${cn},O=Acme`, days: 3650, clock: fixedClock('2025-01-01T00:00:00Z') });
  return { k, der: root.der };
}

beforeAll(async () => {
  const a = await standalone('ecdsa-p256', 'Acme Agents CA A');
  const c = await standalone('ed25519', 'Acme Agents CA C');
  const d = await standalone('ecdsa-p384', 'Acme Agents CA D');
  const rKey = await makeKey('ecdsa-p384');
  iKey = await makeKey('ecdsa-p256');
  const bKey = await makeKey('rsa-3072');
  rootR = await makeCert({ subject: 'CN=Corp Root,O=Corp', key: rKey, notBefore: '2020-01-01T00:00:00Z', notAfter: '2040-01-01T00:00:00Z' });
  interI = await makeCert({ subject: 'CN=Corp Issuing,O=Corp', key: iKey, issuer: { cert: rootR, key: rKey }, notBefore: '2021-01-01T00:00:00Z', notAfter: '2035-01-01T00:00:00Z' });
  const b = await makeCert({ subject: 'CN=Acme Agents CA B,O=Acme', key: bKey, issuer: { cert: interI, key: iKey }, notBefore: '2025-01-01T00:00:00Z', notAfter: '2030-01-01T00:00:00Z' });
  const imported = await importChain({ input: pemOf(b, interI, rootR), keySpki: bKey.spki, clock });
  [certA, certB, certC, certD] = [a.der, imported.certificate, c.der, d.der];
  ids = { A: a.k.keyId, B: bKey.keyId, C: c.k.keyId, D: d.k.keyId };
  const base = { hasCertificate: true, unexpiredIssuedCount: 0 };
  keys = [
    { ...base, id: ids.A, name: 'A', algorithm: 'ecdsa-p256', state: 'draft', certificate: certA, chain: [] },
    { ...base, id: ids.B, name: 'B', algorithm: 'rsa-3072', state: 'draft', certificate: certB, chain: imported.issuers },
    { ...base, id: ids.C, name: 'C', algorithm: 'ed25519', state: 'draft', certificate: certC, chain: [] },
    { ...base, id: ids.D, name: 'D', algorithm: 'ecdsa-p384', state: 'draft', certificate: certD, chain: [] },
  ];
});
afterAll(() => ws.cleanup());

function apply(plan: ReturnType<typeof planActivation>): void {
  const next = applyPlan(keys, plan);
  keys = keys.map((k) => ({ ...k, ...next.find((n) => n.id === k.id) }) as Key);
}

/** Bundle contents as names: A, B, C, D for our keys, I and R for the corporate chain. */
function bundleNames(): string[] {
  const names: [string, Uint8Array][] = [['A', certA], ['B', certB], ['C', certC], ['D', certD], ['I', interI.der], ['R', rootR.der]];
  const bundle = buildTrustBundle(keys);
  // The PEM must say the same as the DER list.
  expect(readChainFile(new TextEncoder().encode(bundle.pem)).map((c) => c.der)).toEqual(bundle.certificates);
  return bundle.certificates.map((d) => names.find(([, der]) => bytesEqual(der, d))?.[0] ?? '?');
}

describe('the trust bundle in each state', () => {
  it('walks the lifecycle', () => {
    // Only drafts: nothing to trust.
    expect(() => buildTrustBundle(keys)).toThrow(expect.objectContaining({ code: 'NO_ACTIVE_KEY' }));

    apply(planActivation(keys, ids.A, { clock }));
    expect(bundleNames()).toEqual(['A']);

    // B active: A trusted for 30 days. B comes with its chain; A follows.
    apply(planActivation(keys, ids.B, { clock }));
    expect(bundleNames()).toEqual(['B', 'I', 'R', 'A']);

    // 10 days later C active: B trusted until T0+40d, A until T0+30d -> B before A.
    clock.advance(10 * DAY_MS);
    apply(planActivation(keys, ids.C, { clock }));
    expect(bundleNames()).toEqual(['C', 'B', 'I', 'R', 'A']);

    // After A's window, A retires and leaves the bundle.
    clock.set(new Date(T0.getTime() + 30 * DAY_MS));
    apply(planRetire(keys, ids.A, { clock }));
    expect(bundleNames()).toEqual(['C', 'B', 'I', 'R']);

    // Re-promoted for 60 days, A is trusted longer than B and comes first among the trusted.
    apply(planPromote(keys, ids.A, { clock, trustedDays: 60 }));
    expect(bundleNames()).toEqual(['C', 'A', 'B', 'I', 'R']);

    // Emergency: D active, C retired at once.
    apply(planEmergencyActivation(keys, ids.D, { clock, witnesses: ['Wendy'] }));
    expect(bundleNames()).toEqual(['D', 'A', 'B', 'I', 'R']);
    expect(buildTrustBundle(keys).keyIds).toEqual([ids.D, ids.A, ids.B]);
  });

  it('writes a shared root once and OpenSSL validates our sub-CA from it', async () => {
    const eKey = await makeKey('ecdsa-p256');
    const e = await makeCert({ subject: 'CN=Acme Agents CA E,O=Acme', key: eKey, issuer: { cert: interI, key: iKey }, notBefore: '2025-01-01T00:00:00Z', notAfter: '2030-01-01T00:00:00Z' });
    const two = [
      { id: ids.B, state: 'active' as const, certificate: certB, chain: [interI.der, rootR.der] },
      { id: eKey.keyId, state: 'trusted' as const, trustedUntil: new Date('2025-03-01T00:00:00Z'), certificate: e.der, chain: [interI.der, rootR.der] },
    ];
    const bundle = buildTrustBundle(two);
    expect(bundle.certificates).toHaveLength(4);
    ws.write('bundle.pem', bundle.pem);
    ws.write('R.pem', rootR.pem);
    ws.write('B.pem', toPem(certB, 'CERTIFICATE'));
    ws.write('E.pem', e.pem);
    const at = String(Date.parse('2025-02-01T00:00:00Z') / 1000);
    expect(ws.run('verify', '-attime', at, '-CAfile', 'R.pem', '-untrusted', 'bundle.pem', 'B.pem', 'E.pem')).toMatch(/B\.pem: OK\s+E\.pem: OK/);
  });

  it('refuses a key record whose certificate is for another key', () => {
    expect(() => buildTrustBundle([{ id: ids.A, state: 'active', certificate: certC, chain: [] }])).toThrow(expect.objectContaining({ code: 'INTERNAL' }));
    expect(() => buildTrustBundle([{ id: ids.A, state: 'active', certificate: null, chain: [] }])).toThrow(expect.objectContaining({ code: 'KEY_NO_CERTIFICATE' }));
  });
});

describe('trust-anchor.json', () => {
  it('lists active then trusted keys with their SPKI, in the format core/media reads', () => {
    const doc = buildTrustAnchor(keys);
    expect(trustAnchorSchema.parse(JSON.parse(new TextDecoder().decode(serializeTrustAnchor(doc))))).toEqual(doc);
    expect(doc.active_key_id).toBe(ids.D);
    expect(doc.keys.map((k) => [k.key_id, k.state, k.algorithm])).toEqual([
      [ids.D, 'active', 'ecdsa-p384'],
      [ids.A, 'trusted', 'ecdsa-p256'],
      [ids.B, 'trusted', 'rsa-3072'],
    ]);
    for (const k of doc.keys) expect(keyIdOf(new Uint8Array(Buffer.from(k.public_key, 'base64url')))).toBe(k.key_id);
    expect(doc.keys[0]).not.toHaveProperty('trusted_until');
    expect(doc.keys[1]?.trusted_until).toBe('2025-04-10T00:00:00.000Z');
    expect(doc.keys[2]?.valid_from).toBe('2025-01-01T00:00:00.000Z');
  });

  it('refuses a key recorded with another algorithm than its certificate', () => {
    expect(() => buildTrustAnchor([{ id: ids.A, algorithm: 'ed25519', state: 'active', certificate: certA, chain: [] }])).toThrow(expect.objectContaining({ code: 'INTERNAL' }));
  });
});
