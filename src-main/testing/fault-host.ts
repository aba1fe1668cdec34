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
import { systemClock } from '../core/clock.ts';
import { captureCli } from './cli-in-process.ts';

interface Request {
  id: number;
  args: string[];
  env: Record<string, string>;
}

process.on('message', (m: Request) => {
  void captureCli(m.args, { clock: systemClock, env: m.env })
    .catch((e: unknown) => ({
      // An error that escaped the CLI's own handling: the test counts it as a problem.
      code: 70,
      stdout: '',
      stderr: `escaped the CLI: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
    }))
    .then((r) => process.send?.({ id: m.id, ...r }));
});
process.send?.({ ready: true });
