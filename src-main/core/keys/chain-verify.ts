/**
 * The checks on an ordered path leaf -> root that X509ChainBuilder leaves to
 * us: CA flags, key usage, path length, validity now, and nesting. Used by the
 * chain import and by the health check, so a chain is judged the same way
 * when it arrives and every time it is shown.
 *
 * The checks run in a fixed order and the first failure is thrown, so each
 * broken chain has one answer:
 *   1. signatures and linkage (CHAIN_BAD_SIGNATURE, CHAIN_MISSING_ISSUER)
 *   2. the leaf: CA:true (CHAIN_NOT_CA), keyCertSign (CHAIN_NO_KEYCERTSIGN)
 *   3. every issuer: CA:true, keyCertSign, then pathLen (CHAIN_PATHLEN)
 *   4. every certificate's validity covers now (CHAIN_NOT_YET_VALID, CHAIN_EXPIRED)
 *   5. each certificate's validity nests in its issuer's (CHAIN_VALIDITY_NOT_NESTED)
 */
import { DomainError } from '../errors.ts';
import type { CertificateFacts } from '../asn1/certificate-reader.ts';
import { KEY_USAGE, isSelfIssued, isSelfSigned, keyIdsAgree, sameName, signedBy } from '../asn1/certificate-reader.ts';

const iso = (d: Date): string => d.toISOString().replace('.000Z', 'Z');

/** The leaf must be able to act as a CA (it will sign agent certificates and CRLs). */
export function checkLeafIsCa(leaf: CertificateFacts): void {
  // RFC 5280 section 4.2.1.9: "If the cA boolean is not asserted, then the
  // keyCertSign bit in the key usage extension MUST NOT be asserted."
  if (!leaf.basicConstraints?.ca) {
    throw new DomainError('CHAIN_NOT_CA', `The certificate for this key, ${leaf.label}, is not a CA certificate (basicConstraints CA:true is ${leaf.basicConstraints ? 'false' : 'missing'}). Ask the corporate CA to sign the request with the sub-CA profile (CA:true).`);
  }
  // RFC 5280 section 4.2.1.3: keyCertSign is what allows verifying signatures on certificates.
  if (leaf.keyUsage === null || (leaf.keyUsage & KEY_USAGE.keyCertSign) === 0) {
    throw new DomainError('CHAIN_NO_KEYCERTSIGN', `The certificate for this key, ${leaf.label}, does not allow signing certificates (keyUsage keyCertSign is ${leaf.keyUsage === null ? 'missing: the whole keyUsage extension is absent' : 'not set'}). Ask the corporate CA to sign it with keyUsage keyCertSign and cRLSign.`);
  }
}

/** Each path[i] is signed by path[i + 1]; the last one is self-signed. */
export function checkLinks(path: CertificateFacts[]): void {
  for (let i = 0; i < path.length; i++) {
    const child = path[i] as CertificateFacts;
    const issuer = path[i + 1] ?? child;
    if (i === path.length - 1 && !isSelfIssued(child)) {
      throw new DomainError('CHAIN_ROOT_MISSING', `The chain ends at ${child.label}, which is issued by ${child.issuer}, and that root is not in the chain. Ask for the root certificate.`);
    }
    if (!sameName(child.issuerDer, issuer.subjectDer) || !keyIdsAgree(child, issuer)) {
      throw new DomainError('CHAIN_MISSING_ISSUER', `${child.label} is not issued by the next certificate in the chain, ${issuer.label}. The chain is incomplete or out of order.`);
    }
    if (!signedBy(child, issuer)) {
      throw new DomainError('CHAIN_BAD_SIGNATURE', i === path.length - 1
        ? `The self-signature of the root ${child.label} does not verify: the certificate was altered or damaged. Ask for the root certificate again.`
        : `The signature on ${child.label} does not verify with the key of ${issuer.label}: the certificate was altered or damaged. Ask for the chain again.`);
    }
  }
  const root = path[path.length - 1];
  if (root && !isSelfSigned(root)) {
    throw new DomainError('CHAIN_ROOT_MISSING', `The chain ends at ${root.label}, which is not a self-signed root. Ask for the root certificate.`);
  }
}

