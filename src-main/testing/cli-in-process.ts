import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fixedClock, type Clock } from '../core/clock.ts';
import { tempDir } from './temp-dir.ts';
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
/**
 * One run of the real CLI in this process, its output captured: what both the
 * in-process tests and the fault host (testing/fault-host.ts) run. New
 * passphrase slots at OWASP's minimum (vaults made here unlock in ~50 ms
 * instead of ~0.4 s), never lower.
 */
export async function captureCli(args: string[], opts: { clock: Clock; env: Record<string, string> }): Promise<Omit<CliRun, 'json'>> {
  let stdout = '';
  let stderr = '';
  let code = 0;
  await runCli(['node', 'airgap-ca', ...args], {
    clock: opts.clock,
    env: opts.env,
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
  return { code, stdout, stderr };
}

export function inProcessCli(opts: { vault: string; clock: Clock; env?: Record<string, string> }) {
  return async (args: string[]): Promise<CliRun> => {
    const env = { AIRGAP_CA_VAULT: opts.vault, AIRGAP_CA_ACTOR: 'officer', ...opts.env };
    const run = await captureCli(args, { clock: opts.clock, env });
    let json: unknown = undefined;
    if (args.includes('--json')) json = JSON.parse(run.stdout);
    return { ...run, json };
  };
}

/**
 * A fresh folder holding a vault-to-be and `usb/`, named as removable media;
 * the clock a minute back, the passphrase in the environment.
 */
export function cliWithMedium() {
  const dir = tempDir();
  const usb = join(dir, 'usb');
  mkdirSync(usb);
  const clock = fixedClock(new Date(Date.now() - 60_000));
  const env = { AIRGAP_CA_PASSPHRASE: 'correct horse battery staple', AIRGAP_CA_MEDIA_ROOTS: usb };
  return { dir, usb, clock, env, cli: inProcessCli({ vault: join(dir, 'vault'), clock, env }) };
}
