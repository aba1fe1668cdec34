import { DomainError } from '../errors.ts';
import type { CaSummary } from '../store/ca-summary.ts';

/**
 * What a CA's own settings say about one issuance: a profile outside the CA's
 * allowed profiles is refused before anything is signed, and a request that
 * names no validity gets the CA's default validity (else the profile's).
 * Returns the days to ask the issuer for.
 */
export function caIssuanceDays(ca: CaSummary | null, profile: string, days: number | undefined): number | undefined {
  const allowed = ca?.settings.allowedProfiles;
  if (ca && allowed && !allowed.includes(profile)) {
    throw new DomainError('PROFILE_NOT_ALLOWED', `The CA "${ca.name}" does not issue ${profile} certificates (it issues: ${allowed.join(', ') || 'none'}). Choose one of those profiles, or another CA with --ca.`);
  }
  return days ?? ca?.settings.defaultValidityDays ?? undefined;
}
