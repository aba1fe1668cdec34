/**
 * What a certificate request asks for, in words an officer reads before
 * signing (the issue-from-media wizard's one row per request): its subject,
 * SANs, key, and every extension it requests. Only the SANs are copied into
 * the certificate; the profile decides every other extension, so a request
 * asking to be a CA is shown as asking, never signed as one by an end-entity
 * profile. The request is parsed and verified by the intake
 * (`parseAndVerifyCsr`): what is shown is what would be signed.
 */
import { readBasicConstraints, readExtendedKeyUsage, readKeyUsage, type ExtensionField } from '../asn1/certificate-reader.ts';
import { OID } from '../asn1/oids.ts';
import { printableLine } from '../safe-text.ts';
import { encapsulatedContent } from './cms-signed-data.ts';
import { fileSha256 } from './file-sha256.ts';
import { parseAndVerifyCsr } from './csr-intake.ts';
import { sanList } from './issued-record.ts';

export interface RequestedExtension {
  oid: string;
  /** Its RFC 5280 name (`basicConstraints`), or the OID when unknown. */
  name: string;
  critical: boolean;
  /** What it asks, e.g. `CA: yes, path length 0`, `digitalSignature, keyEncipherment`, `clientAuth`; null when nothing more to say. */
  detail: string | null;
}

export interface RequestPreview {
  /** RFC 4514, e.g. `CN=agent-7,O=Acme`; empty when the request names itself by SANs only. */
  subject: string;
  /** `DNS:…`, `IP:…`, `email:…`, `URI:…`. */
  sans: string[];
  key: { type: 'ec' | 'rsa' | 'ed25519'; curve: string | null; bits: number; label: string };
  extensions: RequestedExtension[];
  /** The request asks for basicConstraints CA: yes (a CA profile's business, not a batch's). */
  asksForCa: boolean;
}

const NAMES: Record<string, string> = {
  [OID.subjectKeyIdentifier]: 'subjectKeyIdentifier',
  [OID.keyUsage]: 'keyUsage',
  [OID.subjectAltName]: 'subjectAltName',
  [OID.basicConstraints]: 'basicConstraints',
  [OID.authorityKeyIdentifier]: 'authorityKeyIdentifier',
  [OID.extKeyUsage]: 'extendedKeyUsage',
  [OID.ocspNoCheck]: 'ocspNoCheck',
  '2.5.29.30': 'nameConstraints',
  '2.5.29.31': 'cRLDistributionPoints',
  '2.5.29.32': 'certificatePolicies',
  '1.3.6.1.5.5.7.1.1': 'authorityInfoAccess',
};

const PURPOSES: Record<string, string> = {
  [OID.kpServerAuth]: 'serverAuth',
  [OID.kpClientAuth]: 'clientAuth',
  [OID.kpOcspSigning]: 'OCSPSigning',
  '1.3.6.1.5.5.7.3.3': 'codeSigning',
  '1.3.6.1.5.5.7.3.4': 'emailProtection',
  '1.3.6.1.5.5.7.3.8': 'timeStamping',
  '2.5.29.37.0': 'anyExtendedKeyUsage',
};

const KEY_USAGE_BITS = ['digitalSignature', 'nonRepudiation', 'keyEncipherment', 'dataEncipherment', 'keyAgreement', 'keyCertSign', 'cRLSign', 'encipherOnly', 'decipherOnly'];

function detailOf(ext: ExtensionField): string | null {
  switch (ext.id) {
    case OID.basicConstraints: {
      const b = readBasicConstraints(ext.value);
      return b.ca ? `CA: yes${b.pathLen === undefined ? '' : `, path length ${b.pathLen}`}` : 'CA: no';
    }
    case OID.keyUsage:
      return [...readKeyUsage(ext.value).bits].map((i) => KEY_USAGE_BITS[i] ?? `bit ${i}`).join(', ') || 'none';
    case OID.extKeyUsage:
      return readExtendedKeyUsage(ext.value).map((o) => PURPOSES[o] ?? o).join(', ') || 'none';
    default:
      return null;
  }
}

/** One requested extension in words; a value that cannot be read says so (the intake ignores all but the SANs). */
export function describeExtension(ext: ExtensionField): RequestedExtension {
  let detail: string | null;
  try {
    detail = detailOf(ext);
  } catch {
    detail = 'its value could not be read (ignored: the profile decides this extension)';
  }
  return { oid: ext.id, name: NAMES[ext.id] ?? ext.id, critical: ext.critical, detail };
}

/** Parse and verify a PKCS #10 request (PEM or DER) and say what it asks for. Throws the intake's CSR_* DomainError. */
export function previewRequest(bytes: Uint8Array): RequestPreview {
  const csr = parseAndVerifyCsr(bytes);
  const extensions = csr.requestedExtensions.map(describeExtension);
  const asksForCa = csr.requestedExtensions.some((e) => {
    if (e.id !== OID.basicConstraints) return false;
    try {
      return readBasicConstraints(e.value).ca;
    } catch {
      return false;
    }
  });
  return {
    subject: printableLine(csr.subject),
    sans: sanList(csr.sans).map((s) => printableLine(s)),
    key: { type: csr.key.type, curve: csr.key.curve, bits: csr.key.bits, label: csr.key.label },
    extensions,
    asksForCa,
  };
}

/** The request inside a renewal request (CMS SignedData), its signature not checked: what the renewal would certify. Null when there is none. */
export function previewRenewalRequest(der: Uint8Array): RequestPreview | null {
  const inner = encapsulatedContent(der);
  return inner ? previewRequest(inner) : null;
}

export { fileSha256 };
