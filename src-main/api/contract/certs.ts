import { z } from 'zod';
import { REASON_NAMES, type ReasonName } from '../../core/issuance/revocation-reasons.ts';
import { PROFILE_NAMES, type ProfileName } from '../../core/issuance/profile-names.ts';
import type { CertificateSummary, CertStatus } from '../../core/store/certificate-summary.ts';
import { empty, filePath, op } from './common.ts';
import { fileSource } from './keys.ts';

export type { CertStatus, ProfileName, ReasonName };

export interface ProfileView {
  name: ProfileName;
  description: string;
  defaultDays: number;
  maxDays: number;
  ca: boolean;
  sanRequired: boolean;
  extendedKeyUsage: string[];
}

/** A certificate as lists show it: the store's summary (core/store/certificate-summary.ts) and its status now. */
export interface CertView extends CertificateSummary {
  status: CertStatus;
}

export interface CertDetailView extends CertView {
  pem: string;
  issuerName: string | null;
}

export interface BatchItemResult {
  file: string;
  ok: boolean;
  serial: string | null;
  out: string | null;
  code: string | null;
  message: string | null;
}

export interface BatchResult {
  issued: number;
  failed: number;
  results: BatchItemResult[];
  /** The --bundle-out file (every certificate of the batch in one PEM file), when asked for and anything was issued. */
  bundle: string | null;
  seconds: number;
}

/** One request of a renewal batch (`cert renew-batch`), as its report lists it. */
export interface RenewalLineView {
  file: string;
  status: 'issued' | 'already-issued' | 'refused';
  /** The agent's certificate being renewed, once known. */
  agentSerial: string | null;
  /** The certificate issued for the request (in this batch, or before for a replay). */
  newSerial: string | null;
  code: string | null;
  message: string | null;
  /** The certificate file, when written or already there. */
  out: string | null;
}

export interface RenewalBatchResult {
  ca: string;
  issuerKeyId: string;
  counts: { received: number; validated: number; issued: number; alreadyIssued: number; refused: number; refusedByCode: Record<string, number> };
  requests: RenewalLineView[];
  /** Serials revoked as superseded (--supersede). */
  superseded: string[];
  /** Files in the folder that are not renewal requests: plain certificate requests (for cert issue-batch), certificates and reports of earlier batches. */
  skipped: string[];
  report: { json: string; csv: string };
  seconds: number;
}

export interface CrlResult {
  issuerKeyId: string;
  number: number;
  thisUpdate: string;
  nextUpdate: string;
  entries: number;
  file: string | null;
  bytes: number;
}

/** `cert.import`: one outcome per file of the folder, in name order. */
export interface CertImportResult {
  issuerKeyId: string;
  imported: number;
  refused: number;
  results: Array<{ file: string; ok: boolean; serial: string | null; code: string | null; message: string | null }>;
}

/** `crl.import`: the CRL recorded as the key's last one, and the revocations it brought. */
export interface CrlImportResult {
  issuerKeyId: string;
  number: number;
  thisUpdate: string;
  nextUpdate: string;
  entries: number;
  /** Revocations recorded from the CRL's entries; those the vault had already are counted apart. */
  revoked: number;
  alreadyRevoked: number;
}

const reason = z.enum(REASON_NAMES as [string, ...string[]]);
const serial = z.string().trim().regex(/^(0x)?[0-9a-fA-F:]{1,80}$/, 'a serial number is hex digits, e.g. 5f3a09c1d2');
const keyRef = z.string().trim().min(1).max(200);
const keyId = z.string().regex(/^sha256:[0-9a-f]{64}$/, 'a key id is sha256: and 64 lowercase hex digits');
/** The requests the officer ticked: a name in the folder read (no path) and the SHA-256 of the bytes shown. */
const chosenFiles = z
  .array(
    z.strictObject({
      name: z.string().min(1).max(1024).refine((n) => !n.split('/').includes('..') && !n.startsWith('/') && !n.includes('\\'), 'a file name inside the folder read, without ".." or a leading "/"'),
      sha256: z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 is 64 lowercase hex digits'),
    }),
  )
  .min(1, 'tick at least one request')
  .max(1_000_000)
  .refine((fs) => new Set(fs.map((f) => f.name)).size === fs.length, 'each file at most once')
  .optional();

