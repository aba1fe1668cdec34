/**
 * What the chain checks need to know about one certificate, read once and
 * eagerly (so a malformed extension fails here, as CHAIN_UNPARSEABLE, and not
 * later in the middle of a check). Parsed twice on purpose: @peculiar/x509
 * (with asn1js resource limits) for names and extensions, and node:crypto
 * (OpenSSL) for signatures, which covers every algorithm a corporate root
 * may use, RSA-PSS included.
 */
import { X509Certificate as NodeX509Certificate, createHash } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { DomainError } from '../errors.ts';
import { formatName } from '../asn1/name.ts';
import { bytesEqual, toBytes } from '../asn1/bytes.ts';
import { keyIdOf } from '../asn1/key-id.ts';

export interface CertificateFacts {
  der: Uint8Array;
  /** How messages name this certificate, e.g. 'certificate 2 in the chain file (CN=Acme Root,O=Acme)'. */
  label: string;
  subject: string;
  issuer: string;
  subjectDer: Uint8Array;
  issuerDer: Uint8Array;
  spki: Uint8Array;
  keyId: string;
  serialHex: string;
  notBefore: Date;
  notAfter: Date;
  /** basicConstraints: null when the extension is absent. */
  basicConstraints: { ca: boolean; pathLength: number | undefined } | null;
  /** keyUsage bits (x509.KeyUsageFlags), null when absent. */
  keyUsage: number | null;
  /** Lowercase hex, null when absent. */
  subjectKeyId: string | null;
  authorityKeyId: string | null;
  /** SHA-256 of the DER, for duplicate detection. */
  fingerprint: string;
  node: NodeX509Certificate;
}

const BASIC_CONSTRAINTS = '2.5.29.19';
const KEY_USAGE = '2.5.29.15';
const SKI = '2.5.29.14';
const AKI = '2.5.29.35';

/** `where` names the certificate before its subject is known, e.g. "certificate 2 in the chain file". */
export function readCertificate(der: Uint8Array, where: string): CertificateFacts {
  try {
    const cert = new x509.X509Certificate(der);
    const exts = cert.extensions;
    // RFC 5280 section 4.2: "A certificate MUST NOT include more than one instance of a particular extension."
    const types = exts.map((e) => e.type);
    if (new Set(types).size !== types.length) throw new Error('duplicate extension');
    const bc = cert.getExtension(x509.BasicConstraintsExtension);
    const ku = cert.getExtension(x509.KeyUsagesExtension);
    const ski = cert.getExtension(x509.SubjectKeyIdentifierExtension);
    const aki = cert.getExtension(x509.AuthorityKeyIdentifierExtension);
    // A registered type that failed to parse comes back as a plain Extension; treat that as damage.
    for (const [oid, parsed] of [[BASIC_CONSTRAINTS, bc], [KEY_USAGE, ku], [SKI, ski], [AKI, aki]] as const) {
      if (types.includes(oid) && !parsed) throw new Error(`extension ${oid} unreadable`);
    }
    const subjectDer = toBytes(cert.subjectName.toArrayBuffer());
    const issuerDer = toBytes(cert.issuerName.toArrayBuffer());
    const subject = formatName(subjectDer);
    const spki = toBytes(cert.publicKey.rawData);
    const notBefore = cert.notBefore;
    const notAfter = cert.notAfter;
    if (Number.isNaN(notBefore.getTime()) || Number.isNaN(notAfter.getTime())) throw new Error('bad validity');
    const node = new NodeX509Certificate(der);
    return {
      der,
      label: `${where} (${subject})`,
      subject,
      issuer: formatName(issuerDer),
      subjectDer,
      issuerDer,
      spki,
      keyId: keyIdOf(spki),
      serialHex: cert.serialNumber.toLowerCase(),
      notBefore,
      notAfter,
      basicConstraints: bc ? { ca: bc.ca, pathLength: bc.pathLength } : null,
      keyUsage: ku ? ku.usages : null,
      subjectKeyId: ski ? ski.keyId.toLowerCase() : null,
      authorityKeyId: aki?.keyId ? aki.keyId.toLowerCase() : null,
      fingerprint: createHash('sha256').update(der).digest('hex'),
      node,
    };
  } catch (e) {
    if (e instanceof DomainError) throw e;
    throw new DomainError('CHAIN_UNPARSEABLE', `${where[0]?.toUpperCase() ?? ''}${where.slice(1)} is not a readable X.509 certificate: it is damaged or not a certificate. Ask for the file again.`, e instanceof Error ? e.message : String(e));
  }
}

/** Same name bytes (RFC 5280 section 7.1 allows a finer comparison; binary equality is what the issuer wrote). */
export function sameName(a: Uint8Array, b: Uint8Array): boolean {
  return bytesEqual(a, b);
}

/** RFC 5280 section 6.1: self-issued = subject and issuer are the same name. */
export function isSelfIssued(c: CertificateFacts): boolean {
  return sameName(c.subjectDer, c.issuerDer);
}

/** The key ids do not rule `issuer` out as the issuer of `child` (RFC 5280 section 4.2.1.1). */
export function keyIdsAgree(child: CertificateFacts, issuer: CertificateFacts): boolean {
  return child.authorityKeyId === null || issuer.subjectKeyId === null || child.authorityKeyId === issuer.subjectKeyId;
}

/** Does `issuer`'s key verify `child`'s signature? Unsupported algorithms count as "no". */
export function signedBy(child: CertificateFacts, issuer: CertificateFacts): boolean {
  try {
    return child.node.verify(issuer.node.publicKey);
  } catch {
    return false;
  }
}

/** A root: self-issued, key ids agree with itself, and its own key verifies its signature. */
export function isSelfSigned(c: CertificateFacts): boolean {
  return isSelfIssued(c) && keyIdsAgree(c, c) && signedBy(c, c);
}

/** Looks like a root (self-issued with matching key ids) whether or not its signature verifies. */
export function claimsToBeRoot(c: CertificateFacts): boolean {
  return isSelfIssued(c) && keyIdsAgree(c, c);
}
