/**
 * Test support: certificates of any shape, good or broken, made with
 * @peculiar/x509 at fixed dates, and a thin OpenSSL runner. Used by the
 * *.test.ts files of core/keys only.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { subtleCrypto } from '../core/pki/crypto-provider.ts';
import { ALGORITHMS } from '../core/pki/algorithms.ts';
import type { KeyAlgorithm } from '../core/pki/algorithms.ts';
import { generateSigningKey, importSigningKey } from '../core/keys/key-material.ts';
import { toBytes } from '../core/asn1/bytes.ts';
import { toPem } from '../core/asn1/pem.ts';
import { encodeDistinguishedName } from '../core/asn1/name.ts';

export interface TestKey {
  algorithm: KeyAlgorithm;
  pkcs8: Uint8Array;
  spki: Uint8Array;
  keyId: string;
  privateKey: webcrypto.CryptoKey;
}

export async function makeKey(algorithm: KeyAlgorithm = 'ecdsa-p256'): Promise<TestKey> {
  const k = await generateSigningKey(algorithm);
  return { algorithm, ...k, privateKey: await importSigningKey(algorithm, k.pkcs8) };
}

export interface CertSpec {
  subject: string;
  key: TestKey;
  /** The issuing certificate and its key; absent = self-signed. */
  issuer?: { cert: TestCert; key: TestKey };
  notBefore: string;
  notAfter: string;
  /** basicConstraints: undefined = CA:true critical; null = omitted. */
  ca?: boolean | null;
  pathLength?: number;
  /** keyUsage flags: undefined = keyCertSign|cRLSign; null = omitted. */
  keyUsage?: number | null;
  /** Omit SKI/AKI. */
  noKeyIds?: boolean;
  /** Override the AKI key id (hex). */
  authorityKeyId?: string;
}

export interface TestCert {
  der: Uint8Array;
  pem: string;
  cert: x509.X509Certificate;
  ski: string;
}

export async function makeCert(spec: CertSpec): Promise<TestCert> {
  const ski = await x509.SubjectKeyIdentifierExtension.create(spec.key.spki, false, subtleCrypto);
  const extensions: x509.Extension[] = [];
  if (spec.ca !== null) extensions.push(new x509.BasicConstraintsExtension(spec.ca ?? true, spec.pathLength, true));
  if (spec.keyUsage !== null) extensions.push(new x509.KeyUsagesExtension(spec.keyUsage ?? (x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign), true));
  if (!spec.noKeyIds) {
    extensions.push(ski);
    const aki = spec.authorityKeyId ?? (spec.issuer ? spec.issuer.cert.ski : ski.keyId);
    extensions.push(new x509.AuthorityKeyIdentifierExtension(aki, false));
  }
  const signer = spec.issuer?.key ?? spec.key;
  const cert = await x509.X509CertificateGenerator.create(
    {
      subject: new x509.Name(encodeDistinguishedName(spec.subject)),
      issuer: spec.issuer ? spec.issuer.cert.cert.subjectName : new x509.Name(encodeDistinguishedName(spec.subject)),
      publicKey: spec.key.spki,
      signingKey: signer.privateKey,
      signingAlgorithm: ALGORITHMS[signer.algorithm].webcryptoSign as webcrypto.Algorithm,
      notBefore: new Date(spec.notBefore),
      notAfter: new Date(spec.notAfter),
      extensions,
    },
    subtleCrypto,
  );
  const der = toBytes(cert.rawData);
  return { der, pem: toPem(der, 'CERTIFICATE'), cert, ski: ski.keyId };
}

/** A copy of `der` with one bit of the signature flipped (the last byte is inside the signature value). */
export function breakSignature(der: Uint8Array): Uint8Array {
  const out = new Uint8Array(der);
  out[out.length - 2] = (out[out.length - 2] as number) ^ 0x01;
  return out;
}

export const pemOf = (...certs: { pem: string }[]): Uint8Array => new TextEncoder().encode(certs.map((c) => c.pem).join(''));
export const text = (s: string): Uint8Array => new TextEncoder().encode(s);

/** A temp dir with an OpenSSL runner; `cleanup()` removes it. */
export function opensslWorkspace(): {
  dir: string;
  path: (name: string) => string;
  write: (name: string, data: string | Uint8Array) => string;
  read: (name: string) => Uint8Array;
  /** stdout followed by stderr (OpenSSL 3.0 reports some verdicts only on stderr); throws on a non-zero exit. */
  run: (...args: string[]) => string;
  cleanup: () => void;
} {
  const dir = mkdtempSync(join(tmpdir(), 'airgap-ca-test-'));
  const path = (name: string): string => join(dir, name);
  return {
    dir,
    path,
    write: (name, data) => {
      writeFileSync(path(name), data);
      return path(name);
    },
    read: (name) => new Uint8Array(readFileSync(path(name))),
    run: (...args) => {
      const r = spawnSync('/usr/bin/openssl', args, { cwd: dir, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`openssl ${args.join(' ')} exited ${String(r.status)}: ${r.stderr}`);
      return r.stdout + r.stderr;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
