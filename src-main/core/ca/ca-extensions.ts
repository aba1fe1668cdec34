/**
 * The extensions every CA certificate and CA request of ours carries.
 */
import * as x509 from '@peculiar/x509';
import { DomainError } from '../errors.ts';

/** keyCertSign + cRLSign: RFC 5280 section 4.2.1.3 asks CAs to mark the extension critical. */
export const CA_KEY_USAGES = x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign;

/** A pathLenConstraint an officer asked for: absent (unlimited) or 0 to 16. */
export function checkPathLength(pathLength: number | undefined): number | undefined {
  if (pathLength !== undefined && (!Number.isInteger(pathLength) || pathLength < 0 || pathLength > 16)) {
    throw new DomainError('INVALID_INPUT', `The path length must be a whole number from 0 to 16, not ${String(pathLength)}.`);
  }
  return pathLength;
}

/** RFC 5280 section 4.2.1.9: a CA's basicConstraints MUST be critical; pathLen only with cA true. */
export function caBasicConstraints(pathLength: number | undefined): x509.BasicConstraintsExtension {
  return new x509.BasicConstraintsExtension(true, checkPathLength(pathLength), true);
}

export function caKeyUsage(): x509.KeyUsagesExtension {
  return new x509.KeyUsagesExtension(CA_KEY_USAGES, true);
}
