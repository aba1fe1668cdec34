/**
 * Health of one signing key, as plain data for "key list/show" and the UI:
 * can the vault's private key still sign, does everything stored belong
 * together, is the chain valid now, how long until the certificate expires.
 * Never throws for a sick key - every fault is a sentence in `problems`.
 */
import type { TokenKeyCheck } from '../token/token-health.ts';
import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock.ts';
import { DAY_MS } from '../clock.ts';
import type { KeyAlgorithm } from '../pki/algorithms.ts';
import { subtleCrypto } from '../pki/webcrypto.ts';
import { isDomainError } from '../errors.ts';
import type { KeyState } from './key-state.ts';
import { bytesEqual } from '../asn1/bytes.ts';
import { importSigningKey, importVerifyKey, signingParams, spkiOfPrivateKey } from './key-material.ts';
import { keyIdOf } from '../asn1/key-id.ts';
import { readCertificateFacts } from '../asn1/certificate-reader.ts';
import type { CertificateFacts } from '../asn1/certificate-reader.ts';
import { verifyOrderedChain } from './chain-verify.ts';

/** Below this many days to NotAfter an active or trusted key gets a warning to plan its rotation. */
export const EXPIRY_WARNING_DAYS = 90;

export interface HealthInput {
  id: string;
  algorithm: KeyAlgorithm;
  state: KeyState;
  spki: Uint8Array;
  /**
   * Unwraps the PKCS#8 from the vault. Called once; a throw is reported as
   * a problem. The bytes it returns are zeroed after the check.
   */
  unwrapPrivateKey: () => Promise<Uint8Array> | Uint8Array;
  /** For a key on a token, instead of unwrapping: the token check (core/token/token-health.ts). */
  tokenCheck?: (() => TokenKeyCheck) | undefined;
  certificate: Uint8Array | null;
  /** Issuers above the certificate, nearest first, up to the root; empty for a standalone root. */
  chain: readonly Uint8Array[];
  clock: Clock;
}

export interface KeyHealth {
  keyId: string;
  /** No problems (warnings allowed). */
  healthy: boolean;
  /** The private key unwrapped, imported, signed a test message and the signature verified with the stored public key. */
  privateKeyUsable: boolean;
  /** The private key belongs to the stored public key, and the key id is the public key's hash. */
  publicKeyMatches: boolean;
  /** The certificate certifies this key; null without a certificate. */
  certificateMatchesKey: boolean | null;
  /** The chain up to the root is valid now; null without a certificate. */
  chainValidNow: boolean | null;
  /** ISO 8601 UTC; null without a certificate. */
  notAfter: string | null;
  /** Whole days from now to NotAfter (negative once expired); null without a certificate. */
  daysToNotAfter: number | null;
  problems: string[];
  warnings: string[];
}

async function checkPrivateKey(input: HealthInput, problems: string[], warnings: string[]): Promise<{ usable: boolean; matches: boolean }> {
  if (input.tokenCheck) {
    const t = input.tokenCheck();
    // Without the PIN the signature cannot be tried: a warning, not a fault of the key.
    if (t.status === 'UNCHECKED') warnings.push(t.message);
    else if (t.status !== 'OK') problems.push(`${t.message} [${t.status}]`);
    return { usable: t.signs, matches: t.status === 'OK' || t.status === 'UNCHECKED' };
  }
  let pkcs8: Uint8Array;
  try {
    pkcs8 = await input.unwrapPrivateKey();
  } catch {
    problems.push('The private key could not be unwrapped from the vault: its wrapped copy is damaged or the vault key is wrong. Do not activate this key; restore the vault from a backup.');
    return { usable: false, matches: false };
  }
  try {
    let matches = false;
    try {
      matches = bytesEqual(spkiOfPrivateKey(pkcs8), input.spki);
    } catch {
      matches = false;
    }
    if (!matches) problems.push('The private key in the vault does not belong to this key\'s public key. Certificates it signed would not verify; do not use this key.');
    let usable = false;
    try {
      const signer = await importSigningKey(input.algorithm, pkcs8);
      const verifier = await importVerifyKey(input.algorithm, input.spki);
      const message = new Uint8Array(randomBytes(32));
      const params = signingParams(input.algorithm);
      const signature = await subtleCrypto.subtle.sign(params, signer, message);
      usable = await subtleCrypto.subtle.verify(params, verifier, signature, message);
    } catch {
      usable = false;
    }
    if (!usable && matches) problems.push(`The private key does not produce valid ${input.algorithm} signatures. Do not use this key.`);
    else if (!usable) problems.push(`The private key cannot sign as ${input.algorithm}.`);
    return { usable, matches };
  } finally {
    pkcs8.fill(0);
  }
}

/** Check one key. Never throws for a faulty key; every fault is in `problems`. */
export async function checkKeyHealth(input: HealthInput): Promise<KeyHealth> {
  const now = input.clock.now();
  const problems: string[] = [];
  const warnings: string[] = [];
  if (keyIdOf(input.spki) !== input.id) {
    problems.push('The key id does not match the stored public key; the key record is damaged.');
  }
  const pk = await checkPrivateKey(input, problems, warnings);
  const result: KeyHealth = {
    keyId: input.id,
    healthy: false,
    privateKeyUsable: pk.usable,
    publicKeyMatches: pk.matches && keyIdOf(input.spki) === input.id,
    certificateMatchesKey: null,
    chainValidNow: null,
    notAfter: null,
    daysToNotAfter: null,
    problems,
    warnings,
  };
  if (!input.certificate) {
    if (input.state === 'draft') warnings.push('No certificate yet: self-sign it as a standalone root, or export a request for the corporate CA and import the signed chain.');
    else problems.push(`The key is ${input.state} but has no certificate; the key record is damaged.`);
  } else {
    let path: CertificateFacts[] | null = null;
    try {
      path = [readCertificateFacts(input.certificate, 'this key\'s certificate'), ...input.chain.map((d, i) => readCertificateFacts(d, `chain certificate ${i + 2}`))];
    } catch (e) {
      problems.push(`A stored certificate is unreadable: ${isDomainError(e) ? e.message : 'damaged'}`);
      result.chainValidNow = false;
    }
    if (path) {
      const own = path[0] as CertificateFacts;
      result.certificateMatchesKey = bytesEqual(own.spki, input.spki);
      if (!result.certificateMatchesKey) problems.push(`The certificate (${own.subject}) certifies another key; the key record is damaged.`);
      result.notAfter = own.notAfter.toISOString();
      result.daysToNotAfter = Math.floor((own.notAfter.getTime() - now.getTime()) / DAY_MS);
      try {
        verifyOrderedChain(path, now);
        result.chainValidNow = true;
      } catch (e) {
        result.chainValidNow = false;
        problems.push(`The certificate chain is not valid now. ${isDomainError(e) ? e.message : 'It could not be checked.'}`);
      }
      if ((input.state === 'active' || input.state === 'trusted') && result.daysToNotAfter >= 0 && result.daysToNotAfter < EXPIRY_WARNING_DAYS) {
        warnings.push(`The certificate expires in ${result.daysToNotAfter} day${result.daysToNotAfter === 1 ? '' : 's'} (${result.notAfter}): plan a rotation to a new key before then.`);
      }
    }
  }
  result.healthy = problems.length === 0;
  return result;
}
