/**
 * Signs the CA certificates that are not issued below a CA certificate of
 * ours: self-signed roots and link certificates. Leaves and sub-CAs go through
 * the Issuer (issuance/issuer.ts). Both lint the TBSCertificate with the same
 * rules (issuance/certificate-lint.ts, CA profile) before the CA key signs,
 * and re-verify the signature with the issuer's public key before anything is
 * returned, so a faulty key or library never yields a certificate nobody can
 * validate.
 *
 * @peculiar/x509 builds and signs in one step, so the TBSCertificate is first
 * built under a throwaway key of the same algorithm (the signature algorithm
 * identifier depends only on the algorithm), read back and linted; only then
 * does the CA key sign, and the signed TBSCertificate must be the linted one
 * byte for byte.
 */
import { X509Certificate as NodeX509Certificate, createPublicKey } from 'node:crypto';
import type { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import type { KeyAlgorithm } from '../pki/algorithms.ts';
import { subtleCrypto } from '../pki/crypto-provider.ts';
import { DomainError } from '../errors.ts';
import { generateSigningKey, importSigningKey, signingParams } from './key-material.ts';
import { bytesEqual, toBytes } from '../asn1/bytes.ts';
import { toPem } from '../asn1/pem.ts';
import { formatDistinguishedName } from './distinguished-name.ts';
import { lintTbsCertificate } from '../issuance/certificate-lint.ts';
import type { LintIssuer } from '../issuance/certificate-lint.ts';
import { readCertificate } from '../issuance/certificate-reader.ts';
import { PROFILES } from '../issuance/profiles.ts';
import { caSignatureAlgorithm } from '../issuance/signature-algorithms.ts';

export interface SignedCertificate {
  der: Uint8Array;
  pem: string;
  /** Lowercase hex. */
  serialHex: string;
  subject: string;
  /** ISO 8601 UTC. */
  notBefore: string;
  notAfter: string;
}

export interface SignRequest {
  issuerAlgorithm: KeyAlgorithm;
  /** The issuer's PKCS#8: imported non-extractable for this one signature. */
  issuerPkcs8: Uint8Array;
  /** The issuer's SPKI DER, to re-verify the signature. */
  issuerSpki: Uint8Array;
  subject: x509.Name;
  issuer: x509.Name;
  subjectSpki: Uint8Array;
  serialHex: string;
  notBefore: Date;
  notAfter: Date;
  extensions: x509.Extension[];
  lint: CaLintInput;
}

/** What the lint expects of a CA certificate, stated independently of the extensions built. */
export interface CaLintInput {
  /** basicConstraints pathLenConstraint the certificate must carry (absent: unlimited). */
  pathLen: number | undefined;
  /** The subjectKeyIdentifier it must carry. */
  subjectKeyId: Uint8Array;
  /** The issuing certificate's facts; absent for a self-signed root, which is its own issuer. */
  issuer?: Omit<LintIssuer, 'signatureAlgorithm'>;
}

/** X.509 times have one-second resolution (RFC 5280 section 4.1.2.5); we truncate rather than let the encoder do it. */
export function truncateToSecond(d: Date): Date {
  return new Date(Math.floor(d.getTime() / 1000) * 1000);
}

/** One throwaway key pair per algorithm for the lint build; it never signs anything that leaves this module. */
const lintKeys = new Map<KeyAlgorithm, Promise<webcrypto.CryptoKey>>();

function lintKey(alg: KeyAlgorithm): Promise<webcrypto.CryptoKey> {
  let key = lintKeys.get(alg);
  if (!key) {
    key = generateSigningKey(alg).then((k) => importSigningKey(alg, k.pkcs8));
    lintKeys.set(alg, key);
  }
  return key;
}

function build(req: SignRequest, signingKey: webcrypto.CryptoKey): Promise<x509.X509Certificate> {
  return x509.X509CertificateGenerator.create(
    {
      serialNumber: req.serialHex,
      subject: req.subject,
      issuer: req.issuer,
      notBefore: req.notBefore,
      notAfter: req.notAfter,
      publicKey: req.subjectSpki,
      signingKey,
      signingAlgorithm: signingParams(req.issuerAlgorithm) as webcrypto.Algorithm,
      extensions: req.extensions,
    },
    subtleCrypto,
  );
}

function lintCaCertificate(req: SignRequest, tbsDer: Uint8Array): void {
  const signatureAlgorithm = caSignatureAlgorithm(req.issuerAlgorithm).algorithmIdentifier;
  const issuer: LintIssuer = req.lint.issuer
    ? { ...req.lint.issuer, signatureAlgorithm }
    : { subjectDer: toBytes(req.subject.toArrayBuffer()), keyId: req.lint.subjectKeyId, notBefore: req.notBefore, notAfter: req.notAfter, signatureAlgorithm };
  lintTbsCertificate(tbsDer, { profile: PROFILES['sub-ca'], issuer, pathLen: req.lint.pathLen, subjectKeyId: req.lint.subjectKeyId });
}

function tbsOf(der: Uint8Array): Uint8Array {
  return readCertificate(der).tbsDer;
}

export async function signCertificate(req: SignRequest): Promise<SignedCertificate> {
  const signingKey = await importSigningKey(req.issuerAlgorithm, req.issuerPkcs8);
  const linted = tbsOf(toBytes((await build(req, await lintKey(req.issuerAlgorithm))).rawData));
  lintCaCertificate(req, linted);
  const cert = await build(req, signingKey);
  const der = toBytes(cert.rawData);
  if (!bytesEqual(tbsOf(der), linted)) {
    throw new DomainError('INTERNAL', 'The signed certificate is not the one that passed lint, so it was discarded.');
  }
  // Re-verify with an independent implementation (OpenSSL behind node:crypto).
  let ok: boolean;
  try {
    ok = new NodeX509Certificate(der).verify(createPublicKey({ key: Buffer.from(req.issuerSpki), format: 'der', type: 'spki' }));
  } catch {
    ok = false;
  }
  if (!ok) {
    throw new DomainError('SIGNATURE_SELF_CHECK_FAILED', 'The new certificate does not verify with the signing key\'s public key, so it was discarded. Run the key health check; the stored key may not match its public key.');
  }
  return {
    der,
    pem: toPem(der, 'CERTIFICATE'),
    serialHex: cert.serialNumber.toLowerCase(),
    subject: formatDistinguishedName(cert.subjectName),
    notBefore: cert.notBefore.toISOString(),
    notAfter: cert.notAfter.toISOString(),
  };
}
