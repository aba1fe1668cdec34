/**
 * Test support: real CA keys, self-signed certificates, CRLs and the files an
 * export package carries, made with WebCrypto / @peculiar/x509 and exported
 * to node:crypto KeyObjects for the manifest signature.
 */
import { KeyObject, sign as nodeSign, type webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { ALGORITHMS, type KeyAlgorithm } from '../core/pki/algorithms.ts';
import { subtleCrypto } from '../core/pki/crypto-provider.ts';
import { serializeTrustAnchor, type TrustAnchor } from '../core/keys/trust-anchor.ts';
import { keyIdOf } from '../core/asn1/key-id.ts';
import type { ExportFile } from '../core/media/export-package.ts';

export interface TestSigner {
  algorithm: KeyAlgorithm;
  keyId: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  spki: Uint8Array;
  cryptoKeys: webcrypto.CryptoKeyPair;
  certPem: string;
  /** What the service would pass as `sign`: node:crypto sign() with the algorithm's digest. */
  sign: (data: Uint8Array) => Promise<Uint8Array>;
}

const AT = new Date('2026-01-01T00:00:00Z');

export async function makeSigner(algorithm: KeyAlgorithm, cn = `Test CA ${algorithm}`): Promise<TestSigner> {
  const info = ALGORITHMS[algorithm];
  const keys = (await subtleCrypto.subtle.generateKey(info.webcryptoGenerate, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const signingAlgorithm = { ...info.webcryptoImport, ...info.webcryptoSign } as webcrypto.Algorithm;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: `CN=${cn}`,
    notBefore: AT,
    notAfter: new Date('2036-01-01T00:00:00Z'),
    keys,
    signingAlgorithm,
    extensions: [new x509.BasicConstraintsExtension(true, undefined, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true)],
  });
  const privateKey = KeyObject.from(keys.privateKey);
  const publicKey = KeyObject.from(keys.publicKey);
  const spki = new Uint8Array(publicKey.export({ type: 'spki', format: 'der' }));
  return {
    algorithm,
    keyId: keyIdOf(spki),
    privateKey,
    publicKey,
    spki,
    cryptoKeys: keys,
    certPem: cert.toString('pem'),
    sign: async (data) => new Uint8Array(nodeSign(info.nodeDigest, data, privateKey)),
  };
}

export function anchorFor(active: TestSigner, others: readonly TestSigner[] = []): TrustAnchor {
  return {
    active_key_id: active.keyId,
    keys: [active, ...others].map((s, i) => ({
      key_id: s.keyId,
      algorithm: s.algorithm,
      public_key: Buffer.from(s.spki).toString('base64url'),
      valid_from: AT.toISOString(),
      ...(i === 0 ? {} : { trusted_until: '2026-02-01T00:00:00.000Z' }),
      state: i === 0 ? ('active' as const) : ('trusted' as const),
    })),
  };
}

/** A CRL with `entries` revoked serials, signed by `signer` (DER). */
export async function makeCrl(signer: TestSigner, entries: number): Promise<Uint8Array> {
  const info = ALGORITHMS[signer.algorithm];
  const list: Array<{ serialNumber: string; revocationDate: Date; reason: x509.X509CrlReason }> = [];
  for (let i = 0; i < entries; i++) {
    list.push({ serialNumber: '7' + i.toString(16).padStart(15, '0'), revocationDate: AT, reason: x509.X509CrlReason.superseded });
  }
  const crl = await x509.X509CrlGenerator.create({
    issuer: `CN=Test CA ${signer.algorithm}`,
    thisUpdate: AT,
    nextUpdate: new Date('2026-01-08T00:00:00Z'),
    entries: list,
    signingKey: signer.cryptoKeys.privateKey,
    signingAlgorithm: { ...info.webcryptoImport, ...info.webcryptoSign } as webcrypto.Algorithm,
  });
  return new Uint8Array(crl.rawData);
}

export function derToPem(der: Uint8Array, label: string): string {
  const b64 = Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

/** The files the service would hand writeExportPackage: bundle, anchor, one CRL per issuer in DER and PEM. */
export async function packageFiles(active: TestSigner, others: readonly TestSigner[] = [], crlEntries = 3): Promise<ExportFile[]> {
  const enc = new TextEncoder();
  const files: ExportFile[] = [
    { name: 'trust-bundle.pem', bytes: enc.encode([active, ...others].map((s) => s.certPem).join('')) },
    { name: 'trust-anchor.json', bytes: serializeTrustAnchor(anchorFor(active, others)) },
  ];
  for (const s of [active, ...others]) {
    const crl = await makeCrl(s, crlEntries);
    const prefix = s.keyId.slice('sha256:'.length, 'sha256:'.length + 16);
    files.push({ name: `crl/${prefix}.crl`, bytes: crl }, { name: `crl/${prefix}.crl.pem`, bytes: enc.encode(derToPem(crl, 'X509 CRL')) });
  }
  return files;
}

export function pemOfPublicKey(k: TestSigner): string {
  return k.publicKey.export({ type: 'spki', format: 'pem' }).toString();
}
