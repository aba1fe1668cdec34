import { createInterface } from 'node:readline';
import { DomainError, isDomainError } from '../core/errors.ts';
import { readUntrustedFileSync } from '../core/fs/untrusted-read.ts';

/**
 * Passphrases come from a file, the environment or a terminal prompt: never a
 * command-line argument (it would show in `ps` and in shell history).
 */
export function readPassphraseFile(path: string, what: 'passphrase' | 'PIN' = 'passphrase'): string {
  let text: string;
  try {
    text = readUntrustedFileSync(path, { maxBytes: 64 * 1024, what }).toString('utf8');
  } catch (e) {
    if (isDomainError(e) && e.code === 'FILE_REFUSED') throw e;
    throw new DomainError('INVALID_INPUT', `Cannot read the ${what} file ${path} (${isDomainError(e) ? e.message : ((e as NodeJS.ErrnoException).code ?? 'error')}).`);
  }
  // One trailing newline is the editor's, not the passphrase's.
  return text.replace(/\r?\n$/, '');
}

/** Asks on the terminal without echo; `refusal` is the code of a cancel (VAULT_LOCKED for the passphrase). */
export async function promptHidden(question: string, refusal: 'VAULT_LOCKED' | 'TOKEN_PIN_REQUIRED' = 'VAULT_LOCKED'): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) {
    throw refusal === 'VAULT_LOCKED'
      ? new DomainError('VAULT_LOCKED', 'No passphrase was given: use --passphrase-file FILE or AIRGAP_CA_PASSPHRASE (there is no terminal to ask on).')
      : new DomainError('TOKEN_PIN_REQUIRED', 'No token PIN was given: use --pin-file FILE or AIRGAP_CA_PIN (there is no terminal to ask on).');
  }
  // Echo goes off before the question shows: whatever is typed once it is visible is never echoed.
  stdin.setRawMode(true);
  process.stderr.write(question);
  stdin.resume();
  stdin.setEncoding('utf8');
  return new Promise((resolve, reject) => {
    let value = '';
    const done = (err?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.removeListener('data', onData);
      process.stderr.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003') return done(refusal === 'VAULT_LOCKED' ? new DomainError('VAULT_LOCKED', 'Cancelled: the vault stays locked.') : new DomainError('TOKEN_PIN_REQUIRED', 'Cancelled: nothing was signed.'));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.on('data', onData);
  });
}

/** Whether the CLI can ask the officer: stdin and stderr (where questions go) are both a terminal. */
export function onTerminal(): boolean {
  return Boolean(process.stdin.isTTY && process.stderr.isTTY);
}

/**
 * Asks one visible line on the terminal (question on stderr); null when the
 * officer gives up: Ctrl-C or end of input (Ctrl-D). Not for secrets
 * (`promptHidden` is): the answer is echoed.
 */
export async function promptLine(question: string): Promise<string | null> {
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  return new Promise((resolve) => {
    let answered = false;
    const finish = (value: string | null) => {
      if (answered) return;
      answered = true;
      rl.close();
      process.stdin.pause();
      resolve(value);
    };
    rl.on('SIGINT', () => {
      process.stderr.write('\n');
      finish(null);
    });
    rl.on('close', () => finish(null));
    rl.question(question, (answer) => finish(answer));
  });
}

export interface SecretSources {
  passphraseFile?: string;
  env: NodeJS.ProcessEnv;
}

/** The passphrase to unlock with, or undefined when none is available without asking. */
export function passphraseWithoutPrompt(src: SecretSources): string | undefined {
  if (src.passphraseFile) return readPassphraseFile(src.passphraseFile);
  if (src.env.AIRGAP_CA_PASSPHRASE !== undefined) return src.env.AIRGAP_CA_PASSPHRASE;
  return undefined;
}

/** The token PIN from --pin-file or AIRGAP_CA_PIN, or undefined when neither gives one. */
export function pinWithoutPrompt(src: { pinFile?: string | undefined; env: NodeJS.ProcessEnv }): string | undefined {
  if (src.pinFile) return readPassphraseFile(src.pinFile, 'PIN');
  return src.env.AIRGAP_CA_PIN;
}

/** Environment variables that carry a secret: read once, then gone from the process. */
export const SECRET_ENV_VARS = ['AIRGAP_CA_PASSPHRASE', 'AIRGAP_CA_PIN'] as const;

/**
 * A private copy of the environment for the CLI to read, with the secret
 * variables removed from the live one: every child process (an external tool,
 * a worker) inherits `process.env`, and none of them needs the passphrase.
 */
export function takeSecretEnvironment(live: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const copy: NodeJS.ProcessEnv = { ...live };
  for (const name of SECRET_ENV_VARS) delete live[name];
  return copy;
}
