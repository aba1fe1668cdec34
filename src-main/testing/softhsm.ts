/**
 * A real SoftHSM2 token per test: its own SOFTHSM2_CONF and token folder in
 * a temporary directory, initialised with softhsm2-util. Nothing touches the
 * machine's own SoftHSM configuration.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './temp-dir.ts';

export const SOFTHSM_MODULE = '/usr/lib/softhsm/libsofthsm2.so';

export interface SoftHsmToken {
  readonly dir: string;
  readonly conf: string;
  readonly tokensDir: string;
  readonly label: string;
  /** The test token's user PIN (test-only); pinFile holds it. */
  readonly pin: string;
  readonly pinFile: string;
  readonly serial: string;
  /** SOFTHSM2_CONF for every process that should see this token. */
  readonly env: { SOFTHSM2_CONF: string };
  /** pkcs11-tool on this token, logged in (a third-party check: it takes the test PIN as an argument; Airgap CA never does). */
  pkcs11Tool(args: string[]): string;
}

/**
 * One SoftHSM2 configuration (SOFTHSM2_CONF and its token folder) in a
 * temporary directory; `token(label)` initialises a token in it.
 * `withoutMechanisms` (CKM_ names) makes its tokens lack them, as a token
 * whose firmware does not have them. A process
 * reads SOFTHSM2_CONF once, when it first loads the module: a test file that
 * also signs in its own process makes its tokens first and sets the variable.
 */
export function softHsm(opts: { withoutMechanisms?: readonly string[]; dir?: string } = {}): { dir: string; conf: string; tokensDir: string; env: { SOFTHSM2_CONF: string }; token(label: string, pin?: string): SoftHsmToken } {
  // `dir`: an empty folder the caller removes (one that must outlive removeTempDirs); else a temporary folder.
  const dir = opts.dir ?? tempDir('airgap-softhsm-');
  const tokensDir = join(dir, 'tokens');
  mkdirSync(tokensDir);
  const conf = join(dir, 'softhsm2.conf');
  // slots.mechanisms = -A,B,C disables the listed mechanisms; SoftHSM 2.6.1 ignores the first name of the list, so it is given twice.
  const without = opts.withoutMechanisms?.length ? `slots.mechanisms = -${[opts.withoutMechanisms[0], ...opts.withoutMechanisms].join(',')}\n` : '';
  writeFileSync(conf, `directories.tokendir = ${tokensDir}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n${without}`);
  const env = { SOFTHSM2_CONF: conf };
  const run = (cmd: string, args: string[]): string => execFileSync(cmd, args, { env: { ...env, PATH: process.env.PATH ?? '' }, encoding: 'utf8' });
  return {
    dir,
    conf,
    tokensDir,
    env,
    token(label, pin = '246810') {
      run('softhsm2-util', ['--init-token', '--free', '--label', label, '--so-pin', '13579135', '--pin', pin]);
      const before = run('softhsm2-util', ['--show-slots']).split(`Label:            ${label} `)[0]!;
      const serial = /Serial number:\s*(\S+)/.exec(before.split('Slot ').pop()!)?.[1] ?? '';
      const pinFile = join(dir, `${label}.pin`);
      writeFileSync(pinFile, pin + '\n', { mode: 0o600 });
      return {
        dir,
        conf,
        tokensDir,
        label,
        pin,
        pinFile,
        serial,
        env,
        pkcs11Tool: (args) => run('pkcs11-tool', ['--module', SOFTHSM_MODULE, '--token-label', label, '--login', '--pin', pin, ...args]),
      };
    },
  };
}

/** A SoftHSM2 configuration of its own holding one token. */
export function softHsmToken(label = 'ca-token', pin = '246810'): SoftHsmToken {
  return softHsm().token(label, pin);
}
