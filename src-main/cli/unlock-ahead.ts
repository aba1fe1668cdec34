/**
 * A batch command's unlock gets a head start: the passphrase (from
 * --passphrase-file or AIRGAP_CA_PASSPHRASE, never a prompt here) and the
 * vault header are read as the CLI starts, and Argon2id runs on the thread
 * pool while the rest of the CLI loads (core/vault/unlock-ahead.ts). The
 * options are read from the arguments as given; the real unlock later reads
 * them again through the parser and does every check, and takes the derived
 * key only for the same passphrase and slot parameters. Anything unclear
 * (shares, no passphrase without asking, an unreadable file) gives no head start.
 */
import { defaultVaultDir } from '../api/vault-location.ts';
import { unlockAhead } from '../core/vault/unlock-ahead.ts';
import { passphraseWithoutPrompt } from './secrets.ts';

/** The value of a global option given as `--name VALUE` or `--name=VALUE` (the first; undefined when absent). */
function optionValue(args: readonly string[], name: string): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '--') return undefined;
    if (a === name) return args[i + 1];
    if (a.startsWith(`${name}=`)) return a.slice(name.length + 1);
  }
  return undefined;
}

export function startUnlockAhead(args: readonly string[], env: NodeJS.ProcessEnv): void {
  if (args.some((a) => a === '--share' || a.startsWith('--share='))) return;
  try {
    const passphraseFile = optionValue(args, '--passphrase-file');
    const passphrase = passphraseWithoutPrompt({ ...(passphraseFile ? { passphraseFile } : {}), env });
    if (passphrase === undefined) return;
    const vault = optionValue(args, '--vault');
    unlockAhead(vault ?? defaultVaultDir(env), passphrase);
  } catch {
    // No head start: the unlock reports what is wrong with the passphrase file.
  }
}
