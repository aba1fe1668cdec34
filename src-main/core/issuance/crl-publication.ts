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

/**
 * Whether a key publishes CRLs: not a draft, and not a staged key that never signed (it signs
 * nothing); a key staged by a rollback was active, and its CRL covers what it issued.
 */
export function publishesCrl(k: Pick<SigningKeyRecord, 'state' | 'activatedAt'>): boolean {
  return k.state !== 'draft' && !(k.state === 'staged' && k.activatedAt === null);
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
  if (!publishesCrl(k)) throw new DomainError('CRL_ISSUER_INVALID', `Key "${k.name}" is ${k.state === 'draft' ? 'a draft' : 'staged and has never been active'}: it has issued nothing and cannot publish a CRL.`);
  if (!k.certificate) throw new DomainError('KEY_NO_CERTIFICATE', `Key "${k.name}" has no certificate to publish a CRL under.`);
  const { number } = at;
  let entries = 0;
  const { onProgress } = world;
  const total = certs.countRevoked(k.id);
  onProgress?.(0, total);
  const der = keys.withSigner(k.id, (signer) => {
    const issuer = createIssuer({ certificateDer: k.certificate!, privateKey: signer, algorithm: k.algorithm });
    return encodeCrl({
      issuer,
      crlNumber: BigInt(number),
      thisUpdate: at.thisUpdate,
      nextUpdate: at.nextUpdate,
      entries: {
        groups: (function* () {
          for (const g of certs.revokedGroups(k.id)) {
            const before = entries;
            entries += g.count;
            if (onProgress && before >> 16 !== entries >> 16) onProgress(entries, total);
            const reason = g.reason as ReasonName;
            yield 'serialsJoined' in g ? { revokedAt: g.revokedAt, reason, serialsJoined: g.serialsJoined, count: g.count } : { revokedAt: g.revokedAt, reason, serialsHex: g.serialsHex };
          }
        })(),
      },
      expectedEntries: total,
    });
  });
  onProgress?.(entries, total);
  const thisUpdate = new Date(Math.floor(at.thisUpdate.getTime() / 1000) * 1000).toISOString();
  const nextUpdate = new Date(Math.floor(at.nextUpdate.getTime() / 1000) * 1000).toISOString();
  return { record: { issuerKeyId: k.id, number, thisUpdate, nextUpdate, entries, bytes: der.length }, der };
}
