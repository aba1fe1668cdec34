/**
 * The trust bundle (docs/architecture.md, "Trust bundle"): PEM of every active, trusted and
 * staged key's CA certificate, each followed by its chain up to the root,
 * deduplicated, never a retired or draft key.
 *
 * Order (stable, so two exports of the same vault are byte-identical):
 *   1. the active key, then its chain upward;
 *   2. trusted keys by trustedUntil, latest first (the most recently
 *      demoted key first), ties by key id; each followed by its chain;
 *   3. staged keys (in the bundle so the fleet learns them before they sign), by key id.
 * A certificate already written (a shared corporate root, say) is not
 * written again.
 */
import { DomainError } from '../errors.ts';
import type { KeyState } from './key-state.ts';
import { toPem } from '../asn1/pem.ts';
import { readCertificateFacts } from '../asn1/certificate-reader.ts';
import { createHash } from 'node:crypto';

export interface DistributedKey {
  id: string;
  state: KeyState;
  trustedUntil?: Date;
  /** The key's own CA certificate (DER); null for a draft without one. */
  certificate: Uint8Array | null;
  /** The issuers above it, nearest first, up to and including the root; empty for a standalone root. */
  chain: readonly Uint8Array[];
}

export interface TrustBundle {
  pem: string;
  /** The certificates in bundle order (DER). */
  certificates: Uint8Array[];
  /** The keys whose certificates are in the bundle, in bundle order. */
  keyIds: string[];
}

/** Active, trusted and staged keys in bundle order. Throws NO_ACTIVE_KEY, INTERNAL (two active keys). */
export function distributedKeys<K extends DistributedKey>(keys: readonly K[]): K[] {
  const active = keys.filter((k) => k.state === 'active');
  if (active.length === 0) {
    throw new DomainError('NO_ACTIVE_KEY', 'There is no active signing key, so there is nothing for agents to trust yet. Activate a key first.');
  }
  if (active.length > 1) {
    throw new DomainError('INTERNAL', `The vault holds ${active.length} active keys; there must be one. Run "vault verify".`);
  }
  const trusted = keys
    .filter((k) => k.state === 'trusted')
    .sort((a, b) => (b.trustedUntil?.getTime() ?? 0) - (a.trustedUntil?.getTime() ?? 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const staged = keys.filter((k) => k.state === 'staged').sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (const k of [...active, ...trusted, ...staged]) {
    if (!k.certificate) {
      throw new DomainError('KEY_NO_CERTIFICATE', `Key ${k.id} is ${k.state} but has no certificate; the vault record is damaged. Run "key show" on it.`);
    }
    // The certificate must be the key's own: a mix-up here would hand agents the wrong anchor.
    const facts = readCertificateFacts(k.certificate, `the certificate of key ${k.id}`);
    if (facts.keyId !== k.id) {
      throw new DomainError('INTERNAL', `The certificate stored for key ${k.id} certifies another key (${facts.keyId}); the vault record is damaged.`);
    }
  }
  return [...active, ...trusted, ...staged];
}

/** The SHA-256 of the exact trust-bundle.pem bytes (lowercase hex): what receipts from the fleet name. */
export function bundleSha256(pem: string): string {
  return createHash('sha256').update(pem, 'utf8').digest('hex');
}

/** Throws NO_ACTIVE_KEY, KEY_NO_CERTIFICATE, INTERNAL, CHAIN_UNPARSEABLE (a stored certificate is damaged). */
export function buildTrustBundle(keys: readonly DistributedKey[]): TrustBundle {
  const seen = new Set<string>();
  const certificates: Uint8Array[] = [];
  const keyIds: string[] = [];
  for (const k of distributedKeys(keys)) {
    keyIds.push(k.id);
    for (const der of [k.certificate as Uint8Array, ...k.chain]) {
      const fp = createHash('sha256').update(der).digest('hex');
      if (seen.has(fp)) continue;
      seen.add(fp);
      certificates.push(der);
    }
  }
  return { pem: certificates.map((d) => toPem(d, 'CERTIFICATE')).join(''), certificates, keyIds };
}
