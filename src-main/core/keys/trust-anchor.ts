/**
 * trust-anchor.json (docs/architecture.md, "Export packages"): its format
 * (the schema a receiver parses it with) and how it is built. The public keys the online side
 * trusts, for checking the export's manifest signature and for agents that
 * pin keys rather than certificates.
 *
 *   { "active_key_id": "sha256:...", "bundle_version"?: 3, "bundle_sha256"?: "<64 hex>",
 *     "keys": [ { "key_id", "algorithm", "public_key" (base64url SPKI DER),
 *                 "valid_from", "trusted_until"?, "state" } ] }
 *
 * The same keys and order as the trust bundle (active, then trusted by
 * trustedUntil, latest first, then staged keys, which sign nothing yet). bundle_version and
 * bundle_sha256 name the trust-bundle.pem written beside it (absent in anchors from before). valid_from is the certificate's NotBefore;
 * trusted_until is present for trusted keys only. Dates are ISO 8601 UTC.
 * The fields come from the certificate itself, so the anchor cannot
 * disagree with the bundle.
 */
import { z } from 'zod';
import { KEY_ALGORITHMS, type KeyAlgorithm } from '../pki/algorithms.ts';
import { KEY_STATES } from './key-state.ts';
import { KEY_ID_RE } from '../asn1/key-id.ts';
import { DomainError } from '../errors.ts';
import { distributedKeys } from './trust-bundle.ts';
import type { DistributedKey } from './trust-bundle.ts';
import { readCertificateFacts } from '../asn1/certificate-reader.ts';
import { algorithmOfSpki } from './key-material.ts';
import { toBase64Url } from '../asn1/bytes.ts';

export const trustAnchorKeySchema = z.object({
  key_id: z.string().regex(KEY_ID_RE),
  algorithm: z.enum(KEY_ALGORITHMS),
  public_key: z.string().regex(/^[A-Za-z0-9_-]+$/).max(4096),
  valid_from: z.iso.datetime(),
  trusted_until: z.iso.datetime().nullable().optional(),
  state: z.enum(KEY_STATES),
});

export const trustAnchorSchema = z.object({
  active_key_id: z.string().regex(KEY_ID_RE),
  bundle_version: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
  bundle_sha256: z.string().regex(/^[0-9a-f]{64}$/).optional(),
  keys: z.array(trustAnchorKeySchema).min(1).max(1000),
});

export type TrustAnchor = z.infer<typeof trustAnchorSchema>;
export type TrustAnchorKey = z.infer<typeof trustAnchorKeySchema>;

export interface AnchorKey extends DistributedKey {
  algorithm: KeyAlgorithm;
}

/** The bundle version a trust anchor names: the trust-bundle.pem beside it. */
export interface AnchorBundle {
  version: number;
  sha256: string;
}

/** Throws what buildTrustBundle throws, and INTERNAL if a key's algorithm does not match its certificate. */
export function buildTrustAnchor(keys: readonly AnchorKey[], bundle?: AnchorBundle): TrustAnchor {
  const ordered = distributedKeys(keys);
  const entries = ordered.map((k): TrustAnchorKey => {
    const cert = readCertificateFacts(k.certificate as Uint8Array, `the certificate of key ${k.id}`);
    const alg = algorithmOfSpki(cert.spki);
    if (alg !== k.algorithm) {
      throw new DomainError('INTERNAL', `Key ${k.id} is recorded as ${k.algorithm} but its certificate holds a ${alg ?? 'different'} key; the vault record is damaged.`);
    }
    const entry: TrustAnchorKey = {
      key_id: cert.keyId,
      algorithm: alg,
      public_key: toBase64Url(cert.spki),
      valid_from: cert.notBefore.toISOString(),
      state: k.state === 'active' || k.state === 'staged' ? k.state : 'trusted',
    };
    if (k.state === 'trusted' && k.trustedUntil) entry.trusted_until = k.trustedUntil.toISOString();
    return entry;
  });
  const active_key_id = (entries[0] as TrustAnchorKey).key_id;
  return bundle ? { active_key_id, bundle_version: bundle.version, bundle_sha256: bundle.sha256, keys: entries } : { active_key_id, keys: entries };
}

/** The file's bytes: two-space JSON with a final newline. */
export function serializeTrustAnchor(doc: TrustAnchor): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(doc, null, 2) + '\n');
}
