/**
 * trust-anchor.json (docs/architecture.md, "Export packages"): the public keys the online side
 * trusts, for checking the export's manifest signature and for agents that
 * pin keys rather than certificates.
 *
 *   { "active_key_id": "sha256:...",
 *     "keys": [ { "key_id", "algorithm", "public_key" (base64url SPKI DER),
 *                 "valid_from", "trusted_until"?, "state" } ] }
 *
 * The same keys and order as the trust bundle (active, then trusted by
 * trustedUntil, latest first). valid_from is the certificate's NotBefore;
 * trusted_until is present for trusted keys only. Dates are ISO 8601 UTC.
 * The fields come from the certificate itself, so the anchor cannot
 * disagree with the bundle.
 */
import type { KeyAlgorithm } from '../pki/algorithms.ts';
import { DomainError } from '../errors.ts';
import { distributedKeys } from './trust-bundle.ts';
import type { DistributedKey } from './trust-bundle.ts';
import { readCertificate } from './certificate-facts.ts';
import { algorithmOfSpki } from './key-material.ts';
import { toBase64Url } from '../asn1/bytes.ts';

export interface TrustAnchorKeyEntry {
  key_id: string;
  algorithm: KeyAlgorithm;
  public_key: string;
  valid_from: string;
  trusted_until?: string;
  state: 'active' | 'trusted';
}

export interface TrustAnchorDocument {
  active_key_id: string;
  keys: TrustAnchorKeyEntry[];
}

export interface AnchorKey extends DistributedKey {
  algorithm: KeyAlgorithm;
}

/** Throws what buildTrustBundle throws, and INTERNAL if a key's algorithm does not match its certificate. */
export function buildTrustAnchor(keys: readonly AnchorKey[]): TrustAnchorDocument {
  const ordered = distributedKeys(keys);
  const entries = ordered.map((k): TrustAnchorKeyEntry => {
    const cert = readCertificate(k.certificate as Uint8Array, `the certificate of key ${k.id}`);
    const alg = algorithmOfSpki(cert.spki);
    if (alg !== k.algorithm) {
      throw new DomainError('INTERNAL', `Key ${k.id} is recorded as ${k.algorithm} but its certificate holds a ${alg ?? 'different'} key; the vault record is damaged.`);
    }
    const entry: TrustAnchorKeyEntry = {
      key_id: cert.keyId,
      algorithm: alg,
      public_key: toBase64Url(cert.spki),
      valid_from: cert.notBefore.toISOString(),
      state: k.state === 'active' ? 'active' : 'trusted',
    };
    if (k.state === 'trusted' && k.trustedUntil) entry.trusted_until = k.trustedUntil.toISOString();
    return entry;
  });
  return { active_key_id: (entries[0] as TrustAnchorKeyEntry).key_id, keys: entries };
}

/** The file's bytes: two-space JSON with a final newline (the same form core/media writes). */
export function serializeTrustAnchorDocument(doc: TrustAnchorDocument): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(doc, null, 2) + '\n');
}
