import { createHash, createPrivateKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import { join } from 'node:path';
import { fixedClock } from '../core/clock.ts';
import { openEncryptedDatabase, type Db } from '../core/vault/database.ts';
import { DATABASE_FILE } from '../core/vault/header.ts';
import { OWASP_MINIMUM } from '../core/vault/kdf.ts';
import { unwrapPrivateKey, wrapPrivateKey } from '../core/vault/private-key-wrap.ts';
import { deriveSubkey } from '../core/vault/subkeys.ts';
import { createVault, readVaultHeader, recoverVaultKey, type Vault, type VaultCredentials } from '../core/vault/vault.ts';

/**
 * Vaults for tests: real encrypted SQLite, real Argon2id at OWASP's minimum
 * cost (never lower: the header parser refuses anything below it), fixed dates.
 */
export const TEST_PASSPHRASE = 'correct horse battery staple';
export const OTHER_PASSPHRASE = 'another long enough passphrase';
export const FIXED_NOW = '2026-03-01T12:00:00.000Z';

/** The crash-safety writer (crash-writer.ts): its counter row in meta and the action of its audit events. */
export const CRASH_COUNTER_KEY = 'crash_test_counter';
export const CRASH_WRITE_ACTION = 'crash.write';

export async function createTestVault(
  dir: string,
  opts: { passphrase?: string | null; quorum?: { threshold: number; total: number }; now?: string; actor?: string } = {},
): Promise<{ vault: Vault; shareFiles: string[]; clock: ReturnType<typeof fixedClock> }> {
  const clock = fixedClock(opts.now ?? FIXED_NOW);
  const { vault, shareFiles } = await createVault({
    dir,
    passphrase: opts.passphrase === null ? undefined : (opts.passphrase ?? TEST_PASSPHRASE),
    quorum: opts.quorum,
    kdfCost: OWASP_MINIMUM,
    clock,
    actor: opts.actor ?? 'alice',
  });
  return { vault, shareFiles, clock };
}

/** What an attacker holding the credentials has: the raw vault key, recovered through the slots as unlock does. */
export async function vaultKeyOf(dir: string, credentials: VaultCredentials = { passphrase: TEST_PASSPHRASE }): Promise<Buffer> {
  return (await recoverVaultKey(readVaultHeader(dir), credentials)).key;
}

/** The vault's database opened directly with its raw key, bypassing Vault and the audit log. */
export function openRawDatabase(dir: string, vaultKey: Uint8Array): Db {
  return openEncryptedDatabase(join(dir, DATABASE_FILE), deriveSubkey(vaultKey, 'database'), { create: false });
}

/** An Ed25519 signing key stored the way key create stores one (wrapped under the vault's private-key subkey), straight in the table. */
export function addRawSigningKey(vault: Vault, name: string): { id: string; spki: Buffer } {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const spki = publicKey.export({ format: 'der', type: 'spki' });
  const pkcs8 = privateKey.export({ format: 'der', type: 'pkcs8' });
  const id = `sha256:${createHash('sha256').update(spki).digest('hex')}`;
  const { nonce, wrapped } = wrapPrivateKey(vault.privateKeyWrapKey(), id, pkcs8);
  vault.db
    .prepare('INSERT INTO signing_keys (id, name, algorithm, state, spki, wrapped_private_key, wrap_nonce, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
    .run(id, name, 'ed25519', 'draft', spki, wrapped, nonce, FIXED_NOW);
  return { id, spki };
}

/** Every stored private key unwraps under the vault's current private-key subkey and makes a signature its public key verifies. */
export function everyPrivateKeySigns(vault: Vault): number {
  const rows = vault.db.prepare('SELECT id, spki, wrapped_private_key AS w, wrap_nonce AS n FROM signing_keys').all() as Array<{ id: string; spki: Buffer; w: Buffer; n: Buffer }>;
  for (const r of rows) {
    const pkcs8 = unwrapPrivateKey(vault.privateKeyWrapKey(), r.id, r.n, r.w);
    const message = Buffer.from(`signed by ${r.id}`);
    const signature = sign(null, message, createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }));
    pkcs8.fill(0);
    if (!verify(null, message, { key: r.spki, format: 'der', type: 'spki' }, signature)) throw new Error(`${r.id}: the signature does not verify`);
  }
  return rows.length;
}
