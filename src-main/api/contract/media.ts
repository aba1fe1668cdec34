import { z } from 'zod';
import type { MediumIdentity, RemovableMedium } from '../../core/media/medium.ts';
import type { CaVerdict, ExportProblem, ExportVerifyCode } from '../../core/media/package-verdict.ts';
import { caName, empty, filePath, op } from './common.ts';

/** A removable medium as detection reports it: declared once in core/media/medium.ts. */
export type MediumView = RemovableMedium;

export interface ExportFileView {
  name: string;
  size: number;
  sha256: string;
}

/** One CA of a written package: its folder ('' when the package holds only it: its files are at the top) and its signer. */
export interface ExportCaView {
  id: string;
  name: string;
  folder: string;
  signingKeyId: string;
  crls: Array<{ issuerKeyId: string; number: number; nextUpdate: string; regenerated: boolean }>;
  /** The package carries this CA's emergency files (EMERGENCY.json …): its latest emergency rotation had not been exported yet. */
  emergency: boolean;
}

export interface ExportView {
  dir: string;
  folderName: string;
  manifestSha256: string;
  /** The signer of the package's first CA (of its only one, for a package of one CA); every CA's is in `cas`. */
  signingKeyId: string;
  files: ExportFileView[];
  totalBytes: number;
  /** CRLs written to the package (of every CA in it), and whether they were regenerated because they were due. */
  crls: Array<{ issuerKeyId: string; number: number; nextUpdate: string; regenerated: boolean }>;
  /** 1: one CA, today's layout at the top; 2: several CAs, a folder each and one manifest they co-sign. */
  formatVersion: 1 | 2;
  cas: ExportCaView[];
  /** CAs of the vault left out because they have no active key (only when no CA was named). */
  skipped: Array<{ ca: string; reason: string }>;
}

export interface ExportPreview {
  /** size null: a CRL the write signs first (regenerated, or a pre-signed set signed again); the preview signs nothing. */
  files: Array<{ name: string; size: number | null }>;
  keys: Array<{ id: string; name: string; state: string }>;
  crls: Array<{ issuerKeyId: string; willRegenerate: boolean; nextUpdate: string | null }>;
  totalBytes: number;
  formatVersion: 1 | 2;
  cas: Array<{ id: string; name: string; folder: string; signingKeyId: string; emergency: boolean }>;
  skipped: Array<{ ca: string; reason: string }>;
}

/** The emergency files of a CA written on their own (`export emergency`). */
export interface EmergencyExportView {
  dir: string;
  folderName: string;
  manifestSha256: string;
  signingKeyId: string;
  files: ExportFileView[];
  compromisedKeyId: string;
  compromisedAt: string;
  reissue: number;
  /** Whether a revocation request for the CA that certified the compromised key is among the files (it was a sub-CA). */
  revocationRequest: boolean;
}

/** The verdicts of a package check: declared once in core/media/package-verdict.ts. */
export type { ExportVerifyCode };
export type ExportVerifyCaView = CaVerdict;

export interface ExportVerifyView {
  ok: boolean;
  dir: string;
  problems: ExportProblem[];
  manifestSha256: string | null;
  /** The signer of a package of one CA; null for several CAs (see `cas`) or an unreadable manifest. */
  signingKeyId: string | null;
  created: string | null;
  files: number;
  /** True when the signer was checked against keys the receiver gave (--trust-anchor / --key-id); false: only the package's own consistency was checked. */
  pinned: boolean;
  /** The key ids the signer had to be one of (empty when not pinned). */
  trustedKeyIds: string[];
  /**
   * Why it failed, null when ok: EXPORT_CA_MISSING (a CA of the manifest, or one asked for, is not there), EXPORT_SIGNER_WRONG_CA
   * (a CA's part is signed by another CA's key), EXPORT_FILE_MISPLACED (a file of one CA in another's folder),
   * EXPORT_SIGNER_NOT_PINNED (a signer is not one of trustedKeyIds), else EXPORT_VERIFY_FAILED.
   */
  code: ExportVerifyCode | null;
  /** 1 or 2 (see ExportView.formatVersion); null when the manifest could not be read. */
  formatVersion: number | null;
  /** One verdict per CA of the package. */
  cas: ExportVerifyCaView[];
}

export interface LastExportView {
  at: string;
  medium: string;
  folder: string;
  manifestSha256: string;
}

/** What the platform said about the medium a package went on (core/media/medium-identity.ts); null fields are unknown, `note` says why. */
export type MediumIdentityView = MediumIdentity;

/** One package written to a medium, as the circulation record keeps it (migration 15). */
export interface CirculationExportView {
  /** The number to name it by (export collect). */
  id: number;
  /** export: `export media`; emergency: `export emergency`. */
  kind: 'export' | 'emergency';
  at: string;
  actor: string;
  folder: string;
  manifestSha256: string;
  medium: MediumIdentityView;
  /** True while it is out in the field (neither collected nor destroyed). */
  out: boolean;
  withdrawn: 'collected' | 'destroyed' | null;
  withdrawnAt: string | null;
  withdrawnBy: string | null;
  withdrawnNote: string | null;
  /** The CAs it carries, each with its bundle version (null: unknown, written before the vault recorded it) and that bundle's keys. */
  cas: Array<{ caId: string; caName: string; bundleVersion: number | null; keys: Array<{ id: string; name: string; state: string; retiredReason: string | null; retiredAt: string | null }> }>;
  /** While out: `compromised` when it carries a key retired for compromise, `retired` when only routinely retired ones; else null. */
  risk: 'compromised' | 'retired' | null;
  /** The keys it carries that the vault has retired since (whatever `out` is). */
  untrustedKeys: Array<{ caId: string; caName: string; keyId: string; keyName: string; reason: 'compromise' | 'retired'; retiredAt: string | null }>;
}

