/**
 * Link certificates for a standalone root rotation (the "key rollover"
 * certificates of RFC 4210 section 4.4 - OldWithNew).
 *
 * The previous active root signs a certificate for the new root's key with
 * the new root's subject: an agent that trusts only the old root builds
 * agent cert -> link (new subject, new key, issued by the old root) -> old
 * root, so it keeps validating what the new key issues until it has the new
 * trust bundle. The link copies the new root's SKI, so the AKI in
 * certificates the new key issues matches it, and carries the old root's
 * key id as AKI (RFC 5280 section 4.2.1.1). Its validity lies inside both
 * roots' validity. It is signed by the old root's Issuer
 * (issueCaCertificate), so it is linted and re-verified like every
 * certificate.
 */
import type { Clock } from '../clock.ts';
import type { KeyAlgorithm } from '../pki/algorithms.ts';
import { DomainError } from '../errors.ts';
import { bytesEqual } from '../asn1/bytes.ts';
import type { RandomBytes } from '../asn1/serial.ts';
import { readCertificateFacts, isSelfIssued, isSelfSigned } from '../asn1/certificate-reader.ts';
import type { CertificateFacts } from '../asn1/certificate-reader.ts';
import { signerFor } from '../signing/signer.ts';
import type { Signer } from '../signing/signer.ts';
import { Issuer } from '../issuance/issuer.ts';
import type { SignedCertificate } from '../issuance/issuer.ts';
import { rootKeyIdOfSpki } from './self-sign.ts';
import { truncateToSecond } from '../issuance/validity-window.ts';

export interface LinkCertificateInput {
  /** The previous active root: it signs. */
  oldRoot: { algorithm: KeyAlgorithm; pkcs8?: Uint8Array; signer?: Signer; certificate: Uint8Array };
  /** The new root's self-signed certificate: the link repeats its subject, key and basicConstraints. */
  newRootCertificate: Uint8Array;
  clock: Clock;
  /** The serial number's random source; the CSPRNG when absent. */
  random?: RandomBytes;
}

function requireRoot(c: CertificateFacts, which: string): void {
  if (!isSelfSigned(c) || !c.basicConstraints?.ca) {
    throw new DomainError('INVALID_INPUT', `The ${which} certificate ${c.label} is not a self-signed CA root. Link certificates are for rotating a standalone root; a sub-CA is re-signed by the corporate CA instead.`);
  }
}

/**
 * Sign the link certificate old root -> new root key. Throws INVALID_INPUT
 * (not two standalone roots, or the same key), KEY_UNHEALTHY (the PKCS#8 is
 * not the old root's), CHAIN_EXPIRED (no time left inside both validities),
 * CHAIN_PATHLEN (the old root's pathLen 0 forbids a link with another name),
 * LINT_FAILED (nothing is signed), SIGNATURE_SELF_CHECK_FAILED.
 */
export async function createLinkCertificate(input: LinkCertificateInput): Promise<SignedCertificate> {
  const oldRoot = readCertificateFacts(input.oldRoot.certificate, 'the old root certificate');
  const newRoot = readCertificateFacts(input.newRootCertificate, 'the new root certificate');
  requireRoot(oldRoot, 'old root');
  requireRoot(newRoot, 'new root');
  if (bytesEqual(oldRoot.spki, newRoot.spki)) {
    throw new DomainError('INVALID_INPUT', 'The old and the new root have the same key; a link certificate joins two different keys.');
  }
  const signer = signerFor(input.oldRoot.algorithm, input.oldRoot, oldRoot.spki, `The private key given for the old root does not belong to ${oldRoot.label}. Run the key health check.`);
  const now = truncateToSecond(input.clock.now());
  const notBefore = new Date(Math.max(now.getTime(), oldRoot.notBefore.getTime(), newRoot.notBefore.getTime()));
  const notAfter = new Date(Math.min(oldRoot.notAfter.getTime(), newRoot.notAfter.getTime()));
  if (notBefore.getTime() >= notAfter.getTime()) {
    throw new DomainError('CHAIN_EXPIRED', `There is no time left inside both roots' validity (old root until ${oldRoot.notAfter.toISOString()}, new root until ${newRoot.notAfter.toISOString()}), so a link certificate would never be valid. Distribute the new trust bundle instead.`);
  }
  // The link is an intermediate below the old root unless it is self-issued
  // (same name), and RFC 5280 section 4.2.1.9 does not count self-issued ones.
  const selfIssuedLink = bytesEqual(newRoot.subjectDer, oldRoot.subjectDer);
  if (!selfIssuedLink && oldRoot.basicConstraints?.pathLength === 0) {
    throw new DomainError('CHAIN_PATHLEN', `The old root ${oldRoot.label} has pathLen 0, so agents would refuse a link certificate with another name below it. Give the new root the same subject as the old one.`);
  }
  // The link repeats the new root's SKI; a root without one gets the method-1 identifier roots carry.
  const subjectKeyId = newRoot.subjectKeyId ? Buffer.from(newRoot.subjectKeyId, 'hex') : rootKeyIdOfSpki(newRoot.spki);
  // The old root signs through the one signing path; its key id (SKI) becomes the link's AKI.
  const issuer = new Issuer({ certificateDer: input.oldRoot.certificate, privateKey: signer, algorithm: input.oldRoot.algorithm, random: input.random });
  const signed = issuer.issueCaCertificate({
    subjectDer: newRoot.subjectDer,
    spkiDer: newRoot.spki,
    notBefore,
    notAfter,
    pathLen: newRoot.basicConstraints?.pathLength,
    subjectKeyId,
  });
  // Sanity: the link must not look like a root to chain builders.
  const link = readCertificateFacts(signed.der, 'the link certificate');
  if (isSelfSigned(link) || (isSelfIssued(link) && link.authorityKeyId === link.subjectKeyId)) {
    throw new DomainError('INTERNAL', 'The link certificate came out looking self-signed.');
  }
  return signed;
}
