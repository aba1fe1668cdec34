/**
 * Shared fixtures for the issuance tests: test CAs made by @peculiar/x509 (an
 * implementation independent of our DER writer), subject keys and requests,
 * fixed dates, and OpenSSL in a temporary folder.
 * Imported by *.test.ts files only.
 */
import 'reflect-metadata';
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync, webcrypto } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';
import type { KeyAlgorithm } from '../core/pki/algorithms.ts';
import { ALGORITHMS } from '../core/pki/algorithms.ts';
import { buildCertificationRequest } from '../core/issuance/certification-request.ts';
import { encodeName } from '../core/asn1/name.ts';
import type { NameAttributeInput } from '../core/asn1/name.ts';
import { createIssuer } from '../core/issuance/issuer.ts';
import type { Issuer, IssuerInit } from '../core/issuance/issuer.ts';
import { OID } from '../core/asn1/oids.ts';
import { toPem } from '../core/asn1/pem.ts';
import type { SubjectAltNames } from '../core/issuance/subject-alt-names.ts';

/** Golden dates: the CA lives 2024-01-01 to 2034-01-01; issuance happens on 2025-06-01. */
export const CA_NOT_BEFORE = new Date('2024-01-01T00:00:00Z');
export const CA_NOT_AFTER = new Date('2034-01-01T00:00:00Z');
export const NOW = new Date('2025-06-01T12:00:00Z');
/** Unix time one day after NOW (inside a 7-day CRL's window), for `openssl verify -attime`. */
export const VERIFY_AT = String(Math.floor(new Date('2025-06-02T12:00:00Z').getTime() / 1000));

export interface TestCa {
  readonly init: IssuerInit;
  readonly issuer: Issuer;
  readonly pem: string;
}

export interface TestCaOptions {
  readonly subject?: string;
  readonly notBefore?: Date;
  readonly notAfter?: Date;
  readonly pathLen?: number;
  readonly keyUsage?: number;
  readonly ca?: boolean;
}

/** A self-signed CA made with @peculiar/x509 over WebCrypto, loaded as an Issuer. */
export async function makeTestCa(algorithm: KeyAlgorithm, o: TestCaOptions = {}): Promise<TestCa> {
  const made = await makeTestCertificate(algorithm, o);
  return { ...made, issuer: createIssuer(made.init) };
}

/** The self-signed certificate and key alone, for certificates an Issuer must refuse. */
export async function makeTestCertificate(algorithm: KeyAlgorithm, o: TestCaOptions = {}): Promise<Omit<TestCa, 'issuer'>> {
  const info = ALGORITHMS[algorithm];
  const keys = (await webcrypto.subtle.generateKey(info.webcryptoGenerate as webcrypto.EcKeyGenParams, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name: o.subject ?? `CN=Test CA ${algorithm}, O=Airgap CA Tests, C=DE`,
    notBefore: o.notBefore ?? CA_NOT_BEFORE,
    notAfter: o.notAfter ?? CA_NOT_AFTER,
    keys: keys as never,
    signingAlgorithm: info.webcryptoSign,
    extensions: [
      new x509.BasicConstraintsExtension(o.ca ?? true, o.pathLen, true),
      new x509.KeyUsagesExtension(o.keyUsage ?? x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey as never),
    ],
  });
  const pkcs8 = new Uint8Array(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  const init: IssuerInit = { certificateDer: new Uint8Array(cert.rawData), privateKey: pkcs8, algorithm };
  return { init, pem: toPem(init.certificateDer, 'CERTIFICATE') };
}

export type SubjectKeyKind = 'p256' | 'p384' | 'p521' | 'rsa2048' | 'rsa1024' | 'ed25519' | 'secp256k1';

export function makeKey(kind: SubjectKeyKind): { privateKey: KeyObject; publicKey: KeyObject } {
  switch (kind) {
    case 'p256':
      return generateKeyPairSync('ec', { namedCurve: 'P-256' });
    case 'p384':
      return generateKeyPairSync('ec', { namedCurve: 'P-384' });
    case 'p521':
      return generateKeyPairSync('ec', { namedCurve: 'P-521' });
    case 'secp256k1':
      return generateKeyPairSync('ec', { namedCurve: 'secp256k1' });
    case 'rsa2048':
      return generateKeyPairSync('rsa', { modulusLength: 2048 });
    case 'rsa1024':
      return generateKeyPairSync('rsa', { modulusLength: 1024 });
    case 'ed25519':
      return generateKeyPairSync('ed25519');
  }
}

export function subjectName(cn: string, extra: NameAttributeInput[][] = []): Buffer {
  return encodeName([[{ type: OID.countryName, value: 'DE' }], [{ type: OID.organizationName, value: 'Acme Fleet' }], ...extra, [{ type: OID.commonName, value: cn }]]);
}

export function makeCsr(kind: SubjectKeyKind, cn = 'agent-0001', sans?: SubjectAltNames): Buffer {
  const { privateKey } = makeKey(kind);
  return buildCertificationRequest({ subjectDer: subjectName(cn), privateKey, ...(sans ? { sans } : {}) });
}

/** Run `fn` with a fresh temporary folder, removed afterwards. */
export function withTempDir<T>(fn: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'airgap-issuance-'));
  try {
    return fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface RunResult {
  readonly status: number;
  readonly output: string;
}

/** Run OpenSSL; never throws on a non-zero exit, so tests can assert refusals too. Output is stdout then stderr. */
export function openssl(args: string[], cwd: string): RunResult {
  const r = spawnSync('/usr/bin/openssl', args, { cwd, encoding: 'utf8' });
  return { status: r.status ?? 1, output: `${r.stdout}${r.stderr}` };
}

export function writeFiles(dir: string, files: Record<string, string | Uint8Array>): void {
  for (const [name, data] of Object.entries(files)) writeFileSync(join(dir, name), data);
}
