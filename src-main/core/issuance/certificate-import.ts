/**
 * Certificates an imported CA key issued before it came into the vault,
 * checked one file at a time so revocation, CRLs and fleet views know them.
 * Each file is judged on its own and refused with its own code; nothing is
 * stored here (the handler records the accepted ones in one transaction):
 *
 *   CERT_IMPORT_UNPARSEABLE    not exactly one readable X.509 certificate
 *   CERT_IMPORT_ISSUER_ITSELF  the CA's own certificate (or one of its chain)
 *   CERT_IMPORT_FOREIGN        not issued by this key: another issuer name, or
 *                              the signature does not verify with the key
 *   CERT_IMPORT_DUPLICATE      already in the vault, or twice in the folder
 *   CERT_IMPORT_SERIAL_TAKEN   another certificate in the vault (or earlier in
 *                              the folder) has this serial number
 */
import { DomainError, isDomainError } from '../errors.ts';
import { OID } from '../asn1/oids.ts';
import { readCertificate, readCertificateFacts, sameName, signedBy, type CertificateFacts } from '../asn1/certificate-reader.ts';
import { readSubjectAltNames, type SubjectAltNames } from './subject-alt-names.ts';

export interface ImportableCertificate {
  serial: string;
  subject: string;
  sans: SubjectAltNames;
  notBefore: string;
  notAfter: string;
  fingerprint: string;
  der: Uint8Array;
}

export interface CertificateImportIssuer {
  /** The issuing key's CA certificate, and the certificates of its chain (never imported as issued). */
  certificate: Uint8Array;
  chain: readonly Uint8Array[];
}

/** What the vault already holds under a serial: the same certificate, another one, or nothing. */
export type SerialLookup = (serial: string, fingerprint: string) => 'same' | 'other' | 'free';

function sansOf(der: Uint8Array): SubjectAltNames {
  const none = { dns: [], ip: [], email: [], uri: [] };
  const ext = readCertificate(der, { lenient: true }).tbs.extensions.find((e) => e.id === OID.subjectAltName);
  if (!ext) return none;
  try {
    return readSubjectAltNames(ext.value);
  } catch {
    // A name form this CA never issues (otherName, directoryName): the certificate is still recorded, without SANs to search by.
    return none;
  }
}

/**
 * Checks one batch of certificate files against the issuer. `ders` holds each
 * file's certificates (from the folder reader); the answer has one outcome
 * per file, in order.
 */
export function checkCertificatesForImport(
  files: ReadonlyArray<{ name: string; ders: readonly Uint8Array[] }>,
  issuer: CertificateImportIssuer,
  lookup: SerialLookup,
): Array<{ name: string; ok: true; certificate: ImportableCertificate } | { name: string; ok: false; code: DomainError['code']; message: string }> {
  const issuerFacts = readCertificateFacts(issuer.certificate, "the issuing key's certificate");
  const own = new Set([issuerFacts.fingerprint, ...issuer.chain.map((d) => readCertificateFacts(d, 'a chain certificate').fingerprint)]);
  const seen = new Map<string, string>();
  return files.map((f) => {
    try {
      const c = checkOne(f.name, f.ders, issuerFacts, own, seen, lookup);
      seen.set(c.serial, c.fingerprint);
      return { name: f.name, ok: true as const, certificate: c };
    } catch (e) {
      if (!isDomainError(e)) throw e;
      return { name: f.name, ok: false as const, code: e.code, message: e.message };
    }
  });
}

function checkOne(name: string, ders: readonly Uint8Array[], issuer: CertificateFacts, own: Set<string>, seen: Map<string, string>, lookup: SerialLookup): ImportableCertificate {
  if (ders.length !== 1) throw new DomainError('CERT_IMPORT_UNPARSEABLE', `${name} holds ${ders.length} certificates; give one certificate per file.`);
  let c: CertificateFacts;
  try {
    c = readCertificateFacts(ders[0]!, name);
  } catch (e) {
    if (isDomainError(e)) throw new DomainError('CERT_IMPORT_UNPARSEABLE', `${name} is not a readable X.509 certificate (${e.message}).`);
    throw e;
  }
  if (own.has(c.fingerprint)) throw new DomainError('CERT_IMPORT_ISSUER_ITSELF', `${name} is the issuing key's own certificate (or one of its chain), not one it issued; it is already in the vault with the key.`);
  if (!sameName(c.issuerDer, issuer.subjectDer)) throw new DomainError('CERT_IMPORT_FOREIGN', `${name} (${c.subject}) was issued by ${c.issuer}, not by this key's CA ${issuer.subject}; it was not imported.`);
  if (!signedBy(c, issuer)) throw new DomainError('CERT_IMPORT_FOREIGN', `The signature of ${name} (${c.subject}) does not verify with this key: it was issued by another key of that name, or altered. It was not imported.`);
  const earlier = seen.get(c.serialHex);
  if (earlier === c.fingerprint) throw new DomainError('CERT_IMPORT_DUPLICATE', `${name} is the same certificate as an earlier file of the folder (serial ${c.serialHex}).`);
  if (earlier !== undefined) throw new DomainError('CERT_IMPORT_SERIAL_TAKEN', `${name} has serial ${c.serialHex}, the same as another certificate earlier in the folder: a CA never issues one serial twice (RFC 5280 4.1.2.2). Neither is the one to trust blindly; check both.`);
  const held = lookup(c.serialHex, c.fingerprint);
  if (held === 'same') throw new DomainError('CERT_IMPORT_DUPLICATE', `${name} (serial ${c.serialHex}) is already in the vault.`);
  if (held === 'other') throw new DomainError('CERT_IMPORT_SERIAL_TAKEN', `${name} has serial ${c.serialHex}, which another certificate in the vault already has; it was not imported.`);
  return { serial: c.serialHex, subject: c.subject, sans: sansOf(c.der), notBefore: c.notBefore.toISOString(), notAfter: c.notAfter.toISOString(), fingerprint: c.fingerprint, der: c.der };
}
