import { basename } from 'node:path';
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { systemClock, type Clock } from '../core/clock.ts';
import { systemDeps } from '../core/media/detect.ts';
import { DomainError, isDomainError, type ErrorCode } from '../core/errors.ts';
import { readUntrustedFileSync } from '../core/fs/untrusted-read.ts';
import { printable } from '../core/safe-text.ts';

/** A share file is a few hundred bytes of text; anything much larger is not one. */
const MAX_SHARE_FILE_BYTES = 64 * 1024;
import { isCaScoped, type OpInput, type OpName, type OpResult } from '../api/contract.ts';
import { dispatch } from '../api/dispatch.ts';
import { createService, type Service } from '../api/service.ts';
import { fileLogger, type Logger } from '../api/session.ts';
import { defaultLogFile, defaultVaultDir } from '../api/vault-location.ts';
import { EXIT, exitCodeFor } from './exit-codes.ts';
import { passphraseWithoutPrompt, pinWithoutPrompt, promptHidden } from './secrets.ts';
import { PROCESS_ENVIRONMENT } from './process-environment.ts';

/** Share files as text for the api; the bytes read are zeroed once copied into the text. */
function readShareFiles(paths: readonly string[], code: ErrorCode, what: string): Array<{ label: string; content: string }> {
  return paths.map((path) => {
    let bytes: Buffer;
    try {
      bytes = readUntrustedFileSync(path, { maxBytes: MAX_SHARE_FILE_BYTES, what: 'share' });
    } catch (e) {
      if (isDomainError(e) && e.code === 'FILE_REFUSED') throw e;
      throw new DomainError(code, `Cannot read the ${what} ${path} (${isDomainError(e) ? e.message : ((e as NodeJS.ErrnoException).code ?? 'error')}).`);
    }
    try {
      return { label: basename(path), content: bytes.toString('utf8') };
    } finally {
      bytes.fill(0);
    }
  });
}

export interface GlobalOptions {
  vault?: string;
  /** Every --ca given, in order. */
  ca?: string[];
  json?: boolean;
  actor?: string;
  passphraseFile?: string;
  pinFile?: string;
  share?: string[];
  witness?: string[];
}

/** An api failure on its way to the exit status. */
export class CliFailure extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

export class CliContext {
  readonly service: Service;
  readonly opts: GlobalOptions;
  readonly env: NodeJS.ProcessEnv;

  constructor(opts: GlobalOptions, env: NodeJS.ProcessEnv = process.env, clock: Clock = systemClock, kdfCost?: CliRuntime['kdfCost'], logger?: Logger) {
    this.opts = opts;
    this.env = env;
    this.service = createService({
      vaultDir: opts.vault ?? defaultVaultDir(env),
      clock,
      defaultActor: this.actor,
      kdfCost,
      mediaDeps: { ...systemDeps(), env },
      // Nothing else runs on this thread while an operation does: folder reads block, a batch waits for its workers.
      blockingHost: true,
      tokens: { moduleFromEnvironment: env.AIRGAP_CA_PKCS11_MODULE || undefined, pin: () => this.tokenPin() },
      ...(logger ? { logger } : {}),
    });
  }

  #pin: string | undefined;
  #pinRead = false;

  /** The token PIN from --pin-file or AIRGAP_CA_PIN (read once), or the one asked for; undefined before either. */
  tokenPin(): string | undefined {
    if (!this.#pinRead) {
      this.#pinRead = true;
      this.#pin = pinWithoutPrompt({ pinFile: this.opts.pinFile, env: this.env });
    }
    return this.#pin;
  }

  get actor(): string {
    return this.opts.actor ?? this.env.AIRGAP_CA_ACTOR ?? userInfo().username;
  }

  get witnesses(): string[] {
    return this.opts.witness ?? [];
  }

  /** The CA named with --ca (the last one, as before --ca could be repeated) or AIRGAP_CA_CA; none: the vault's only CA (dispatch refuses when there are several). */
  get ca(): string | undefined {
    return this.opts.ca?.at(-1) ?? (this.env.AIRGAP_CA_CA || undefined);
  }

  /** Every CA named with --ca, else AIRGAP_CA_CA, else none: the CAs of an export package (none: every CA). */
  get cas(): string[] {
    if (this.opts.ca?.length) return [...new Set(this.opts.ca)];
    return this.env.AIRGAP_CA_CA ? [this.env.AIRGAP_CA_CA] : [];
  }

  async call<N extends OpName>(name: N, input: OpInput<N>): Promise<OpResult<N>> {
    // Operations of one CA take the selected CA; the others never see --ca.
    const scoped = isCaScoped(name) && this.ca !== undefined;
    let r = await dispatch(this.service, name, scoped ? { ...input, ca: this.ca } : input);
    // A token key needs the PIN and none was given: ask once on a terminal, then run the operation again
    // (it refused before anything was signed or written).
    if (!r.ok && r.code === 'TOKEN_PIN_REQUIRED' && this.tokenPin() === undefined && process.stdin.isTTY) {
      this.#pin = await promptHidden('Token PIN: ', 'TOKEN_PIN_REQUIRED');
      r = await dispatch(this.service, name, scoped ? { ...input, ca: this.ca } : input);
    }
    if (!r.ok) throw new CliFailure(r.code, r.message);
    return r.value as OpResult<N>;
  }

