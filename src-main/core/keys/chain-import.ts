/**
 * Import of the chain a corporate root signed for a draft key (sub-CA).
 *
 * The file may list certificates in any order, with or without the root;
 * the root may also come as a second file. Nothing is stored here: the
 * result is the ordered chain leaf -> root for the integrator to persist,
 * and it is returned only when every check passes. Checks run in this
 * order, the first failure is thrown, each with its own code:
 *
 *   reading:    CHAIN_TOO_LARGE, CHAIN_EMPTY, CHAIN_UNPARSEABLE
 *   the set:    CHAIN_DUPLICATE_CERT (same certificate twice, or two for this key)
 *   the leaf:   CHAIN_KEY_MISMATCH (no certificate for this key)
 *   building:   CHAIN_MISSING_ISSUER, CHAIN_ROOT_MISSING, CHAIN_BAD_SIGNATURE,
 *               then CHAIN_UNRELATED_CERT for anything left over
 *   the path:   CHAIN_NOT_CA, CHAIN_NO_KEYCERTSIGN (leaf, then issuers),
 *               CHAIN_PATHLEN, CHAIN_NOT_YET_VALID, CHAIN_EXPIRED,
 *               CHAIN_VALIDITY_NOT_NESTED
 *
 * Signatures are checked before anything a certificate says is believed, so
 * an altered certificate is reported as altered, not as whatever its
 * altered field now claims.
 *
 * Issuers are found by name and AKI/SKI and confirmed by signature (RFC 5280
 * section 6.1.3 (a)(1) and (a)(4)); like X509ChainBuilder this only links,
 * the rest is chain-verify.ts.
 */
import type { Clock } from '../clock.ts';
import { DomainError } from '../errors.ts';
import { readChainFile } from './chain-file.ts';
import type { CertificateFacts } from '../asn1/certificate-reader.ts';
import { claimsToBeRoot, isSelfSigned, keyIdsAgree, readCertificateFacts, sameName, signedBy } from '../asn1/certificate-reader.ts';
import { checkIssuers, checkLeafIsCa, checkNesting, checkValidityNow, verifyOrderedChain } from './chain-verify.ts';
import { bytesEqual } from '../asn1/bytes.ts';
import { keyIdOf, shortKeyId } from '../asn1/key-id.ts';

export { DEFAULT_MAX_CHAIN_BYTES } from './chain-file.ts';

export interface ChainImportInput {
  /** The bytes of the chain file: PEM bundle, DER certificate(s) or PKCS#7 (PEM or DER). */
  input: Uint8Array;
  /** Optional second file holding the root, for when the bundle lacks it. */
  rootInput?: Uint8Array;
  /** The draft key's SubjectPublicKeyInfo DER: the leaf must certify exactly this key. */
  keySpki: Uint8Array;
  clock: Clock;
  /** Per file; default DEFAULT_MAX_CHAIN_BYTES (1 MiB). */
  maxBytes?: number;
}

export interface ChainCertificateSummary {
  subject: string;
  issuer: string;
  serialHex: string;
  /** ISO 8601 UTC. */
  notBefore: string;
  notAfter: string;
  keyId: string;
  /** basicConstraints cA (false when the extension is absent). */
  isCa: boolean;
  /** basicConstraints pathLenConstraint, null when none. */
  pathLength: number | null;
  /** Self-issued and verified by its own key: a root. */
  selfSigned: boolean;
}

export interface ImportedChain {
  /** DER certificates, leaf (this key's certificate) first, self-signed root last. */
  chain: Uint8Array[];
  /** chain[0]: this key's own CA certificate. */
  certificate: Uint8Array;
  /** chain.slice(1): the issuers above it, nearest first, up to and including the root (what the key store keeps as "chain"). */
  issuers: Uint8Array[];
  /** The same certificates, described. */
  certificates: ChainCertificateSummary[];
  /** True when the root came from the second file. */
  rootFromSeparateFile: boolean;
  /** The self-signed root at the end (chain's last), with its SHA-256 fingerprint (64 lowercase hex) for pinning. */
  root: { subject: string; fingerprint: string };
}

