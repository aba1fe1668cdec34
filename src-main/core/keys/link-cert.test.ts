import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as x509 from '@peculiar/x509';
import { fixedClock } from '../clock.ts';
import { selfSignRoot } from './self-sign.ts';
import { createLinkCertificate } from './link-cert.ts';
import type { SignedCertificate } from '../issuance/issuer.ts';
import { makeCert, makeKey, opensslWorkspace } from '../../testing/chain-fixtures.ts';
import type { TestKey } from '../../testing/chain-fixtures.ts';

const ws = opensslWorkspace();
const ROOT_A_AT = '2024-01-01T00:00:00Z';
const ROOT_B_AT = '2025-06-01T00:00:00Z';
const LINK_AT = '2025-06-01T10:00:00Z';
const VERIFY_AT = String(Date.parse('2025-07-01T00:00:00Z') / 1000);

let keyA: TestKey, keyB: TestKey, keyC: TestKey;
let rootA: SignedCertificate, rootB: SignedCertificate, rootC: SignedCertificate;

beforeAll(async () => {
  [keyA, keyB, keyC] = await Promise.all([makeKey('ecdsa-p256'), makeKey('ed25519'), makeKey('rsa-3072')]);
  rootA = await selfSignRoot({ algorithm: 'ecdsa-p256', pkcs8: keyA.pkcs8, spki: keyA.spki, subject: 'CN=Acme Agents CA,O=Acme', days: 3650, clock: fixedClock(ROOT_A_AT) });
  // Same subject as A: the usual rotation.
  rootB = await selfSignRoot({ algorithm: 'ed25519', pkcs8: keyB.pkcs8, spki: keyB.spki, subject: 'CN=Acme Agents CA,O=Acme', days: 3650, pathLength: 0, clock: fixedClock(ROOT_B_AT) });
  // Another subject.
  rootC = await selfSignRoot({ algorithm: 'rsa-3072', pkcs8: keyC.pkcs8, spki: keyC.spki, subject: 'CN=Acme Agents CA 2026,O=Acme', days: 3650, clock: fixedClock(ROOT_B_AT) });
  ws.write('A.pem', rootA.pem);
});
afterAll(() => ws.cleanup());

async function agentUnder(root: SignedCertificate, key: TestKey, name: string): Promise<string> {
  const cert = new x509.X509Certificate(root.der);
  const agentKey = await makeKey('ecdsa-p256');
  const agent = await makeCert({
    subject: `CN=${name}`,
    key: agentKey,
    issuer: { cert: { der: root.der, pem: root.pem, cert, ski: cert.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId ?? '' }, key },
    notBefore: '2025-06-02T00:00:00Z',
    notAfter: '2026-06-02T00:00:00Z',
    ca: false,
    keyUsage: x509.KeyUsageFlags.digitalSignature,
  });
  return ws.write(`${name}.pem`, agent.pem);
}

