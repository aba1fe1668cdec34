/**
 * The one error type of the domain. Codes are a closed union so that the CLI,
 * the UI and scripts can rely on them; messages are safe to show to an officer
 * (no key material, no passphrases, no stack traces) and say what to do.
 */
export const ERROR_CODES = [
  // generic
  'INTERNAL',
  'INVALID_INPUT',
  'NOT_FOUND',
  'IO_ERROR',
  'DISK_FULL',
  'READ_ONLY',
  'OUTPUT_EXISTS',
  // vault and unlocking
  'VAULT_NOT_FOUND',
  'VAULT_EXISTS',
  'VAULT_LOCKED',
  'VAULT_CORRUPT',
  'VAULT_ON_REMOVABLE_MEDIA',
  'WRONG_PASSPHRASE',
  'WEAK_PASSPHRASE',
  'NOT_ENOUGH_SHARES',
  'SHARE_CORRUPT',
  'SHARE_WRONG_VAULT',
  'SHARE_DUPLICATE',
  'SHARE_MISMATCH',
  'SHARES_TOGETHER',
  'SHARE_ALREADY_WRITTEN',
  'SHARE_VERIFY_FAILED',
  'NO_HELD_SHARES',
  'HEADER_CORRUPT',
  'HEADER_TAMPERED',
  'HEADER_GENERATION_MISMATCH',
  'UNSUPPORTED_FORMAT',
  'SLOT_NOT_FOUND',
  'LAST_SLOT',
  'SLOT_NEEDS_UPGRADE',
  'CREDENTIAL_REVOKED',
  'BACKUP_CORRUPT',
  'INTEGRITY_FAILED',
  'AUDIT_CHAIN_BROKEN',
  // certificate authorities in the vault
  'CA_REQUIRED',
  'CA_NOT_FOUND',
  'CA_NAME_TAKEN',
  // signing keys and their lifecycle
  'KEY_NOT_FOUND',
  'KEY_AMBIGUOUS',
  'KEY_NAME_TAKEN',
  'KEY_UNHEALTHY',
  'UNSUPPORTED_ALGORITHM',
  'INVALID_SUBJECT',
  'INVALID_TRANSITION',
  'KEY_NO_CERTIFICATE',
  'RETIRE_REFUSED_LIVE_LEAVES',
  'RETIRE_REFUSED_WINDOW',
  'WITNESS_REQUIRED',
  'WITNESS_SHARES_REQUIRED',
  'WITNESS_SHARES_TOO_FEW',
  'WITNESS_SHARE_INVALID',
  'WITNESS_SHARE_WRONG_VAULT',
  'WITNESS_SHARE_DUPLICATE',
  'NO_ACTIVE_KEY',
  'READINESS_INCOMPLETE',
  'ROLLBACK_UNAVAILABLE',
  // receipts from the fleet (each refusal of a receipt file has its own code)
  'RECEIPT_MALFORMED',
  'RECEIPT_TOO_LARGE',
  'RECEIPT_SIGNATURE_MISSING',
  'RECEIPT_UNKNOWN_AGENT',
  'RECEIPT_AGENT_REVOKED',
  'RECEIPT_NOT_VALID_AT',
  'RECEIPT_BAD_SIGNATURE',
  'RECEIPT_UNKNOWN_BUNDLE',
  // chain import
  'CHAIN_EMPTY',
  'CHAIN_TOO_LARGE',
  'CHAIN_UNPARSEABLE',
  'CHAIN_KEY_MISMATCH',
  'CHAIN_NOT_CA',
  'CHAIN_NO_KEYCERTSIGN',
  'CHAIN_PATHLEN',
  'CHAIN_MISSING_ISSUER',
  'CHAIN_ROOT_MISSING',
  'CHAIN_EXPIRED',
  'CHAIN_NOT_YET_VALID',
  'CHAIN_VALIDITY_NOT_NESTED',
  'CHAIN_BAD_SIGNATURE',
  'CHAIN_DUPLICATE_CERT',
  'CHAIN_UNRELATED_CERT',
  // issuance, revocation, CRLs
  'CSR_EMPTY',
  'CSR_TOO_LARGE',
  'CSR_UNPARSEABLE',
  'CSR_IS_CERTIFICATE',
  'CSR_BAD_SIGNATURE',
  'CSR_WEAK_KEY',
  'CSR_UNSUPPORTED_KEY',
  'CSR_BAD_SUBJECT',
  'CSR_BAD_SAN',
  'PROFILE_UNKNOWN',
  'PROFILE_NOT_ALLOWED',
  'BOOTSTRAP_ALREADY_ISSUED',
  'SAN_REQUIRED',
  'REQUEST_CHANGED',
  'SIGNER_CHANGED',
  'VALIDITY_EXCEEDS_ISSUER',
  'LINT_FAILED',
  'SIGNATURE_SELF_CHECK_FAILED',
  'CERT_NOT_FOUND',
  'ALREADY_REVOKED',
  'INVALID_REASON',
  'CRL_ISSUER_INVALID',
  'CRL_UNPARSEABLE',
  'PRESIGN_VALIDITY_TOO_SHORT',
  'PRESIGN_NOT_NEEDED',
  // removable media and files
  'MEDIA_NOT_FOUND',
  'MEDIA_FULL',
  'MEDIA_READ_ONLY',
  'MEDIA_REMOVED',
  'MEDIA_BUSY',
  'MEDIA_EJECT_FAILED',
  'EXPORT_EXISTS',
  'EXPORT_VERIFY_FAILED',
  'FILE_TOO_LARGE',
  'BATCH_TOO_LARGE',
  'FILE_REFUSED',
  'FILE_TYPE_UNKNOWN',
  'CHAIN_ROOT_NOT_PINNED',
  'CHAIN_ROOT_FINGERPRINT_MISMATCH',
  'EXPORT_SIGNER_NOT_PINNED',
  'EXPORT_CA_MISSING',
  'EXPORT_FILE_MISPLACED',
  'EXPORT_SIGNER_WRONG_CA',
  'NO_EMERGENCY',
  'TRUST_ANCHOR_INVALID',
  'CHECKPOINT_INVALID',
  'SUBJECT_SPOOFING_CHARACTERS',
  'CHECKPOINT_BEHIND',
  // keys on PKCS#11 tokens
  'TOKEN_MODULE_MISSING',
  'TOKEN_NOT_PRESENT',
  'TOKEN_AMBIGUOUS',
  'TOKEN_PIN_REQUIRED',
  'TOKEN_PIN_INCORRECT',
  'TOKEN_PIN_LOCKED',
  'TOKEN_KEY_MISSING',
  'TOKEN_KEY_EXTRACTABLE',
  'TOKEN_KEY_ORPHANED',
  'TOKEN_MECHANISM_UNSUPPORTED',
  'TOKEN_ERROR',
  // bringing an existing CA in: key, certificate and CRL import
  'KEY_IMPORT_UNREADABLE',
  'KEY_IMPORT_PASSWORD_REQUIRED',
  'KEY_IMPORT_WRONG_PASSWORD',
  'KEY_IMPORT_UNSUPPORTED_ENCRYPTION',
  'KEY_IMPORT_P12_CONTENTS',
  'KEY_IMPORT_DUPLICATE',
  'KEY_IMPORT_ACTIVE_EXISTS',
  'CERT_IMPORT_UNPARSEABLE',
  'CERT_IMPORT_FOREIGN',
  'CERT_IMPORT_DUPLICATE',
  'CERT_IMPORT_SERIAL_TAKEN',
  'CERT_IMPORT_ISSUER_ITSELF',
  'CRL_IMPORT_FOREIGN',
  'CRL_IMPORT_NO_NUMBER',
  'CRL_IMPORT_NUMBER_TOO_LARGE',
  'CRL_IMPORT_NOT_NEWER',
  'CRL_IMPORT_UNKNOWN_SERIAL',
  // renewal requests (CMS SignedData around a new PKCS #10 request)
  'CMS_UNPARSEABLE',
  'CMS_UNSUPPORTED_ALGORITHM',
  'CMS_SIGNER_MISSING',
  'CMS_BAD_SIGNATURE',
  'RENEWAL_SIGNER_UNKNOWN',
  'RENEWAL_SIGNER_NOT_TRUSTED',
  'RENEWAL_REVOKED',
  'RENEWAL_SIGNER_EXPIRED',
  'RENEWAL_BOOTSTRAP_REFUSED',
  'RENEWAL_IDENTITY_CHANGED',
  'RENEWAL_ALREADY_RENEWED',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export class DomainError extends Error {
  readonly code: ErrorCode;
  /** Detail for the log only: never shown to the officer, never crosses the api boundary. */
  readonly detail: string | undefined;

  constructor(code: ErrorCode, message: string, detail?: string) {
    super(message);
    this.name = 'DomainError';
    this.code = code;
    this.detail = detail;
  }
}

export function isDomainError(e: unknown): e is DomainError {
  return e instanceof DomainError;
}

/**
 * Run `fn`; a failure becomes `code` with `message`, keeping the cause as log detail. A DomainError passes
 * through unchanged; with `only`, just errors of that class are converted and anything else (a bug) propagates.
 */
export function rethrowAs<T>(code: ErrorCode, message: string, fn: () => T, only?: abstract new (...args: never[]) => Error): T {
  try {
    return fn();
  } catch (e) {
    if (isDomainError(e)) throw e;
    if (only !== undefined && !(e instanceof only)) throw e;
    throw new DomainError(code, message, e instanceof Error ? e.message : String(e));
  }
}