export interface CirculationListView {
  /** Oldest first: those out in the field, or every one with `all`. */
  exports: CirculationExportView[];
  /** How many are out in the field. */
  out: number;
  /** How many of those carry a retired or compromised key. */
  atRisk: number;
}

/** A medium ejected through the platform (core/media/eject.ts): safe to remove. */
export interface EjectView {
  path: string;
  device: string | null;
  method: 'udisksctl' | 'fusermount' | 'umount' | 'diskutil' | 'windows-shell';
  poweredOff: boolean;
}

/** An extension a request asks for (core/issuance/request-preview.ts); the profile decides all but the SANs. */
export interface RequestedExtensionView {
  oid: string;
  /** RFC 5280 name (`basicConstraints`), or the OID when unknown. */
  name: string;
  critical: boolean;
  /** What it asks (`CA: yes, path length 0`, `digitalSignature, keyEncipherment`, `clientAuth`), or null. */
  detail: string | null;
}

/** What one request asks for: shown in a row before the officer ticks it. */
export interface RequestPreviewView {
  /** RFC 4514 (`CN=agent-7,O=Acme`); empty when named by SANs only. */
  subject: string;
  /** `DNS:…`, `IP:…`, `email:…`, `URI:…`. */
  sans: string[];
  key: { type: 'ec' | 'rsa' | 'ed25519'; curve: string | null; bits: number; label: string };
  extensions: RequestedExtensionView[];
  /** It asks for basicConstraints CA: yes; no batch profile signs it as a CA. */
  asksForCa: boolean;
}

export interface RequestFolderFileView {
  name: string;
  ok: boolean;
  /** `csr` for a plain request, `renewal` for a renewal request (CMS signed by the agent's certificate, checked only when renewed). */
  kind: 'csr' | 'renewal' | null;
  /** SHA-256 of the file's bytes (hex): what cert.issueBatch / cert.renewBatch `files` name it by. Null when unreadable. */
  sha256: string | null;
  /** What it asks for (for a renewal, the request inside it, its signature not yet checked); null when refused. */
  request: RequestPreviewView | null;
  code: string | null;
  message: string | null;
}

export interface RequestFolderView {
  dir: string;
  /** The key that would sign: the CA's active key, or null when it has none (then nothing can be issued). */
  signer: { keyId: string; name: string; algorithm: string; ca: string } | null;
  files: RequestFolderFileView[];
}

const packageCas = z.array(caName).min(1).max(100).optional();

export const mediaOps = {
  'media.list': op<{ media: MediumView[]; problems: string[] }>()(empty, { mutates: false, needsUnlock: false }),
  /** Unmount/eject the medium mounted at `path`; MEDIA_BUSY while something holds it. The vault is not touched. */
  'media.eject': op<EjectView>()(z.strictObject({ path: filePath }), { mutates: false, needsUnlock: false }),
  /** Each request of the folder read, checked and described (subject, SANs, key, requested extensions), with the CA's active key that would sign. */
  'media.readRequests': op<RequestFolderView>()(z.strictObject({ dir: filePath }), { mutates: false, needsUnlock: true, ca: 'one' }),
  // Which CAs a package carries: `cas` (names), or `ca` (one name, as the console names its selected CA); neither: every CA with an active key.
  'export.preview': op<ExportPreview>()(z.strictObject({ cas: packageCas, ca: caName.optional() }), { mutates: false, needsUnlock: true }),
  'export.media': op<ExportView>()(z.strictObject({ to: filePath, cas: packageCas, ca: caName.optional() }), { mutates: true, needsUnlock: true }),
  /** The CA's emergency files on their own, in a package folder of their own (not an export of the fleet's files: nothing is recorded as exported). */
  'export.emergency': op<EmergencyExportView>()(z.strictObject({ to: filePath }), { mutates: true, needsUnlock: true, ca: 'one' }),
  'export.verify': op<ExportVerifyView>()(
    z.strictObject({
      dir: filePath,
      /** A trust-anchor.json the receiver already trusts: the manifest must be signed by one of its active or trusted keys. */
      trustAnchor: filePath.optional(),
      /** Key ids ("sha256:…") the manifest may be signed by. */
      keyIds: z.array(z.string().trim().max(100)).max(100).optional(),
      /** The CAs (names or ids) the pins are for; each must be in the package. */
      cas: packageCas,
    }),
    { mutates: false, needsUnlock: false },
  ),
  'export.last': op<LastExportView | null>()(empty, { mutates: false, needsUnlock: true, ca: 'oneOrAll' }),
  /** The packages written to media (every CA): those out in the field, or with `all` every one. */
  'export.list': op<CirculationListView>()(z.strictObject({ all: z.boolean().optional() }), { mutates: false, needsUnlock: true }),
  /** Marks the medium of export `id` collected or destroyed (audited); refused when it already was. */
  'export.collect': op<CirculationExportView>()(
    z.strictObject({
      id: z.number().int().min(1, 'give the export number (see "export list")'),
      how: z.enum(['collected', 'destroyed']),
      note: z.string().trim().min(1).max(500).optional(),
    }),
    { mutates: true, needsUnlock: true },
  ),
} as const;