describe('createLinkCertificate', () => {
  it.each([
    { variant: 'same subject (self-issued link)', newRoot: () => rootB, newKey: () => keyB },
    { variant: 'another subject', newRoot: () => rootC, newKey: () => keyC },
  ])('$variant: agents trusting only the old root validate certificates of the new key', async ({ variant, newRoot, newKey }) => {
    const tag = variant.startsWith('same') ? 'same' : 'other';
    const link = await createLinkCertificate({ oldRoot: { algorithm: 'ecdsa-p256', pkcs8: keyA.pkcs8, certificate: rootA.der }, newRootCertificate: newRoot().der, clock: fixedClock(LINK_AT) });
    const l = new x509.X509Certificate(link.der);
    const n = new x509.X509Certificate(newRoot().der);
    const a = new x509.X509Certificate(rootA.der);
    expect(l.subject).toBe(n.subject);
    expect(l.issuer).toBe(a.subject);
    expect(new Uint8Array(l.publicKey.rawData)).toEqual(new Uint8Array(n.publicKey.rawData));
    expect(l.getExtension(x509.AuthorityKeyIdentifierExtension)?.keyId).toBe(a.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId);
    expect(l.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId).toBe(n.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId);
    expect(l.getExtension(x509.BasicConstraintsExtension)?.pathLength).toBe(n.getExtension(x509.BasicConstraintsExtension)?.pathLength);
    expect(l.notBefore.getTime()).toBeGreaterThanOrEqual(a.notBefore.getTime());
    expect(l.notAfter.getTime()).toBeLessThanOrEqual(a.notAfter.getTime());
    expect(l.notAfter.getTime()).toBeLessThanOrEqual(n.notAfter.getTime());
    expect(link.notBefore).toBe('2025-06-01T10:00:00.000Z');

    const linkFile = ws.write(`link-${tag}.pem`, link.pem);
    ws.write(`new-${tag}.pem`, newRoot().pem);
    const agent = await agentUnder(newRoot(), newKey(), `agent-${tag}`);
    // The link itself validates under the old root ...
    expect(ws.run('verify', '-attime', VERIFY_AT, '-CAfile', 'A.pem', linkFile)).toContain(': OK');
    // ... an agent certificate of the new key validates for someone who trusts only the old root ...
    expect(ws.run('verify', '-attime', VERIFY_AT, '-CAfile', 'A.pem', '-untrusted', linkFile, agent)).toContain(': OK');
    // ... and, without the link, it does not (the link is what makes it work).
    expect(() => ws.run('verify', '-attime', VERIFY_AT, '-CAfile', 'A.pem', agent)).toThrow(/unable to get local issuer certificate/);
    // The new root alone validates it too.
    expect(ws.run('verify', '-attime', VERIFY_AT, '-CAfile', `new-${tag}.pem`, agent)).toContain(': OK');
  });

  const refusals: { field: string; code: string; input: () => Parameters<typeof createLinkCertificate>[0] }[] = [
    { field: 'same key', code: 'INVALID_INPUT', input: () => ({ oldRoot: { algorithm: 'ecdsa-p256', pkcs8: keyA.pkcs8, certificate: rootA.der }, newRootCertificate: rootA.der, clock: fixedClock(LINK_AT) }) },
    { field: 'wrong private key', code: 'KEY_UNHEALTHY', input: () => ({ oldRoot: { algorithm: 'ed25519', pkcs8: keyB.pkcs8, certificate: rootA.der }, newRootCertificate: rootC.der, clock: fixedClock(LINK_AT) }) },
    { field: 'old root expired', code: 'CHAIN_EXPIRED', input: () => ({ oldRoot: { algorithm: 'ecdsa-p256', pkcs8: keyA.pkcs8, certificate: rootA.der }, newRootCertificate: rootC.der, clock: fixedClock('2034-01-01T00:00:00Z') }) },
  ];
  it.each(refusals)('refuses $field with $code', async ({ code, input }) => {
    await expect(createLinkCertificate(input())).rejects.toMatchObject({ code });
  });

  it('refuses a new certificate that is not a self-signed root', async () => {
    await agentUnder(rootB, keyB, 'not-a-root');
    const der = new Uint8Array(new x509.X509Certificate(new TextDecoder().decode(ws.read('not-a-root.pem'))).rawData);
    await expect(createLinkCertificate({ oldRoot: { algorithm: 'ecdsa-p256', pkcs8: keyA.pkcs8, certificate: rootA.der }, newRootCertificate: der, clock: fixedClock(LINK_AT) })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('refuses a renamed link below an old root with pathLen 0', async () => {
    // B has pathLen 0; linking from B to C (another name) would break B's constraint.
    await expect(createLinkCertificate({ oldRoot: { algorithm: 'ed25519', pkcs8: keyB.pkcs8, certificate: rootB.der }, newRootCertificate: rootC.der, clock: fixedClock(LINK_AT) })).rejects.toMatchObject({ code: 'CHAIN_PATHLEN' });
  });
});
