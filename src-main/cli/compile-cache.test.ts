import { chmodSync, mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../testing/cli-runner.ts';
import { removeTempDirs, tempDir } from '../testing/temp-dir.ts';

// The CLI loads compiled code from its compile-cache folder, so a folder that
// someone else could write must not be used: it would run their code.
afterAll(removeTempDirs);

describe('the compile cache folder', () => {
  const run = (cacheHome: string) => runCli(['--help'], { env: { XDG_CACHE_HOME: cacheHome } });

  it('is used when it is the user\'s own, writable by nobody else', async () => {
    const home = tempDir('cache-own-');
    const res = await run(home);
    expect(res.code).toBe(0);
    expect(res.stderr).not.toContain('compile cache');
    expect(readdirSync(join(home, 'airgap-ca', 'node-compile-cache')).length).toBeGreaterThan(0);
  });

  it('is not used, with a warning that says why and what to do, when the group or others can write it', async () => {
    const home = tempDir('cache-open-');
    const dir = join(home, 'airgap-ca', 'node-compile-cache');
    mkdirSync(dir, { recursive: true });
    chmodSync(dir, 0o777);
    const res = await run(home);
    expect(res.code).toBe(0);
    expect(res.stderr).toContain(`not using the compile cache ${dir}`);
    expect(res.stderr).toContain('chmod go-w');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('is not used when its parent folder is writable by others', async () => {
    const home = tempDir('cache-parent-');
    mkdirSync(join(home, 'airgap-ca'));
    chmodSync(join(home, 'airgap-ca'), 0o777);
    const res = await run(home);
    expect(res.code).toBe(0);
    expect(res.stderr).toContain(`not using the compile cache ${join(home, 'airgap-ca')}`);
  });

  it('is not used when the folder is a link', async () => {
    const home = tempDir('cache-link-');
    const elsewhere = tempDir('cache-target-');
    mkdirSync(join(home, 'airgap-ca'));
    symlinkSync(elsewhere, join(home, 'airgap-ca', 'node-compile-cache'));
    const res = await run(home);
    expect(res.code).toBe(0);
    expect(res.stderr).toContain('not using the compile cache');
    expect(readdirSync(elsewhere)).toEqual([]);
  });
});
