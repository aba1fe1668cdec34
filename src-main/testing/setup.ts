import { installCryptoProvider } from '../core/pki/crypto-provider.ts';

installCryptoProvider();
