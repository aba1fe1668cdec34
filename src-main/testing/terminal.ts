/**
 * Test support (not shipped behaviour): the real CLI (`node bin/airgap-ca.js`)
 * on a real pseudo-terminal, made by script(1) (util-linux), so that stdin and
 * stderr are TTYs as on an officer's console. The test answers prompts as a
 * person would: each answer is typed only once its prompt has shown.
 */
import { spawn } from 'node:child_process';
import { CLI_BIN } from './cli-runner.ts';

export interface TerminalStep {
  /** Text to wait for, after what earlier steps waited for. */
  after: string;
  /** What to type then (e.g. `A\r`, `\u0003` for Ctrl-C, `\u0004` for Ctrl-D). */
  type: string;
  /** Run just before typing (e.g. to put something on a medium). */
  before?: () => void;
}

/** Runs airgap-ca with `args` on a pseudo-terminal with only `env` (plus PATH); returns everything the terminal showed and the exit code. */
export async function runOnTerminal(args: readonly string[], env: Record<string, string>, steps: readonly TerminalStep[]): Promise<{ code: number | null; seen: string; answered: number }> {
  const cmd = [process.execPath, CLI_BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const terminal = spawn('script', ['-qefc', cmd, '/dev/null'], { env: { PATH: process.env.PATH ?? '', HOME: '/nonexistent-home', ...env } });
  let seen = '';
  let from = 0;
  let next = 0;
  const code = await new Promise<number | null>((resolve) => {
    terminal.stdout.on('data', (d: Buffer) => {
      seen += d.toString('utf8');
      for (;;) {
        const step = steps[next];
        if (!step) break;
        const at = seen.indexOf(step.after, from);
        if (at < 0) break;
        from = at + step.after.length;
        next += 1;
        step.before?.();
        terminal.stdin.write(step.type);
      }
    });
    terminal.on('close', resolve);
  });
  return { code, seen, answered: next };
}
