import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import * as x509 from '@peculiar/x509';
import { fixedClock } from '../clock.ts';
import { DomainError } from '../errors.ts';
import type { ErrorCode } from '../errors.ts';
import { describeCertificate, importChain, verifyStoredChain } from './chain-import.ts';
import { readChainFile } from './chain-file.ts';
import { bytesEqual } from '../asn1/bytes.ts';
import { breakSignature, makeCert, makeKey, opensslWorkspace, pemOf, text } from '../../testing/chain-fixtures.ts';
import type { TestCert, TestKey } from '../../testing/chain-fixtures.ts';
import { codeOfAsync, type Outcome } from '../../testing/refusals.ts';

// Fixed dates: root 2020-2040, intermediate 2021-2035, our sub-CA 2022-2030; "now" 2025-06-01.
const NOW = '2025-06-01T12:00:00Z';
const clock = fixedClock(NOW);

let rootKey: TestKey, interKey: TestKey, leafKey: TestKey, otherKey: TestKey;
let root: TestCert, inter: TestCert, leaf: TestCert, otherRoot: TestCert;

async function leafWith(over: Partial<Parameters<typeof makeCert>[0]>): Promise<TestCert> {
  return makeCert({ subject: 'CN=Acme Agents CA,O=Acme', key: leafKey, issuer: { cert: inter, key: interKey }, notBefore: '2022-01-01T00:00:00Z', notAfter: '2030-01-01T00:00:00Z', ...over });
}
async function interWith(over: Partial<Parameters<typeof makeCert>[0]>): Promise<TestCert> {
  return makeCert({ subject: 'CN=Acme Issuing CA 1,O=Acme', key: interKey, issuer: { cert: root, key: rootKey }, notBefore: '2021-01-01T00:00:00Z', notAfter: '2035-01-01T00:00:00Z', ...over });
}

beforeAll(async () => {
  [rootKey, interKey, leafKey, otherKey] = await Promise.all([makeKey('ecdsa-p384'), makeKey('ecdsa-p256'), makeKey('ecdsa-p256'), makeKey('ed25519')]);
  root = await makeCert({ subject: 'CN=Acme Corporate Root,O=Acme', key: rootKey, notBefore: '2020-01-01T00:00:00Z', notAfter: '2040-01-01T00:00:00Z' });
  inter = await interWith({});
  leaf = await leafWith({});
  otherRoot = await makeCert({ subject: 'CN=Someone Else Root', key: otherKey, notBefore: '2020-01-01T00:00:00Z', notAfter: '2040-01-01T00:00:00Z' });
});

const codeOf = (p: Promise<unknown>): Promise<Outcome> => codeOfAsync(p);

describe('importChain accepts good chains', () => {
  it('orders a PEM bundle given root-first with text around the blocks', async () => {
    const input = text(`Your certificate, as requested\n\n${root.pem}\nsome comment\n${leaf.pem}\n${inter.pem}\n-- end of mail --\n`);
    const r = await importChain({ input, keySpki: leafKey.spki, clock });
    expect(r.chain.map((d) => bytesEqual(d, leaf.der))).toEqual([true, false, false]);
    expect(bytesEqual(r.chain[1] as Uint8Array, inter.der)).toBe(true);
    expect(bytesEqual(r.chain[2] as Uint8Array, root.der)).toBe(true);
    expect(r.certificates.map((c) => c.subject)).toEqual(['CN=Acme Agents CA,O=Acme', 'CN=Acme Issuing CA 1,O=Acme', 'CN=Acme Corporate Root,O=Acme']);
    expect(r.rootFromSeparateFile).toBe(false);
  });

  it('takes the root from a second file when the bundle lacks it', async () => {
    const r = await importChain({ input: pemOf(leaf, inter), rootInput: root.der, keySpki: leafKey.spki, clock });
    expect(r.chain).toHaveLength(3);
    expect(r.rootFromSeparateFile).toBe(true);
  });

  it('accepts the root in both files when it is the same certificate', async () => {
    const r = await importChain({ input: pemOf(leaf, inter, root), rootInput: text(root.pem), keySpki: leafKey.spki, clock });
    expect(r.chain).toHaveLength(3);
    expect(r.rootFromSeparateFile).toBe(false);
  });

  it('accepts DER certificates back to back and a directly issued sub-CA', async () => {
    const direct = await makeCert({ subject: 'CN=Direct Sub', key: leafKey, issuer: { cert: root, key: rootKey }, notBefore: '2022-01-01T00:00:00Z', notAfter: '2030-01-01T00:00:00Z' });
    const input = new Uint8Array([...root.der, ...direct.der]);
    const r = await importChain({ input, keySpki: leafKey.spki, clock });
    expect(r.chain).toHaveLength(2);
    expect(bytesEqual(r.chain[0] as Uint8Array, direct.der)).toBe(true);
  });

  it('accepts validity exactly at the boundaries (RFC 5280 4.1.2.5 is inclusive)', async () => {
    expect(await codeOf(importChain({ input: pemOf(leaf, inter, root), keySpki: leafKey.spki, clock: fixedClock('2022-01-01T00:00:00Z') }))).toBe('ok');
    expect(await codeOf(importChain({ input: pemOf(leaf, inter, root), keySpki: leafKey.spki, clock: fixedClock('2030-01-01T00:00:00Z') }))).toBe('ok');
  });
});

