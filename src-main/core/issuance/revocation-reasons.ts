/**
 * CRLReason (RFC 5280 5.3.1). Value 7 is not used. removeFromCRL only
 * appears in delta CRLs, which this CA does not publish, so a certificate
 * cannot be revoked with it.
 */
import { DomainError } from '../errors.ts';

export const REASON_CODES = {
  unspecified: 0,
  keyCompromise: 1,
  cACompromise: 2,
  affiliationChanged: 3,
  superseded: 4,
  cessationOfOperation: 5,
  certificateHold: 6,
  removeFromCRL: 8,
  privilegeWithdrawn: 9,
  aACompromise: 10,
} as const;

export type ReasonName = keyof typeof REASON_CODES;
export const REASON_NAMES = Object.keys(REASON_CODES) as ReasonName[];

const BY_CODE = new Map<number, ReasonName>(REASON_NAMES.map((n) => [REASON_CODES[n], n]));

export function isReasonName(name: string): name is ReasonName {
  return Object.hasOwn(REASON_CODES, name);
}

export function reasonFromCode(code: number): ReasonName | undefined {
  return BY_CODE.get(code);
}

/** A reason an officer may revoke with: any RFC 5280 name except removeFromCRL. */
export function parseRevocationReason(name: string): ReasonName {
  if (!isReasonName(name)) {
    throw new DomainError('INVALID_REASON', `"${name}" is not an RFC 5280 revocation reason; use one of ${REASON_NAMES.filter((n) => n !== 'removeFromCRL').join(', ')}.`);
  }
  if (name === 'removeFromCRL') {
    throw new DomainError('INVALID_REASON', 'removeFromCRL is only used in delta CRLs (RFC 5280 5.3.1); it is not a reason to revoke.');
  }
  return name;
}