export const certOps = {
  'cert.profiles': op<ProfileView[]>()(empty, { mutates: false, needsUnlock: false }),
  'cert.issue': op<CertDetailView & { out: string | null; truncated: boolean }>()(
    z.strictObject({
      source: fileSource,
      out: filePath.optional(),
      profile: z.enum(PROFILE_NAMES).default('agent'),
      days: z.number().int().min(1).max(36500).optional(),
      truncate: z.boolean().default(false),
      pathLength: z.number().int().min(0).max(16).optional(),
    }),
    { mutates: true, needsUnlock: true, ca: 'one' },
  ),
  'cert.issueBatch': op<BatchResult>()(
    z.strictObject({
      inDir: filePath,
      outDir: filePath,
      bundleOut: filePath.optional(),
      profile: z.enum(PROFILE_NAMES).default('agent'),
      days: z.number().int().min(1).max(36500).optional(),
      truncate: z.boolean().default(false),
      /** Leave renewal requests (CMS) in the folder to cert.renewBatch instead of refusing them. */
      skipRenewals: z.boolean().default(false),
      /** Only these files of inDir (as media.readRequests named them), each still with that SHA-256; others are left unsigned. */
      files: chosenFiles,
      /** The key the officer was shown as the signer: refused (SIGNER_CHANGED) when the active key is another. */
      signingKeyId: keyId.optional(),
    }),
    { mutates: true, needsUnlock: true, ca: 'one' },
  ),
  'cert.renewBatch': op<RenewalBatchResult>()(
    z.strictObject({
      inDir: filePath,
      outDir: filePath,
      /** The JSON report (the CSV goes beside it, .csv); default renewal-report-<time>.json in outDir. */
      report: filePath.optional(),
      days: z.number().int().min(1).max(36500).optional(),
      supersede: z.boolean().default(false),
      /** Only these renewal requests of inDir, each still with that SHA-256 (as for cert.issueBatch). */
      files: chosenFiles,
      signingKeyId: keyId.optional(),
    }),
    { mutates: true, needsUnlock: true, ca: 'one' },
  ),
  'cert.list': op<{ items: CertView[]; total: number }>()(
    z.strictObject({
      issuer: keyRef.optional(),
      status: z.enum(['valid', 'revoked', 'expired']).optional(),
      search: z.string().max(200).optional(),
      limit: z.number().int().min(1).max(1_000_000).optional(),
      offset: z.number().int().min(0).optional(),
    }),
    { mutates: false, needsUnlock: true, ca: 'one' },
  ),
  'cert.show': op<CertDetailView & { out: string | null }>()(z.strictObject({ serial, out: filePath.optional() }), { mutates: false, needsUnlock: true, ca: 'one' }),
  'cert.revoke': op<CertView>()(z.strictObject({ serial, reason: reason.default('unspecified') }), { mutates: true, needsUnlock: true, ca: 'one' }),
  'cert.revokeAll': op<{ issuerKeyId: string; revoked: number }>()(z.strictObject({ issuer: keyRef, reason: reason.default('unspecified') }), { mutates: true, needsUnlock: true, ca: 'one' }),
  'cert.revokeList': op<{ revoked: string[]; alreadyRevoked: string[]; unknown: string[] }>()(
    z.strictObject({ path: filePath, reason: reason.default('unspecified') }),
    { mutates: true, needsUnlock: true, ca: 'one' },
  ),
  'cert.import': op<CertImportResult>()(
    z.strictObject({ issuer: keyRef, dir: filePath }),
    // One transaction with one cert.imported event when anything was imported; none when every file was refused.
    { mutates: { transactions: [0, 1] }, needsUnlock: true, ca: 'one' },
  ),
  'crl.import': op<CrlImportResult>()(z.strictObject({ issuer: keyRef, source: fileSource }), { mutates: true, needsUnlock: true, ca: 'one' }),
  'crl.generate': op<CrlResult>()(
    z.strictObject({
      issuer: keyRef.optional(),
      nextUpdateDays: z.number().int().min(1).max(366).optional(),
      out: filePath.optional(),
      format: z.enum(['der', 'pem']).default('der'),
    }),
    { mutates: true, needsUnlock: true, ca: 'one' },
  ),
} as const;
