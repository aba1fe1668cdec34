/**
 * How the session reaches tokens: the module path the environment names
 * (AIRGAP_CA_PKCS11_MODULE, which wins over the vault's settings.pkcs11Module)
 * and the user PIN the host obtained (a --pin-file, AIRGAP_CA_PIN, a prompt,
 * the console's PIN field). The PIN stays in memory: never stored, never logged.
 */
import { DomainError } from '../errors.ts';

export interface TokenAccess {
  /** AIRGAP_CA_PKCS11_MODULE, when set. */
  readonly moduleFromEnvironment: string | undefined;
  /** The user PIN, or undefined when the host has none (yet). */
  pin(): string | undefined;
}

export const NO_TOKEN_ACCESS: TokenAccess = { moduleFromEnvironment: undefined, pin: () => undefined };

/** The setting's name in the vault's settings table. */
export const PKCS11_MODULE_SETTING = 'pkcs11Module';

/** The module to load: the environment's, else the vault's setting; TOKEN_MODULE_MISSING when neither names one. */
export function resolveModulePath(access: TokenAccess, setting: string | null | undefined): string {
  const path = access.moduleFromEnvironment || setting || undefined;
  if (!path) {
    throw new DomainError('TOKEN_MODULE_MISSING', 'No PKCS#11 module is configured: set one with "token module PATH" (the vault\'s settings.pkcs11Module) or AIRGAP_CA_PKCS11_MODULE, e.g. /usr/lib/softhsm/libsofthsm2.so.');
  }
  return path;
}
