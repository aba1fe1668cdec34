/**
 * The validity of a new certificate: from `now` (whole seconds, since DER
 * times have no fractions) for the profile's days, and never outside the
 * issuer's own validity — a certificate outliving its issuer fails path
 * validation (RFC 5280 6.1.3 (a)(2)) on the day the issuer expires.
 */
import { DAY_MS } from '../clock.ts';
import { DomainError } from '../errors.ts';
import type { Profile } from './profiles.ts';

export interface ValidityRequest {
  readonly profile: Profile;
  readonly days?: number | undefined;
  readonly now: Date;
  readonly issuerNotBefore: Date;
  readonly issuerNotAfter: Date;
  readonly truncateToIssuer?: boolean | undefined;
}

export interface ValidityWindow {
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** NotAfter was cut back to the issuer's NotAfter at the officer's request. */
  readonly truncated: boolean;
}

function describeExcess(ms: number): string {
  const days = Math.floor(ms / DAY_MS);
  const hours = Math.floor((ms % DAY_MS) / 3_600_000);
  if (days > 0) return `${days} day${days === 1 ? '' : 's'}${hours ? ` ${hours} h` : ''}`;
  const minutes = Math.ceil(ms / 60_000);
  return hours > 0 ? `${hours} h` : `${minutes} min`;
}

export function validityWindow(r: ValidityRequest): ValidityWindow {
  const days = r.days ?? r.profile.defaultDays;
  if (!Number.isInteger(days) || days < 1 || days > r.profile.maxDays) {
    throw new DomainError('INVALID_INPUT', `Validity for the ${r.profile.name} profile must be a whole number of days from 1 to ${r.profile.maxDays}.`);
  }
  if (Number.isNaN(r.now.getTime())) throw new DomainError('INVALID_INPUT', 'The issuance time is not a valid date.');
  const notBefore = truncateToSecond(r.now);
  if (notBefore < r.issuerNotBefore) {
    throw new DomainError('VALIDITY_EXCEEDS_ISSUER', `The issuing key's certificate is not valid before ${r.issuerNotBefore.toISOString()}; check the workstation clock.`);
  }
  if (notBefore >= r.issuerNotAfter) {
    throw new DomainError('VALIDITY_EXCEEDS_ISSUER', `The issuing key's certificate expired on ${r.issuerNotAfter.toISOString()}; it cannot issue any more.`);
  }
  const wanted = new Date(notBefore.getTime() + days * DAY_MS);
  if (wanted <= r.issuerNotAfter) return { notBefore, notAfter: wanted, truncated: false };
  if (r.truncateToIssuer) return { notBefore, notAfter: new Date(r.issuerNotAfter.getTime()), truncated: true };
  throw new DomainError(
    'VALIDITY_EXCEEDS_ISSUER',
    `A ${days}-day certificate would end ${wanted.toISOString()}, ${describeExcess(wanted.getTime() - r.issuerNotAfter.getTime())} after the issuing key's certificate (${r.issuerNotAfter.toISOString()}). ` +
      'Issue fewer days, or ask to truncate the validity to the issuer\'s NotAfter.',
  );
}

/** X.509 times have one-second resolution (RFC 5280 section 4.1.2.5); we truncate rather than let the encoder do it. */
export function truncateToSecond(d: Date): Date {
  return new Date(Math.floor(d.getTime() / 1000) * 1000);
}
