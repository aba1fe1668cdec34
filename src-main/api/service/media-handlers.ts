import { createPrivateKey, sign as nodeSign } from 'node:crypto';
import { resolve } from 'node:path';
import { buildBundle } from '../../core/keys/bundle-builder.ts';
import { buildTrustAnchor, serializeTrustAnchor } from '../../core/keys/trust-anchor.ts';
import { DomainError, isDomainError } from '../../core/errors.ts';
import { crlToPem } from '../../core/issuance/crl-encoder.ts';
import { generateCrl } from '../../core/issuance/crl-publication.ts';
import { detectRemovableMedia } from '../../core/media/detect.ts';
import { writeExportPackage, type ExportFile, type ExportResult } from '../../core/media/export-package.ts';
import { pinnedKeyIds, verifyExportPackage } from '../../core/media/export-verify.ts';
import { readRequestFolder } from '../../core/media/untrusted-input.ts';
import { ALGORITHMS } from '../../core/pki/algorithms.ts';
import type { CrlRecord } from '../../core/store/certificate-store.ts';
import type { ExportView, mediaOps } from '../contract/media.ts';
import type { VaultContext } from './context.ts';
import type { HandlersFor } from './handler.ts';
import { crlStatus } from './key-views.ts';
import { recordFailure } from '../../core/fs/recorded-output.ts';

interface PackageContents {
  files: ExportFile[];
  /** CRLs made for this export: stored in the vault only once the package is written and verified. */
  newCrls: CrlRecord[];
  crls: ExportView['crls'];
  activeKeyId: string;
  keys: Array<{ id: string; name: string; state: string }>;
}

/**
 * What goes on the medium: the trust bundle, trust-anchor.json, and every
 * issuer's latest CRL — regenerated when it is due, expired or missing for an
 * active or trusted key; a retired key's final CRL travels as it is.
 */
function packageContents(ctx: VaultContext): PackageContents {
  const { keys, certs } = ctx.stores;
  const active = keys.active();
  if (!active) throw new DomainError('NO_ACTIVE_KEY', 'There is no active signing key to sign the package with. Activate a key first.');
  const bundle = buildBundle(keys);
  const all = keys.list();
  const anchor = buildTrustAnchor(
    all.map((k) => ({ id: k.id, state: k.state, trustedUntil: k.trustedUntil ? new Date(k.trustedUntil) : undefined, certificate: k.certificate, chain: k.chain, algorithm: k.algorithm })),
  );
  const files: ExportFile[] = [
    { name: 'trust-bundle.pem', bytes: Buffer.from(bundle.pem, 'utf8') },
    { name: 'trust-anchor.json', bytes: serializeTrustAnchor(anchor) },
  ];
  const newCrls: CrlRecord[] = [];
  const crls: ExportView['crls'] = [];
  const now = ctx.clock.now();
  for (const k of all) {
    if (k.state === 'draft' || !k.certificate) continue;
    const status = crlStatus(certs, k.id, now).status;
    let record = certs.lastCrl(k.id);
    let regenerated = false;
    if (k.state !== 'retired' && status !== 'ok') {
      const made = generateCrl({ keys, certs, now: ctx.clock.now() }, k, ctx.settings().crlValidityDays);
      record = { issuerKeyId: k.id, number: made.record.number, thisUpdate: made.record.thisUpdate, nextUpdate: made.record.nextUpdate, entries: made.record.entries, der: made.der };
      newCrls.push(record);
      regenerated = true;
    }
    if (!record) continue;
    const prefix = k.id.slice('sha256:'.length, 'sha256:'.length + 16);
    files.push({ name: `crl/${prefix}.crl`, bytes: record.der }, { name: `crl/${prefix}.crl.pem`, bytes: Buffer.from(crlToPem(record.der), 'utf8') });
    crls.push({ issuerKeyId: k.id, number: record.number, nextUpdate: record.nextUpdate, regenerated });
  }
  return { files, newCrls, crls, activeKeyId: active.id, keys: bundle.keys };
}

