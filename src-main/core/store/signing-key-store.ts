import type { Vault } from '../vault/vault.ts';
import { DomainError } from '../errors.ts';
import type { KeyAlgorithm } from '../pki/algorithms.ts';
import { unwrapPrivateKey, wrapPrivateKey } from '../vault/private-key-wrap.ts';

import type { KeyState, RetiredReason } from '../keys/key-state.ts';
import { SoftwareSigner } from '../signing/signer.ts';
import type { Signer } from '../signing/signer.ts';
import { openTokenSigner } from '../token/pkcs11-signer.ts';
import { PKCS11_MODULE_SETTING, resolveModulePath } from '../token/token-access.ts';
import type { TokenBinding } from '../token/token-binding.ts';

export type { TokenBinding };

export interface SigningKeyRecord {
  id: string;
  /** The CA the key belongs to (table cas), its id and its name; it signs for no other. */
  caId: string;
  caName: string;
  name: string;
  algorithm: KeyAlgorithm;
  state: KeyState;
  spki: Buffer;
  /** The key's own CA certificate (DER), once it has one. */
  certificate: Buffer | null;
  /** Issuers above the certificate, nearest first, up to and including the root (empty for a self-signed root). */
  chain: Buffer[];
  createdAt: string;
  activatedAt: string | null;
  trustedUntil: string | null;
  retiredAt: string | null;
  /** Why the key was retired and by whom: compromise when an emergency rotation retired it. Null while not retired, or retired before the vault recorded it. */
  retiredReason: RetiredReason | null;
  retiredBy: string | null;
  /** When the key was staged (in the bundle, signing nothing); null unless it is staged. */
  stagedAt: string | null;
  /** The token the private key lives on; null for a key wrapped in the vault. */
  token: TokenBinding | null;
}

interface Row {
  id: string;
  ca_id: string;
  ca_name: string;
  name: string;
  algorithm: string;
  state: string;
  spki: Buffer;
  certificate: Buffer | null;
  created_at: string;
  activated_at: string | null;
  trusted_until: string | null;
  retired_at: string | null;
  retired_reason: string | null;
  retired_by: string | null;
  staged_at: string | null;
}

const COLUMNS = 'id, ca_id, (SELECT c.name FROM cas c WHERE c.id = signing_keys.ca_id) AS ca_name, name, algorithm, state, spki, certificate, created_at, activated_at, trusted_until, retired_at, retired_reason, retired_by, staged_at';

/** Runs `fn`, then `release`: after its promise settles when it is async, also when it throws. */
function thenRelease<T>(fn: () => T, release: () => void): T {
  let result: T;
  try {
    result = fn();
  } catch (e) {
    release();
    throw e;
  }
  if (result instanceof Promise) return result.finally(release) as T;
  release();
  return result;
}

/**
 * Signing keys in the vault database. Private keys go in wrapped and come out only through unwrapPrivateKey().
 * A store made for one CA (`caId`) sees, resolves, unwraps and links only that CA's keys, so the
 * lifecycle rules that read it (one active key, the trusted window, the bundle) hold per CA and a
 * key cannot be reached to sign for another CA. A store without `caId` sees every CA's keys
 * (listing across CAs, checking a signature by key id); it creates a key only in a vault of one CA.
 */
export class SigningKeyStore {
  private readonly vault: Vault;
  readonly caId: string | null;

  constructor(vault: Vault, caId: string | null = null) {
    this.vault = vault;
    this.caId = caId;
  }

  /** A store of every CA creates a key only when the vault holds one CA: it is then that CA's. */
  private soleCaId(): string {
    const ids = this.db.prepare('SELECT id FROM cas').all() as Array<{ id: string }>;
    if (ids.length !== 1) throw new DomainError('CA_REQUIRED', `This vault holds ${ids.length} CAs: a signing key is created inside one of them (--ca NAME).`);
    return ids[0]!.id;
  }

  /** " AND ca_id = ?" and its argument when the store is one CA's. */
  private scope(column = 'ca_id'): { sql: string; args: string[] } {
    return this.caId === null ? { sql: '', args: [] } : { sql: ` AND ${column} = ?`, args: [this.caId] };
  }

  private get db() {
    return this.vault.db;
  }

