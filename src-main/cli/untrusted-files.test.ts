/**
 * A FIFO given where a file is expected is refused at once: open() with
 * O_NONBLOCK never waits for a writer. Through the real CLI as a child
 * process. No timing is asserted: a blocking open never returns, so a
 * regression hangs the test until vitest's timeout fails it.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readUntrustedFileSync } from '../core/fs/untrusted-read.ts';
import { jsonError, runCli } from '../testing/cli-runner.ts';
import { removeTempDirs, tempDir } from '../testing/temp-dir.ts';

afterAll(removeTempDirs);

describe('FIFOs as input files', () => {
  const dir = tempDir();
  const fifo = join(dir, 'f');
  const env = { AIRGAP_CA_PASSPHRASE: 'correct horse battery staple', AIRGAP_CA_ACTOR: 'Alice' };
  const vault = join(dir, 'vault');

  beforeAll(async () => {
    execFileSync('mkfifo', [fifo]);
    mkdirSync(join(dir, 'home'));
    for (const args of [['vault', 'init'], ['key', 'create', '--name', 'ca'], ['key', 'self-sign', 'ca', '--subject', 'CN=CA'], ['key', 'activate', 'ca']]) {
      expect((await runCli(['--vault', vault, ...args], { env })).code).toBe(0);
    }
  }, 60_000);

  it('the reader refuses a FIFO, a device and a folder without blocking', () => {
    expect(() => readUntrustedFileSync(fifo, { maxBytes: 1024, what: 'test' })).toThrow(expect.objectContaining({ code: 'FILE_REFUSED', message: expect.stringContaining('named pipe') }));
    expect(() => readUntrustedFileSync('/dev/zero', { maxBytes: 1024, what: 'test' })).toThrow(expect.objectContaining({ code: 'FILE_REFUSED', message: expect.stringContaining('device') }));
    expect(() => readUntrustedFileSync(dir, { maxBytes: 1024, what: 'test' })).toThrow(expect.objectContaining({ code: 'FILE_REFUSED' }));
  });

  it.each([
    ['CSR', ['cert', 'issue', '--csr', fifo, '--profile', 'agent', '--out', join(dir, 'x.pem')], vault],
    ['backup', ['vault', 'restore', '--from', fifo], join(dir, 'restored')],
    ['share', ['--share', fifo, 'vault', 'verify'], vault],
  ])('a FIFO as %s: exit 1, FILE_REFUSED, at once', async (_what, args, vaultDir) => {
    const r = await runCli(['--json', '--vault', vaultDir, ...args], { env: _what === 'share' ? { AIRGAP_CA_ACTOR: 'Alice' } : env });
    expect(r.code).toBe(1);
    expect(jsonError(r).code).toBe('FILE_REFUSED');
  });
});