describe('importChain refuses each broken chain with its own code', () => {
  type Case = { name: string; code: ErrorCode; mentions?: string; build: () => Promise<{ input: Uint8Array; rootInput?: Uint8Array; keySpki?: Uint8Array; now?: string }> };
  const cases: Case[] = [
    { name: 'key: the leaf is for another key', code: 'CHAIN_KEY_MISMATCH', build: async () => ({ input: pemOf(leaf, inter, root), keySpki: otherKey.spki }) },
    { name: 'basicConstraints: leaf CA:false', code: 'CHAIN_NOT_CA', build: async () => ({ input: pemOf(await leafWith({ ca: false }), inter, root) }) },
    { name: 'basicConstraints: leaf without the extension', code: 'CHAIN_NOT_CA', build: async () => ({ input: pemOf(await leafWith({ ca: null }), inter, root) }) },
    { name: 'basicConstraints: intermediate CA:false', code: 'CHAIN_NOT_CA', mentions: 'CN=Acme Issuing CA 1', build: async () => {
      const i = await interWith({ ca: false });
      return { input: pemOf(await makeCert({ subject: 'CN=Acme Agents CA,O=Acme', key: leafKey, issuer: { cert: i, key: interKey }, notBefore: '2022-01-01T00:00:00Z', notAfter: '2030-01-01T00:00:00Z' }), i, root) };
    } },
    { name: 'keyUsage: leaf without keyCertSign', code: 'CHAIN_NO_KEYCERTSIGN', build: async () => ({ input: pemOf(await leafWith({ keyUsage: x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.cRLSign }), inter, root) }) },
    { name: 'keyUsage: leaf without the extension', code: 'CHAIN_NO_KEYCERTSIGN', build: async () => ({ input: pemOf(await leafWith({ keyUsage: null }), inter, root) }) },
    { name: 'keyUsage: intermediate without keyCertSign', code: 'CHAIN_NO_KEYCERTSIGN', build: async () => {
      const i = await interWith({ keyUsage: x509.KeyUsageFlags.cRLSign });
      return { input: pemOf(await makeCert({ subject: 'CN=Acme Agents CA,O=Acme', key: leafKey, issuer: { cert: i, key: interKey }, notBefore: '2022-01-01T00:00:00Z', notAfter: '2030-01-01T00:00:00Z' }), i, root) };
    } },
    { name: 'pathLen: intermediate pathLen 0 (our sub-CA would be a CA below it)', code: 'CHAIN_PATHLEN', build: async () => {
      const i = await interWith({ pathLength: 0 });
      return { input: pemOf(await makeCert({ subject: 'CN=Acme Agents CA,O=Acme', key: leafKey, issuer: { cert: i, key: interKey }, notBefore: '2022-01-01T00:00:00Z', notAfter: '2030-01-01T00:00:00Z' }), i, root) };
    } },
    { name: 'pathLen: root pathLen 1 with an intermediate and our sub-CA below', code: 'CHAIN_PATHLEN', mentions: 'CN=Acme Corporate Root', build: async () => {
      const r = await makeCert({ subject: 'CN=Acme Corporate Root,O=Acme', key: rootKey, pathLength: 1, notBefore: '2020-01-01T00:00:00Z', notAfter: '2040-01-01T00:00:00Z' });
      const i = await makeCert({ subject: 'CN=Acme Issuing CA 1,O=Acme', key: interKey, issuer: { cert: r, key: rootKey }, notBefore: '2021-01-01T00:00:00Z', notAfter: '2035-01-01T00:00:00Z' });
      return { input: pemOf(await makeCert({ subject: 'CN=Acme Agents CA,O=Acme', key: leafKey, issuer: { cert: i, key: interKey }, notBefore: '2022-01-01T00:00:00Z', notAfter: '2030-01-01T00:00:00Z' }), i, r) };
    } },
    { name: 'chain: intermediate missing', code: 'CHAIN_MISSING_ISSUER', build: async () => ({ input: pemOf(leaf, root) }) },
    { name: 'chain: issuer present by name but with another key id', code: 'CHAIN_MISSING_ISSUER', build: async () => ({ input: pemOf(await leafWith({ authorityKeyId: '00112233445566778899aabbccddeeff00112233' }), inter, root) }) },
    { name: 'chain: root not in the file', code: 'CHAIN_ROOT_MISSING', build: async () => ({ input: pemOf(leaf, inter) }) },
    { name: 'chain: only the leaf', code: 'CHAIN_ROOT_MISSING', build: async () => ({ input: leaf.der }) },
    { name: 'chain: root file is some other root', code: 'CHAIN_ROOT_MISSING', mentions: 'another hierarchy', build: async () => ({ input: pemOf(leaf, inter), rootInput: otherRoot.der }) },
    { name: 'validity: leaf expired', code: 'CHAIN_EXPIRED', build: async () => ({ input: pemOf(leaf, inter, root), now: '2030-01-01T00:00:01Z' }) },
    { name: 'validity: intermediate expired', code: 'CHAIN_EXPIRED', mentions: 'CN=Acme Issuing CA 1', build: async () => {
      const i = await interWith({ notAfter: '2025-01-01T00:00:00Z' });
      return { input: pemOf(await makeCert({ subject: 'CN=Acme Agents CA,O=Acme', key: leafKey, issuer: { cert: i, key: interKey }, notBefore: '2022-01-01T00:00:00Z', notAfter: '2030-01-01T00:00:00Z' }), i, root) };
    } },
    { name: 'validity: leaf not yet valid', code: 'CHAIN_NOT_YET_VALID', build: async () => ({ input: pemOf(leaf, inter, root), now: '2021-12-31T23:59:59Z' }) },
    { name: 'validity: leaf outlives its issuer', code: 'CHAIN_VALIDITY_NOT_NESTED', build: async () => ({ input: pemOf(await leafWith({ notAfter: '2036-01-01T00:00:00Z' }), inter, root) }) },
    { name: 'validity: leaf starts before its issuer', code: 'CHAIN_VALIDITY_NOT_NESTED', build: async () => ({ input: pemOf(await leafWith({ notBefore: '2020-06-01T00:00:00Z' }), inter, root) }) },
    { name: 'signature: leaf signature broken', code: 'CHAIN_BAD_SIGNATURE', build: async () => ({ input: new Uint8Array([...breakSignature(leaf.der), ...inter.der, ...root.der]) }) },
    { name: 'signature: intermediate signature broken', code: 'CHAIN_BAD_SIGNATURE', mentions: 'certificate 2 in the chain file', build: async () => ({ input: new Uint8Array([...leaf.der, ...breakSignature(inter.der), ...root.der]) }) },
    { name: 'signature: root self-signature broken', code: 'CHAIN_BAD_SIGNATURE', mentions: 'self-signature of the root', build: async () => ({ input: new Uint8Array([...leaf.der, ...inter.der, ...breakSignature(root.der)]) }) },
    { name: 'file: garbage bytes', code: 'CHAIN_UNPARSEABLE', build: async () => ({ input: Uint8Array.from({ length: 300 }, (_, i) => (i * 37 + 11) % 256) }) },
    { name: 'file: DER-looking garbage', code: 'CHAIN_UNPARSEABLE', build: async () => ({ input: Uint8Array.from([0x30, 0x82, 0x01, 0x00, 1, 2, 3]) }) },
    { name: 'file: plain text', code: 'CHAIN_UNPARSEABLE', build: async () => ({ input: text('this is not a certificate\n') }) },
    { name: 'file: truncated PEM', code: 'CHAIN_UNPARSEABLE', build: async () => ({ input: text(leaf.pem.slice(0, 200)) }) },
    { name: 'file: PEM with a private key', code: 'CHAIN_UNPARSEABLE', build: async () => ({ input: text(leaf.pem + '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n') }) },
    { name: 'file: truncated DER', code: 'CHAIN_UNPARSEABLE', build: async () => ({ input: leaf.der.slice(0, leaf.der.length - 10) }) },
    { name: 'file: empty', code: 'CHAIN_EMPTY', build: async () => ({ input: new Uint8Array(0) }) },
    { name: 'file: only whitespace', code: 'CHAIN_EMPTY', build: async () => ({ input: text('\n \r\n\t') }) },
    { name: 'file: PKCS#7 without certificates', code: 'CHAIN_EMPTY', build: async () => ({ input: EMPTY_P7 }) },
    { name: 'file: 50 MB', code: 'CHAIN_TOO_LARGE', build: async () => ({ input: new Uint8Array(50 * 1024 * 1024) }) },
    { name: 'file: too many certificates', code: 'CHAIN_TOO_LARGE', build: async () => ({ input: pemOf(...Array.from({ length: 17 }, () => leaf)) }) },
    { name: 'set: the same certificate twice', code: 'CHAIN_DUPLICATE_CERT', mentions: 'CN=Acme Issuing CA 1', build: async () => ({ input: pemOf(leaf, inter, inter, root) }) },
    { name: 'set: two certificates for this key', code: 'CHAIN_DUPLICATE_CERT', build: async () => ({ input: pemOf(leaf, await leafWith({ notAfter: '2029-01-01T00:00:00Z' }), inter, root) }) },
    { name: 'set: an unrelated root', code: 'CHAIN_UNRELATED_CERT', mentions: 'CN=Someone Else Root', build: async () => ({ input: pemOf(leaf, inter, root, otherRoot) }) },
    { name: 'set: an unrelated intermediate', code: 'CHAIN_UNRELATED_CERT', build: async () => ({ input: pemOf(leaf, inter, root, await makeCert({ subject: 'CN=Other Issuing CA', key: otherKey, issuer: { cert: root, key: rootKey }, notBefore: '2021-01-01T00:00:00Z', notAfter: '2035-01-01T00:00:00Z' })) }) },
    { name: 'leaf: this key self-signed', code: 'CHAIN_NOT_CA', build: async () => ({ input: (await makeCert({ subject: 'CN=Self', key: leafKey, notBefore: '2022-01-01T00:00:00Z', notAfter: '2030-01-01T00:00:00Z' })).der }) },
  ];

  it.each(cases)('$name -> $code', async ({ code, build, mentions }) => {
    const b = await build();
    const err = await importChain({ input: b.input, ...(b.rootInput ? { rootInput: b.rootInput } : {}), keySpki: b.keySpki ?? leafKey.spki, clock: fixedClock(b.now ?? NOW) }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).code).toBe(code);
    if (mentions) expect((err as DomainError).message).toContain(mentions);
  });

  it('names the certificate at fault and says what to do', async () => {
    const err: unknown = await importChain({ input: pemOf(leaf, root), keySpki: leafKey.spki, clock }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).message).toContain('certificate 1 in the chain file (CN=Acme Agents CA,O=Acme)');
    expect((err as DomainError).message).toContain('CN=Acme Issuing CA 1,O=Acme');
    expect((err as DomainError).message).toMatch(/ask the corporate CA/i);
  });
});

