import type { Clock } from '../clock.ts';
import { DomainError } from '../errors.ts';
import { parseAndVerifyCsr } from '../issuance/csr-intake.ts';
import { createIssuer } from '../issuance/issuer.ts';
import type { KeyAlgorithm } from '../pki/algorithms.ts';
import { CaStore, type CaSummary } from '../store/ca-store.ts';
import { CertificateStore } from '../store/certificate-store.ts';
import { SigningKeyStore } from '../store/signing-key-store.ts';
import type { Vault } from '../vault/vault.ts';
import { createSubCaRequest } from './csr.ts';
import { generateSigningKey } from './key-material.ts';

export interface ChildCaInput {
  name: string;
  purpose: string;
  /** The CA whose active key signs the new CA's first key. */
  parent: CaSummary;
  key: { name: string; algorithm: KeyAlgorithm; subject: string; days: number | undefined };
}

export interface ChildCaOutcome {
  ca: CaSummary;
  keyId: string;
  /** Serial of the sub-CA certificate, recorded among the parent's certificates. */
  serial: string;
}

/**
 * A CA of the vault certified by another CA of the vault (an offline root
 * signing its own issuing CA), without the request or the chain leaving the
 * machine: the new CA's first key is generated, its PKCS#10 request is signed
 * by the parent's active key with the sub-ca profile through the one Issuer
 * pipeline, the certificate is recorded among the parent's certificates (so
 * the parent can revoke it and lists it on its CRL), and the key gets the
 * chain up to the parent's root. All in one transaction: the CA, the draft
 * key with its chain, the certificate, and their four audit events, each
 * naming its CA. The key stays a draft: activating it is the next ceremony
 * step, in the new CA.
 */
export async function createChildCa(world: { vault: Vault; clock: Clock; actor: string }, input: ChildCaInput): Promise<ChildCaOutcome> {
  const { vault: v, clock } = world;
  const parentKeys = new SigningKeyStore(v, input.parent.id);
  const parentCerts = new CertificateStore(v.db, input.parent.id);
  const signer = parentKeys.active();
  if (!signer?.certificate) {
    throw new DomainError('NO_ACTIVE_KEY', `The CA "${input.parent.name}" has no active key with a certificate to sign the new CA's key. Activate one first (--ca ${input.parent.name} key activate KEY).`);
  }
  const signerCert = signer.certificate;
  const cas = new CaStore(v);
  // Refused before a key is generated: the name and the key name are checked again inside the transaction.
  cas.assertNameFree(input.name);
  const g = await generateSigningKey(input.key.algorithm);
  try {
    const request = await createSubCaRequest({ algorithm: input.key.algorithm, pkcs8: g.pkcs8, spki: g.spki, subject: input.key.subject });
    const now = clock.now();
    const issued = parentKeys.withSigner(signer.id, (parentSigner) =>
      createIssuer({ certificateDer: signerCert, privateKey: parentSigner, algorithm: signer.algorithm }).issue({
        csr: parseAndVerifyCsr(request.der),
        profile: 'sub-ca',
        days: input.key.days,
        now,
        isSerialTaken: (s) => parentCerts.isSerialTaken(s),
      }),
    );
    const ca = v.transaction(() => {
      const created = cas.create({ name: input.name, purpose: input.purpose, createdAt: now.toISOString(), parentId: input.parent.id });
      v.audit.append({ actor: world.actor, action: 'ca.created', details: { ca: created.name, caId: created.id, purpose: created.purpose, parent: input.parent.name } });
      const keys = new SigningKeyStore(v, created.id);
      keys.insertDraft({ id: g.keyId, name: input.key.name, algorithm: input.key.algorithm, spki: g.spki, pkcs8: g.pkcs8, createdAt: now.toISOString() });
      v.audit.append({ actor: world.actor, action: 'key.created', details: { ca: created.name, keyId: g.keyId, name: input.key.name, algorithm: input.key.algorithm } });
      parentCerts.insert([
        { serial: issued.serialHex, issuerKeyId: signer.id, subject: issued.subject, sans: [], profile: issued.profile, notBefore: issued.notBefore.toISOString(), notAfter: issued.notAfter.toISOString(), issuedAt: now.toISOString(), der: issued.der },
      ]);
      v.audit.append({
        actor: world.actor,
        action: 'cert.issued',
        details: { ca: input.parent.name, serial: issued.serialHex, issuerKeyId: signer.id, subject: issued.subject, sans: [], profile: issued.profile, notAfter: issued.notAfter.toISOString(), truncated: issued.truncated, request: `CA ${created.name}` },
      });
      keys.setCertificate(g.keyId, issued.der, [signerCert, ...signer.chain]);
      v.audit.append({ actor: world.actor, action: 'key.chain-issued', details: { ca: created.name, keyId: g.keyId, issuerCa: input.parent.name, issuerKeyId: signer.id, serial: issued.serialHex } });
      return created;
    });
    return { ca, keyId: g.keyId, serial: issued.serialHex };
  } finally {
    g.pkcs8.fill(0);
  }
}
