import { looksLikeRenewalRequest } from '../../core/issuance/cms-signed-data.ts';
import { resolve } from 'node:path';
import { DomainError, isDomainError } from '../../core/errors.ts';
import { detectRemovableMedia } from '../../core/media/detect.ts';
import { ejectMedium } from '../../core/media/eject.ts';
import { writeExportPackage, type ExportResult } from '../../core/media/export-package.ts';
import { pinnedKeyIds, verifyExportPackage } from '../../core/media/export-verify.ts';
import { emergencyFiles } from '../../core/media/emergency-package.ts';
import { readRequestFolder } from '../../core/media/untrusted-input.ts';
import { fileSha256, previewRenewalRequest, previewRequest } from '../../core/issuance/request-preview.ts';
import { ExportLogStore } from '../../core/store/export-log-store.ts';
import { CrlScheduleStore } from '../../core/store/crl-schedule-store.ts';
import { CirculationStore, type MediaExportRecord } from '../../core/store/circulation-store.ts';
import { identifyMedium } from '../../core/media/medium-identity.ts';
import type { CirculationExportView, ExportCaView, mediaOps } from '../contract/media.ts';
import type { VaultContext } from './context.ts';
import { recordPartBundle, assemblePackage, caPackageFiles, crlFiles, emergencyFactsOf, manifestSigner, packageCas, type AssembledPackage, type CaPackagePart } from './export-contents.ts';
import type { HandlersFor } from './handler.ts';
import { recordFailure } from '../../core/fs/recorded-output.ts';

/** The package for the CAs asked for (`cas`, or `ca`; neither: every CA with an active key). */
function packageFor(ctx: VaultContext, input: { cas?: string[] | undefined; ca?: string | undefined }, opts: { preview?: boolean } = {}): AssembledPackage & { skipped: Array<{ ca: string; reason: string }> } {
  const names = [...(input.cas ?? []), ...(input.ca === undefined ? [] : [input.ca])];
  const { cas, skipped } = packageCas(ctx, names);
  return { ...assemblePackage(ctx, cas.map((ca) => caPackageFiles(ctx, ca, opts))), skipped };
}

/** The CA's part of a circulation record: its bundle version and the keys that bundle holds, by the names they have now. */
function carried(p: CaPackagePart): { caId: string; bundleVersion: number; keys: Array<{ id: string; name: string }> } {
  const names = new Map(p.keys.map((k) => [k.id, k.name]));
  return { caId: p.ca.id, bundleVersion: p.bundle.version, keys: p.bundle.keyIds.map((id) => ({ id, name: names.get(id) ?? p.stores.keys.get(id)?.name ?? id })) };
}

/** A record as the api shows it: whether the medium is still out, and the keys on it the vault no longer trusts. */
export function circulationView(r: MediaExportRecord): CirculationExportView {
  const untrusted = r.cas.flatMap((c) =>
    c.keys
      .filter((k) => k.state === 'retired')
      .map((k) => ({ caId: c.caId, caName: c.caName, keyId: k.id, keyName: k.name, reason: k.retiredReason === 'compromise' ? ('compromise' as const) : ('retired' as const), retiredAt: k.retiredAt })),
  );
  return {
    ...r,
    out: r.withdrawn === null,
    risk: r.withdrawn !== null ? null : untrusted.some((u) => u.reason === 'compromise') ? 'compromised' : untrusted.length > 0 ? 'retired' : null,
    untrustedKeys: untrusted,
  };
}

function caViews(pkg: AssembledPackage): ExportCaView[] {
  return pkg.parts.map((p) => ({ id: p.ca.id, name: p.ca.name, folder: pkg.folders.get(p.ca.id) ?? '', signingKeyId: p.active.id, crls: p.crls, emergency: p.emergency !== null }));
}