  /** Reads each --share file; the file name labels it in errors. */
  shareInputs(): Array<{ label: string; content: string }> {
    return readShareFiles(this.opts.share ?? [], 'SHARE_CORRUPT', 'share file');
  }

  /** Reads each --witness-share file (key activate --emergency, vault emergency-witnesses); the file name labels it. */
  witnessShareInputs(paths: readonly string[] | undefined): Array<{ label: string; content: string }> | undefined {
    return paths && paths.length > 0 ? readShareFiles(paths, 'WITNESS_SHARE_INVALID', 'witness share file') : undefined;
  }

  /** Credentials from --share, --passphrase-file, AIRGAP_CA_PASSPHRASE, or a prompt on a terminal. */
  async credentials(): Promise<{ passphrase: string } | { shares: Array<{ label: string; content: string }> }> {
    if (this.opts.share?.length) return { shares: this.shareInputs() };
    const p = passphraseWithoutPrompt({ passphraseFile: this.opts.passphraseFile, env: this.env });
    if (p !== undefined) return { passphrase: p };
    return { passphrase: await promptHidden('Vault passphrase: ') };
  }

  async unlock(): Promise<void> {
    await this.call('vault.unlock', { actor: this.actor, credentials: await this.credentials() });
  }

  close(): void {
    this.service.session.lock(null);
  }
}

export interface CommandResult {
  /** The one JSON document printed with --json. */
  json: unknown;
  /** What a person reads otherwise. */
  text: string;
  /** Exit status when the command completed but found a fault (verify). */
  exitCode?: number;
}

function globalsOf(cmd: Command): GlobalOptions {
  return cmd.optsWithGlobals() as GlobalOptions;
}

/** Where the CLI meets the process: tests run it in-process with their own clock and buffers. */
export interface CliRuntime {
  clock: Clock;
  env: NodeJS.ProcessEnv;
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  setExitCode: (code: number) => void;
  /** Argon2id cost for new passphrase slots. Only in-process tests set it (to OWASP's minimum); the command line never can. */
  kdfCost?: { memoryKiB: number; passes: number; parallelism: number };
}

// A reader that stops early (`airgap-ca … | head -1`) closes the pipe. What is
// left to print is then dropped: the command itself still runs to its end and
// exits with its own status, instead of dying on an unhandled EPIPE halfway.
const closedStreams = new WeakSet<NodeJS.WriteStream>();
function writeUnlessClosed(stream: NodeJS.WriteStream, s: string): void {
  if (closedStreams.has(stream)) return;
  if (stream.listenerCount('error') === 0) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      closedStreams.add(stream);
      if (e.code !== 'EPIPE' && stream !== process.stderr && !closedStreams.has(process.stderr)) {
        process.stderr.write(`warning: output could not be written (${e.code ?? e.message}); the command's own result is its exit status.\n`);
      }
    });
  }
  stream.write(s);
}

export const processRuntime: CliRuntime = {
  clock: systemClock,
  // The secrets moved out of process.env as the CLI started (process-environment.ts), before anything could start a worker or a child.
  env: PROCESS_ENVIRONMENT,
  stdout: (s) => writeUnlessClosed(process.stdout, s),
  stderr: (s) => writeUnlessClosed(process.stderr, s),
  setExitCode: (code) => {
    process.exitCode = code;
  },
};

export type Action = <A extends unknown[]>(body: (ctx: CliContext, ...args: A) => Promise<CommandResult>) => (...args: unknown[]) => Promise<void>;

/** Runs one command: build the context, run, print, set the exit status. Never prints a stack trace. */
export function makeAction(rt: CliRuntime): Action {
  return <A extends unknown[]>(body: (ctx: CliContext, ...args: A) => Promise<CommandResult>) =>
    async (...args: unknown[]): Promise<void> => {
      const cmd = args[args.length - 1] as Command;
      const globals = globalsOf(cmd);
      let ctx: CliContext | undefined;
      // Details of failures (stack traces, raw I/O errors) go to the log file, never to the terminal.
      const logger = fileLogger(defaultLogFile(rt.env), rt.stderr);
      try {
        ctx = new CliContext(globals, rt.env, rt.clock, rt.kdfCost, logger);
        const result = await body(ctx, ...(args.slice(0, -1) as A));
        // Text output carries certificate names and file names: escapes and bidi controls are shown, never obeyed.
        rt.stdout(globals.json ? JSON.stringify(result.json, null, 2) + '\n' : printable(result.text.endsWith('\n') ? result.text : result.text + '\n'));
        rt.setExitCode(result.exitCode ?? EXIT.ok);
      } catch (e) {
        const known = e instanceof CliFailure || isDomainError(e);
        const code: ErrorCode = known ? e.code : 'INTERNAL';
        const message = known ? e.message : `Airgap CA hit an internal error in the command line; the details are in the log ${logger.path}. "airgap-ca audit list" shows what the vault recorded. Report it, with the same input to reproduce it.`;
        if (!known) logger.error('cli: unexpected failure', e instanceof Error ? (e.stack ?? e.message) : String(e));
        if (globals.json) rt.stdout(JSON.stringify({ error: { code, message } }) + '\n');
        else rt.stderr(printable(`error (${code}): ${message}\n`));
        rt.setExitCode(exitCodeFor(code));
      } finally {
        ctx?.close();
      }
    };
}