  private toRecord(r: Row): SigningKeyRecord {
    const chain = (this.db.prepare('SELECT der FROM key_chain WHERE key_id = ? ORDER BY position').all(r.id) as Array<{ der: Buffer }>).map((c) => c.der);
    return {
      id: r.id,
      caId: r.ca_id,
      caName: r.ca_name,
      name: r.name,
      algorithm: r.algorithm as KeyAlgorithm,
      // A staged key is stored as a draft with staged_at (migration 10).
      state: r.state === 'draft' && r.staged_at !== null ? 'staged' : (r.state as KeyState),
      spki: r.spki,
      certificate: r.certificate,
      chain,
      createdAt: r.created_at,
      activatedAt: r.activated_at,
      trustedUntil: r.trusted_until,
      retiredAt: r.retired_at,
      retiredReason: r.retired_reason as RetiredReason | null,
      retiredBy: r.retired_by,
      stagedAt: r.staged_at,
      token: this.tokenBinding(r.id),
    };
  }

  /** The token a key lives on, or null when the vault wraps its private key. */
  tokenBinding(id: string): TokenBinding | null {
    const t = this.db
      .prepare('SELECT token_label AS label, token_serial AS serial, token_manufacturer AS manufacturer, token_model AS model, cka_id AS ckaId, cka_label AS ckaLabel, origin FROM token_keys WHERE key_id = ?')
      .get(id) as TokenBinding | undefined;
    return t ?? null;
  }

  /** This session's token PIN, if the host has one (in memory only). */
  tokenPin(): string | undefined {
    return this.vault.tokenAccess.pin();
  }

  /** The PKCS#11 module this session loads: AIRGAP_CA_PKCS11_MODULE, else the vault's settings.pkcs11Module. */
  pkcs11ModulePath(): string {
    const row = this.db.prepare('SELECT value FROM settings WHERE key = ?').get(PKCS11_MODULE_SETTING) as { value: string } | undefined;
    return resolveModulePath(this.vault.tokenAccess, row?.value);
  }

