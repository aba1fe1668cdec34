import { z } from 'zod';
import type { RemovableMedium } from '../../core/media/medium.ts';
import { empty, filePath, op } from './common.ts';

/** A removable medium as detection reports it: declared once in core/media/medium.ts. */
export type MediumView = RemovableMedium;

export interface ExportFileView {
  name: string;
  size: number;
  sha256: string;
}

export interface ExportView {
  dir: string;
  folderName: string;
  manifestSha256: string;
  signingKeyId: string;
  files: ExportFileView[];
  totalBytes: number;
  /** CRLs written to the package, and whether they were regenerated because they were due. */
  crls: Array<{ issuerKeyId: string; number: number; nextUpdate: string; regenerated: boolean }>;
}

export interface ExportPreview {
  files: Array<{ name: string; size: number }>;
  keys: Array<{ id: string; name: string; state: string }>;
  crls: Array<{ issuerKeyId: string; willRegenerate: boolean; nextUpdate: string | null }>;
  totalBytes: number;
}

export interface ExportVerifyView {
  ok: boolean;
  dir: string;
  problems: Array<{ file: string | null; message: string }>;
  manifestSha256: string | null;
  signingKeyId: string | null;
  created: string | null;
  files: number;
  /** True when the signer was checked against keys the receiver gave (--trust-anchor / --key-id); false: only the package's own consistency was checked. */
  pinned: boolean;
  /** The key ids the signer had to be one of (empty when not pinned). */
  trustedKeyIds: string[];
  /** Why it failed: EXPORT_SIGNER_NOT_PINNED when the signer is not one of trustedKeyIds, else EXPORT_VERIFY_FAILED; null when ok. */
  code: 'EXPORT_SIGNER_NOT_PINNED' | 'EXPORT_VERIFY_FAILED' | null;
}

export interface LastExportView {
  at: string;
  medium: string;
  folder: string;
  manifestSha256: string;
}

export interface RequestFolderView {
  dir: string;
  /** kind: `csr` for a plain request, `renewal` for a renewal request (CMS signed by the agent's certificate, checked only when renewed). */
  files: Array<{ name: string; ok: boolean; kind: string | null; code: string | null; message: string | null }>;
}

export const mediaOps = {
  'media.list': op<{ media: MediumView[]; problems: string[] }>()(empty, { mutates: false, needsUnlock: false }),
  'media.readRequests': op<RequestFolderView>()(z.strictObject({ dir: filePath }), { mutates: false, needsUnlock: true }),
  'export.preview': op<ExportPreview>()(empty, { mutates: false, needsUnlock: true, ca: 'one' }),
  'export.media': op<ExportView>()(z.strictObject({ to: filePath }), { mutates: true, needsUnlock: true, ca: 'one' }),
  'export.verify': op<ExportVerifyView>()(
    z.strictObject({
      dir: filePath,
      /** A trust-anchor.json the receiver already trusts: the manifest must be signed by one of its active or trusted keys. */
      trustAnchor: filePath.optional(),
      /** Key ids ("sha256:…") the manifest may be signed by. */
      keyIds: z.array(z.string().trim().max(100)).max(100).optional(),
    }),
    { mutates: false, needsUnlock: false },
  ),
  'export.last': op<LastExportView | null>()(empty, { mutates: false, needsUnlock: true, ca: 'oneOrAll' }),
} as const;
