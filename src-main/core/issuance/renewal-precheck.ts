/**
 * The checks of a renewal request that need no vault, run by the issuance
 * workers (batch-issuance-worker.ts) so that a batch's CMS and request
 * signatures are verified on every core: the CMS parses and its signature
 * verifies with the certificate it carries (check 1 of renewal-batch.ts),
 * and the request inside has proof of possession and passes the key policy
 * (check 5). renewal-batch.ts applies the outcomes in the checks' order, so
 * a request refused by a vault check (2 to 4) still gets that check's code.
 */
import { createHash } from 'node:crypto';
import { isDomainError, type ErrorCode } from '../errors.ts';
import { readSignedData } from './cms-signed-data.ts';
import { parseAndVerifyCsr } from './csr-intake.ts';
import type { SubjectAltNames } from './subject-alt-names.ts';

type Failure = { readonly ok: false; readonly code: ErrorCode; readonly message: string };

/** The inner request as the vault checks need it, or why check 5 refused it. */
export type PrecheckedCsr = { readonly ok: true; readonly der: Uint8Array; readonly subject: string; readonly sans: SubjectAltNames } | Failure;

/** Check 1's outcome: the CMS's certificates and the inner request's hash and check; or why the CMS was refused. */
export type RenewalPrecheck =
  | {
      readonly ok: true;
      readonly signerCertificate: Uint8Array;
      readonly otherCertificates: readonly Uint8Array[];
      /** SHA-256 (hex) of the inner request as signed: what a replay is recognised by. */
      readonly csrSha256: string;
      readonly csr: PrecheckedCsr;
    }
  | Failure;

function failure(e: unknown): Failure {
  if (isDomainError(e)) return { ok: false, code: e.code, message: e.message };
  return { ok: false, code: 'INTERNAL', message: 'Checking this renewal request failed unexpectedly.' };
}

export function precheckRenewal(bytes: Uint8Array): RenewalPrecheck {
  let signed;
  try {
    signed = readSignedData(bytes);
  } catch (e) {
    return failure(e);
  }
  const csrSha256 = createHash('sha256').update(signed.content).digest('hex');
  let csr: PrecheckedCsr;
  try {
    const parsed = parseAndVerifyCsr(signed.content);
    csr = { ok: true, der: parsed.der, subject: parsed.subject, sans: parsed.sans };
  } catch (e) {
    csr = failure(e);
  }
  return { ok: true, signerCertificate: signed.signerCertificate, otherCertificates: signed.otherCertificates, csrSha256, csr };
}
