/**
 * The one place a certificate is signed. An Issuer is one signing session:
 * the CA's facts and private key, loaded once, with everything
 * per-certificate work would otherwise recompute (the node:crypto keys, the
 * issuer Name, key identifier, validity, signature AlgorithmIdentifier, the
 * AKI extension). Its facts come from the CA certificate, or, for a root that
 * certifies itself, from the root being made (selfSigned).
 *
 * Every certificate goes the same fixed way (docs/architecture.md, "Where
 * does a certificate get signed?"; Boulder's ceremony tool): validate ->
 * build the TBSCertificate -> lint -> sign -> verify the signature with the
 * issuer's public key -> return. `issue` does it for leaves and sub-CAs from
 * a request, `issueCaCertificate` for self-signed roots and link
 * certificates (core/keys/self-sign.ts, core/keys/link-cert.ts). The random
 * source of serial numbers is injectable (`random`), so a TBSCertificate can
 * be reproduced byte for byte. Nothing is stored here; the caller records the
 * result.
 */
import { createPublicKey, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { DomainError, isDomainError, rethrowAs } from '../errors.ts';
import type { LintExpectations } from './certificate-lint.ts';
import type { KeyAlgorithm } from '../pki/algorithms.ts';
import { isKeyAlgorithm } from '../pki/algorithms.ts';
import { authorityKeyIdentifierExtension, certificateExtensions } from './certificate-extensions.ts';
import { lintTbsCertificate } from './certificate-lint.ts';
import { readBasicConstraints, readCertificate, readKeyUsage, readOctetStringValue } from '../asn1/certificate-reader.ts';
import type { CertificateView } from '../asn1/certificate-reader.ts';
import { DerError } from '../asn1/der-reader.ts';
import { NameError, formatName, parseName } from '../asn1/name.ts';
import { readRoot } from '../asn1/der-reader.ts';
import { toPem } from '../asn1/pem.ts';
import { parseAndVerifyCsr } from './csr-intake.ts';
import type { ParsedCsr } from './csr-intake.ts';
import { keyIdentifier } from './key-identifier.ts';
import { OID } from '../asn1/oids.ts';
import { getProfile, KEY_USAGE_BIT, PROFILES } from './profiles.ts';
import type { ProfileName } from './profiles.ts';
import { fixedWidthSerial, randomSerial, serialToHex } from '../asn1/serial.ts';
import type { RandomBytes } from '../asn1/serial.ts';
import { caSignatureAlgorithm } from './signature-algorithms.ts';
import { NO_SANS, sanCount } from './subject-alt-names.ts';
import type { SubjectAltNames } from './subject-alt-names.ts';
import { KeyError, readSubjectPublicKey } from './subject-public-key.ts';
import type { KeyDescription } from './subject-public-key.ts';
import { encodeSignedStructure, encodeTbsCertificate } from './tbs-certificate.ts';
import type { TbsCertificateFields } from './tbs-certificate.ts';
import { validityWindow } from './validity-window.ts';
import { asSigner } from '../signing/signer.ts';
import type { Signer } from '../signing/signer.ts';

export interface IssuerInit {
  /** The CA certificate, DER. */
  readonly certificateDer: Uint8Array;
  /** The CA key's Signer (vault or token), or its private key as PKCS #8 DER (unwrapped from the vault for this session) or an imported KeyObject. */
  readonly privateKey: Uint8Array | KeyObject | Signer;
  readonly algorithm: KeyAlgorithm;
  /** Where serial numbers come from; the CSPRNG when absent. */
  readonly random?: RandomBytes | undefined;
}

/** A root certifying itself: the facts its certificate will state stand in for the issuing certificate's. */
export interface SelfSignedIssuerInit {
  readonly subjectDer: Uint8Array;
  readonly spkiDer: Uint8Array;
  /** The root's subjectKeyIdentifier, which its AKI repeats. */
  readonly keyId: Uint8Array;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly pathLen: number | undefined;
  readonly privateKey: Uint8Array | KeyObject | Signer;
  readonly algorithm: KeyAlgorithm;
  readonly random?: RandomBytes | undefined;
}

/** A CA certificate that is not issued from a request: a self-signed root or a link certificate. */
export interface CaCertificateRequest {
  readonly subjectDer: Uint8Array;
  readonly spkiDer: Uint8Array;
  /** Whole seconds. */
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** basicConstraints pathLenConstraint; absent means unlimited. */
  readonly pathLen: number | undefined;
  /** The subjectKeyIdentifier the certificate carries (roots keep the RFC 5280 method-1 one). */
  readonly subjectKeyId: Uint8Array;
  /** The Extension DERs; the CA profile's when absent (only tests give others, to see the lint refuse them). */
  readonly extensions?: readonly Uint8Array[] | undefined;
}

/** A signed CA certificate as the key side records it. */
export interface SignedCertificate {
  readonly der: Uint8Array;
  readonly pem: string;
  /** Lowercase hex. */
  readonly serialHex: string;
  readonly subject: string;
  /** ISO 8601 UTC. */
  readonly notBefore: string;
  readonly notAfter: string;
}

export interface IssueRequest {
  /** The request: raw PEM/DER bytes (parsed and verified here) or the result of parseAndVerifyCsr. */
  readonly csr: ParsedCsr | Uint8Array;
  readonly profile: ProfileName | string;
  /** Validity in days; the profile's default when absent. */
  readonly days?: number | undefined;
  /** The issuance instant (from the Clock): notBefore, in whole seconds. */
  readonly now: Date;
  /** Cut NotAfter back to the issuer's NotAfter instead of refusing (VALIDITY_EXCEEDS_ISSUER). */
  readonly truncateToIssuer?: boolean | undefined;
  /** basicConstraints pathLenConstraint for sub-ca (default 0). */
  readonly pathLen?: number | undefined;
  /** Is this lowercase-hex serial already recorded for this issuer? A taken serial is redrawn. */
  readonly isSerialTaken?: ((serialHex: string) => boolean) | undefined;
}

export interface IssuedCertificate {
  readonly der: Buffer;
  /** Lowercase hex, no leading zero octets. */
  readonly serialHex: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** Whether NotAfter was truncated to the issuer's NotAfter. */
  readonly truncated: boolean;
  /** Subject in RFC 4514 form. */
  readonly subject: string;
  readonly sans: SubjectAltNames;
  readonly profile: ProfileName;
  readonly key: KeyDescription;
  /** Subject key identifier, lowercase hex. */
  readonly subjectKeyIdHex: string;
}

const KEY_LABEL_FOR_ALGORITHM: Record<KeyAlgorithm, string> = {
  'ecdsa-p256': 'ecdsa-p256',
  'ecdsa-p384': 'ecdsa-p384',
  'rsa-3072': 'rsa-3072',
  'rsa-4096': 'rsa-4096',
  ed25519: 'ed25519',
};

function readIssuerCertificate(der: Uint8Array): CertificateView {
  return rethrowAs('CHAIN_UNPARSEABLE', "The issuing key's certificate cannot be read.", () => readCertificate(der), DerError);
}

function readKey(der: Uint8Array, node: Parameters<typeof readSubjectPublicKey>[1], whose: string): ReturnType<typeof readSubjectPublicKey> {
  return rethrowAs('UNSUPPORTED_ALGORITHM', `${whose} holds a key this CA cannot use.`, () => readSubjectPublicKey(der, node), KeyError);
}

/** The issuer's key, which must be of the algorithm it signs with. */
function readIssuerKey(der: Uint8Array, node: Parameters<typeof readSubjectPublicKey>[1], algorithm: KeyAlgorithm, whose: string): ReturnType<typeof readSubjectPublicKey> {
  const key = readKey(der, node, whose);
  if (key.description.label !== KEY_LABEL_FOR_ALGORITHM[algorithm]) {
    throw new DomainError('UNSUPPORTED_ALGORITHM', `The issuing certificate holds a ${key.description.label} key, not ${algorithm}.`);
  }
  return key;
}

/** The facts an issuer signs with, from its certificate. */
function certificateFacts(init: IssuerInit): Facts {
  const cert = readIssuerCertificate(init.certificateDer);
  const tbs = cert.tbs;
  const subject = rethrowAs(
    'CHAIN_UNPARSEABLE',
    "The issuing key's certificate has a subject this CA cannot use.",
    () => parseName(init.certificateDer, tbs.subjectNode).text,
    NameError,
  );
  const key = readIssuerKey(init.certificateDer, tbs.spkiNode, init.algorithm, "The issuing key's certificate");
  let ca = false;
  let pathLen: number | undefined;
  let keyCertSign = true;
  let crlSign = true;
  let ski: Uint8Array | undefined;
  rethrowAs(
    'CHAIN_UNPARSEABLE',
    "The issuing key's certificate has an unreadable extension.",
    () => {
      for (const ext of tbs.extensions) {
        if (ext.id === OID.basicConstraints) ({ ca, pathLen } = readBasicConstraints(ext.value));
        else if (ext.id === OID.keyUsage) {
          const bits = readKeyUsage(ext.value).bits;
          keyCertSign = bits.has(KEY_USAGE_BIT.keyCertSign);
          crlSign = bits.has(KEY_USAGE_BIT.cRLSign);
        } else if (ext.id === OID.subjectKeyIdentifier) ski = readOctetStringValue(ext.value, 'SubjectKeyIdentifier');
      }
    },
    DerError,
  );
  // RFC 5280 6.1.4 (k) and (n): only a CA certificate with keyCertSign may issue certificates.
  if (tbs.version !== 2 || !ca) throw new DomainError('CHAIN_NOT_CA', "The issuing key's certificate is not a CA certificate (basicConstraints cA is not TRUE).");
  if (!keyCertSign) throw new DomainError('CHAIN_NO_KEYCERTSIGN', "The issuing key's certificate does not allow keyCertSign.");
  return {
    certificateDer: init.certificateDer,
    subjectDer: tbs.subjectDer,
    subject,
    keyId: ski ?? keyIdentifier(key.keyBits),
    notBefore: tbs.notBefore,
    notAfter: tbs.notAfter,
    spkiDer: tbs.spkiDer,
    pathLen,
    canSignCrls: crlSign,
  };
}

/** The facts of a root certifying itself, checked as far as they can be before it exists. */
function selfSignedFacts(init: SelfSignedIssuerInit): Facts {
  const spki = rethrowAs('UNSUPPORTED_ALGORITHM', 'The public key cannot be read.', () => readRoot(init.spkiDer, 0x30, 'SubjectPublicKeyInfo'), DerError);
  readIssuerKey(init.spkiDer, spki, init.algorithm, 'The public key');
  return {
    certificateDer: null,
    subjectDer: init.subjectDer,
    // Printed leniently: a subject the lint refuses must reach the lint, which names the rule.
    subject: formatName(init.subjectDer),
    keyId: init.keyId,
    notBefore: init.notBefore,
    notAfter: init.notAfter,
    spkiDer: init.spkiDer,
    pathLen: init.pathLen,
    canSignCrls: true,
  };
}

/** What an Issuer states about itself, from its certificate or from the root being made. */
type Facts = Pick<Issuer, 'certificateDer' | 'subjectDer' | 'subject' | 'keyId' | 'notBefore' | 'notAfter' | 'spkiDer' | 'pathLen' | 'canSignCrls'>;

export class Issuer {
  readonly algorithm: KeyAlgorithm;
  /** The CA certificate; null for a root signing itself. */
  readonly certificateDer: Uint8Array | null;
  /** The issuer's subject Name DER: the issuer field of everything it signs. */
  readonly subjectDer: Uint8Array;
  /** The issuer's subject in RFC 4514 form. */
  readonly subject: string;
  /** The issuer's key identifier: its SKI extension, else computed as for our own certificates. */
  readonly keyId: Uint8Array;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly spkiDer: Uint8Array;
  /** basicConstraints pathLenConstraint of the issuer, if any. */
  readonly pathLen: number | undefined;
  /** keyUsage allows CRL signing (or is absent). */
  readonly canSignCrls: boolean;
  readonly publicKey: KeyObject;
  /** AlgorithmIdentifier DER of this issuer's signatures. */
  readonly signatureAlgorithm: Buffer;
  readonly #digest: 'sha256' | 'sha384' | null;
  readonly #signer: Signer;
  readonly #akiExtension: Buffer;
  readonly #random: RandomBytes | undefined;

  /** An issuer for a root that certifies itself (see SelfSignedIssuerInit). */
  static selfSigned(init: SelfSignedIssuerInit): Issuer {
    return new Issuer(init);
  }

  constructor(init: IssuerInit | SelfSignedIssuerInit) {
    if (!isKeyAlgorithm(init.algorithm)) throw new DomainError('UNSUPPORTED_ALGORITHM', `Unknown key algorithm ${String(init.algorithm)}.`);
    const facts = 'certificateDer' in init ? certificateFacts(init) : selfSignedFacts(init);
    this.algorithm = init.algorithm;
    this.certificateDer = facts.certificateDer;
    this.subjectDer = facts.subjectDer;
    this.subject = facts.subject;
    this.notBefore = facts.notBefore;
    this.notAfter = facts.notAfter;
    this.spkiDer = facts.spkiDer;
    this.pathLen = facts.pathLen;
    this.canSignCrls = facts.canSignCrls;
    this.keyId = facts.keyId;
    this.#random = init.random;

    try {
      this.publicKey = createPublicKey({ key: Buffer.from(this.spkiDer), format: 'der', type: 'spki' });
    } catch (e) {
      // A point off the curve or a damaged RSA modulus parses as DER but not as a key.
      throw new DomainError('UNSUPPORTED_ALGORITHM', "The issuing key's certificate holds a public key that cannot be read.", e instanceof Error ? e.message : String(e));
    }
    try {
      this.#signer = asSigner(init.algorithm, init.privateKey);
    } catch (e) {
      throw new DomainError('CHAIN_KEY_MISMATCH', 'The issuing private key cannot be read.', e instanceof Error ? e.message : String(e));
    }
    const alg = caSignatureAlgorithm(init.algorithm);
    this.signatureAlgorithm = alg.algorithmIdentifier;
    this.#digest = alg.digest;
    this.#akiExtension = authorityKeyIdentifierExtension(this.keyId);

    // The private key must be the certificate's: a signature it makes must verify with the certificate's key.
    const probe = Buffer.from('airgap-ca issuer key check');
    let matches: boolean;
    try {
      matches = verify(this.#digest, probe, this.publicKey, this.#signer.sign(probe));
    } catch (e) {
      // A token that cannot sign (removed, PIN, key gone) says so with its own code.
      if (isDomainError(e)) throw e;
      matches = false;
    }
    if (!matches) throw new DomainError('CHAIN_KEY_MISMATCH', "The issuing private key does not belong to the issuing key's certificate.");
  }

  /** Sign DER bytes (a TBSCertificate or TBSCertList) with the issuer's key. */
  signBytes(tbs: Uint8Array): Buffer {
    return this.#signer.sign(tbs);
  }

  /** The Signer behind this issuer (batch issuance hands its spec to each worker). */
  get signer(): Signer {
    return this.#signer;
  }

  /** Verify a signature of ours with the issuer certificate's public key. */
  verifyBytes(tbs: Uint8Array, signature: Uint8Array): boolean {
    try {
      return verify(this.#digest, tbs, this.publicKey, signature);
    } catch {
      return false;
    }
  }

  /** Issue one certificate; see the module comment for the order of steps. */
  issue(req: IssueRequest): IssuedCertificate {
    const profile = getProfile(req.profile);
    const csr = req.csr instanceof Uint8Array ? parseAndVerifyCsr(req.csr) : req.csr;
    if (profile.sanRequired && sanCount(csr.sans) === 0) {
      throw new DomainError('SAN_REQUIRED', `The ${profile.name} profile needs at least one subject alternative name (DNS name or IP address) in the request.`);
    }
    let pathLen: number | undefined;
    if (profile.ca) {
      if (csr.subjectIsEmpty) throw new DomainError('CSR_BAD_SUBJECT', 'A subordinate CA needs a subject (RFC 5280 4.1.2.6).');
      pathLen = req.pathLen ?? 0;
      if (!Number.isInteger(pathLen) || pathLen < 0 || pathLen > 32) throw new DomainError('INVALID_INPUT', 'The path length must be a whole number from 0 to 32.');
      // RFC 5280 6.1.4 (m): each CA below the issuer uses up one step of its pathLenConstraint.
      if (this.pathLen !== undefined && pathLen >= this.pathLen) {
        throw new DomainError(
          'CHAIN_PATHLEN',
          this.pathLen === 0
            ? "The issuing key's certificate has path length 0: it cannot issue subordinate CAs."
            : `The issuing key's certificate allows a path length of at most ${this.pathLen - 1} below it.`,
        );
      }
    } else if (req.pathLen !== undefined) {
      throw new DomainError('INVALID_INPUT', `A path length only applies to the sub-ca profile, not ${profile.name}.`);
    }
    const validity = validityWindow({
      profile,
      days: req.days,
      now: req.now,
      issuerNotBefore: this.notBefore,
      issuerNotAfter: this.notAfter,
      truncateToIssuer: req.truncateToIssuer,
    });

    let serial = randomSerial(this.#random);
    let serialHex = serialToHex(serial);
    for (let tries = 0; req.isSerialTaken?.(serialHex); tries++) {
      if (tries >= 8) throw new DomainError('INTERNAL', 'Could not draw an unused serial number.');
      serial = randomSerial(this.#random);
      serialHex = serialToHex(serial);
    }

    const subjectKeyId = keyIdentifier(csr.publicKey.keyBits);
    const der = this.#sign({
      serial,
      signatureAlgorithm: this.signatureAlgorithm,
      issuerDer: this.subjectDer,
      notBefore: validity.notBefore,
      notAfter: validity.notAfter,
      subjectDer: csr.subjectDer,
      spkiDer: csr.spkiDer,
      extensions: certificateExtensions({
        profile,
        key: csr.key,
        sans: csr.sans,
        subjectIsEmpty: csr.subjectIsEmpty,
        subjectKeyId,
        authorityKeyIdExtension: this.#akiExtension,
        pathLen,
      }),
    }, { profile, issuer: this, pathLen });
    return {
      der,
      serialHex,
      notBefore: validity.notBefore,
      notAfter: validity.notAfter,
      truncated: validity.truncated,
      subject: csr.subject,
      sans: csr.sans,
      profile: profile.name,
      key: csr.key,
      subjectKeyIdHex: subjectKeyId.toString('hex'),
    };
  }
  /**
   * A self-signed root (from Issuer.selfSigned) or a link certificate (from
   * the old root's Issuer): the CA profile's extensions (critical
   * basicConstraints with the pathLen, keyCertSign + cRLSign, the given SKI,
   * this issuer's key id as AKI), a fixed-width serial, then the same lint,
   * signature and re-verification as every certificate.
   */
  issueCaCertificate(req: CaCertificateRequest): SignedCertificate {
    const profile = PROFILES['sub-ca'];
    const spki = rethrowAs('UNSUPPORTED_ALGORITHM', 'The public key cannot be read.', () => readRoot(req.spkiDer, 0x30, 'SubjectPublicKeyInfo'), DerError);
    const key = readKey(req.spkiDer, spki, 'The public key');
    const extensions = req.extensions ?? certificateExtensions({
      profile,
      key: key.description,
      sans: NO_SANS,
      subjectIsEmpty: false,
      subjectKeyId: req.subjectKeyId,
      authorityKeyIdExtension: this.#akiExtension,
      pathLen: req.pathLen,
    });
    const serial = fixedWidthSerial(this.#random);
    const der = this.#sign(
      { serial, signatureAlgorithm: this.signatureAlgorithm, issuerDer: this.subjectDer, notBefore: req.notBefore, notAfter: req.notAfter, subjectDer: req.subjectDer, spkiDer: req.spkiDer, extensions },
      { profile, issuer: this, pathLen: req.pathLen, subjectKeyId: req.subjectKeyId },
    );
    return {
      // A plain Uint8Array, as the key side hands certificates around.
      der: new Uint8Array(der),
      pem: toPem(der, 'CERTIFICATE'),
      serialHex: serialToHex(serial),
      subject: formatName(req.subjectDer),
      notBefore: req.notBefore.toISOString(),
      notAfter: req.notAfter.toISOString(),
    };
  }

  /** The one signing path: encode the TBSCertificate, lint it, sign it, verify the signature, wrap it. */
  #sign(fields: TbsCertificateFields, lint: LintExpectations): Buffer {
    const tbs = encodeTbsCertificate(fields);
    lintTbsCertificate(tbs, lint);
    const signature = this.signBytes(tbs);
    if (!this.verifyBytes(tbs, signature)) {
      throw new DomainError('SIGNATURE_SELF_CHECK_FAILED', "The new certificate's signature did not verify with the issuing certificate's key; nothing was issued.");
    }
    return encodeSignedStructure(tbs, this.signatureAlgorithm, signature);
  }
}

export function createIssuer(init: IssuerInit): Issuer {
  return new Issuer(init);
}
