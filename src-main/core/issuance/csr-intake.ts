/**
 * Intake of a PKCS #10 certification request (RFC 2986) from untrusted bytes:
 * PEM or DER, bounded in size, walked as strict DER, its key checked against
 * what we allow, its subject and SANs checked against RFC 5280, and its
 * signature verified (proof of possession) before anything else uses it.
 *
 * Every refusal is a DomainError with its own CSR_* code; nothing else
 * escapes for any input (csr-intake.property.test.ts).
 */
import { verify } from 'node:crypto';
import { DomainError } from '../errors.ts';
import { printableLine, spoofingCharacters } from '../safe-text.ts';
import { readExtensionList, type ExtensionField } from '../asn1/certificate-reader.ts';
import { DerError, children, readBitString, readNode, readOid, readRoot, readSmallInt, whole } from '../asn1/der-reader.ts';
import type { DerNode } from '../asn1/der-reader.ts';
import { NameError, parseName } from '../asn1/name.ts';
import { OID } from '../asn1/oids.ts';
import { pemBlocksOf } from '../asn1/pem.ts';
import { requestSignatureAlgorithm } from './signature-algorithms.ts';
import { NO_SANS, SanError, readSubjectAltNames, sanCount } from './subject-alt-names.ts';
import type { SubjectAltNames } from './subject-alt-names.ts';
import { KeyError, importSubjectPublicKey, readSubjectPublicKey } from './subject-public-key.ts';
import type { KeyDescription, SubjectPublicKey } from './subject-public-key.ts';

export const DEFAULT_CSR_MAX_BYTES = 1024 * 1024;

export interface CsrIntakeOptions {
  /** Largest accepted input in bytes (default 1 MiB; a real request is a few kB). */
  readonly maxBytes?: number;
}

export interface ParsedCsr {
  /** The request itself, DER. */
  readonly der: Uint8Array;
  /** The subject Name DER, copied unchanged into the certificate. */
  readonly subjectDer: Uint8Array;
  /** The subject in RFC 4514 form (last RDN first), e.g. `CN=agent-7,O=Acme`. */
  readonly subject: string;
  readonly subjectIsEmpty: boolean;
  readonly publicKey: SubjectPublicKey;
  /** SubjectPublicKeyInfo DER (same as publicKey.spkiDer). */
  readonly spkiDer: Uint8Array;
  readonly key: KeyDescription;
  readonly sans: SubjectAltNames;
  /** Every extension the request asks for (extensionRequest), in its order: shown to the officer; the profile decides all but the SANs. */
  readonly requestedExtensions: readonly ExtensionField[];
}

const CSR_LABELS = new Set(['CERTIFICATE REQUEST', 'NEW CERTIFICATE REQUEST']);
const CERT_LABELS = new Set(['CERTIFICATE', 'X509 CERTIFICATE', 'TRUSTED CERTIFICATE']);

function unparseable(detail: string): DomainError {
  return new DomainError('CSR_UNPARSEABLE', 'The file is not a readable PKCS #10 certificate request (PEM or DER).', detail);
}

function isBlank(bytes: Uint8Array): boolean {
  for (const b of bytes) if (b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09) return false;
  return true;
}

/** PEM or DER in, DER out, refusing the wrong kind of PEM. */
function requestDer(input: Uint8Array): Uint8Array {
  const blocks = pemBlocksOf(input, unparseable);
  if (!blocks) return input;
  const first = blocks[0];
  if (!first) throw unparseable('no complete PEM block');
  if (CERT_LABELS.has(first.label)) throw isCertificate();
  if (!CSR_LABELS.has(first.label)) throw unparseable(`PEM block is ${first.label}`);
  if (blocks.length > 1) throw unparseable('more than one PEM block');
  return first.der;
}

function isCertificate(): DomainError {
  return new DomainError('CSR_IS_CERTIFICATE', 'This is a certificate, not a certificate request: ask the agent for its CSR.');
}

