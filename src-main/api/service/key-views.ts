import { checkKeyHealth } from '../../core/keys/health.ts';
import { checkTokenKey, type TokenKeyRef } from '../../core/token/token-health.ts';
import { readCertificateFacts, isSelfSigned } from '../../core/asn1/certificate-reader.ts';
import { toPem } from '../../core/asn1/pem.ts';
import type { Clock } from '../../core/clock.ts';
import { DAY_MS } from '../../core/clock.ts';
import { spoofingCharacters } from '../../core/safe-text.ts';
import { CertificateStore } from '../../core/store/certificate-store.ts';
import type { SigningKeyRecord, SigningKeyStore } from '../../core/store/signing-key-store.ts';
import type { ChainCertificateView, CrlStatusView, KeyDetailView, KeyView } from '../contract/keys.ts';

/** CRLs are the most common outage of an offline CA: warn two days before nextUpdate. */
export const CRL_DUE_WARNING_DAYS = 2;

export function crlStatus(certs: CertificateStore, keyId: string, now: Date): CrlStatusView {
  const last = certs.lastCrlFacts(keyId);
  if (!last) return { lastNumber: null, thisUpdate: null, nextUpdate: null, status: 'none' };
  const next = new Date(last.nextUpdate).getTime();
  const status = next <= now.getTime() ? 'expired' : next - now.getTime() <= CRL_DUE_WARNING_DAYS * DAY_MS ? 'due' : 'ok';
  return { lastNumber: last.number, thisUpdate: last.thisUpdate, nextUpdate: last.nextUpdate, status };
}

export function chainView(ders: readonly Uint8Array[]): ChainCertificateView[] {
  return ders.map((der, position) => {
    const f = readCertificateFacts(der, `certificate ${position + 1}`);
    return {
      position,
      subject: f.subject,
      issuer: f.issuer,
      serial: f.serialHex,
      notBefore: f.notBefore.toISOString(),
      notAfter: f.notAfter.toISOString(),
      isCa: f.basicConstraints?.ca ?? false,
      pathLength: f.basicConstraints?.pathLength ?? null,
      selfSigned: isSelfSigned(f),
      keyId: f.keyId,
      subjectSpoofing: spoofingCharacters(f.subject),
    };
  });
}

export async function keyView(k: SigningKeyRecord, keys: SigningKeyStore, certs: CertificateStore, clock: Clock): Promise<KeyView> {
  const now = clock.now();
  const facts = k.certificate ? readCertificateFacts(k.certificate, `the certificate of key "${k.name}"`) : null;
  const tokenCheck = k.token ? checkTokenKey({ ...tokenKeyRef(k, keys), pin: keys.tokenPin() }) : null;
  const health = await checkKeyHealth({
    tokenCheck: tokenCheck ? () => tokenCheck : undefined,
    id: k.id,
    algorithm: k.algorithm,
    state: k.state,
    spki: k.spki,
    unwrapPrivateKey: () => keys.unwrapPrivateKey(k.id),
    certificate: k.certificate,
    chain: k.chain,
    clock,
  });
  return {
    id: k.id,
    caId: k.caId,
    ca: k.caName,
    name: k.name,
    algorithm: k.algorithm,
    state: k.state,
    subject: facts?.subject ?? null,
    issuer: facts?.issuer ?? null,
    selfSigned: facts ? isSelfSigned(facts) : false,
    notBefore: facts?.notBefore.toISOString() ?? null,
    notAfter: facts?.notAfter.toISOString() ?? null,
    trustedUntil: k.trustedUntil,
    createdAt: k.createdAt,
    activatedAt: k.activatedAt,
    retiredAt: k.retiredAt,
    retired: k.state === 'retired' && k.retiredAt ? { at: k.retiredAt, by: k.retiredBy, reason: k.retiredReason } : null,
    chainLength: k.certificate ? 1 + k.chain.length : 0,
    health: { ok: health.healthy, problems: [...health.problems, ...health.warnings], daysToNotAfter: health.daysToNotAfter },
    crl: crlStatus(certs, k.id, now),
    unexpiredIssued: certs.countUnexpiredIssued(k.id, now),
    token: k.token && tokenCheck ? { ...k.token, status: tokenCheck.status, message: tokenCheck.message } : null,
  };
}

/** What the token check needs of a token key's record. */
function tokenKeyRef(k: SigningKeyRecord, keys: SigningKeyStore): Omit<TokenKeyRef, 'pin'> {
  const t = k.token!;
  return { modulePath: () => keys.pkcs11ModulePath(), tokenSerial: t.serial, tokenLabel: t.label, ckaId: t.ckaId, algorithm: k.algorithm, spki: k.spki };
}

export async function keyDetailView(k: SigningKeyRecord, keys: SigningKeyStore, certs: CertificateStore, clock: Clock): Promise<KeyDetailView> {
  const base = await keyView(k, keys, certs, clock);
  const all = k.certificate ? [k.certificate, ...k.chain] : [];
  return {
    ...base,
    certificatePem: k.certificate ? toPem(k.certificate, 'CERTIFICATE') : null,
    chain: chainView(all),
    chainPem: all.length ? all.map((d) => toPem(d, 'CERTIFICATE')).join('') : null,
  };
}
