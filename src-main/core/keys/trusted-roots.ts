/**
 * The roots this vault trusts for imported chains.
 *
 * A chain that verifies proves only that its certificates fit together; anyone
 * can make a root with the corporate root's exact name. What makes a root the
 * corporate root is its fingerprint, compared once by an officer against the
 * one the corporate PKI publishes (or made here by `key self-sign`). After
 * that the root is pinned, and later chains to it need no comparison. A root
 * with a pinned root's name but another key is simply not pinned.
 */
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3-multiple-ciphers';
import { DomainError } from '../errors.ts';

export type PinSource = 'import' | 'self-sign';

export interface TrustedRoot {
  /** SHA-256 of the certificate's DER, 64 lowercase hex. */
  fingerprint: string;
  subject: string;
  der: Buffer;
  pinnedAt: string;
  source: PinSource;
}

/** The root at the end of a chain, as the officer compares it. */
export interface ChainRootView {
  subject: string;
  /** 64 lowercase hex, the SHA-256 of the root certificate's DER. */
  fingerprint: string;
  pinned: boolean;
}

export function certificateFingerprint(der: Uint8Array): string {
  return createHash('sha256').update(der).digest('hex');
}

/**
 * A fingerprint as an officer types it: `openssl x509 -fingerprint -sha256`
 * prints "sha256 Fingerprint=AB:CD:…"; colons, spaces and case are ignored.
 * Throws INVALID_INPUT for anything that is not 32 bytes of hex.
 */
export function normaliseFingerprint(text: string): string {
  const body = text.trim().replace(/^sha-?256\s*fingerprint\s*=\s*/i, '').replace(/^sha-?256:/i, '');
  const hex = body.replace(/[:\s]/g, '').toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(hex)) {
    throw new DomainError('INVALID_INPUT', 'The root fingerprint must be the SHA-256 of the root certificate: 64 hex digits, with or without colons (as "openssl x509 -noout -fingerprint -sha256" prints it).');
  }
  return hex;
}

/** AB:CD:… in groups of two, upper case, the way OpenSSL and most PKI portals publish it. */
export function groupedFingerprint(hex: string): string {
  return (hex.toUpperCase().match(/../g) ?? []).join(':');
}

/** The trusted_roots table. */
export class TrustedRootStore {
  private readonly db: Database.Database;

  constructor(db: Database.Database) {
    this.db = db;
  }

  isPinned(fingerprint: string): boolean {
    return this.db.prepare('SELECT 1 FROM trusted_roots WHERE fingerprint = ?').get(fingerprint) !== undefined;
  }

  list(): TrustedRoot[] {
    const rows = this.db.prepare('SELECT fingerprint, subject, der, pinned_at, source FROM trusted_roots ORDER BY pinned_at, fingerprint').all() as Array<{ fingerprint: string; subject: string; der: Buffer; pinned_at: string; source: PinSource }>;
    return rows.map((r) => ({ fingerprint: r.fingerprint, subject: r.subject, der: r.der, pinnedAt: r.pinned_at, source: r.source }));
  }

  /** Pin a root; a root already pinned stays as it was. Returns true when it was newly pinned. Call inside the vault transaction that audits it. */
  pin(root: { der: Uint8Array; subject: string }, source: PinSource, at: Date): boolean {
    const fingerprint = certificateFingerprint(root.der);
    const r = this.db.prepare('INSERT OR IGNORE INTO trusted_roots (fingerprint, subject, der, pinned_at, source) VALUES (?, ?, ?, ?, ?)').run(fingerprint, root.subject, Buffer.from(root.der), at.toISOString(), source);
    return r.changes === 1;
  }
}

/**
 * Decide whether a chain's root may be stored. Pinned: yes. Not pinned: only
 * when the officer gave its fingerprint and it matches. Throws
 * CHAIN_ROOT_NOT_PINNED / CHAIN_ROOT_FINGERPRINT_MISMATCH; returns whether
 * the root must be pinned now.
 */
export function checkChainRoot(root: { subject: string; fingerprint: string }, pinned: boolean, given: string | undefined): { pinNow: boolean } {
  const expected = given === undefined ? undefined : normaliseFingerprint(given);
  if (expected !== undefined && expected !== root.fingerprint) {
    throw new DomainError(
      'CHAIN_ROOT_FINGERPRINT_MISMATCH',
      `The chain's root ${root.subject} has the fingerprint\n  SHA-256 ${groupedFingerprint(root.fingerprint)}\nnot the one given\n  SHA-256 ${groupedFingerprint(expected)}\nThis is not the root you expected (possibly a root made to look like it). Nothing was imported. Ask the corporate PKI for the chain again and compare against the fingerprint it publishes.`,
    );
  }
  if (pinned) return { pinNow: false };
  if (expected === undefined) {
    throw new DomainError(
      'CHAIN_ROOT_NOT_PINNED',
      `The chain's root is not yet trusted by this vault:\n  ${root.subject}\n  SHA-256 ${groupedFingerprint(root.fingerprint)}\nCompare this fingerprint with the one the corporate PKI publishes (by phone or on paper, not from the same medium), then import again with --root-fingerprint ${root.fingerprint}. Nothing was imported.`,
    );
  }
  return { pinNow: true };
}