/**
 * A Certificate's TBSCertificate starts with [0] EXPLICIT version (v2/v3), or
 * for v1 has a Validity (SEQUENCE of two times) as its fourth field; a
 * CertificationRequestInfo has neither.
 */
function looksLikeCertificate(der: Uint8Array, tbs: DerNode): boolean {
  if (tbs.tag !== 0x30) return false;
  const first = readNode(der, tbs.contentStart, tbs.end);
  if (first.tag === 0xa0) return true;
  const fields = children(der, tbs);
  const validity = fields[3];
  if (!validity || validity.tag !== 0x30 || validity.end === validity.contentStart) return false;
  const t = der[validity.contentStart];
  return t === 0x17 || t === 0x18;
}

/** The subjectAltName extension inside an extensionRequest attribute, if any (RFC 2985 5.4.2). */
function readRequestedSans(der: Uint8Array, attributes: DerNode | undefined): { sans: SubjectAltNames; requested: ExtensionField[] } {
  const requested: ExtensionField[] = [];
  if (!attributes) return { sans: NO_SANS, requested };
  let sans: SubjectAltNames | undefined;
  let sawExtensionRequest = false;
  for (const attr of children(der, attributes)) {
    if (attr.tag !== 0x30) throw unparseable('attribute is not a SEQUENCE');
    const [typeNode, valuesNode, extra] = children(der, attr);
    if (!typeNode || !valuesNode || extra || valuesNode.tag !== 0x31) throw unparseable('attribute has the wrong fields');
    if (readOid(der, typeNode) !== OID.extensionRequest) continue;
    if (sawExtensionRequest) throw unparseable('two extensionRequest attributes');
    sawExtensionRequest = true;
    const values = children(der, valuesNode);
    const extensions = values[0];
    if (values.length !== 1 || !extensions || extensions.tag !== 0x30) throw unparseable('extensionRequest must hold one Extensions');
    for (const ext of readExtensionList(der, extensions)) {
      requested.push(ext);
      if (ext.id !== OID.subjectAltName) continue; // the profile, not the request, decides every other extension
      if (sans) throw new DomainError('CSR_BAD_SAN', 'The request has two subjectAltName extensions.');
      try {
        sans = readSubjectAltNames(ext.value);
      } catch (e) {
        if (e instanceof SanError) throw new DomainError('CSR_BAD_SAN', `The request's subject alternative names are not acceptable: ${e.message}.`);
        throw e;
      }
    }
  }
  return { sans: sans ?? NO_SANS, requested };
}

