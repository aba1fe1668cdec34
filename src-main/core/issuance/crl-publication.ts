import { DAY_MS } from '../clock.ts';
import { DomainError } from '../errors.ts';
import type { CertificateStore } from '../store/certificate-store.ts';
import type { SigningKeyRecord, SigningKeyStore } from '../store/signing-key-store.ts';
import { encodeCrl } from './crl-encoder.ts';
import { createIssuer } from './issuer.ts';
import type { ReasonName } from './revocation-reasons.ts';

/** What a CRL publication reads: the keys (for the signer), the certificates (for the entries and the last number) and the time. */
export interface CrlWorld {
  keys: SigningKeyStore;
  certs: CertificateStore;
  now: Date;
  /** Told about every 65,536 entries how many are written of how many (a CRL of a million entries takes a while). */
  onProgress?: (done: number, total: number) => void;
}

/** The facts of a freshly signed CRL; storing it and writing the audit event are the caller's, inside its transaction. */
export interface PublishedCrl {
  issuerKeyId: string;
  number: number;
  thisUpdate: string;
  nextUpdate: string;
  entries: number;
  bytes: number;
}

/**
 * CRL numbers must only ever grow for an issuer (RFC 5280 5.2.3), even after
 * the vault is restored from an older backup: the number is the larger of the
 * last one stored (pre-signed CRLs included) plus one and the current Unix time in seconds.
 */
export function nextCrlNumber(certs: CertificateStore, issuerKeyId: string, now: Date): number {
  return Math.max(certs.highestCrlNumber(issuerKeyId) + 1, Math.floor(now.getTime() / 1000));
}

/** Signs the current CRL of key `k`, valid for `days`; the private key is unwrapped only for the signature. */
export function generateCrl(world: CrlWorld, k: SigningKeyRecord, days: number): { record: PublishedCrl; der: Buffer } {
  const { certs, now } = world;
  return signCrl(world, k, { number: nextCrlNumber(certs, k.id, now), thisUpdate: now, nextUpdate: new Date(now.getTime() + days * DAY_MS) });
}

/**
 * Signs a CRL of key `k` with the given number and window, listing every revocation of the key
 * known now (a pre-signed CRL's window lies in the future; its entries are today's).
 */
export function signCrl(world: CrlWorld, k: SigningKeyRecord, at: { number: number; thisUpdate: Date; nextUpdate: Date }): { record: PublishedCrl; der: Buffer } {
  const { keys, certs } = world;
  if (k.state === 'draft') throw new DomainError('CRL_ISSUER_INVALID', `Key "${k.name}" is a draft: it has issued nothing and cannot publish a CRL.`);
  if (!k.certificate) throw new DomainError('KEY_NO_CERTIFICATE', `Key "${k.name}" has no certificate to publish a CRL under.`);
  const { number } = at;
  let entries = 0;
  const { onProgress } = world;
  const total = certs.countRevoked(k.id);
  onProgress?.(0, total);
  const der = keys.withPrivateKey(k.id, (pkcs8) => {
    const issuer = createIssuer({ certificateDer: k.certificate!, privateKey: pkcs8, algorithm: k.algorithm });
    return encodeCrl({
      issuer,
      crlNumber: BigInt(number),
      thisUpdate: at.thisUpdate,
      nextUpdate: at.nextUpdate,
      entries: {
        groups: (function* () {
          for (const g of certs.revokedGroups(k.id)) {
            const before = entries;
            entries += g.serialsHex.length;
            if (onProgress && before >> 16 !== entries >> 16) onProgress(entries, total);
            yield { revokedAt: g.revokedAt, reason: g.reason as ReasonName, serialsHex: g.serialsHex };
          }
        })(),
      },
    });
  });
  onProgress?.(entries, total);
  const thisUpdate = new Date(Math.floor(at.thisUpdate.getTime() / 1000) * 1000).toISOString();
  const nextUpdate = new Date(Math.floor(at.nextUpdate.getTime() / 1000) * 1000).toISOString();
  return { record: { issuerKeyId: k.id, number, thisUpdate, nextUpdate, entries, bytes: der.length }, der };
}
