import type { ErrorCode } from '../../../src-main/api/contract.ts';
import type { ApiFailure } from '../api.ts';

/** The fields a refusal can belong to: the one the officer must change to get past it. */
export type RefusedField = 'newPassphrase' | 'passphrase' | 'keyName' | 'caName';

const FIELD_CODES: Record<RefusedField, readonly ErrorCode[]> = {
  // "The passphrase has 9 characters; at least 12 …": the passphrase being chosen.
  newPassphrase: ['WEAK_PASSPHRASE'],
  // The passphrase given to unlock.
  passphrase: ['WRONG_PASSPHRASE'],
  keyName: ['KEY_NAME_TAKEN'],
  caName: ['CA_NAME_TAKEN'],
};

/**
 * The refusal that belongs to `field`, or null. A form shows it as that
 * field's error (next to it, not in an alert apart) and drops it as soon as
 * the field is edited: the message describes the value refused, not the one
 * typed since.
 */
export function refusalAt(error: ApiFailure | null, field: RefusedField): ApiFailure | null {
  return error && FIELD_CODES[field].includes(error.code) ? error : null;
}

/** The refusal none of `fields` shows: the form's own alert takes it. */
export function refusalApart(error: ApiFailure | null, fields: readonly RefusedField[]): ApiFailure | null {
  return error && !fields.some((f) => refusalAt(error, f)) ? error : null;
}
