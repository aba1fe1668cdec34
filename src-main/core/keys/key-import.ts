/**
 * Bringing an existing CA's key in: the private key (a key file or a PKCS#12
 * file), its CA certificate, and the chain above it, checked as a whole
 * before anything is stored. Nothing is stored here; the handler records the
 * result in one transaction. Checks, in order, the first failure thrown:
 *
 *   the key:          KEY_IMPORT_* (key-file.ts, pkcs12.ts), UNSUPPORTED_ALGORITHM
 *                     (not one of the vault's key algorithms)
 *   the certificate:  CHAIN_UNPARSEABLE, CHAIN_KEY_MISMATCH (no certificate
 *                     for this private key), CHAIN_NOT_CA, CHAIN_NO_KEYCERTSIGN
 *   a root:           CHAIN_UNRELATED_CERT (certificates besides it), then the
 *                     stored-chain checks (CHAIN_NOT_CA, CHAIN_NO_KEYCERTSIGN,
 *                     validity, the self-signature)
 *   a sub-CA:         everything chain import checks (chain-import.ts)
 *   the key signs:    KEY_UNHEALTHY (a signature made with it does not verify
 *                     with the certificate's key)
 */
import type { Clock } from '../clock.ts';
import { createPublicKey } from 'node:crypto';
import { DomainError } from '../errors.ts';
import { toPem } from '../asn1/pem.ts';
import { bytesEqual } from '../asn1/bytes.ts';
import { keyIdOf } from '../asn1/key-id.ts';
import { KEY_USAGE, isSelfSigned, readCertificateFacts, type CertificateFacts } from '../asn1/certificate-reader.ts';
import type { KeyAlgorithm } from '../pki/algorithms.ts';
import { subtleCrypto } from '../pki/webcrypto.ts';
import { readChainFile } from './chain-file.ts';
import { importChain, verifyStoredChain, type ChainCertificateSummary } from './chain-import.ts';
import { algorithmOfSpki, importSigningKey, importVerifyKey, signingParams, spkiOfPrivateKey } from './key-material.ts';
import { readPrivateKeyFile, type KeyFileFormat } from './key-file.ts';
import { readPkcs12 } from './pkcs12.ts';
import { certificateFingerprint } from './trusted-roots.ts';

export type KeySource = KeyFileFormat | 'pkcs12';

export interface KeyImportInput {
  /** Either a key file with a certificate file, or a PKCS#12 file (which may hold the certificates). */
  key: { file: Uint8Array; certificate: Uint8Array } | { p12: Uint8Array };
  /** The chain above the certificate (PEM bundle, DER or PKCS#7), for a sub-CA. */
  chain?: Uint8Array;
  /** The key file's or PKCS#12 file's password (UTF-8); the caller zeroes it. */
  password: Buffer | null;
  clock: Clock;
}

export interface PreparedKeyImport {
  /** Unencrypted PKCS#8 DER: the caller wraps it in the vault and zeroes it. */
  pkcs8: Buffer;
  spki: Uint8Array;
  keyId: string;
  algorithm: KeyAlgorithm;
  source: KeySource;
  /** The key's own CA certificate. */
  certificate: Uint8Array;
  /** Its issuers, nearest first, up to the root (empty for a root). */
  issuers: Uint8Array[];
  certificates: ChainCertificateSummary[];
  /** The root the chain ends in (the certificate itself for a root), with its SHA-256 fingerprint. */
  root: { subject: string; fingerprint: string; der: Uint8Array };
  selfSigned: boolean;
}

function readKey(input: KeyImportInput): { pkcs8: Buffer; source: KeySource; certificates: Uint8Array[] } {
  if ('p12' in input.key) {
    if (input.password === null) throw new DomainError('KEY_IMPORT_PASSWORD_REQUIRED', 'A PKCS#12 file is opened with its password: give it with --key-password-file FILE (or type it at the prompt on a terminal). Nothing was imported.');
    const p = readPkcs12(input.key.p12, input.password);
    return { pkcs8: p.pkcs8, source: 'pkcs12', certificates: p.certificates };
  }
  const k = readPrivateKeyFile(input.key.file, input.password);
  try {
    const certificates = readChainFile(input.key.certificate, { fileName: 'the certificate file' }).map((c) => c.der);
    return { pkcs8: k.pkcs8, source: k.format, certificates };
  } catch (e) {
    k.pkcs8.fill(0);
    throw e;
  }
}

/** A signature made with the imported key must verify with the certificate's key: the key is usable, not only parseable. */
async function checkKeySigns(algorithm: KeyAlgorithm, pkcs8: Buffer, spki: Uint8Array): Promise<void> {
  const probe = Buffer.from('airgap-ca/v1/key-import-probe');
  const key = await importSigningKey(algorithm, pkcs8);
  const signature = await subtleCrypto.subtle.sign(signingParams(algorithm), key, probe);
  const ok = await subtleCrypto.subtle.verify(signingParams(algorithm), await importVerifyKey(algorithm, spki), signature, probe);
  if (!ok) throw new DomainError('KEY_UNHEALTHY', 'A signature made with the imported private key does not verify with its public key: the key file is damaged. Nothing was imported.');
}