// An empty certs-only PKCS#7, as `openssl crl2pkcs7 -nocrl` writes with no -certfile.
let EMPTY_P7: Uint8Array = new Uint8Array();

describe('PKCS#7 input made by OpenSSL', () => {
  const ws = opensslWorkspace();
  beforeAll(() => {
    ws.write('chain.pem', pemOf(root, leaf, inter));
    ws.run('crl2pkcs7', '-nocrl', '-certfile', 'chain.pem', '-outform', 'DER', '-out', 'chain.p7b');
    ws.run('crl2pkcs7', '-nocrl', '-certfile', 'chain.pem', '-outform', 'PEM', '-out', 'chain.p7b.pem');
    ws.run('crl2pkcs7', '-nocrl', '-outform', 'DER', '-out', 'empty.p7b');
    EMPTY_P7 = ws.read('empty.p7b');
  });
  afterAll(() => ws.cleanup());

  it('reads PKCS#7 DER (.p7b)', async () => {
    const r = await importChain({ input: ws.read('chain.p7b'), keySpki: leafKey.spki, clock });
    expect(r.chain.map((d) => [leaf, inter, root].findIndex((c) => bytesEqual(c.der, d)))).toEqual([0, 1, 2]);
  });

  it('reads PKCS#7 PEM', async () => {
    const r = await importChain({ input: ws.read('chain.p7b.pem'), keySpki: leafKey.spki, clock });
    expect(r.chain.map((d) => [leaf, inter, root].findIndex((c) => bytesEqual(c.der, d)))).toEqual([0, 1, 2]);
  });

  it('an empty PKCS#7 holds no certificate', () => {
    expect(() => readChainFile(EMPTY_P7)).toThrow(expect.objectContaining({ code: 'CHAIN_EMPTY' }));
  });
});

