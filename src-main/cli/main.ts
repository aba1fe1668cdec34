import { installCryptoProvider } from '../core/pki/crypto-provider.ts';
import { runCli } from './program.ts';

installCryptoProvider();
await runCli(process.argv);