/** Reads and checks everything; the caller stores the result or drops it (zeroing `pkcs8` either way). */
export async function prepareKeyImport(input: KeyImportInput): Promise<PreparedKeyImport> {
  const k = readKey(input);
  try {
    const spki = spkiOfPrivateKey(k.pkcs8);
    const keyId = keyIdOf(spki);
    const algorithm = algorithmOfSpki(spki);
    if (!algorithm) {
      throw new DomainError('UNSUPPORTED_ALGORITHM', `The private key is ${describeKey(spki)}; a CA key of this vault is ecdsa-p256, ecdsa-p384, rsa-3072, rsa-4096 or ed25519. Nothing was imported; an existing CA on another algorithm keeps its key and rotates to a new one made here.`);
    }
    const pool = k.certificates.map((der, i) => readCertificateFacts(der, `certificate ${i + 1} of the ${'p12' in input.key ? 'PKCS#12 file' : 'certificate file'}`));
    const own = pool.filter((c) => bytesEqual(c.spki, spki));
    const leaf = own[0];
    if (!leaf) {
      throw new DomainError('CHAIN_KEY_MISMATCH', `No certificate given is for this private key (${keyId}): ${pool.map((c) => c.label).join('; ') || 'none'}. Give the CA certificate that belongs to this key.`);
    }
    assertUsableCaCertificate(leaf);
    const now = input.clock;
    let result: Omit<PreparedKeyImport, 'pkcs8' | 'spki' | 'keyId' | 'algorithm' | 'source'>;
    if (isSelfSigned(leaf)) {
      const chainCerts = input.chain ? readChainFile(input.chain, { fileName: 'the chain file' }).map((c) => c.der) : [];
      const extra = [...pool.filter((c) => c !== leaf).map((c) => c.der), ...chainCerts].filter((d) => !bytesEqual(d, leaf.der));
      if (extra.length > 0) {
        throw new DomainError('CHAIN_UNRELATED_CERT', `The certificate for this key, ${leaf.label}, is a self-signed root, so it has no chain; ${extra.length} more certificate(s) were given. Leave out --chain (and the other certificates) and import again.`);
      }
      const certificates = verifyStoredChain({ certificate: leaf.der, issuers: [], keySpki: spki, clock: now });
      result = { certificate: leaf.der, issuers: [], certificates, root: { subject: leaf.subject, fingerprint: certificateFingerprint(leaf.der), der: leaf.der }, selfSigned: true };
    } else {
      const bundle = Buffer.from(pool.map((c) => toPem(c.der, 'CERTIFICATE')).join(''));
      const r = await importChain({ input: bundle, ...(input.chain ? { rootInput: input.chain } : {}), keySpki: spki, clock: now });
      result = { certificate: r.certificate, issuers: r.issuers, certificates: r.certificates, root: { ...r.root, der: r.chain[r.chain.length - 1]! }, selfSigned: false };
    }
    await checkKeySigns(algorithm, k.pkcs8, spki);
    return { pkcs8: k.pkcs8, spki, keyId, algorithm, source: k.source, ...result };
  } catch (e) {
    k.pkcs8.fill(0);
    throw e;
  }
}

/**
 * The certificate will sign certificates here, so it must say it may (RFC 5280 4.2.1.9, 4.2.1.3): told in
 * the words of an import (the chain checks repeat this later in the words of a corporate chain).
 */
function assertUsableCaCertificate(leaf: CertificateFacts): void {
  const reissue = 'Reissue it with basicConstraints=critical,CA:TRUE and keyUsage=critical,keyCertSign,cRLSign (openssl req -x509 … -addext),; nothing was imported.';
  if (!leaf.basicConstraints?.ca) {
    throw new DomainError('CHAIN_NOT_CA', `The certificate for this key, ${leaf.label}, is not a CA certificate (basicConstraints CA:TRUE is ${leaf.basicConstraints ? 'false' : 'missing'}), so this vault cannot issue with it. ${reissue}`);
  }
  if (leaf.keyUsage === null || (leaf.keyUsage & KEY_USAGE.keyCertSign) === 0) {
    throw new DomainError('CHAIN_NO_KEYCERTSIGN', `The certificate for this key, ${leaf.label}, does not allow signing certificates (keyUsage ${leaf.keyUsage === null ? 'is absent' : 'lacks keyCertSign'}), so this vault cannot issue with it. ${reissue}`);
  }
}

function describeKey(spki: Uint8Array): string {
  const key = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
  const d = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'rsa') return `RSA with a ${d.modulusLength ?? '?'}-bit modulus`;
  if (key.asymmetricKeyType === 'ec') return `EC on the curve ${d.namedCurve ?? 'unknown'}`;
  return `of type ${key.asymmetricKeyType ?? 'unknown'}`;
}
