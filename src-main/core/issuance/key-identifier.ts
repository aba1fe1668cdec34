/**
 * Subject key identifiers for the certificates we issue.
 *
 * RFC 5280 4.2.1.2 leaves the method open and lists SHA-1 based ones; we use
 * the SHA-256 method of RFC 7093 section 2 (method 1): the leftmost 160 bits
 * of SHA-256 over the value of the subjectPublicKey BIT STRING (excluding the
 * tag, length and unused-bits octet). Every certificate issued here uses it, so
 * an AKI can always be predicted from the issuer's key alone.
 */
import { hash } from 'node:crypto';

export function keyIdentifier(subjectPublicKeyBits: Uint8Array): Buffer {
  return (hash('sha256', subjectPublicKeyBits, 'buffer') as Buffer).subarray(0, 20);
}

/**
 * The RFC 5280 4.2.1.2 method-1 identifier (SHA-1 over the same bits) that
 * our roots carry: the roots were first published with it, and a link
 * certificate repeats the new root's, so chains already in the field match.
 */
export function rootKeyIdentifier(subjectPublicKeyBits: Uint8Array): Buffer {
  return hash('sha1', subjectPublicKeyBits, 'buffer') as Buffer;
}