export const mediaHandlers: HandlersFor<keyof typeof mediaOps> = {
  'media.list': async (_i, ctx) => {
    const r = await detectRemovableMedia(ctx.mediaDeps);
    return { media: r.media, problems: r.problems };
  },

  'media.eject': async (input, ctx) => await ejectMedium(input.path, ctx.ejectDeps),

  'media.readRequests': async (input, ctx) => {
    // Renewal requests (CMS around a CSR) are recognised among the plain requests; any other PKCS #7 is refused as before.
    // Each request is parsed and verified here, so the row the officer ticks shows what would be signed.
    const r = await readRequestFolder(resolve(input.dir), { accept: ['csr', 'pkcs7'], blocking: ctx.blockingHost });
    const active = ctx.stores.keys.active();
    const refused = (name: string, code: string, message: string) => ({ name, ok: false, kind: null, sha256: null, request: null, code, message });
    return {
      dir: r.dir,
      signer: active?.certificate ? { keyId: active.id, name: active.name, algorithm: active.algorithm, ca: ctx.ca?.name ?? '' } : null,
      files: r.files.map((f) => {
        if (!f.ok) return refused(f.name, f.code, f.message);
        const sha256 = fileSha256(f.file.bytes);
        const renewal = f.file.kind === 'pkcs7';
        if (renewal && !looksLikeRenewalRequest(f.file)) return refused(f.name, 'FILE_TYPE_UNKNOWN', `${f.name} is a PKCS#7 bundle, but a certificate request (CSR) or a renewal request was expected here.`);
        try {
          const request = renewal ? previewRenewalRequest(f.file.ders[0]!) : previewRequest(f.file.bytes);
          return { name: f.name, ok: true, kind: renewal ? ('renewal' as const) : ('csr' as const), sha256, request, code: null, message: null };
        } catch (e) {
          if (!isDomainError(e)) throw e;
          return refused(f.name, e.code, `${f.name}${renewal ? ' (the request inside this renewal)' : ''}: ${e.message}`);
        }
      }),
    };
  },

  'export.preview': (input, ctx) => {
    // Signs nothing: a CRL the write would sign first (regenerated, or a stale pre-signed set) is listed by name, its size null.
    const pkg = packageFor(ctx, input, { preview: true });
    return {
      files: [...pkg.files.map((f) => ({ name: f.name, size: f.bytes.length as number | null })), ...pkg.unsigned.map((name) => ({ name, size: null }))],
      keys: pkg.parts.flatMap((p) => p.keys),
      crls: pkg.parts.flatMap((p) => p.crls.map((x) => ({ issuerKeyId: x.issuerKeyId, willRegenerate: x.regenerated, nextUpdate: x.nextUpdate }))),
      totalBytes: pkg.files.reduce((n, f) => n + f.bytes.length, 0),
      formatVersion: pkg.parts.length === 1 ? 1 : 2,
      cas: caViews(pkg).map((c) => ({ id: c.id, name: c.name, folder: c.folder, signingKeyId: c.signingKeyId, emergency: c.emergency })),
      skipped: pkg.skipped,
    };
  },

  'export.media': async (input, ctx) => {
    const v = ctx.vault;
    const actor = ctx.actor;
    const mediaRoot = resolve(input.to);
    try {
      const pkg = packageFor(ctx, input);
      const medium = await identifyMedium(mediaRoot, ctx.mediaDeps);
      const cas = caViews(pkg);
      const crls = pkg.parts.flatMap((p) => p.crls);
      const one = pkg.parts.length === 1 ? pkg.parts[0]! : null;
      // Recorded (new CRLs, schedules, the export log, export.written) after the package verifies and before it
      // is complete on the medium: a package a receiver would accept is always one the vault recorded.
      const record = (result: ExportResult): void =>
        v.transaction(() => {
          // One row per CA: each CA's last export (and whether its emergency rotation went out) is its own.
          for (const p of pkg.parts) {
            for (const crl of p.newCrls) p.stores.certs.storeCrl(crl);
            recordPartBundle(p, ctx.clock.now());
            for (const sched of p.newSchedules) new CrlScheduleStore(v.db).insert(sched);
            new ExportLogStore(v, p.ca.id).record({ at: ctx.clock.now().toISOString(), medium: mediaRoot, folder: result.dir, manifestSha256: result.manifestSha256 });
          }
          const circulationId = new CirculationStore(v.db).record({ kind: 'export', at: ctx.clock.now().toISOString(), actor, folder: result.dir, manifestSha256: result.manifestSha256, medium, cas: pkg.parts.map(carried) });
          v.audit.append({
            actor,
            action: 'export.written',
            details: {
              ...(one ? { ca: one.ca.name } : { cas: cas.map((c) => ({ ca: c.name, folder: c.folder, signingKeyId: c.signingKeyId })) }),
              dir: result.dir,
              manifestSha256: result.manifestSha256,
              signingKeyId: cas[0]!.signingKeyId,
              files: result.files.length,
              bytes: result.totalBytes,
              crls: crls.map((x) => ({ issuerKeyId: x.issuerKeyId, number: x.number, regenerated: x.regenerated })),
              emergency: cas.filter((c) => c.emergency).map((c) => c.name),
              presignedAgain: pkg.parts.flatMap((p) => p.newSchedules.map((sched) => ({ issuerKeyId: sched.issuerKeyId, numbers: sched.crls.map((x) => x.number) }))),
              circulation: { id: circulationId, label: medium.label, uuid: medium.uuid, serial: medium.serial, bundles: pkg.parts.map((p) => ({ ca: p.ca.name, version: p.bundle.version })) },
            },
          });
        });
      const result = await writeExportPackage({
        mediaRoot,
        vaultId: v.id,
        actor,
        createdAt: ctx.clock.now(),
        files: pkg.files,
        ...pkg.signing,
        auditHead: v.audit.head(),
        bundle: pkg.bundle,
        onProgress: (p) => ctx.progress({ operation: 'export.media', done: p.filesDone, total: p.filesTotal, item: p.file ?? p.phase }),
        record,
      });
      return { dir: result.dir, folderName: result.folderName, manifestSha256: result.manifestSha256, signingKeyId: cas[0]!.signingKeyId, files: result.files, totalBytes: result.totalBytes, crls, formatVersion: one ? 1 : 2, cas, skipped: pkg.skipped };
    } catch (e) {
      // The vault stays as it was, except for an honest record that the export failed.
      const code = isDomainError(e) ? e.code : 'INTERNAL';
      recordFailure(e, 'export.failed', () => v.transaction(() => v.audit.append({ actor, action: 'export.failed', details: { to: mediaRoot, code, message: isDomainError(e) ? e.message : 'internal error' } })));
    }
  },

  'export.emergency': async (input, ctx) => {
    const v = ctx.vault;
    const ca = ctx.ca!;
    const part = caPackageFiles(ctx, ca);
    const facts = emergencyFactsOf(v, part.stores, ca);
    if (!facts) throw new DomainError('NO_EMERGENCY', `The CA "${ca.name}" has had no emergency rotation: no key of it was retired for compromise, so there is no emergency package to write.`);
    // The receiver checks the signature against the CA's trust anchor and bundle, so they travel with it; the rest is the emergency itself.
    const crl = part.stores.certs.lastCrl(facts.compromised.keyId);
    const files = [...part.files.filter((f) => f.name === 'trust-bundle.pem' || f.name === 'trust-anchor.json'), ...(crl ? crlFiles(crl.issuerKeyId, crl.der) : []), ...emergencyFiles(facts)];
    const mediaRoot = resolve(input.to);
    const medium = await identifyMedium(mediaRoot, ctx.mediaDeps);
    // Recorded before the package is complete on the medium (docs/architecture.md, "Writing outside the vault").
    // Not an export of the fleet's files (its regenerated CRLs are not in it): nothing goes into the exports table.
    // Its trust bundle is one the vault wrote, though: receipts may name it.
    const record = (written: ExportResult): void => {
      v.transaction(() => {
        recordPartBundle(part, ctx.clock.now());
        // It is out in the field all the same: the circulation record has it (kind emergency).
        const circulationId = new CirculationStore(v.db).record({ kind: 'emergency', at: ctx.clock.now().toISOString(), actor: ctx.actor, folder: written.dir, manifestSha256: written.manifestSha256, medium, cas: [carried(part)] });
        v.audit.append({
          actor: ctx.actor,
          action: 'export.emergency-written',
          details: {
            dir: written.dir,
            manifestSha256: written.manifestSha256,
            signingKeyId: part.active.id,
            compromisedKeyId: facts.compromised.keyId,
            reissue: facts.reissue.length,
            revocationRequest: !facts.compromised.selfSigned,
            circulation: { id: circulationId, label: medium.label, uuid: medium.uuid, serial: medium.serial, bundles: [{ ca: ca.name, version: part.bundle.version }] },
          },
        });
      });
    };
    const result = await writeExportPackage({
      mediaRoot,
      vaultId: v.id,
      actor: ctx.actor,
      createdAt: ctx.clock.now(),
      files,
      signingKeyId: part.active.id,
      sign: manifestSigner(part.stores.keys, part.active),
      auditHead: v.audit.head(),
      bundle: { version: part.bundle.version, sha256: part.bundle.sha256 },
      folderSuffix: 'emergency',
      record,
    });
    return {
      dir: result.dir,
      folderName: result.folderName,
      manifestSha256: result.manifestSha256,
      signingKeyId: part.active.id,
      files: result.files,
      compromisedKeyId: facts.compromised.keyId,
      compromisedAt: facts.at,
      reissue: facts.reissue.length,
      revocationRequest: !facts.compromised.selfSigned,
    };
  },

  'export.verify': async (input) => {
    const trusted = await pinnedKeyIds({ trustAnchorPath: input.trustAnchor === undefined ? undefined : resolve(input.trustAnchor), keyIds: input.keyIds });
    const r = await verifyExportPackage(resolve(input.dir), { ...(trusted === undefined ? {} : { trustedKeyIds: trusted }), ...(input.cas ? { cas: input.cas } : {}) });
    return {
      pinned: trusted !== undefined,
      trustedKeyIds: trusted ?? [],
      code: r.code,
      ok: r.ok,
      dir: r.dir,
      problems: r.problems,
      manifestSha256: r.manifestSha256,
      signingKeyId: r.manifest?.format_version === 1 ? r.manifest.signing_key_id : null,
      created: r.manifest?.created ?? null,
      files: r.manifest?.files.length ?? 0,
      formatVersion: r.manifest?.format_version ?? null,
      cas: r.cas.map((c) => ({ id: c.id, name: c.name, folder: c.folder, signingKeyId: c.signingKeyId, ok: c.ok, code: c.code, problems: c.problems, pinned: c.pinned })),
    };
  },

  'export.last': (_i, ctx) => ctx.stores.exportLog.last(),

  'export.list': (input, ctx) => {
    const all = new CirculationStore(ctx.vault.db).list().map(circulationView);
    const exports = input.all ? all : all.filter((e) => e.out);
    return { exports, out: all.filter((e) => e.out).length, atRisk: all.filter((e) => e.risk !== null).length };
  },

  'export.collect': (input, ctx) => {
    const v = ctx.vault;
    const store = new CirculationStore(v.db);
    return v.transaction(() => {
      const r = store.withdraw(input.id, input.how, ctx.clock.now().toISOString(), ctx.actor, input.note ?? null);
      v.audit.append({
        actor: ctx.actor,
        action: input.how === 'destroyed' ? 'export.medium-destroyed' : 'export.medium-collected',
        details: { id: r.id, kind: r.kind, exportedAt: r.at, folder: r.folder, manifestSha256: r.manifestSha256, label: r.medium.label, uuid: r.medium.uuid, serial: r.medium.serial, note: r.withdrawnNote },
      });
      return circulationView(r);
    });
  },
};
