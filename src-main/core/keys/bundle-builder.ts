import type { SigningKeyRecord, SigningKeyStore } from '../store/signing-key-store.ts';
import { toPem } from '../asn1/pem.ts';
import { buildTrustBundle } from './trust-bundle.ts';

/** The trust bundle as it is distributed: PEM text, the DER certificates, and which keys it carries. */
export interface BuiltBundle {
  pem: string;
  der: Uint8Array[];
  keys: Array<{ id: string; name: string; state: SigningKeyRecord['state'] }>;
  certificates: number;
}

/** The trust bundle of the vault's keys, with the link certificates between the roots it distributes. */
export function buildBundle(keys: SigningKeyStore): BuiltBundle {
  const all = keys.list();
  const bundle = buildTrustBundle(
    all.map((k) => ({ id: k.id, state: k.state, trustedUntil: k.trustedUntil ? new Date(k.trustedUntil) : undefined, certificate: k.certificate, chain: k.chain })),
  );
  // Link certificates between two distributed roots travel with the bundle, so agents that
  // trust only the old root can still build a path to the new one (RFC 4210 section 4.4 "old with new").
  const distributed = new Set(bundle.keyIds);
  const links = keys.linkCertificates().filter((l) => distributed.has(l.newKeyId) && distributed.has(l.oldKeyId));
  const byId = new Map(all.map((k) => [k.id, k]));
  return {
    pem: bundle.pem + links.map((l) => toPem(l.der, 'CERTIFICATE')).join(''),
    der: [...bundle.certificates, ...links.map((l) => l.der)],
    keys: bundle.keyIds.map((id) => ({ id, name: byId.get(id)?.name ?? id, state: byId.get(id)?.state ?? 'trusted' })),
    certificates: bundle.certificates.length + links.length,
  };
}
