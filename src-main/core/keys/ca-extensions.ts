/**
 * The officer's choice for the CA certificates and CA requests of ours; the
 * extensions themselves are encoded in core/issuance/certificate-extensions.ts.
 */
import { DomainError } from '../errors.ts';

/** A pathLenConstraint an officer asked for: absent (unlimited) or 0 to 16. */
export function checkPathLength(pathLength: number | undefined): number | undefined {
  if (pathLength !== undefined && (!Number.isInteger(pathLength) || pathLength < 0 || pathLength > 16)) {
    throw new DomainError('INVALID_INPUT', `The path length must be a whole number from 0 to 16, not ${String(pathLength)}.`);
  }
  return pathLength;
}
