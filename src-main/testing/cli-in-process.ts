import type { Clock } from '../core/clock.ts';
import { runCli } from '../cli/program.ts';
import { OWASP_MINIMUM } from '../core/vault/kdf.ts';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed, when the command ran with --json. */
  json: unknown;
}

/**
 * Runs the real CLI (commander program, dispatch, service, core) in this
 * process, with the test's clock: time windows are tested without sleeping.
 */
export function inProcessCli(opts: { vault: string; clock: Clock; env?: Record<string, string> }) {
  return async (args: string[]): Promise<CliRun> => {
    let stdout = '';
    let stderr = '';
    let code = 0;
    const env = { AIRGAP_CA_VAULT: opts.vault, AIRGAP_CA_ACTOR: 'officer', ...opts.env };
    await runCli(['node', 'airgap-ca', ...args], {
      clock: opts.clock,
      env,
      // Vaults made here unlock in ~50 ms instead of ~0.4 s; OWASP's minimum, never lower.
      kdfCost: OWASP_MINIMUM,
      stdout: (s) => {
        stdout += s;
      },
      stderr: (s) => {
        stderr += s;
      },
      setExitCode: (c) => {
        code = c;
      },
    });
    let json: unknown = undefined;
    if (args.includes('--json')) json = JSON.parse(stdout);
    return { code, stdout, stderr, json };
  };
}