export const mediaHandlers: HandlersFor<keyof typeof mediaOps> = {
  'media.list': async (_i, ctx) => {
    const r = await detectRemovableMedia(ctx.mediaDeps);
    return { media: r.media, problems: r.problems };
  },

  'media.readRequests': async (input) => {
    const r = await readRequestFolder(resolve(input.dir), { accept: ['csr'] });
    return {
      dir: r.dir,
      files: r.files.map((f) => (f.ok ? { name: f.name, ok: true, kind: f.file.kind, code: null, message: null } : { name: f.name, ok: false, kind: null, code: f.code, message: f.message })),
    };
  },

  'export.preview': (_i, ctx) => {
    const c = packageContents(ctx);
    return {
      files: c.files.map((f) => ({ name: f.name, size: f.bytes.length })),
      keys: c.keys,
      crls: c.crls.map((x) => ({ issuerKeyId: x.issuerKeyId, willRegenerate: x.regenerated, nextUpdate: x.nextUpdate })),
      totalBytes: c.files.reduce((n, f) => n + f.bytes.length, 0),
    };
  },

  'export.media': async (input, ctx) => {
    const v = ctx.vault;
    const actor = ctx.actor;
    const { keys, certs } = ctx.stores;
    const mediaRoot = resolve(input.to);
    try {
      const c = packageContents(ctx);
      const active = keys.get(c.activeKeyId)!;
      const digest = ALGORITHMS[active.algorithm].nodeDigest;
      // Recorded (new CRLs, the export log, export.written) after the package verifies and before it is
      // complete on the medium: a package a receiver would accept is always one the vault recorded.
      const record = (result: ExportResult): void =>
        v.transaction(() => {
          for (const crl of c.newCrls) certs.storeCrl(crl);
          ctx.stores.exportLog.record({ at: ctx.clock.now().toISOString(), medium: mediaRoot, folder: result.dir, manifestSha256: result.manifestSha256 });
          v.audit.append({
            actor,
            action: 'export.written',
            details: { dir: result.dir, manifestSha256: result.manifestSha256, signingKeyId: active.id, files: result.files.length, bytes: result.totalBytes, crls: c.crls.map((x) => ({ issuerKeyId: x.issuerKeyId, number: x.number, regenerated: x.regenerated })) },
          });
        });
      const result = await writeExportPackage({
        mediaRoot,
        vaultId: v.id,
        actor,
        signingKeyId: active.id,
        createdAt: ctx.clock.now(),
        files: c.files,
        auditHead: v.audit.head(),
        sign: async (manifest) => {
          const pkcs8 = keys.unwrapPrivateKey(active.id);
          try {
            return nodeSign(digest, manifest, createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }));
          } finally {
            pkcs8.fill(0);
          }
        },
        onProgress: (p) => ctx.progress({ operation: 'export.media', done: p.filesDone, total: p.filesTotal, item: p.file ?? p.phase }),
        record,
      });
      return { dir: result.dir, folderName: result.folderName, manifestSha256: result.manifestSha256, signingKeyId: active.id, files: result.files, totalBytes: result.totalBytes, crls: c.crls };
    } catch (e) {
      // The vault stays as it was, except for an honest record that the export failed.
      const code = isDomainError(e) ? e.code : 'INTERNAL';
      recordFailure(e, 'export.failed', () => v.transaction(() => v.audit.append({ actor, action: 'export.failed', details: { to: mediaRoot, code, message: isDomainError(e) ? e.message : 'internal error' } })));
    }
  },

  'export.verify': async (input) => {
    const trusted = await pinnedKeyIds({ trustAnchorPath: input.trustAnchor === undefined ? undefined : resolve(input.trustAnchor), keyIds: input.keyIds });
    const r = await verifyExportPackage(resolve(input.dir), trusted === undefined ? {} : { trustedKeyIds: trusted });
    const signer = r.manifest?.signing_key_id ?? null;
    const signerNotPinned = trusted !== undefined && signer !== null && !trusted.includes(signer);
    return {
      pinned: trusted !== undefined,
      trustedKeyIds: trusted ?? [],
      code: r.ok ? null : signerNotPinned ? 'EXPORT_SIGNER_NOT_PINNED' : 'EXPORT_VERIFY_FAILED',
      ok: r.ok,
      dir: r.dir,
      problems: r.problems,
      manifestSha256: r.manifestSha256,
      signingKeyId: r.manifest?.signing_key_id ?? null,
      created: r.manifest?.created ?? null,
      files: r.manifest?.files.length ?? 0,
    };
  },

  'export.last': (_i, ctx) => ctx.stores.exportLog.last(),
};
