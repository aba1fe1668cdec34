/**
 * The one place a CA certificate of ours is signed (self-signed roots and
 * link certificates). docs/architecture.md fixes the order: sign, then re-verify the
 * signature with the issuer's public key before anything is returned, so a
 * faulty key or library never yields a certificate nobody can validate.
 */
import { X509Certificate as NodeX509Certificate, createPublicKey } from 'node:crypto';
import type { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import type { KeyAlgorithm } from '../pki/algorithms.ts';
import { subtleCrypto } from '../pki/crypto-provider.ts';
import { DomainError } from '../errors.ts';
import { importSigningKey, signingParams } from './key-material.ts';
import { toBytes, toPem } from './encoding.ts';
import { formatDistinguishedName } from './distinguished-name.ts';

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
}

/** X.509 times have one-second resolution (RFC 5280 section 4.1.2.5); we truncate rather than let the encoder do it. */
export function truncateToSecond(d: Date): Date {
  return new Date(Math.floor(d.getTime() / 1000) * 1000);
}

export async function signCertificate(req: SignRequest): Promise<SignedCertificate> {
  const signingKey = await importSigningKey(req.issuerAlgorithm, req.issuerPkcs8);
  const cert = await x509.X509CertificateGenerator.create(
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
  const der = toBytes(cert.rawData);
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
