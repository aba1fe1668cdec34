// @peculiar/x509 relies on decorator metadata: reflect-metadata must load before it.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { subtleCrypto } from './webcrypto.ts';

export { subtleCrypto };

/**
 * Point @peculiar/x509 at Node's WebCrypto. The domain does not use that
 * library (its certificates, requests and CRLs are its own DER code); the test
 * fixtures and the desktop app's entry point still install it, the CLI does
 * not load it at all.
 */
export function installCryptoProvider(): void {
  x509.cryptoProvider.set(subtleCrypto);
}
