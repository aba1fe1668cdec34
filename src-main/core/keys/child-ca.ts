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
import type { IssuedCertificate } from '../issuance/issuer.ts';
import type { Signer } from '../signing/signer.ts';
import type { TokenBinding } from '../token/token-binding.ts';
import type { TokenSelector } from '../token/pkcs11.ts';
import { withKeyMadeOnToken } from '../token/token-keys.ts';

export interface ChildCaInput {
  name: string;
  purpose: string;
  /** The CA whose active key signs the new CA's first key. */
  parent: CaSummary;
  /** `token`: the first key pair is generated on this PKCS#11 token (as key create --token), else in the vault. */
  key: { name: string; algorithm: KeyAlgorithm; subject: string; days: number | undefined; token?: TokenSelector | undefined };
}

export interface ChildCaOutcome {
  ca: CaSummary;
  keyId: string;
  /** Serial of the sub-CA certificate, recorded among the parent's certificates. */
  serial: string;
  /** Where the first key lives when it was made on a token (what the vault recorded), else null. */
  token: TokenBinding | null;
}

/** The new CA's first key as the transaction records it: wrapped in the vault (pkcs8) or on a token (binding). */
type FirstKey = { keyId: string; spki: Uint8Array } & ({ pkcs8: Uint8Array; token?: undefined } | { token: TokenBinding; pkcs8?: undefined });

/**
 * A CA of the vault certified by another CA of the vault (an offline root
 * signing its own issuing CA), without the request or the chain leaving the
 * machine: the new CA's first key is generated (in the vault, or on a PKCS#11
 * token), its PKCS#10 request is signed by that key and then by the parent's
 * active key with the sub-ca profile through the one Issuer pipeline, the
 * certificate is recorded among the parent's certificates (so the parent can
 * revoke it and lists it on its CRL), and the key gets the chain up to the
 * parent's root. All in one transaction: the CA, the draft key with its
 * chain, the certificate, and their four audit events, each naming its CA.
 * The key stays a draft: activating it is the next ceremony step, in the new
 * CA.
 *
 * The parent's signer is opened before the first key is made (a parent on an
 * absent token, or without its PIN, refuses before anything exists). A key
 * pair made on a token whose CA the vault then does not record (the parent
 * refuses to certify it, the commit fails) is removed from the token again,
 * or named in TOKEN_KEY_ORPHANED when the token will not remove it.
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
  // Refused before a key is generated: the names are checked again inside the transaction (key names are unique in the vault).
  cas.assertNameFree(input.name);
  parentKeys.assertNewKey(null, input.key.name);
  const { algorithm, subject } = input.key;

  return parentKeys.withSigner(signer.id, async (parentSigner) => {
    /** The first key's request, signed by that key, certified by the parent's active key. */
    const certify = async (first: { spki: Uint8Array; signer?: Signer; pkcs8?: Uint8Array }): Promise<{ issued: IssuedCertificate; now: Date }> => {
      const request = await createSubCaRequest({ algorithm, spki: first.spki, subject, ...(first.signer ? { signer: first.signer } : { pkcs8: first.pkcs8 }) });
      const now = clock.now();
      const issued = createIssuer({ certificateDer: signerCert, privateKey: parentSigner, algorithm: signer.algorithm }).issue({
        csr: parseAndVerifyCsr(request.der),
        profile: 'sub-ca',
        days: input.key.days,
        now,
        isSerialTaken: (s) => parentCerts.isSerialTaken(s),
      });
      return { issued, now };
    };

    const record = (first: FirstKey, issued: IssuedCertificate, now: Date): ChildCaOutcome => {
      const ca = v.transaction(() => {
        const created = cas.create({ name: input.name, purpose: input.purpose, createdAt: now.toISOString(), parentId: input.parent.id });
        v.audit.append({ actor: world.actor, action: 'ca.created', details: { ca: created.name, caId: created.id, purpose: created.purpose, parent: input.parent.name } });
        const keys = new SigningKeyStore(v, created.id);
        const base = { id: first.keyId, name: input.key.name, algorithm, spki: first.spki, createdAt: now.toISOString() };
        if (first.token) keys.insertTokenKey({ ...base, token: first.token });
        else keys.insertDraft({ ...base, pkcs8: first.pkcs8 });
        const t = first.token;
        v.audit.append({
          actor: world.actor,
          action: 'key.created',
          details: { ca: created.name, keyId: first.keyId, name: input.key.name, algorithm, ...(t ? { token: { label: t.label, serial: t.serial, ckaId: t.ckaId, ckaLabel: t.ckaLabel } } : {}) },
        });
        parentCerts.insert([
          { serial: issued.serialHex, issuerKeyId: signer.id, subject: issued.subject, sans: [], profile: issued.profile, notBefore: issued.notBefore.toISOString(), notAfter: issued.notAfter.toISOString(), issuedAt: now.toISOString(), der: issued.der },
        ]);
        v.audit.append({
          actor: world.actor,
          action: 'cert.issued',
          details: { ca: input.parent.name, serial: issued.serialHex, issuerKeyId: signer.id, subject: issued.subject, sans: [], profile: issued.profile, notAfter: issued.notAfter.toISOString(), truncated: issued.truncated, request: `CA ${created.name}` },
        });
        keys.setCertificate(first.keyId, issued.der, [signerCert, ...signer.chain]);
        v.audit.append({ actor: world.actor, action: 'key.chain-issued', details: { ca: created.name, keyId: first.keyId, issuerCa: input.parent.name, issuerKeyId: signer.id, serial: issued.serialHex } });
        return created;
      });
      return { ca, keyId: first.keyId, serial: issued.serialHex, token: first.token ?? null };
    };

    const token = input.key.token;
    if (token) {
      return withKeyMadeOnToken(parentKeys, v.id, { name: input.key.name, algorithm, token }, async (made) => {
        const { issued, now } = await certify({ spki: made.spki, signer: made.signer });
        return record({ keyId: made.keyId, spki: made.spki, token: made.token }, issued, now);
      });
    }
    const g = await generateSigningKey(algorithm);
    try {
      const { issued, now } = await certify({ spki: g.spki, pkcs8: g.pkcs8 });
      return record({ keyId: g.keyId, spki: g.spki, pkcs8: g.pkcs8 }, issued, now);
    } finally {
      g.pkcs8.fill(0);
    }
  });
}
