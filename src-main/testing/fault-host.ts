/**
 * Test support (not shipped behaviour): one Node process, started under
 * libfiu's POSIX preload with remote control (`fiu-run -x -f PREFIX`), that
 * runs the real CLI (commander program, dispatch, service, core, SQLite) in
 * process, one command per IPC message. The test enables a failure point
 * through the control pipe, sends the command, reads the answer and disables
 * the point again: a fault-injection run without a process start of its own,
 * so that the suite affords hundreds of runs per operation
 * (testing/fault-injection.ts, FaultHost).
 */
import { runCli } from '../cli/program.ts';
import { systemClock } from '../core/clock.ts';
import { OWASP_MINIMUM } from '../core/vault/kdf.ts';

interface Request {
  id: number;
  args: string[];
  env: Record<string, string>;
}

process.on('message', (m: Request) => {
  let stdout = '';
  let stderr = '';
  let code = 0;
  void runCli(['node', 'airgap-ca', ...m.args], {
    clock: systemClock,
    env: m.env,
    // A new passphrase slot (change-passphrase) at OWASP's minimum, as the in-process tests make them; never lower.
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
  })
    .catch((e: unknown) => {
      // An error that escaped the CLI's own handling: the test counts it as a problem.
      stderr += `escaped the CLI: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`;
      code = 70;
    })
    .then(() => process.send?.({ id: m.id, code, stdout, stderr }));
});
process.send?.({ ready: true });
