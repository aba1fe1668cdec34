/**
 * Credentials through the real command (`node bin/airgap-ca.js` as a child):
 * a quorum vault has no passphrase slot unless asked for, `vault init` says
 * which slots it made, and the passphrase never reaches an external tool.
 */
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { jsonError, runCli } from '../testing/cli-runner.ts';
import { takeSecretEnvironment } from './secrets.ts';
import { removeTempDirs, tempDir } from '../testing/temp-dir.ts';

afterAll(removeTempDirs);

const PASS = 'correct horse battery staple';

interface InitJson {
  vaultId: string;
  slots: Array<{ id: string; type: string; threshold?: number; total?: number }>;
  shareFiles: string[];
}

describe('vault init --quorum', () => {
  it('makes only the quorum slot even when a passphrase is in the environment, and lists it', async () => {
    const root = tempDir('airgap-quorum-');
    const r = await runCli(['--vault', join(root, 'v'), '--actor', 'alice', '--json', 'vault', 'init', '--quorum', '2/3', '--shares-dir', join(root, 'shares')], {
      env: { AIRGAP_CA_PASSPHRASE: PASS },
      home: root,
    });
    expect(r.code).toBe(0);
    const j = r.json as InitJson;
    expect(j.slots.map((s) => [s.type, s.threshold, s.total])).toEqual([['quorum', 2, 3]]);
    expect(j.shareFiles).toHaveLength(3);
    // The passphrase opens nothing: the vault has no passphrase slot.
    const verify = await runCli(['--vault', join(root, 'v'), '--actor', 'alice', '--json', 'vault', 'verify'], { env: { AIRGAP_CA_PASSPHRASE: PASS }, home: root });
    expect(verify.code).toBe(3);
    expect(jsonError(verify).code).toBe('WRONG_PASSPHRASE');
  });

  it('adds a passphrase slot with --also-passphrase and prints both slots', async () => {
    const root = tempDir('airgap-quorum-');
    const r = await runCli(['--vault', join(root, 'v'), '--actor', 'alice', 'vault', 'init', '--quorum', '2/3', '--shares-dir', join(root, 'shares'), '--also-passphrase'], {
      env: { AIRGAP_CA_PASSPHRASE: PASS },
      home: root,
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Key slots:\n {2}[a-z0-9-]+ {2}passphrase\n {2}[a-z0-9-]+ {2}custodian quorum, 2 of 3 shares\n/);
  });

  it('refuses --also-passphrase without --quorum and creates nothing', async () => {
    const root = tempDir('airgap-quorum-');
    const r = await runCli(['--vault', join(root, 'v'), '--actor', 'alice', '--json', 'vault', 'init', '--also-passphrase'], { env: { AIRGAP_CA_PASSPHRASE: PASS }, home: root });
    expect(r.code).toBe(2);
    expect(jsonError(r).code).toBe('INVALID_INPUT');
    expect(existsSync(join(root, 'v'))).toBe(false);
  });
});

describe('external tools', () => {
  it('never runs a fake lsblk placed first on PATH, and the real one runs without the passphrase', async () => {
    const root = tempDir('airgap-fake-lsblk-');
    const bin = join(root, 'bin');
    mkdirSync(bin);
    const capture = join(root, 'captured-env');
    writeFileSync(join(bin, 'lsblk'), `#!/bin/sh\nenv > '${capture}'\necho '{"blockdevices":[]}'\n`);
    chmodSync(join(bin, 'lsblk'), 0o755);
    const r = await runCli(['--vault', join(root, 'v'), '--json', 'media', 'list'], {
      env: { PATH: [bin, process.env.PATH ?? ''].join(delimiter), AIRGAP_CA_PASSPHRASE: PASS },
      home: root,
    });
    expect(r.stdout + r.stderr).not.toContain(PASS);
    expect(existsSync(capture)).toBe(false);
    expect(r.code).toBe(0);
  });
});

describe('secret environment variables', () => {
  it('are read into a private copy and removed from the live environment', () => {
    const live: NodeJS.ProcessEnv = { AIRGAP_CA_PASSPHRASE: PASS, AIRGAP_CA_PIN: '123456', AIRGAP_CA_VAULT: '/v' };
    const copy = takeSecretEnvironment(live);
    expect(live).toEqual({ AIRGAP_CA_VAULT: '/v' });
    expect(copy).toEqual({ AIRGAP_CA_PASSPHRASE: PASS, AIRGAP_CA_PIN: '123456', AIRGAP_CA_VAULT: '/v' });
  });
});
