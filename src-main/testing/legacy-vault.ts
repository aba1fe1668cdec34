import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { combine } from 'shamir-secret-sharing';
import { writeFileDurably } from '../core/fs/durable-write.ts';
import { seal } from '../core/vault/aead.ts';
import { parseShareFile } from '../core/vault/custodian-share.ts';
import { HEADER_FILE, LEGACY_HEADER_VERSION, serializeHeader, signHeader, slotAad, type KeySlot, type LegacySlot } from '../core/vault/header.ts';
import { deriveKek } from '../core/vault/kdf.ts';
import { recoverVaultKey, readVaultHeader } from '../core/vault/vault.ts';
import { openRawDatabase } from './vault-fixtures.ts';

/**
 * A vault as the version before recipient slots wrote it: header version 1,
 * every slot sealing the vault key directly under its secret (AES-256-GCM,
 * the slot parameters as associated data). Built from a current vault with
 * all of its credentials, so the legacy-slot migration is tested against the
 * exact format on disk: the same secrets, the same key, the same database.
 */
export async function downgradeToLegacyHeader(dir: string, credentials: { passphrase?: string; shares?: string[] }): Promise<void> {
  const header = readVaultHeader(dir);
  const { key } = await recoverVaultKey(header, credentials.passphrase !== undefined ? { passphrase: credentials.passphrase } : { shares: (credentials.shares ?? []).map((content, i) => ({ label: `share-${i + 1}`, content })) });
  const slots: KeySlot[] = [];
  for (const slot of header.slots) {
    let secret: Buffer;
    if (slot.type === 'passphrase') {
      if (credentials.passphrase === undefined) throw new Error('the passphrase is needed to write a legacy passphrase slot');
      secret = await deriveKek(credentials.passphrase, slot.kdf);
    } else {
      const mine = (credentials.shares ?? []).map((s) => parseShareFile(s, 'share')).filter((s) => s.slotId === slot.id);
      if (mine.length < slot.threshold) throw new Error(`the shares of slot ${slot.id} are needed to write it as a legacy slot`);
      secret = Buffer.from(await combine(mine.slice(0, slot.threshold).map((s) => new Uint8Array(Buffer.from(s.share, 'base64url')))));
    }
    const { wrap: _wrap, recipient: _recipient, ...params } = slot as KeySlot & { recipient?: string };
    const placeholder = { ...params, wrap: { nonce: '', ciphertext: '' } } as LegacySlot;
    const sealed = seal(secret, key, slotAad(header.vaultId, placeholder));
    slots.push({ ...params, wrap: { nonce: sealed.nonce.toString('base64url'), ciphertext: sealed.ciphertext.toString('base64url') } } as LegacySlot);
  }
  const { mac: _mac, ...unsigned } = header;
  const legacy = signHeader({ ...unsigned, version: LEGACY_HEADER_VERSION, slots }, key);
  writeFileDurably(join(dir, HEADER_FILE), serializeHeader(legacy));
  // The database knows the header it was last seen with, as it would for a vault that never changed format.
  const db = openRawDatabase(dir, key);
  try {
    db.prepare("UPDATE meta SET value = ? WHERE key = 'header_sha256'").run(createHash('sha256').update(readFileSync(join(dir, HEADER_FILE))).digest('hex'));
  } finally {
    db.close();
    key.fill(0);
  }
}
