// @peculiar/x509 relies on decorator metadata: reflect-metadata must load before it.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

/** The WebCrypto implementation every WebCrypto-based operation of the domain uses. */
export const subtleCrypto = webcrypto as unknown as typeof globalThis.crypto;

/** Point @peculiar/x509 at Node's WebCrypto. Every entry point calls this once at start. */
export function installCryptoProvider(): void {
  x509.cryptoProvider.set(subtleCrypto);
}
