import type { ErrorCode } from '../core/errors.ts';

/** docs/cli.md, "Exit codes": 0 done; 1 refused or failed and nothing changed; 2 usage error; 3 locked, wrong passphrase or not enough shares. */
export const EXIT = { ok: 0, failed: 1, usage: 2, locked: 3 } as const;

const LOCKED_CODES: ReadonlySet<ErrorCode> = new Set([
  'VAULT_LOCKED',
  'WRONG_PASSPHRASE',
  'NOT_ENOUGH_SHARES',
  'SHARE_CORRUPT',
  'SHARE_WRONG_VAULT',
  'SHARE_DUPLICATE',
  'SHARE_MISMATCH',
  'HEADER_GENERATION_MISMATCH',
  'CREDENTIAL_REVOKED',
  // The token's user PIN is a credential like the passphrase.
  'TOKEN_PIN_REQUIRED',
  'TOKEN_PIN_INCORRECT',
  'TOKEN_PIN_LOCKED',
]);

export function exitCodeFor(code: ErrorCode): number {
  if (LOCKED_CODES.has(code)) return EXIT.locked;
  // Which CA a command works on is part of its usage: a missing or unknown --ca is a usage error.
  if (code === 'INVALID_INPUT' || code === 'CA_REQUIRED' || code === 'CA_NOT_FOUND') return EXIT.usage;
  return EXIT.failed;
}
