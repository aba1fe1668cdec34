/**
 * Reading a chain file into certificate DERs: a PEM bundle (certificates in
 * any order, text around the blocks allowed), one or more DER certificates,
 * or PKCS#7 / CMS SignedData "certs-only" (.p7b, RFC 2315 section 9.1 /
 * RFC 5652 section 5.1) in DER or PEM. Certificates come out byte-exact and
 * in file order; nothing here judges them.
 *
 * The size limit is checked before a single byte is decoded, and the PEM
 * scanner is linear, so a huge or hostile file is refused quickly.
 */
import { DomainError } from '../errors.ts';
import { DerError, childrenLenient, readNodeLenient, type LenientNode } from '../asn1/der-reader.ts';
import { PemError, decodePemBody, pemSections, type PemFault, type PemSection } from '../asn1/pem.ts';

export const DEFAULT_MAX_CHAIN_BYTES = 1024 * 1024;
/** A CA chain is a handful of certificates; more is a wrong file, not a chain. */
export const MAX_CHAIN_CERTIFICATES = 16;

export interface FileCertificate {
  der: Uint8Array;
  /** 1-based position in the file, counting certificates (not PEM blocks). */
  position: number;
}

// id-signedData 1.2.840.113549.1.7.2 as a DER OBJECT IDENTIFIER.
const SIGNED_DATA_OID = Uint8Array.from([0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02]);

function unparseable(message: string): never {
  throw new DomainError('CHAIN_UNPARSEABLE', message);
}

/** The lenient reader, with its DerError told in the officer's words. */
function asChainError<T>(what: string, read: () => T): T {
  try {
    return read();
  } catch (e) {
    if (e instanceof DerError) unparseable(`${what} is not well-formed DER: it is truncated or damaged. Ask for the file again.`);
    throw e;
  }
}

function readTlv(buf: Uint8Array, offset: number, limit: number, what: string): LenientNode {
  return asChainError(what, () => readNodeLenient(buf, offset, limit));
}

function children(buf: Uint8Array, parent: LenientNode, what: string): LenientNode[] {
  return asChainError(what, () => childrenLenient(buf, parent));
}

function startsWith(buf: Uint8Array, at: number, prefix: Uint8Array): boolean {
  if (at + prefix.length > buf.length) return false;
  for (let i = 0; i < prefix.length; i++) if (buf[at + i] !== prefix[i]) return false;
  return true;
}

/** Certificates of a PKCS#7 ContentInfo starting at `tlvStart`, byte-exact. */
function certificatesOfPkcs7(buf: Uint8Array, limit: number, fileName: string): Uint8Array[] {
  const what = `The PKCS#7 data in ${fileName}`;
  const ci = readTlv(buf, 0, limit, what);
  const [oid, explicit] = children(buf, ci, what);
  if (!oid || !startsWith(buf, oid.start, SIGNED_DATA_OID) || oid.end - oid.start !== SIGNED_DATA_OID.length) {
    unparseable(`${fileName} is PKCS#7 but not a certificate bundle (SignedData); export the chain as "PKCS#7 certificates only" or as PEM.`);
  }
  if (!explicit || explicit.tag !== 0xa0) unparseable(`${what} has no content; export the chain again.`);
  const [signedData] = children(buf, explicit, what);
  if (!signedData || signedData.tag !== 0x30) unparseable(`${what} is damaged; export the chain again.`);
  // SignedData ::= SEQUENCE { version, digestAlgorithms SET, encapContentInfo,
  //   certificates [0] IMPLICIT CertificateSet OPTIONAL, crls [1] OPTIONAL, signerInfos SET }
  const parts = children(buf, signedData, what);
  const certSet = parts.find((p) => p.tag === 0xa0);
  if (!certSet) return [];
  return children(buf, certSet, what).map((c) => {
    // CertificateChoices: only the plain X.509 Certificate (a SEQUENCE) is a CA certificate.
    if (c.tag !== 0x30) unparseable(`${fileName} holds an attribute or legacy certificate, which is not an X.509 CA certificate; export only the X.509 chain.`);
    return buf.slice(c.start, c.end);
  });
}

/** DER input: one or more certificates back to back, or one PKCS#7 ContentInfo. */
function fromDer(buf: Uint8Array, fileName: string): Uint8Array[] {
  const out: Uint8Array[] = [];
  let p = 0;
  while (p < buf.length) {
    const what = `${fileName}`;
    const t = readTlv(buf, p, buf.length, what);
    if (t.tag !== 0x30) unparseable(`${fileName} holds data that is not a certificate after byte ${p}; it may be damaged or have extra bytes at the end.`);
    const first = t.contentStart < t.contentEnd ? buf[t.contentStart] : undefined;
    if (first === 0x06) {
      // ContentInfo starts with its contentType OID; a Certificate with its tbsCertificate SEQUENCE.
      out.push(...certificatesOfPkcs7(buf.subarray(p, t.end), t.end - p, fileName));
    } else if (first === 0x30) {
      if (t.contentEnd !== t.end) unparseable(`A certificate in ${fileName} uses an indefinite length, which DER does not allow; ask for the file again.`);
      out.push(buf.slice(t.start, t.end));
    } else {
      unparseable(`${fileName} is neither a certificate nor PKCS#7 data; give a PEM bundle, a DER certificate or a .p7b file.`);
    }
    p = t.end;
  }
  return out;
}