function summary(c: CertificateFacts): ChainCertificateSummary {
  return {
    subject: c.subject,
    issuer: c.issuer,
    serialHex: c.serialHex,
    notBefore: c.notBefore.toISOString(),
    notAfter: c.notAfter.toISOString(),
    keyId: c.keyId,
    isCa: c.basicConstraints?.ca ?? false,
    pathLength: c.basicConstraints?.pathLength ?? null,
    selfSigned: isSelfSigned(c),
  };
}

function readAll(input: Uint8Array, fileName: string, maxBytes: number | undefined): CertificateFacts[] {
  const opts = maxBytes === undefined ? { fileName } : { fileName, maxBytes };
  return readChainFile(input, opts).map((fc) => readCertificateFacts(fc.der, `certificate ${fc.position} in ${fileName}`));
}

/** Find the issuer of `child` among `pool` by name and key id, confirmed by signature. */
function findIssuer(child: CertificateFacts, pool: CertificateFacts[]): { issuer: CertificateFacts | null; badSignature: CertificateFacts | null } {
  const candidates = pool.filter((c) => c !== child && sameName(c.subjectDer, child.issuerDer) && keyIdsAgree(child, c));
  for (const c of candidates) if (signedBy(child, c)) return { issuer: c, badSignature: null };
  return { issuer: null, badSignature: candidates[0] ?? null };
}

/**
 * Check and order the signed chain for a draft key. Pure: reads only its
 * arguments and the clock. Throws DomainError with the codes listed above.
 */
export async function importChain(args: ChainImportInput): Promise<ImportedChain> {
  const now = args.clock.now();
  const fileCerts = readAll(args.input, 'the chain file', args.maxBytes);
  let rootCerts = args.rootInput === undefined ? [] : readAll(args.rootInput, 'the root file', args.maxBytes);

  // The same certificate twice in the chain file is a wrong or hand-edited file; never keep silently.
  for (let i = 0; i < fileCerts.length; i++) {
    for (let j = i + 1; j < fileCerts.length; j++) {
      const a = fileCerts[i] as CertificateFacts;
      const b = fileCerts[j] as CertificateFacts;
      if (a.fingerprint === b.fingerprint) {
        throw new DomainError('CHAIN_DUPLICATE_CERT', `The chain file holds the same certificate twice: ${a.label} and position ${j + 1}. Remove the second copy (or ask for a clean chain) and import again.`);
      }
    }
  }
  // The root given again in the root file is the officer being careful, not a duplicate.
  rootCerts = rootCerts.filter((r) => !fileCerts.some((f) => f.fingerprint === r.fingerprint));
  const rootFilePool = rootCerts;

  const keyId = keyIdOf(args.keySpki);
  const forKey = fileCerts.filter((c) => bytesEqual(c.spki, args.keySpki));
  if (forKey.length === 0) {
    const others = [...fileCerts, ...rootFilePool].map((c) => c.label).join('; ');
    throw new DomainError('CHAIN_KEY_MISMATCH', `No certificate in the chain file is for this key (${shortKeyId(keyId)}). The file holds: ${others}. Check that this is the chain signed for this key's request, and import it into the key it belongs to.`);
  }
  if (forKey.length > 1) {
    throw new DomainError('CHAIN_DUPLICATE_CERT', `The chain file holds ${forKey.length} different certificates for this key (${forKey.map((c) => c.label).join('; ')}). Keep only the one you mean to use and import again.`);
  }
  const leaf = forKey[0] as CertificateFacts;

  // Build upward from the leaf.
  const path: CertificateFacts[] = [leaf];
  const pool = [...fileCerts.filter((c) => c !== leaf), ...rootFilePool];
  let rootFromSeparateFile = false;
  let current = leaf;
  for (;;) {
    if (claimsToBeRoot(current) && current !== leaf) {
      if (!isSelfSigned(current)) {
        throw new DomainError('CHAIN_BAD_SIGNATURE', `The self-signature of the root ${current.label} does not verify: the certificate was altered or damaged. Ask for the root certificate again.`);
      }
      break;
    }
    if (current === leaf && claimsToBeRoot(current)) {
      // This key's certificate is self-signed: that is a root, not a sub-CA chain.
      throw new DomainError('CHAIN_NOT_CA', `The certificate for this key, ${current.label}, is self-signed; a sub-CA needs a certificate issued by the corporate root. For a standalone root use "key self-sign" instead.`);
    }
    const remaining = pool.filter((c) => !path.includes(c));
    const { issuer, badSignature } = findIssuer(current, remaining);
    if (issuer) {
      path.push(issuer);
      if (rootFilePool.includes(issuer)) rootFromSeparateFile = true;
      current = issuer;
      continue;
    }
    if (badSignature) {
      throw new DomainError('CHAIN_BAD_SIGNATURE', `The signature on ${current.label} does not verify with the key of its issuer ${badSignature.label}: a certificate was altered or damaged. Ask for the chain again.`);
    }
    const rootInFile = fileCerts.some((c) => claimsToBeRoot(c) && c !== leaf);
    if (!rootInFile) {
      const given = rootFilePool.filter((c) => !path.includes(c));
      const wrongRoot = given.length > 0 ? ` The root file holds ${given.map((c) => c.label).join('; ')}, which did not issue it: that is the root of another hierarchy.` : '';
      throw new DomainError('CHAIN_ROOT_MISSING', `The chain file ends at ${current.label}, issued by ${current.issuer}, which is not in the file.${wrongRoot} Ask the corporate CA for its root certificate and give it as the root file${path.length > 1 ? '' : ' (with any intermediate certificate between them in the chain file)'}.`);
    }
    const sameNameOtherKey = remaining.find((c) => sameName(c.subjectDer, current.issuerDer));
    throw new DomainError('CHAIN_MISSING_ISSUER', `The issuer of ${current.label}, ${current.issuer}, is not in the chain file${sameNameOtherKey ? ` (${sameNameOtherKey.label} has that name but a different key, so it is another generation of that CA)` : ''}. An intermediate certificate is missing: ask the corporate CA for the full chain.`);
  }

  // Everything in the files must be on the path: nothing unrelated is kept silently.
  const unused = [...fileCerts, ...rootFilePool].filter((c) => !path.includes(c));
  if (unused.length > 0) {
    throw new DomainError('CHAIN_UNRELATED_CERT', `${unused.map((c) => c.label).join('; ')} ${unused.length === 1 ? 'is' : 'are'} not part of this key's chain. Remove ${unused.length === 1 ? 'it' : 'them'} from the file and import again, so the stored chain holds only what it needs.`);
  }

  checkLeafIsCa(leaf);
  checkIssuers(path);
  checkValidityNow(path, now);
  checkNesting(path);

  const chain = path.map((c) => c.der);
  const root = path[path.length - 1] as CertificateFacts;
  return { chain, certificate: leaf.der, issuers: chain.slice(1), certificates: path.map(summary), rootFromSeparateFile, root: { subject: root.subject, fingerprint: root.fingerprint } };
}

