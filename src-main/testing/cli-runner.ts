import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The real command: `node bin/airgap-ca.js`, as a child process, exactly as a ceremony script runs it. */
export const CLI_BIN = fileURLToPath(new URL('../../bin/airgap-ca.js', import.meta.url));

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as one JSON document; undefined when stdout is not exactly one (the assertion then fails on it). */
  json: unknown;
}

/**
 * Runs airgap-ca with `args` and only the environment given (plus PATH and a
 * private HOME), so that no AIRGAP_CA_* variable of the developer's shell
 * leaks into a test.
 */
export function runCli(args: string[], opts: { env?: Record<string, string>; home?: string } = {}): Promise<CliRun> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: opts.home ?? '/nonexistent-home', ...opts.env };
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [CLI_BIN, ...args], { env, maxBuffer: 64 * 1024 * 1024, timeout: 60_000 }, (err, stdout, stderr) => {
      let code = 0;
      if (err) {
        const e = err as NodeJS.ErrnoException & { code?: unknown; killed?: boolean; signal?: string | null };
        if (typeof e.code !== 'number') return reject(new Error(`airgap-ca ${args.join(' ')} did not exit normally (${String(e.code ?? e.signal)}): ${stderr}`));
        code = e.code;
      }
      let json: unknown;
      try {
        json = stdout.trim() ? JSON.parse(stdout) : undefined;
      } catch {
        json = undefined;
      }
      resolve({ code, stdout, stderr, json });
    });
  });
}

/** The `{"error":{"code","message"}}` document of a failed --json run. */
export function jsonError(run: CliRun): { code: string; message: string } {
  const doc = run.json as { error?: { code?: unknown; message?: unknown } } | undefined;
  if (!doc || typeof doc !== 'object' || !doc.error || typeof doc.error.code !== 'string' || typeof doc.error.message !== 'string' || Object.keys(doc).length !== 1) {
    throw new Error(`expected exactly {"error":{"code","message"}} on stdout, got: ${run.stdout}\nstderr: ${run.stderr}`);
  }
  return { code: doc.error.code, message: doc.error.message };
}