const PEM_FAULTS: Record<PemFault, (block: string, label: string | null) => string> = {
  'damaged-begin': (block) => `${block} has a damaged BEGIN line.`,
  'no-end': (block, label) => `${block} ("${label}") has no END line: the file is truncated. Ask for it again.`,
  headers: (block) => `${block} has header lines, which certificate PEM does not use (RFC 7468); remove them.`,
  'not-base64': (block) => `${block} is not valid base64: it was damaged or edited. Ask for the file again.`,
};

/** The scanner's PemError told in the officer's words. */
function asPemRefusal<T>(fileName: string, read: () => T): T {
  try {
    return read();
  } catch (e) {
    if (e instanceof PemError) unparseable(PEM_FAULTS[e.fault](`PEM block ${e.index} in ${fileName}`, e.label));
    throw e;
  }
}

function decodeBlock(section: PemSection, fileName: string): Uint8Array {
  const der = asPemRefusal(fileName, () => decodePemBody(section));
  if (der.length === 0) unparseable(PEM_FAULTS['not-base64'](`PEM block ${section.index} in ${fileName}`, section.label));
  return new Uint8Array(der);
}

/** PEM text: the one scanner (core/asn1/pem.ts), text between blocks ignored. */
function fromPem(text: string, fileName: string): Uint8Array[] {
  const out: Uint8Array[] = [];
  const sections = pemSections(text);
  let count = 0;
  for (;;) {
    const next = asPemRefusal(fileName, () => sections.next());
    if (next.done) break;
    const section = next.value;
    count++;
    const { label, index } = section;
    if (label === 'CERTIFICATE' || label === 'X509 CERTIFICATE') {
      const der = decodeBlock(section, fileName);
      const t = readTlv(der, 0, der.length, `PEM block ${index} in ${fileName}`);
      if (t.end !== der.length || t.tag !== 0x30) unparseable(`PEM block ${index} in ${fileName} has extra or missing bytes: it was damaged. Ask for the file again.`);
      out.push(der);
    } else if (label === 'PKCS7' || label === 'CMS' || label === 'PKCS #7 SIGNED DATA') {
      const der = decodeBlock(section, fileName);
      const t = readTlv(der, 0, der.length, `PEM block ${index} in ${fileName}`);
      if (t.end !== der.length) unparseable(`PEM block ${index} in ${fileName} has extra bytes after the PKCS#7 data: it was damaged.`);
      out.push(...certificatesOfPkcs7(der, der.length, fileName));
    } else if (label.includes('PRIVATE KEY')) {
      unparseable(`${fileName} holds a private key (PEM block ${index}). A chain file must hold only certificates: do not import it, and tell whoever sent it that the key has left their CA.`);
    } else if (label === 'TRUSTED CERTIFICATE') {
      unparseable(`PEM block ${index} in ${fileName} is an OpenSSL "TRUSTED CERTIFICATE"; export it as a plain CERTIFICATE (openssl x509 -in FILE -out plain.pem).`);
    } else {
      unparseable(`PEM block ${index} in ${fileName} is a "${label}", not a certificate; remove it from the file.`);
    }
  }
  if (count === 0) unparseable(`${fileName} is neither PEM, DER nor PKCS#7; give the signed chain as a PEM bundle, a DER certificate or a .p7b file.`);
  return out;
}

/**
 * The certificates in a chain file, byte-exact, in file order.
 * Throws CHAIN_TOO_LARGE (over maxBytes, or too many certificates),
 * CHAIN_EMPTY (no bytes, only whitespace, or no certificate inside),
 * CHAIN_UNPARSEABLE (anything else that is not a certificate container).
 */
export function readChainFile(input: Uint8Array, opts: { maxBytes?: number; fileName?: string } = {}): FileCertificate[] {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_CHAIN_BYTES;
  const fileName = opts.fileName ?? 'the chain file';
  if (!(input instanceof Uint8Array)) throw new DomainError('INVALID_INPUT', `${fileName} was not given as bytes.`);
  // First, before decoding anything: the size (a 50 MB file is refused in O(1)).
  if (input.byteLength > maxBytes) {
    throw new DomainError('CHAIN_TOO_LARGE', `${fileName} is ${input.byteLength} bytes; a certificate chain is a few kilobytes and at most ${maxBytes} bytes are accepted. Check that you picked the right file.`);
  }
  let i = 0;
  while (i < input.length && (input[i] === 0x20 || input[i] === 0x09 || input[i] === 0x0a || input[i] === 0x0d)) i++;
  if (i === input.length) throw new DomainError('CHAIN_EMPTY', `${fileName} is empty. Ask the corporate CA for the signed certificate chain.`);
  // latin1 maps every byte to one char, so offsets stay linear and nothing throws on bad UTF-8.
  const asText = (): string => Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('latin1');
  let ders: Uint8Array[];
  if (input[0] === 0x30) {
    // 0x30 is a DER SEQUENCE, but also the character "0" that a PEM file's preamble may start with.
    try {
      ders = fromDer(input, fileName);
    } catch (e) {
      const text = asText();
      if (!text.includes('-----BEGIN ')) throw e;
      ders = fromPem(text, fileName);
    }
  } else {
    ders = fromPem(asText(), fileName);
  }
  if (ders.length === 0) throw new DomainError('CHAIN_EMPTY', `${fileName} holds no certificate. Ask the corporate CA for the signed certificate chain.`);
  if (ders.length > MAX_CHAIN_CERTIFICATES) {
    throw new DomainError('CHAIN_TOO_LARGE', `${fileName} holds ${ders.length} certificates; a CA chain has a handful (at most ${MAX_CHAIN_CERTIFICATES} accepted). Check that you picked the chain file, not a certificate store.`);
  }
  return ders.map((der, k) => ({ der, position: k + 1 }));
}
