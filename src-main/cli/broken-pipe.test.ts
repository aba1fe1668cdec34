import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { CLI_BIN } from '../testing/cli-runner.ts';

// `airgap-ca … | head -1`: the reader closes the pipe before the CLI has printed
// everything. The CLI must not die on an unhandled EPIPE with a stack trace; it
// finishes and exits with the command's own status.
function runWithClosedStdout(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_BIN, ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: '/nonexistent-home' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // Closed before the CLI has even loaded: its first write meets a closed pipe.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('a closed standard output', () => {
  it('does not crash a command that succeeds', async () => {
    const res = await runWithClosedStdout(['--help']);
    expect(res.stderr).not.toMatch(/EPIPE|Unhandled|at .*context\.ts/);
    expect(res.code).toBe(0);
  });

  it('keeps a failing command\'s own exit status, with its message still on stderr', async () => {
    const res = await runWithClosedStdout(['--vault', '/nonexistent-vault-folder', 'key', 'list']);
    expect(res.stderr).not.toMatch(/EPIPE|Unhandled/);
    expect(res.stderr).toContain('error (');
    expect(res.code).not.toBe(0);
    expect(res.code).not.toBeNull();
  });
});
