/**
 * The unlock's Argon2id started as the CLI starts (docs/architecture.md,
 * "Worker pool"): from the header's first passphrase slot and the passphrase
 * the CLI will unlock with, so the derivation runs on the thread pool while
 * the CLI loads its modules. Only reads; anything unexpected (no vault, no
 * passphrase slot, an unreadable header) just means no head start: the
 * unlock then does every check and derivation itself.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HEADER_FILE, parseHeader } from './header.ts';
import { deriveKekAhead } from './kdf.ts';

export function unlockAhead(vaultDir: string, passphrase: string): void {
  try {
    const slot = parseHeader(readFileSync(join(vaultDir, HEADER_FILE))).slots.find((s) => s.type === 'passphrase');
    if (slot) deriveKekAhead(passphrase, slot.kdf);
  } catch {
    // No head start.
  }
}
