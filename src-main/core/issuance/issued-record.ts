import type { IssuedCertificate as StoredCertificate } from '../store/certificate-store.ts';
import type { IssuedCertificate } from './issuer.ts';
import type { SubjectAltNames } from './subject-alt-names.ts';

/** SANs as the vault stores and shows them: `DNS:…`, `IP:…`, `email:…`, `URI:…`. */
export function sanList(s: SubjectAltNames): string[] {
  return [...s.dns.map((d) => `DNS:${d}`), ...s.ip.map((i) => `IP:${i}`), ...s.email.map((e) => `email:${e}`), ...s.uri.map((u) => `URI:${u}`)];
}

/** The certificate store's row for a certificate just signed by `issuerKeyId` at `issuedAt`. */
export function issuedRecord(c: IssuedCertificate, issuerKeyId: string, issuedAt: Date): Omit<StoredCertificate, 'revokedAt' | 'revocationReason' | 'caId'> {
  return {
    serial: c.serialHex,
    issuerKeyId,
    subject: c.subject,
    sans: sanList(c.sans),
    profile: c.profile,
    notBefore: c.notBefore.toISOString(),
    notAfter: c.notAfter.toISOString(),
    issuedAt: issuedAt.toISOString(),
    der: c.der,
  };
}
