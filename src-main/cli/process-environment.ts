/**
 * The CLI's own copy of the environment, taken as the process starts: the
 * secret variables (AIRGAP_CA_PASSPHRASE, AIRGAP_CA_PIN) move out of
 * process.env here, before anything can start a worker thread or a child
 * process. main.ts imports this module first, because the issuance pool's
 * worker threads start right after (each gets a copy of process.env as it
 * is then).
 */
import { takeSecretEnvironment } from './secrets.ts';

export const PROCESS_ENVIRONMENT: NodeJS.ProcessEnv = takeSecretEnvironment(process.env);