/** RFC 5280 section 6.1.4 (k), (l), (m), (n): the issuers' side of the path. */
export function checkIssuers(path: CertificateFacts[]): void {
  for (let i = 1; i < path.length; i++) {
    const ca = path[i] as CertificateFacts;
    const isRoot = i === path.length - 1;
    // 6.1.4 (k): every intermediate must be a CA. A trust anchor is outside
    // path processing (6.1.1 (d)), so a root without basicConstraints (an old
    // v1 root) is tolerated, but one that says CA:false is not.
    if (ca.basicConstraints ? !ca.basicConstraints.ca : !isRoot) {
      throw new DomainError('CHAIN_NOT_CA', `The issuer ${ca.label} (position ${i + 1} from the leaf) is not a CA certificate (basicConstraints CA:true ${ca.basicConstraints ? 'is false' : 'is missing'}), so it cannot issue certificates. Ask the corporate CA for the correct chain.`);
    }
    // 6.1.4 (n): if keyUsage is present, keyCertSign must be set. For
    // intermediates we also require its presence (4.2.1.3: "Conforming CAs
    // MUST include this extension in certificates that contain public keys
    // that are used to validate digital signatures on other public key certificates").
    if ((ca.keyUsage === null && !isRoot) || (ca.keyUsage !== null && (ca.keyUsage & KEY_USAGE.keyCertSign) === 0)) {
      throw new DomainError('CHAIN_NO_KEYCERTSIGN', `The issuer ${ca.label} (position ${i + 1} from the leaf) does not allow signing certificates (keyUsage keyCertSign ${ca.keyUsage === null ? 'missing' : 'not set'}). Ask the corporate CA for the correct chain.`);
    }
    // 4.2.1.9: pathLenConstraint is the maximum number of non-self-issued
    // intermediate certificates that may follow this certificate. Our leaf
    // counts: it will issue agent certificates, so in their paths it is an
    // intermediate. Self-issued certificates (e.g. link certificates) do not count.
    const pathLength = ca.basicConstraints?.pathLength;
    if (pathLength !== undefined) {
      let following = 0;
      for (let j = 0; j < i; j++) if (!isSelfIssued(path[j] as CertificateFacts)) following++;
      if (following > pathLength) {
        throw new DomainError('CHAIN_PATHLEN', `The issuer ${ca.label} allows at most ${pathLength} CA certificate${pathLength === 1 ? '' : 's'} below it (pathLen ${pathLength}, RFC 5280 section 4.2.1.9), but this chain puts ${following} below it, counting this key's certificate. Ask the corporate CA to sign from an issuer whose path length allows a sub-CA.`);
      }
    }
  }
}

/** RFC 5280 section 4.1.2.5: the validity period includes both notBefore and notAfter. */
export function checkValidityNow(path: CertificateFacts[], now: Date): void {
  for (const c of path) {
    if (now.getTime() < c.notBefore.getTime()) {
      throw new DomainError('CHAIN_NOT_YET_VALID', `${c.label} is not valid yet: it becomes valid at ${iso(c.notBefore)} and it is now ${iso(now)}. Check this workstation's clock, or wait until then.`);
    }
    if (now.getTime() > c.notAfter.getTime()) {
      throw new DomainError('CHAIN_EXPIRED', `${c.label} expired at ${iso(c.notAfter)} (it is now ${iso(now)}). Ask the corporate CA for a current certificate.`);
    }
  }
}

/**
 * Our policy, stricter than RFC 5280 (which validates each certificate only
 * against the time of use): a certificate must not outlive its issuer, or
 * agents would see it fail early when the issuer expires.
 */
export function checkNesting(path: CertificateFacts[]): void {
  for (let i = 0; i + 1 < path.length; i++) {
    const c = path[i] as CertificateFacts;
    const issuer = path[i + 1] as CertificateFacts;
    if (c.notBefore.getTime() < issuer.notBefore.getTime() || c.notAfter.getTime() > issuer.notAfter.getTime()) {
      throw new DomainError('CHAIN_VALIDITY_NOT_NESTED', `${c.label} is valid from ${iso(c.notBefore)} to ${iso(c.notAfter)}, outside its issuer ${issuer.label} (${iso(issuer.notBefore)} to ${iso(issuer.notAfter)}). Ask the corporate CA to issue it within the issuer's validity.`);
    }
  }
}

/** All of the above on an ordered path leaf -> root. */
export function verifyOrderedChain(path: CertificateFacts[], now: Date): void {
  if (path.length === 0) throw new DomainError('CHAIN_EMPTY', 'There is no certificate to check.');
  checkLinks(path);
  checkLeafIsCa(path[0] as CertificateFacts);
  checkIssuers(path);
  checkValidityNow(path, now);
  checkNesting(path);
}
