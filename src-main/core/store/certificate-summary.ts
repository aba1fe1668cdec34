/**
 * What the vault knows of an issued certificate, without its DER: the one
 * declaration that the certificate store returns and the contract's CertView
 * extends. Node-free (plain strings, no DER bytes, no database), so the contract, and through
 * it the renderer, may import it.
 */
export type CertStatus = 'valid' | 'revoked' | 'expired';

export interface CertificateSummary {
  serial: string;
  /** The CA of the issuing key. */
  caId: string;
  issuerKeyId: string;
  subject: string;
  sans: string[];
  profile: string;
  notBefore: string;
  notAfter: string;
  issuedAt: string;
  revokedAt: string | null;
  revocationReason: string | null;
}
