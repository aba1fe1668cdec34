// First: the secrets leave process.env before the pool below starts worker threads with a copy of it.
import { PROCESS_ENVIRONMENT } from './process-environment.ts';
import { prewarmIssuancePool } from '../core/issuance/issuance-pool.ts';

// A batch signs on worker threads: start them first, so they load their modules while this thread
// loads the CLI's, unlocks (Argon2id) and reads the request files. An idle pool holds nothing open.
const args = process.argv.slice(2);
const cert = args.indexOf('cert');
// Argon2id starts too (cli/unlock-ahead.ts): it runs on the thread pool while this thread loads the CLI.
if (cert >= 0 && args.slice(cert + 1).some((a) => a === 'issue-batch' || a === 'renew-batch') && !args.includes('--help') && !args.includes('-h')) {
  prewarmIssuancePool();
  (await import('./unlock-ahead.ts')).startUnlockAhead(args, PROCESS_ENVIRONMENT);
}

// No @peculiar/x509 (core/pki/crypto-provider.ts) here: nothing the CLI runs uses it, and loading it costs ~0.2 s of every start.
const { runCli } = await import('./program.ts');
await runCli(process.argv);
