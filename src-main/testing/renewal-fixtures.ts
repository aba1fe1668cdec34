/**
 * Renewal requests made in this process, the way `openssl cms -sign -binary
 * -nodetach -md sha256` makes them (signed attributes contentType and
 * messageDigest, issuerAndSerialNumber, the signer's certificate carried), for
 * tests that need a thousand of them or the property tests' seeds. The CLI
 * tests use OpenSSL itself.
 */
import { createHash, sign, type KeyObject } from 'node:crypto';
import { Attribute, CertificateChoices, CertificateSet, ContentInfo, DigestAlgorithmIdentifiers, EncapsulatedContent, EncapsulatedContentInfo, IssuerAndSerialNumber, SignedData, SignerIdentifier, SignerInfo, SignerInfos } from '@peculiar/asn1-cms';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier, Certificate } from '@peculiar/asn1-x509';
import { oid as oidDer, octetString, setOf } from '../core/asn1/der-writer.ts';

const ID_DATA = '1.2.840.113549.1.7.1';
const ID_SIGNED_DATA = '1.2.840.113549.1.7.2';
const SHA256 = '2.16.840.1.101.3.4.2.1';
const ECDSA_SHA256 = '1.2.840.10045.4.3.2';

const ab = (b: Uint8Array): ArrayBuffer => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;

/** A DER CMS SignedData over `content`, signed by an ECDSA (P-256) key with SHA-256, carrying `certificates` (the signer's first). */
export function signRenewal(content: Uint8Array, signerCertDer: Uint8Array, signerKey: KeyObject, more: readonly Uint8Array[] = []): Buffer {
  const cert = AsnConvert.parse(signerCertDer, Certificate);
  const attrs = [
    new Attribute({ attrType: '1.2.840.113549.1.9.3', attrValues: [ab(oidDer(ID_DATA))] }),
    new Attribute({ attrType: '1.2.840.113549.1.9.4', attrValues: [ab(octetString(createHash('sha256').update(content).digest()))] }),
  ];
  const signedBytes = setOf(...attrs.map((a) => Buffer.from(AsnConvert.serialize(a))));
  const signer = new SignerInfo({
    version: 1,
    sid: new SignerIdentifier({ issuerAndSerialNumber: new IssuerAndSerialNumber({ issuer: cert.tbsCertificate.issuer, serialNumber: cert.tbsCertificate.serialNumber }) }),
    digestAlgorithm: new AlgorithmIdentifier({ algorithm: SHA256 }),
    signedAttrs: attrs,
    signatureAlgorithm: new AlgorithmIdentifier({ algorithm: ECDSA_SHA256 }),
    signature: new OctetString(sign('sha256', signedBytes, signerKey)),
  });
  const sd = new SignedData({
    version: 1,
    digestAlgorithms: new DigestAlgorithmIdentifiers([new AlgorithmIdentifier({ algorithm: SHA256 })]),
    encapContentInfo: new EncapsulatedContentInfo({ eContentType: ID_DATA, eContent: new EncapsulatedContent({ single: new OctetString(content) }) }),
    certificates: new CertificateSet([cert, ...more.map((m) => AsnConvert.parse(m, Certificate))].map((c) => new CertificateChoices({ certificate: c }))),
    signerInfos: new SignerInfos([signer]),
  });
  return Buffer.from(AsnConvert.serialize(new ContentInfo({ contentType: ID_SIGNED_DATA, content: AsnConvert.serialize(sd) })));
}