/**
 * Re-check a stored certificate and its issuers (leaf -> root order, as
 * persisted) at the clock's now, e.g. before activation ("a draft with a
 * valid certificate") or after a self-sign. The same checks as the import,
 * minus the file handling. Returns the certificates described.
 * Throws CHAIN_UNPARSEABLE, CHAIN_KEY_MISMATCH and the path codes.
 */
export function verifyStoredChain(args: { certificate: Uint8Array; issuers: readonly Uint8Array[]; keySpki: Uint8Array; clock: Clock }): ChainCertificateSummary[] {
  const path = [readCertificateFacts(args.certificate, 'this key\'s certificate'), ...args.issuers.map((d, i) => readCertificateFacts(d, `chain certificate ${i + 2}`))];
  const leaf = path[0] as CertificateFacts;
  if (!bytesEqual(leaf.spki, args.keySpki)) {
    throw new DomainError('CHAIN_KEY_MISMATCH', `The stored certificate ${leaf.label} is not for this key (${shortKeyId(keyIdOf(args.keySpki))}); the key record is damaged.`);
  }
  verifyOrderedChain(path, args.clock.now());
  return path.map(summary);
}

/** Subject, issuer, serial, validity and key id of one DER certificate, for listings. Throws CHAIN_UNPARSEABLE. */
export function describeCertificate(der: Uint8Array): ChainCertificateSummary {
  return summary(readCertificateFacts(der, 'the certificate'));
}
