import { webcrypto } from 'node:crypto';

/**
 * The WebCrypto implementation every WebCrypto-based operation of the domain
 * uses. A module of its own, without @peculiar/x509 (crypto-provider.ts): the
 * domain signs, verifies and parses with its own DER code, so the CLI and the
 * issuance workers start without loading that library.
 */
export const subtleCrypto = webcrypto as unknown as typeof globalThis.crypto;