describe('BER PKCS#7 with indefinite lengths (as some Windows and Java tools write)', () => {
  it('reads the certificates out byte-exact', async () => {
    const eoc = [0x00, 0x00];
    const dataOid = [0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01];
    const signedDataOid = [0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02];
    const signedData = [0x30, 0x80, 0x02, 0x01, 0x01, 0x31, 0x00, 0x30, 0x80, ...dataOid, ...eoc, 0xa0, 0x80, ...root.der, ...leaf.der, ...inter.der, ...eoc, 0x31, 0x00, ...eoc];
    const input = new Uint8Array([0x30, 0x80, ...signedDataOid, 0xa0, 0x80, ...signedData, ...eoc, ...eoc]);
    const r = await importChain({ input, keySpki: leafKey.spki, clock });
    expect(r.chain.map((d) => [leaf, inter, root].findIndex((c) => bytesEqual(c.der, d)))).toEqual([0, 1, 2]);
  });
});

describe('verifyStoredChain and describeCertificate', () => {
  it('re-checks a stored chain at the clock\'s now', () => {
    const s = verifyStoredChain({ certificate: leaf.der, issuers: [inter.der, root.der], keySpki: leafKey.spki, clock });
    expect(s.map((c) => c.subject)).toEqual(['CN=Acme Agents CA,O=Acme', 'CN=Acme Issuing CA 1,O=Acme', 'CN=Acme Corporate Root,O=Acme']);
    expect(() => verifyStoredChain({ certificate: leaf.der, issuers: [inter.der, root.der], keySpki: leafKey.spki, clock: fixedClock('2031-01-01T00:00:00Z') })).toThrow(expect.objectContaining({ code: 'CHAIN_EXPIRED' }));
    expect(() => verifyStoredChain({ certificate: leaf.der, issuers: [inter.der, root.der], keySpki: otherKey.spki, clock })).toThrow(expect.objectContaining({ code: 'CHAIN_KEY_MISMATCH' }));
    expect(() => verifyStoredChain({ certificate: leaf.der, issuers: [root.der], keySpki: leafKey.spki, clock })).toThrow(expect.objectContaining({ code: 'CHAIN_MISSING_ISSUER' }));
    expect(() => verifyStoredChain({ certificate: leaf.der, issuers: [inter.der], keySpki: leafKey.spki, clock })).toThrow(expect.objectContaining({ code: 'CHAIN_ROOT_MISSING' }));
  });

  it('describes a certificate for listings', () => {
    expect(describeCertificate(leaf.der)).toMatchObject({ subject: 'CN=Acme Agents CA,O=Acme', issuer: 'CN=Acme Issuing CA 1,O=Acme', notBefore: '2022-01-01T00:00:00.000Z', notAfter: '2030-01-01T00:00:00.000Z', keyId: leafKey.keyId, isCa: true, pathLength: null, selfSigned: false });
    expect(describeCertificate(root.der)).toMatchObject({ selfSigned: true, isCa: true });
    expect(() => describeCertificate(new Uint8Array([0x30, 0x00]))).toThrow(expect.objectContaining({ code: 'CHAIN_UNPARSEABLE' }));
  });
});
