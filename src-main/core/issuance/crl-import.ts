/**
 * The last CRL an imported CA key published before it came into the vault.
 * Its number becomes the key's last CRL number, so the next CRL the vault
 * signs is numbered above it (RFC 5280 5.2.3: CRL numbers only grow), and its
 * entries become revocations, so the next CRL does not drop a certificate the
 * old CA had revoked. Nothing is stored here. Checks, the first failure thrown:
 *
 *   CRL_UNPARSEABLE            not a readable X.509 CRL
 *   CRL_IMPORT_FOREIGN         another issuer's name, or the signature does
 *                              not verify with this key
 *   CRL_IMPORT_NO_NUMBER       no cRLNumber extension (a v1 CRL)
 *   CRL_IMPORT_NUMBER_TOO_LARGE  a number beyond 2^53 - 1, which this vault's
 *                              CRL numbers (Unix seconds and up) cannot follow
 *   CRL_IMPORT_NOT_NEWER       the key already has a CRL with this number or a higher one
 *   CRL_IMPORT_UNKNOWN_SERIAL  it revokes serials the vault does not hold for this
 *                              key: import those certificates first (cert import)
 */
import { createPublicKey } from 'node:crypto';
import { DomainError } from '../errors.ts';
import { readCertificateFacts, sameName } from '../asn1/certificate-reader.ts';
import { pemBlocksOf } from '../asn1/pem.ts';
import { readCrl, verifyCrlSignature, type CrlEntry } from './crl-reader.ts';

export const MAX_IMPORTED_CRL_BYTES = 64 * 1024 * 1024;

export interface ImportableCrl {
  number: number;
  thisUpdate: string;
  /** The CRL's nextUpdate; its thisUpdate when it has none (then the next CRL is due at once). */
  nextUpdate: string;
  entryCount: number;
  /** The entries, in the CRL's order, for certificates this key issued. */
  entries: CrlEntry[];
  der: Uint8Array;
}

export function checkCrlForImport(
  bytes: Uint8Array,
  issuer: { certificate: Uint8Array; lastNumber: number | null; issuedSerial: (serial: string) => boolean },
): ImportableCrl {
  const crl = readCrl(bytes, { maxBytes: MAX_IMPORTED_CRL_BYTES });
  const cert = readCertificateFacts(issuer.certificate, "the issuing key's certificate");
  if (!sameName(crl.issuerDer, cert.subjectDer)) throw new DomainError('CRL_IMPORT_FOREIGN', `The CRL was published by ${crl.issuer}, not by this key's CA ${cert.subject}. Import it into the key that published it.`);
  if (!verifyCrlSignature(crl, createPublicKey({ key: Buffer.from(cert.spki), format: 'der', type: 'spki' }))) {
    throw new DomainError('CRL_IMPORT_FOREIGN', `The CRL's signature does not verify with this key (${cert.subject}): it was published by another key of that name, or altered. Nothing was imported.`);
  }
  if (crl.crlNumber === undefined) throw new DomainError('CRL_IMPORT_NO_NUMBER', 'The CRL has no cRLNumber extension (a version 1 CRL), so there is no number to continue from. Nothing was imported; the vault numbers its CRLs by time, above any such CRL.');
  if (crl.crlNumber > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new DomainError('CRL_IMPORT_NUMBER_TOO_LARGE', `The CRL's number ${crl.crlNumber} is larger than ${Number.MAX_SAFE_INTEGER}, beyond the CRL numbers this vault counts with. Nothing was imported.`);
  }
  const number = Number(crl.crlNumber);
  if (issuer.lastNumber !== null && number <= issuer.lastNumber) {
    throw new DomainError('CRL_IMPORT_NOT_NEWER', `The CRL's number ${number} is not above this key's last CRL number ${issuer.lastNumber}: the vault already continues above it. Nothing was imported.`);
  }
  const entries = [...crl.entries()];
  const unknown = entries.filter((e) => !issuer.issuedSerial(e.serialHex)).map((e) => e.serialHex);
  if (unknown.length > 0) {
    throw new DomainError(
      'CRL_IMPORT_UNKNOWN_SERIAL',
      `The CRL revokes ${unknown.length} certificate(s) the vault does not hold for this key (first: ${unknown.slice(0, 5).join(', ')}). Import them first with "cert import --issuer KEY --from DIR", or the next CRL would leave them out. Nothing was imported.`,
    );
  }
  return {
    number,
    thisUpdate: crl.thisUpdate.toISOString(),
    nextUpdate: (crl.nextUpdate ?? crl.thisUpdate).toISOString(),
    entryCount: crl.entryCount,
    entries,
    // Stored as DER, as the vault's own CRLs are (readCrl has checked the one PEM block).
    der: pemBlocksOf(bytes, () => new DomainError('CRL_UNPARSEABLE', 'The file is not a readable X.509 CRL (PEM or DER).'))?.[0]?.der ?? bytes,
  };
}
