/**
 * One item of a batch, shared by the worker threads and the main thread:
 * issue it, or record why not, so one failure never stops the others.
 */
import { isDomainError } from '../errors.ts';
import { parseVerifiedCsr } from './csr-intake.ts';
import type { ErrorCode } from '../errors.ts';
import type { IssuedCertificate, Issuer, IssuerInit } from './issuer.ts';
import type { SignerSpec } from '../signing/signer.ts';
import type { MessagePort } from 'node:worker_threads';

export interface BatchItem {
  /** The caller's name for the request (its file name, say). */
  readonly id: string;
  readonly csr: Uint8Array;
  /**
   * `csr` is the `der` of a request this batch verified already (parseAndVerifyCsr on a worker: a renewal
   * request's precheck): parsed and checked again, its proof of possession not verified a second time.
   */
  readonly csrVerified?: boolean;
  /** This request's own profile and validity (a renewal keeps the profile of the certificate it renews); else the batch's. */
  readonly settings?: { readonly profile: string; readonly days: number | undefined };
}

/** The cloneable part of the batch options (no callbacks). */
export interface BatchSettings {
  readonly profile: string;
  readonly days?: number | undefined;
  readonly now: Date;
  readonly truncateToIssuer?: boolean | undefined;
  readonly pathLen?: number | undefined;
}

export type BatchOutcome =
  | { readonly id: string; readonly ok: true; readonly certificate: IssuedCertificate }
  | { readonly id: string; readonly ok: false; readonly code: ErrorCode; readonly message: string };

export interface ChunkRequest {
  readonly index: number;
  readonly items: readonly BatchItem[];
}

export interface ChunkResult {
  readonly index: number;
  readonly outcomes: readonly BatchOutcome[];
}

/** What the issuance workers are sent (issuance-pool.ts), handled in order per worker. */
export type WorkerRequest =
  /** The issuer to sign the next chunks with (a worker opens its own signer from the spec). */
  | { readonly kind: 'setup'; readonly init: Omit<IssuerInit, 'privateKey'>; readonly signerSpec: SignerSpec; readonly settings: BatchSettings }
  | ({ readonly kind: 'issue' } & ChunkRequest)
  /**
   * Where to answer from now on: a port this thread reads synchronously, and a shared counter to bump (and
   * flag to set if the worker stops) so it can sleep until an answer comes (IssuancePool.runBlocking);
   * null: the parent port again.
   */
  | { readonly kind: 'reply-to'; readonly port: MessagePort | null; readonly signal: SharedArrayBuffer | null }
  /** Renewal requests' checks that need no vault (renewal-precheck.ts); answered with RenewalPrecheck outcomes. */
  | { readonly kind: 'check-renewals'; readonly index: number; readonly items: readonly Uint8Array[] };

export function issueOne(issuer: Issuer, item: BatchItem, s: BatchSettings, isSerialTaken?: (hex: string) => boolean): BatchOutcome {
  try {
    const certificate = issuer.issue({
      csr: item.csrVerified ? parseVerifiedCsr(item.csr) : item.csr,
      profile: item.settings?.profile ?? s.profile,
      days: item.settings ? item.settings.days : s.days,
      now: s.now,
      truncateToIssuer: s.truncateToIssuer,
      pathLen: s.pathLen,
      isSerialTaken,
    });
    return { id: item.id, ok: true, certificate };
  } catch (e) {
    if (isDomainError(e)) return { id: item.id, ok: false, code: e.code, message: e.message };
    return { id: item.id, ok: false, code: 'INTERNAL', message: 'Issuing this request failed unexpectedly.' };
  }
}