function walkRequest(der: Uint8Array, verifySignature = true): ParsedCsr {
  const root = readRoot(der, 0x30, 'CertificationRequest');
  const [info, sigAlg, sigNode, extra] = children(der, root);
  if (!info || !sigAlg || !sigNode || extra) throw unparseable('CertificationRequest has the wrong number of fields');
  if (looksLikeCertificate(der, info)) throw isCertificate();
  if (info.tag !== 0x30 || sigAlg.tag !== 0x30) throw unparseable('CertificationRequest has the wrong field types');

  const [versionNode, subjectNode, spkiNode, attributes, extraInfo] = children(der, info);
  if (!versionNode || !subjectNode || !spkiNode || extraInfo) throw unparseable('CertificationRequestInfo has the wrong fields');
  if (versionNode.tag !== 0x02 || readSmallInt(der, versionNode) !== 0) throw unparseable('request version is not v1 (0)');
  if (attributes && attributes.tag !== 0xa0) throw unparseable('attributes are not [0]');

  let publicKey: SubjectPublicKey;
  try {
    publicKey = readSubjectPublicKey(der, spkiNode);
  } catch (e) {
    if (!(e instanceof KeyError)) throw e;
    if (e.problem === 'weak') throw new DomainError('CSR_WEAK_KEY', `The request's key is too weak: ${e.message}.`);
    if (e.problem === 'unsupported') throw new DomainError('CSR_UNSUPPORTED_KEY', `The request's key is not supported: ${e.message}.`);
    throw unparseable(e.message);
  }

  let subject;
  try {
    subject = parseName(der, subjectNode);
  } catch (e) {
    if (e instanceof NameError) throw new DomainError('CSR_BAD_SUBJECT', `The request's subject is not acceptable: ${e.message}.`);
    throw e;
  }
  // Bidi controls and zero-width characters make a name read as another one: refused, never issued.
  for (const attr of subject.rdns.flat()) {
    const found = spoofingCharacters(attr.value);
    if (found.length > 0) {
      throw new DomainError('SUBJECT_SPOOFING_CHARACTERS', `The request's subject has bidi control or zero-width characters (${found.join(', ')}) in "${printableLine(attr.value)}": they make a name display as another one. Ask for a request without them.`);
    }
  }
  const { sans, requested } = readRequestedSans(der, attributes);
  if (subject.rdns.length === 0 && sanCount(sans) === 0) {
    throw new DomainError('CSR_BAD_SUBJECT', 'The request has an empty subject and no subject alternative names: it names nobody.');
  }

  const [algOid, algParams, algExtra] = children(der, sigAlg);
  if (!algOid || algExtra) throw unparseable('signature AlgorithmIdentifier has the wrong fields');
  const check = requestSignatureAlgorithm(
    readOid(der, algOid),
    algParams !== undefined,
    algParams !== undefined && algParams.tag === 0x05 && algParams.end === algParams.contentStart,
    publicKey.description,
  );
  if (!check.ok) {
    if (check.problem === 'unsupported') throw new DomainError('CSR_UNSUPPORTED_KEY', `The request's ${check.message}.`);
    throw new DomainError('CSR_BAD_SIGNATURE', `The request's signature does not fit its key: ${check.message}.`);
  }
  const sig = readBitString(der, sigNode);
  if (sig.unusedBits !== 0) throw unparseable('signature BIT STRING has padding bits');

  let keyObject;
  try {
    keyObject = importSubjectPublicKey(publicKey);
  } catch (e) {
    throw unparseable(e instanceof Error ? e.message : String(e));
  }
  let good = !verifySignature;
  if (verifySignature) {
    try {
      good = verify(check.digest, whole(der, info), keyObject, sig.bytes);
    } catch {
      good = false;
    }
  }
  if (!good) {
    throw new DomainError('CSR_BAD_SIGNATURE', "The request's signature does not verify with its own key (no proof of possession): it was altered or signed with another key.");
  }
  return {
    der,
    subjectDer: whole(der, subjectNode),
    subject: subject.text,
    subjectIsEmpty: subject.rdns.length === 0,
    publicKey,
    spkiDer: publicKey.spkiDer,
    key: publicKey.description,
    sans,
    requestedExtensions: requested,
  };
}

/**
 * The same checks as parseAndVerifyCsr but the signature's, for a request whose exact DER this process has
 * verified already (a renewal request's inner request, verified with its CMS on an issuance worker): the
 * costly verification is not done twice. Never for bytes that did not come from parseAndVerifyCsr's `der`.
 */
export function parseVerifiedCsr(der: Uint8Array): ParsedCsr {
  try {
    return walkRequest(der, false);
  } catch (e) {
    if (e instanceof DerError) throw unparseable(e.message);
    throw e;
  }
}

/** Parse, check and verify a certification request given as PEM or DER bytes. */
export function parseAndVerifyCsr(input: Uint8Array, options: CsrIntakeOptions = {}): ParsedCsr {
  const maxBytes = options.maxBytes ?? DEFAULT_CSR_MAX_BYTES;
  if (input.length > maxBytes) {
    throw new DomainError('CSR_TOO_LARGE', `The certificate request is ${input.length} bytes; at most ${maxBytes} are accepted (a real one is a few kB).`);
  }
  if (input.length === 0 || isBlank(input)) throw new DomainError('CSR_EMPTY', 'The certificate request file is empty.');
  const der = requestDer(input);
  if (der.length === 0) throw new DomainError('CSR_EMPTY', 'The certificate request PEM block is empty.');
  try {
    return walkRequest(der);
  } catch (e) {
    if (e instanceof DerError) throw unparseable(e.message);
    throw e;
  }
}
