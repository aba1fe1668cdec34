/**
 * input.check: a wizard's typed values checked on the step where they are
 * typed, by the very parsers and limits the operation that takes them later
 * uses (the subject's RFC 4514 parser, the root's days limit, the profile's
 * and the issuer's end), so the refusal stands at its field instead of one
 * step later. Nothing is read from a medium or written anywhere.
 */
import { parseDistinguishedName } from '../../core/asn1/name.ts';
import { readCertificateFacts } from '../../core/asn1/certificate-reader.ts';
import { DomainError, isDomainError, type ErrorCode } from '../../core/errors.ts';
import { caIssuanceDays } from '../../core/issuance/ca-policy.ts';
import { activeIssuingKey } from '../../core/issuance/issuing-key.ts';
import { getProfile, PROFILES } from '../../core/issuance/profiles.ts';
import { validityWindow } from '../../core/issuance/validity-window.ts';
import { checkDays, DEFAULT_ROOT_DAYS } from '../../core/keys/self-sign.ts';
import { SigningKeyStore } from '../../core/store/signing-key-store.ts';
import type { OpParsedInput } from '../contract.ts';
import type { FieldCheckView, FieldProblem } from '../contract/keys.ts';
import type { VaultContext } from './context.ts';

/** The refusals that belong to the field checked; any other failure (no active key, a locked vault) is the operation's, not the field's. */
const FIELD_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['INVALID_SUBJECT', 'INVALID_INPUT', 'VALIDITY_EXCEEDS_ISSUER', 'PROFILE_NOT_ALLOWED', 'PROFILE_UNKNOWN']);

function problemOf(check: () => void): FieldProblem | null {
  try {
    check();
    return null;
  } catch (e) {
    if (isDomainError(e) && FIELD_CODES.has(e.code)) return { code: e.code, message: e.message };
    throw e;
  }
}

/** The typed days: undefined when left empty (the default), else a whole number, refused as the operation's input would be. */
export function typedDays(value: string): number | undefined {
  const t = value.trim();
  if (t === '') return undefined;
  if (!/^\d{1,9}$/.test(t)) throw new DomainError('INVALID_INPUT', `The validity is a whole number of days, such as 365, not "${t.slice(0, 20)}"; or leave it empty for the default.`);
  return Number(t);
}

/** Would a certificate signed by `issuerDer` for these days be issued now? */
function fitsIssuer(ctx: VaultContext, issuerDer: Uint8Array, profile: string, days: number | undefined): void {
  const issuer = readCertificateFacts(issuerDer, "the issuing key's certificate");
  validityWindow({ profile: getProfile(profile), days, now: ctx.clock.now(), issuerNotBefore: issuer.notBefore, issuerNotAfter: issuer.notAfter });
}

function checkDaysFor(input: NonNullable<OpParsedInput<'input.check'>['days']>, ctx: VaultContext): void {
  const days = typedDays(input.value);
  switch (input.for) {
    case 'root':
      checkDays(days ?? DEFAULT_ROOT_DAYS);
      return;
    case 'issue': {
      // As cert.issueBatch takes them: the CA's policy and default, the bootstrap setting, the active key's end.
      const d = caIssuanceDays(ctx.ca, input.profile, days ?? (input.profile === 'bootstrap' ? ctx.settings().bootstrapValidityDays : undefined));
      fitsIssuer(ctx, activeIssuingKey(ctx.stores.keys).certificate, input.profile, d);
      return;
    }
    case 'child-ca': {
      // As ca.create --parent signs the first key: the sub-ca profile, under the parent's active key.
      const parent = ctx.stores.cas.byName(input.parent);
      const signer = new SigningKeyStore(ctx.vault, parent.id).active();
      if (!signer?.certificate) return;
      fitsIssuer(ctx, signer.certificate, PROFILES['sub-ca'].name, days);
      return;
    }
  }
}

export function checkFields(input: OpParsedInput<'input.check'>, ctx: VaultContext): FieldCheckView {
  const { subject, days } = input;
  return {
    subject: subject === undefined ? null : problemOf(() => void parseDistinguishedName(subject)),
    days: days === undefined ? null : problemOf(() => checkDaysFor(days, ctx)),
  };
}