  /**
   * A draft whose private key lives on a token: the row holds the public key and
   * empty wrapped-key columns, token_keys where the private key is.
   */
  insertTokenKey(k: { id: string; name: string; algorithm: KeyAlgorithm; spki: Uint8Array; createdAt: string; token: TokenBinding }): void {
    const caId = this.caId ?? this.soleCaId();
    this.assertNewKey(k.id, k.name);
    const t = k.token;
    if (this.db.prepare('SELECT 1 FROM token_keys WHERE token_serial = ? AND cka_id = ?').get(t.serial, t.ckaId)) {
      throw new DomainError('KEY_NAME_TAKEN', `The vault already holds the key with CKA_ID ${t.ckaId} on token ${t.serial}.`);
    }
    this.db
      .prepare('INSERT INTO signing_keys (id, ca_id, name, algorithm, state, spki, wrapped_private_key, wrap_nonce, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(k.id, caId, k.name, k.algorithm, 'draft', Buffer.from(k.spki), Buffer.alloc(0), Buffer.alloc(0), k.createdAt);
    this.db
      .prepare('INSERT INTO token_keys (key_id, token_label, token_serial, token_manufacturer, token_model, cka_id, cka_label, origin) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(k.id, t.label, t.serial, t.manufacturer, t.model, t.ckaId, t.ckaLabel, t.origin);
  }

  /** KEY_NAME_TAKEN when the name (or, given, the key id) is taken. */
  assertNewKey(id: string | null, name: string): void {
    if (this.db.prepare('SELECT 1 FROM signing_keys WHERE name = ?').get(name)) {
      throw new DomainError('KEY_NAME_TAKEN', `A signing key named "${name}" already exists. Key names are unique: choose another.`);
    }
    if (id !== null && this.db.prepare('SELECT 1 FROM signing_keys WHERE id = ?').get(id)) {
      throw new DomainError('KEY_NAME_TAKEN', `The vault already holds key ${id}.`);
    }
  }

  insertDraft(k: { id: string; name: string; algorithm: KeyAlgorithm; spki: Uint8Array; pkcs8: Uint8Array; createdAt: string }): void {
    const caId = this.caId ?? this.soleCaId();
    this.assertNewKey(k.id, k.name);
    const { nonce, wrapped } = wrapPrivateKey(this.vault.privateKeyWrapKey(), k.id, k.pkcs8);
    this.db
      .prepare('INSERT INTO signing_keys (id, ca_id, name, algorithm, state, spki, wrapped_private_key, wrap_nonce, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(k.id, caId, k.name, k.algorithm, 'draft', Buffer.from(k.spki), wrapped, nonce, k.createdAt);
  }

  /** The PKCS#8 private key, for signing only; the caller zeroes it when done. */
  unwrapPrivateKey(id: string): Buffer {
    const s = this.scope();
    const token = this.tokenBinding(id);
    if (token) throw new DomainError('INVALID_TRANSITION', `The private key of ${id} lives on token "${token.label}" (serial ${token.serial}); it never leaves the token.`);
    const row = this.db.prepare(`SELECT wrapped_private_key AS w, wrap_nonce AS n FROM signing_keys WHERE id = ?${s.sql}`).get(id, ...s.args) as { w: Buffer; n: Buffer } | undefined;
    if (!row) throw new DomainError('KEY_NOT_FOUND', `There is no signing key ${id}${this.caId === null ? '' : ' in this CA'}.`);
    return unwrapPrivateKey(this.vault.privateKeyWrapKey(), id, row.n, row.w);
  }

  /**
   * Runs `fn` with the unwrapped PKCS#8 and zeroes it afterwards, also when
   * `fn` is async (after its promise settles) or throws.
   */
  withPrivateKey<T>(id: string, fn: (pkcs8: Buffer) => T): T {
    const pkcs8 = this.unwrapPrivateKey(id);
    return thenRelease(() => fn(pkcs8), () => pkcs8.fill(0));
  }

  /**
   * Runs `fn` with the key's Signer and releases it afterwards (zeroes the
   * unwrapped PKCS#8, closes the token session), also when `fn` is async or
   * throws. A key on a token signs on the token, with this session's PIN.
   */
  withSigner<T>(id: string, fn: (signer: Signer) => T): T {
    const record = this.get(id);
    if (!record) throw new DomainError('KEY_NOT_FOUND', `There is no signing key ${id}${this.caId === null ? '' : ' in this CA'}.`);
    const token = record.token;
    if (!token) return this.withPrivateKey(id, (pkcs8) => fn(new SoftwareSigner(record.algorithm, pkcs8)));
    const signer = openTokenSigner({
      kind: 'pkcs11',
      modulePath: this.pkcs11ModulePath(),
      tokenSerial: token.serial,
      tokenLabel: token.label,
      ckaId: token.ckaId,
      algorithm: record.algorithm,
      spki: new Uint8Array(record.spki),
      pin: this.vault.tokenAccess.pin(),
    });
    return thenRelease(() => fn(signer), () => signer.close());
  }

  list(): SigningKeyRecord[] {
    const order = "CASE WHEN state = 'active' THEN 0 WHEN state = 'trusted' THEN 1 WHEN staged_at IS NOT NULL THEN 2 WHEN state = 'draft' THEN 3 ELSE 4 END, created_at";
    const s = this.scope();
    return (this.db.prepare(`SELECT ${COLUMNS} FROM signing_keys WHERE 1${s.sql} ORDER BY ${order}`).all(...s.args) as Row[]).map((r) => this.toRecord(r));
  }

  get(id: string): SigningKeyRecord | null {
    const s = this.scope();
    const r = this.db.prepare(`SELECT ${COLUMNS} FROM signing_keys WHERE id = ?${s.sql}`).get(id, ...s.args) as Row | undefined;
    return r ? this.toRecord(r) : null;
  }

  /** The CA's active key; for a store of every CA, the active key of the first CA (the vault-wide signer). */
  active(): SigningKeyRecord | null {
    const s = this.scope();
    const r = this.db
      .prepare(`SELECT ${COLUMNS} FROM signing_keys WHERE state = 'active'${s.sql} ORDER BY (SELECT c.rowid FROM cas c WHERE c.id = signing_keys.ca_id) LIMIT 1`)
      .get(...s.args) as Row | undefined;
    return r ? this.toRecord(r) : null;
  }

  /**
   * docs/cli.md: KEY is a key id (sha256:<64 hex>), a unique prefix of at least 8
   * hex digits (with or without "sha256:"), or a key's name.
   */
  resolve(ref: string): SigningKeyRecord {
    const trimmed = ref.trim();
    const s = this.scope();
    const byName = this.db.prepare(`SELECT ${COLUMNS} FROM signing_keys WHERE name = ?${s.sql}`).get(trimmed, ...s.args) as Row | undefined;
    if (byName) return this.toRecord(byName);
    const hex = trimmed.toLowerCase().replace(/^sha256:/, '');
    if (/^[0-9a-f]{8,64}$/.test(hex)) {
      const rows = this.db.prepare(`SELECT ${COLUMNS} FROM signing_keys WHERE substr(id, 8, ?) = ?${s.sql}`).all(hex.length, hex, ...s.args) as Row[];
      if (rows.length === 1) return this.toRecord(rows[0]!);
      if (rows.length > 1) {
        throw new DomainError('KEY_AMBIGUOUS', `"${ref}" matches ${rows.length} keys (${rows.map((r) => r.name).join(', ')}). Give more digits of the key id, or the key's name.`);
      }
    } else if (/^(sha256:)?[0-9a-f]{1,7}$/i.test(trimmed)) {
      throw new DomainError('KEY_NOT_FOUND', `"${ref}" is too short to name a key: give at least 8 hex digits of the key id, or the key's name.`);
    }
    throw new DomainError('KEY_NOT_FOUND', `There is no signing key "${ref}"${this.elsewhere(trimmed, hex)} "key list" shows the keys with their ids and names.`);
  }

  /**
   * For a store of one CA of several, where the key `ref` names lives when it
   * is another CA's: said in the refusal, so the officer sees it is the wrong CA and not
   * a missing key. It never resolves to that key: a key signs only for its CA.
   */
  private elsewhere(name: string, hex: string): string {
    if (this.caId === null || (this.db.prepare('SELECT count(*) FROM cas').pluck().get() as number) < 2) return '.';
    const here = this.db.prepare('SELECT name FROM cas WHERE id = ?').pluck().get(this.caId) as string | undefined;
    const rows = this.db
      .prepare("SELECT c.name FROM signing_keys k JOIN cas c ON c.id = k.ca_id WHERE k.ca_id <> ? AND (k.name = ? OR (length(?) >= 8 AND substr(k.id, 8, length(?)) = ?))")
      .pluck()
      .all(this.caId, name, hex, hex, hex) as string[];
    const others = [...new Set(rows)];
    if (others.length !== 1) return ` in the CA "${here ?? this.caId}".`;
    return ` in the CA "${here ?? this.caId}": it is a key of the CA "${others[0]}" (--ca ${others[0]}), and a key signs only for its own CA.`;
  }

  setCertificate(id: string, certificate: Uint8Array, chain: readonly Uint8Array[]): void {
    this.db.prepare('UPDATE signing_keys SET certificate = ? WHERE id = ?').run(Buffer.from(certificate), id);
    this.db.prepare('DELETE FROM key_chain WHERE key_id = ?').run(id);
    const put = this.db.prepare('INSERT INTO key_chain (key_id, position, der) VALUES (?, ?, ?)');
    chain.forEach((der, i) => put.run(id, i, Buffer.from(der)));
  }

  /** The key most recently retired for compromise (of the CA, or of any CA), or null. */
  latestCompromised(): SigningKeyRecord | null {
    const s = this.scope();
    const r = this.db.prepare(`SELECT ${COLUMNS} FROM signing_keys WHERE state = 'retired' AND retired_reason = 'compromise'${s.sql} ORDER BY retired_at DESC LIMIT 1`).get(...s.args) as Row | undefined;
    return r ? this.toRecord(r) : null;
  }

  setState(
    id: string,
    change: { state: KeyState; activatedAt?: string | null; trustedUntil?: string | null; retiredAt?: string | null; retiredReason?: RetiredReason | null; retiredBy?: string | null; stagedAt?: string },
  ): void {
    // staged is stored as draft + staged_at; any other state clears staged_at.
    const sets = ['state = ?', 'staged_at = ?'];
    if (change.state === 'staged' && change.stagedAt === undefined) throw new DomainError('INTERNAL', `Staging key ${id} needs the time it was staged.`);
    const args: unknown[] = [change.state === 'staged' ? 'draft' : change.state, change.state === 'staged' ? change.stagedAt : null];
    for (const [col, v] of [
      ['activated_at', change.activatedAt],
      ['trusted_until', change.trustedUntil],
      ['retired_at', change.retiredAt],
      ['retired_reason', change.retiredReason],
      ['retired_by', change.retiredBy],
    ] as const) {
      if (v !== undefined) {
        sets.push(`${col} = ?`);
        args.push(v);
      }
    }
    this.db.prepare(`UPDATE signing_keys SET ${sets.join(', ')} WHERE id = ?`).run(...args, id);
  }

  addLinkCertificate(newKeyId: string, oldKeyId: string, der: Uint8Array, createdAt: string): void {
    this.db.prepare('INSERT OR REPLACE INTO link_certificates (new_key_id, old_key_id, der, created_at) VALUES (?, ?, ?, ?)').run(newKeyId, oldKeyId, Buffer.from(der), createdAt);
  }

  linkCertificates(): Array<{ newKeyId: string; oldKeyId: string; der: Buffer }> {
    const s = this.scope('k.ca_id');
    return this.db
      .prepare(`SELECT l.new_key_id AS newKeyId, l.old_key_id AS oldKeyId, l.der FROM link_certificates l JOIN signing_keys k ON k.id = l.new_key_id WHERE 1${s.sql} ORDER BY l.created_at`)
      .all(...s.args) as Array<{ newKeyId: string; oldKeyId: string; der: Buffer }>;
  }
}
