/**
 * Golden TBSCertificates: with the clock, the random source and the keys
 * fixed, a self-signed root and a leaf it issues come out of the one signing
 * path byte for byte as committed in src-main/testing/golden/. Any change to
 * what we encode (field order, string types, extensions, times, serial
 * drawing) shows here as a diff to review, not as a silent change.
 *
 * To accept an intended change, regenerate the files from the `tbsHex`
 * values this test prints on failure and review the diff with
 * `xxd -r -p FILE | openssl asn1parse -inform DER`.
 */
import { readFileSync } from 'node:fs';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../clock.ts';
import { encodeDistinguishedName } from '../asn1/name.ts';
import type { RandomBytes } from '../asn1/serial.ts';
import { selfSignRoot } from '../keys/self-sign.ts';
import { readCertificate } from '../asn1/certificate-reader.ts';
import { buildCertificationRequest } from './certification-request.ts';
import { Issuer } from './issuer.ts';

const NOW = '2026-01-01T00:00:00.000Z';
/** RFC 8410 section 7: an Ed25519 PKCS #8 is this prefix and the 32-octet seed. */
const ed25519Pkcs8 = (seedOctet: number): Buffer => Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), Buffer.alloc(32, seedOctet)]);
const ROOT_PKCS8 = ed25519Pkcs8(0x01);
const LEAF_PKCS8 = ed25519Pkcs8(0x02);
const ROOT_SPKI = createPublicKey(createPrivateKey({ key: ROOT_PKCS8, format: 'der', type: 'pkcs8' })).export({ format: 'der', type: 'spki' });
/** A counting source: 0xa0, 0xa1, ... for every draw. */
const counting: RandomBytes = (n) => Uint8Array.from({ length: n }, (_, i) => 0xa0 + i);

const golden = (name: string): string => readFileSync(new URL(`../../testing/golden/${name}`, import.meta.url), 'utf8').trim();
const tbsHex = (der: Uint8Array): string => Buffer.from(readCertificate(der).tbsDer).toString('hex');

async function goldenRoot(random: RandomBytes): Promise<Uint8Array> {
  const root = await selfSignRoot({ algorithm: 'ed25519', pkcs8: ROOT_PKCS8, spki: ROOT_SPKI, subject: 'CN=Golden Root,O=Acme,C=DE', days: 3650, pathLength: 1, clock: fixedClock(NOW), random });
  return root.der;
}

function goldenLeaf(rootDer: Uint8Array, random: RandomBytes): Uint8Array {
  const issuer = new Issuer({ certificateDer: rootDer, privateKey: ROOT_PKCS8, algorithm: 'ed25519', random });
  const csr = buildCertificationRequest({
    subjectDer: encodeDistinguishedName('CN=agent-1,O=Acme'),
    privateKey: createPrivateKey({ key: LEAF_PKCS8, format: 'der', type: 'pkcs8' }),
    sans: { dns: ['agent-1.acme.example'], ip: [], email: [], uri: [] },
  });
  return issuer.issue({ csr, profile: 'agent', days: 365, now: new Date(NOW) }).der;
}

describe('golden TBSCertificates from the one signing path', () => {
  it('a self-signed root, byte for byte', async () => {
    expect(tbsHex(await goldenRoot(counting))).toBe(golden('root-tbs.hex'));
  });

  it('a leaf the root issues, byte for byte', async () => {
    expect(tbsHex(goldenLeaf(await goldenRoot(counting), counting))).toBe(golden('leaf-tbs.hex'));
  });

  it('the random source decides the serial and nothing else', async () => {
    const other: RandomBytes = (n) => Buffer.alloc(n, 0x33);
    const a = readCertificate(await goldenRoot(counting)).tbs;
    const b = readCertificate(await goldenRoot(other)).tbs;
    expect(Buffer.from(b.serial).toString('hex')).toBe('73' + '33'.repeat(15));
    // A root's fixed-width serial: the first octet's top bit cleared and the next one set (0xa0 -> 0x60).
    expect(Buffer.from(a.serial).toString('hex')).toBe('60a1a2a3a4a5a6a7a8a9aaabacadaeaf');
    expect({ ...b, serial: null }).toEqual({ ...a, serial: null });
  });
});
