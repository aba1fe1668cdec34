import { caIssuanceDays } from '../../core/issuance/ca-policy.ts';
import { existsSync, readFileSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { toPem } from '../../core/asn1/pem.ts';
import { DomainError, isDomainError } from '../../core/errors.ts';
import { ioErrorCode } from '../../core/fs/io-errors.ts';
import { discardStaged, publishStaged, stageNewFile, writeNewFilesDurably, type NewFileResult, type StagedFile } from '../../core/fs/batch-write.ts';
import { DEFAULT_CSR_MAX_BYTES, parseAndVerifyCsr } from '../../core/issuance/csr-intake.ts';
import { crlToPem } from '../../core/issuance/crl-encoder.ts';
import { generateCrl } from '../../core/issuance/crl-publication.ts';
import { issueBatch, issueBatchBlocking, type BatchOutcome } from '../../core/issuance/batch-issuance.ts';
import { DEFAULT_ISSUANCE_WORKER_URL, takeIssuancePool, workerAvailable } from '../../core/issuance/issuance-pool.ts';
import type { IssuedCertificate } from '../../core/issuance/issuer.ts';
import { createIssuer } from '../../core/issuance/issuer.ts';
import { activeIssuingKey } from '../../core/issuance/issuing-key.ts';
import { checkSigner, chosenRequests } from './chosen-requests.ts';
import type { Signer } from '../../core/signing/signer.ts';
import { issuedRecord, sanList } from '../../core/issuance/issued-record.ts';
import type { RenewalInput } from '../../core/issuance/renewal-batch.ts';
import { RENEWAL_REPORT_FORMAT, renewalReportCsv, renewalReportJson, type RenewalReport, type RenewalReportLine } from '../../core/issuance/renewal-report.ts';
import { RenewalStore } from '../../core/store/renewal-store.ts';
import { PROFILES } from '../../core/issuance/profiles.ts';
import { normalizeSerialHex } from '../../core/asn1/serial.ts';
import { parseRevocationReason, type ReasonName } from '../../core/issuance/revocation-reasons.ts';
import { BATCH_FOLDER_READ, readMediaFile, readRequestFolder } from '../../core/media/untrusted-input.ts';
import { checkCertificatesForImport } from '../../core/issuance/certificate-import.ts';
import { checkCrlForImport, MAX_IMPORTED_CRL_BYTES } from '../../core/issuance/crl-import.ts';
import { certificateFingerprint } from '../../core/keys/trusted-roots.ts';
import { CertificateStore, statusOf, type CertificateSummary, type IssuedCertificate as StoredCert } from '../../core/store/certificate-store.ts';
import type { SigningKeyRecord, SigningKeyStore } from '../../core/store/signing-key-store.ts';
import type { BatchItemResult, CertDetailView, CertImportResult, CertView } from '../contract/certs.ts';
import type { certOps } from '../contract/certs.ts';
import type { HandlersFor } from './handler.ts';
import { readBoundedInput } from './input-files.ts';
import { stageRecordedOutput, writeRecordedOutput } from '../../core/fs/recorded-output.ts';
import { BootstrapRegister, bootstrapRefusal } from '../../core/issuance/bootstrap-once.ts';
import type { VaultContext } from './context.ts';

export function certView(c: CertificateSummary, now: Date): CertView {
  return {
    serial: c.serial,
    caId: c.caId,
    issuerKeyId: c.issuerKeyId,
    subject: c.subject,
    sans: c.sans,
    profile: c.profile,
    notBefore: c.notBefore,
    notAfter: c.notAfter,
    issuedAt: c.issuedAt,
    status: statusOf(c, now),
    revokedAt: c.revokedAt,
    revocationReason: c.revocationReason,
  };
}

function detailView(c: StoredCert, keys: SigningKeyStore, now: Date): CertDetailView {
  const issuer = keys.get(c.issuerKeyId);
  return { ...certView(c, now), pem: toPem(c.der, 'CERTIFICATE'), issuerName: issuer?.name ?? null };
}

/** Where a request's certificate goes: `<request name>.crt.pem` in the output folder. */
function certificateFileName(outDir: string, file: string): string {
  return join(outDir, `${basename(file, extname(file))}.crt.pem`);
}

/** 20261202T041500Z: a report's name, one per batch. */
function compactTime(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/** A key that recorded or published nothing of its own yet still needs its certificate to check what it issued. */
function keyWithCertificate(keys: SigningKeyStore, ref: string): SigningKeyRecord & { certificate: Buffer } {
  const k = keys.resolve(ref);
  if (!k.certificate) throw new DomainError('KEY_NO_CERTIFICATE', `Key "${k.name}" has no certificate, so what it issued cannot be checked against it. Give it its certificate first.`);
  return k as SigningKeyRecord & { certificate: Buffer };
}

function parseSerial(serial: string): string {
  const hex = normalizeSerialHex(serial.replace(/^0x/i, '').replaceAll(':', ''));
  if (hex === null) throw new DomainError('INVALID_INPUT', `"${serial}" is not a serial number (hex digits, e.g. 5f3a09c1d2).`);
  return hex;
}

/** RFC 5280 reason names; removeFromCRL belongs to delta CRLs only and is refused (parseRevocationReason). */
function reasonOf(name: string): ReasonName {
  return parseRevocationReason(name);
}

/**
 * The live bootstrap certificates of the CA the issuing key belongs to, and the refusal of a request
 * for a device that has one (core/issuance/bootstrap-once.ts).
 */
function bootstrapCheck(ctx: VaultContext, issuerKeyId: string) {
  const cas = ctx.stores.cas;
  const ca = ctx.ca ?? cas.byId(ctx.stores.keys.get(issuerKeyId)?.caId ?? '') ?? cas.select(undefined);
  const revoke = (serial: string) => `airgap-ca${cas.list().length > 1 ? ` --ca ${JSON.stringify(ca.name)}` : ''} cert revoke ${serial} --reason superseded`;
  const register = () => new BootstrapRegister(ctx.stores.certs.liveBootstraps(issuerKeyId, ctx.clock.now()));
  const refuse = (r: BootstrapRegister, req: { subject: string; sans: string[] }) => {
    const c = r.conflict(req.subject, req.sans);
    return c ? bootstrapRefusal(req, c, ca.name, revoke) : null;
  };
  return { register, refuse };
}

/** A bootstrap request's device (subject and SANs); null when it does not parse: issuing it then fails with its own CSR_* code. */
function bootstrapDevice(bytes: Uint8Array): { subject: string; sans: string[] } | null {
  try {
    const csr = parseAndVerifyCsr(bytes);
    return { subject: csr.subject, sans: sanList(csr.sans) };
  } catch (e) {
    if (isDomainError(e)) return null;
    throw e;
  }
}

/** The batch's answer: one result per request file, in name order. */
function finishIssueBatch(
  outcomes: readonly BatchOutcome[],
  issued: ReadonlyArray<{ id: string; c: IssuedCertificate }>,
  written: readonly NewFileResult[],
  results: BatchItemResult[],
  outName: (file: string) => string,
  bundleOut: string | null,
  outDir: string,
  started: number,
) {
  for (const o of outcomes) if (!o.ok) results.push({ file: o.id, ok: false, serial: null, out: null, code: o.code, message: o.message });
  issued.forEach(({ id, c }, i) => {
    const path = outName(id);
    const w = written[i] as NewFileResult;
    if (w.ok) results.push({ file: id, ok: true, serial: c.serialHex, out: path, code: null, message: null });
    else results.push({ file: id, ok: false, serial: c.serialHex, out: null, code: ioErrorCode({ code: w.errno }, path), message: `Issued and recorded as serial ${c.serialHex}, but ${path} could not be written (${w.errno}). Write it with "airgap-ca cert show ${c.serialHex} --out FILE".` });
  });
  const bundle = bundleOut && issued.length ? (written[issued.length] as NewFileResult) : null;
  if (bundle && !bundle.ok) {
    const missing = written.slice(0, issued.length).filter((w) => !w.ok).length;
    const files = missing ? `written one per file except ${missing} (each can be written again with "cert show SERIAL --out FILE")` : 'written one per file';
    throw new DomainError(ioErrorCode({ code: bundle.errno }, bundleOut as string), `The certificates were issued, recorded and ${files}, but the bundle ${bundleOut} could not be written (${bundle.errno}). Build it from the files in ${outDir}.`);
  }
  results.sort((a, b) => a.file.localeCompare(b.file));
  return { issued: results.filter((r) => r.ok).length, failed: results.filter((r) => !r.ok).length, results, bundle: bundle ? bundleOut : null, seconds: (Date.now() - started) / 1000 };
}

export const certHandlers: HandlersFor<keyof typeof certOps> = {
  // With a vault open, the bootstrap profile's default is the vault's setting (what cert.issue and the batch give it).
  'cert.profiles': (_input, ctx) =>
    Object.values(PROFILES).map((p) => ({
      name: p.name,
      description: p.description,
      defaultDays: p.name === 'bootstrap' && ctx.session.unlocked ? ctx.session.settings().bootstrapValidityDays : p.defaultDays,
      maxDays: p.maxDays,
      ca: p.ca,
      sanRequired: p.sanRequired,
      extendedKeyUsage: [...p.extendedKeyUsage],
    })),

  'cert.issue': (input, ctx) => {
    const v = ctx.vault;
    const { keys, certs } = ctx.stores;
    const k = activeIssuingKey(keys);
    const out = input.out ? resolve(input.out) : null;
    if (out && existsSync(out)) throw new DomainError('OUTPUT_EXISTS', `${out} already exists. Certificates are never written over an existing file.`);
    const { bytes, name } = readBoundedInput(input.source, DEFAULT_CSR_MAX_BYTES, 'request');
    const csr = parseAndVerifyCsr(bytes);
    const now = ctx.clock.now();
    const days = caIssuanceDays(ctx.ca, input.profile, input.days ?? (input.profile === 'bootstrap' ? ctx.settings().bootstrapValidityDays : undefined));
    // Once per device: refused before anything is signed, and checked again in the transaction that records it.
    const once = input.profile === 'bootstrap' ? bootstrapCheck(ctx, k.id) : null;
    const requested = { subject: csr.subject, sans: sanList(csr.sans) };
    const refusal = once?.refuse(once.register(), requested);
    if (refusal) throw refusal;
    const issued = keys.withSigner(k.id, (signer) =>
      createIssuer({ certificateDer: k.certificate, privateKey: signer, algorithm: k.algorithm }).issue({
        csr,
        profile: input.profile,
        days,
        now,
        truncateToIssuer: input.truncate,
        pathLen: input.pathLength,
        isSerialTaken: (s) => certs.isSerialTaken(s),
      }),
    );
    const record = issuedRecord(issued, k.id, now);
    v.transaction(() => {
      const late = once?.refuse(once.register(), requested);
      if (late) throw late;
      certs.insert([record]);
      v.audit.append({
        actor: ctx.actor,
        action: 'cert.issued',
        details: { serial: record.serial, issuerKeyId: k.id, subject: record.subject, sans: record.sans, profile: record.profile, notAfter: record.notAfter, truncated: issued.truncated, request: name },
      });
    });
    // Recorded first (committed), written second: a certificate file never exists that the vault does not know.
    if (out) writeRecordedOutput(out, Buffer.from(toPem(issued.der, 'CERTIFICATE')), { what: `Certificate serial ${record.serial}`, again: `"airgap-ca cert show ${record.serial} --out FILE"` });
    return { ...detailView(certs.get(record.serial), keys, now), out, truncated: issued.truncated };
  },

  'cert.issueBatch': async (input, ctx) => {
    const started = Date.now();
    const v = ctx.vault;
    const { keys, certs } = ctx.stores;
    const k = activeIssuingKey(keys);
    checkSigner(k, input.signingKeyId);
    const days = caIssuanceDays(ctx.ca, input.profile, input.days ?? (input.profile === 'bootstrap' ? ctx.settings().bootstrapValidityDays : undefined));
    const outDir = resolve(input.outDir);
    if (!existsSync(outDir)) throw new DomainError('NOT_FOUND', `The output folder ${outDir} does not exist. Create it (or choose the medium's folder) first.`);
    const bundleOut = input.bundleOut ? resolve(input.bundleOut) : null;
    if (bundleOut && existsSync(bundleOut)) throw new DomainError('OUTPUT_EXISTS', `${bundleOut} already exists. Certificates are never written over an existing file.`);
    const folder = await readRequestFolder(resolve(input.inDir), { ...BATCH_FOLDER_READ, ...(input.skipRenewals ? { accept: ['csr', 'pkcs7'] } : {}), blocking: ctx.blockingHost });
    const results: BatchItemResult[] = [];
    const items: Array<{ id: string; csr: Uint8Array }> = [];
    const outName = (file: string) => certificateFileName(outDir, file);
    // Only the requests the officer ticked, each still as shown (api/service/chosen-requests.ts).
    const chosen = chosenRequests(folder, input.files, (f) => f.file.kind === 'csr', 'is a renewal request: renew it with cert.renewBatch, not as a plain request');
    // The CMS parser (and the ASN.1 library under it) is loaded only when the folder holds a PKCS #7 file.
    const looksLikeRenewalRequest = chosen.some((f) => f.ok && f.file.kind === 'pkcs7') ? (await import('../../core/issuance/cms-signed-data.ts')).looksLikeRenewalRequest : () => false;
    // Bootstrap certificates, once per device: the CA's live ones are read once for the batch, and each
    // request it will issue claims its device for the requests after it (in name order).
    const once = input.profile === 'bootstrap' ? bootstrapCheck(ctx, k.id) : null;
    const register = once ? { check: once, live: once.register() } : null;
    for (const f of chosen) {
      // Renewal requests are cert.renewBatch's; any other PKCS #7 is refused as before.
      if (f.ok && f.file.kind === 'pkcs7') {
        if (!looksLikeRenewalRequest(f.file)) results.push({ file: f.name, ok: false, serial: null, out: null, code: 'FILE_TYPE_UNKNOWN', message: `${f.name} is a PKCS#7 bundle, but a certificate request (CSR) was expected here.` });
      } else if (!f.ok) results.push({ file: f.name, ok: false, serial: null, out: null, code: f.code, message: f.message });
      else if (existsSync(outName(f.name))) results.push({ file: f.name, ok: false, serial: null, out: null, code: 'OUTPUT_EXISTS', message: `${outName(f.name)} already exists; this request was not issued again.` });
      else {
        const device = register ? bootstrapDevice(f.file.bytes) : null;
        if (register && device) {
          const refusal = register.check.refuse(register.live, device);
          if (refusal) {
            results.push({ file: f.name, ok: false, serial: null, out: null, code: refusal.code, message: refusal.message });
            continue;
          }
          register.live.claim(f.name, device.subject, device.sans);
        }
        items.push({ id: f.name, csr: f.file.bytes });
      }
    }
    const now = ctx.clock.now();
    ctx.progress({ operation: 'cert.issueBatch', done: 0, total: items.length });
    // Each certificate is written under a hidden temporary name as its chunk comes back, while the
    // workers sign the rest; it gets its name only once the batch is recorded (below).
    const staged = new Map<string, StagedFile>();
    const onChunk = (chunk: readonly BatchOutcome[]): void => {
      for (const o of chunk) if (o.ok) staged.set(o.id, stageNewFile(outName(o.id), Buffer.from(toPem(o.certificate.der, 'CERTIFICATE')), { mode: 0o644 }));
    };
    // In the order of the requests (chunks come back in any order).
    const issuedOf = (outcomes: readonly BatchOutcome[]) => outcomes.flatMap((o) => (o.ok ? [{ id: o.id, c: o.certificate }] : []));
    const audit = (outcomes: readonly BatchOutcome[], issued: ReadonlyArray<{ c: IssuedCertificate }>) =>
      v.audit.append({
        actor: ctx.actor,
        action: 'cert.batch-issued',
        details: { issuerKeyId: k.id, profile: input.profile, from: resolve(input.inDir), to: outDir, issued: issued.length, failed: outcomes.length - issued.length + results.length, serials: issued.map(({ c }) => c.serialHex) },
      });
    try {
      const init = (signer: Signer) => ({ certificateDer: k.certificate, privateKey: signer, algorithm: k.algorithm });
      const options = {
        profile: input.profile,
        days,
        now,
        truncateToIssuer: input.truncate,
        // Serials come back unique within the batch and unused in the vault (one look-up per chunk).
        takenSerials: (s: readonly string[]) => certs.takenSerials(s),
        onProgress: (done: number, total: number) => ctx.progress({ operation: 'cert.issueBatch', done, total }),
        ...(ctx.issuanceWorkerUrl ? { workerUrl: ctx.issuanceWorkerUrl } : {}),
      };
      let batch: { outcomes: BatchOutcome[]; issued: Array<{ id: string; c: IssuedCertificate }> };
      if (ctx.blockingHost) {
        // The CLI's thread answers nobody else: the batch is recorded inside one transaction as its chunks come
        // back, while the workers sign the rest, and the transaction commits once the last chunk is in. A
        // failure (or a kill) before that commit leaves no record.
        // Its workers (started as the CLI started) are awaited ready first: one that failed to load says so here.
        const url = ctx.issuanceWorkerUrl ?? DEFAULT_ISSUANCE_WORKER_URL;
        const pool = items.length > 0 && workerAvailable(url) ? takeIssuancePool(url) : null;
        try {
          await pool?.ready();
          batch = keys.withSigner(k.id, (signer) =>
            v.transaction(() => {
              const o = issueBatchBlocking(init(signer), items, {
                ...options,
                onChunk: (chunk) => {
                  onChunk(chunk);
                  certs.insert(chunk.flatMap((x) => (x.ok ? [issuedRecord(x.certificate, k.id, now)] : [])));
                },
                pool,
              });
              const issued = issuedOf(o);
              audit(o, issued);
              return { outcomes: o, issued };
            }),
          );
        } finally {
          await pool?.close();
        }
      } else {
        // The desktop app's main thread keeps answering while the workers sign; the batch is recorded in one
        // transaction once every chunk is back.
        const outcomes = await keys.withSigner(k.id, (signer) => issueBatch(init(signer), items, { ...options, onChunk }));
        batch = { outcomes, issued: issuedOf(outcomes) };
        v.transaction(() => {
          certs.insert(batch.issued.map(({ c }) => issuedRecord(c, k.id, now)));
          audit(outcomes, batch.issued);
        });
      }
      const { outcomes, issued } = batch;
      const files = issued.map(({ id }) => staged.get(id) as StagedFile);
      // Recorded first, named second, and reported written only after one sync of them all: a file that
      // fails to write is reported, and its certificate can be exported again by serial.
      const bundleFile = bundleOut && issued.length ? [stageNewFile(bundleOut, Buffer.concat(files.map((f) => f.bytes)), { mode: 0o644 })] : [];
      const written = publishStaged([...files, ...bundleFile], { mode: 0o644 });
      return finishIssueBatch(outcomes, issued, written, results, outName, bundleOut, outDir, started);
    } finally {
      // Nothing staged outlives a batch that failed before naming its files.
      discardStaged([...staged.values()]);
    }
  },

  'cert.renewBatch': async (input, ctx) => {
    const started = Date.now();
    const { keys, certs, cas } = ctx.stores;
    const ca = ctx.ca ?? cas.select(undefined);
    const now = ctx.clock.now();
    const outDir = resolve(input.outDir);
    if (!existsSync(outDir)) throw new DomainError('NOT_FOUND', `The output folder ${outDir} does not exist. Create it (or choose the medium's folder) first.`);
    // One report per batch: a second batch in the same second gets the next free name.
    const defaultReport = (n: number) => join(outDir, `renewal-report-${compactTime(now)}${n > 1 ? `-${n}` : ''}.json`);
    let reportJson = input.report ? resolve(input.report) : defaultReport(1);
    for (let n = 2; !input.report && (existsSync(reportJson) || existsSync(reportJson.replace(/\.json$/, '.csv'))); n++) reportJson = defaultReport(n);
    const reportCsv = `${reportJson.replace(/\.json$/i, '')}.csv`;
    for (const f of [reportJson, reportCsv]) if (existsSync(f)) throw new DomainError('OUTPUT_EXISTS', `${f} already exists; reports are never written over an existing file. Nothing was renewed.`);
    const folder = await readRequestFolder(resolve(input.inDir), { accept: ['pkcs7', 'csr', 'certificate'], maxFiles: 1_000_000, blocking: ctx.blockingHost });
    checkSigner(keys.active(), input.signingKeyId);
    const skipped: string[] = [];
    const inputs: RenewalInput[] = [];
    // Only the renewal requests the officer ticked, each still as shown (api/service/chosen-requests.ts).
    const chosen = chosenRequests(folder, input.files, (f) => f.file.kind === 'pkcs7', 'is not a renewal request: issue it with cert.issueBatch');
    for (const f of chosen) {
      // Plain requests are cert issue-batch's; certificates and reports are what an earlier batch wrote into the same folder.
      if (f.ok ? f.file.kind === 'csr' || f.file.kind === 'certificate' : /^renewal-report-[^/]*\.(json|csv)$/.test(f.name)) skipped.push(f.name);
      else if (!f.ok) inputs.push({ file: f.name, ok: false, code: f.code, message: f.message });
      else inputs.push({ file: f.name, ok: true, bytes: f.file.bytes });
    }
    ctx.progress({ operation: 'cert.renewBatch', done: 0, total: inputs.length });
    // Loaded here, not with the module: cert issue-batch never needs the CMS parser.
    const { renewBatch } = await import('../../core/issuance/renewal-batch.ts');
    const r = await renewBatch(
      { vault: ctx.vault, ca, keys, certs, allCerts: new CertificateStore(ctx.vault.db), caName: (id) => cas.byId(id)?.name ?? id, renewals: new RenewalStore(ctx.vault.db, ca.id), actor: ctx.actor, now },
      inputs,
      {
        days: input.days,
        supersede: input.supersede,
        from: resolve(input.inDir),
        to: outDir,
        report: reportJson,
        outputTaken: (file) => existsSync(certificateFileName(outDir, file)),
        onProgress: (done, total) => ctx.progress({ operation: 'cert.renewBatch', done, total }),
        workerUrl: ctx.issuanceWorkerUrl,
      },
    );
    // Recorded first; then the certificate files (a replay's only when its file is missing), all made durable by one sync.
    const lines: RenewalReportLine[] = r.lines.map((l) => ({ ...l, out: null }));
    const pending: Array<{ line: RenewalReportLine; path: string; bytes: Buffer }> = [];
    for (const line of lines) {
      if (line.status === 'refused' || !line.newSerial) continue;
      const path = certificateFileName(outDir, line.file);
      const bytes = Buffer.from(toPem(r.certificates.get(line.newSerial) as Buffer, 'CERTIFICATE'));
      if (line.status === 'issued' || !existsSync(path)) pending.push({ line, path, bytes });
      else if (readFileSync(path).equals(bytes)) line.out = path;
      else line.message = `${path} exists with other content; it was not overwritten. Export certificate ${line.newSerial} with "cert show".`;
    }
    const written = writeNewFilesDurably(pending.map(({ path, bytes }) => ({ path, bytes })), { mode: 0o644 });
    pending.forEach(({ line, path }, i) => {
      const w = written[i] as NewFileResult;
      if (w.ok) line.out = path;
      else line.message = `Recorded as serial ${line.newSerial}, but ${path} could not be written (${w.errno}). Write it with "airgap-ca cert show ${line.newSerial} --out FILE".`;
    });
    const report: RenewalReport = { format: RENEWAL_REPORT_FORMAT, format_version: 1, ca: ca.name, created: now.toISOString(), issuerKeyId: r.issuerKeyId, inDir: resolve(input.inDir), outDir, supersede: input.supersede, counts: r.counts, superseded: r.superseded, requests: lines };
    const [json, csv] = writeNewFilesDurably([
      { path: reportJson, bytes: Buffer.from(renewalReportJson(report)) },
      { path: reportCsv, bytes: Buffer.from(renewalReportCsv(lines)) },
    ], { mode: 0o644 });
    for (const [w, path] of [[json, reportJson], [csv, reportCsv]] as const) {
      if (!w?.ok) {
        const errno = w?.ok === false ? w.errno : 'EIO';
        const missing = written.filter((x) => !x.ok).length;
        const files = missing ? `their certificates written except ${missing} (each can be written again with "cert show SERIAL --out FILE")` : 'their certificates written';
        throw new DomainError(ioErrorCode({ code: errno }, path), `The renewals were recorded and ${files}, but the report ${path} could not be written (${errno}). The audit log holds the batch's counts and serials.`);
      }
    }
    return { ca: ca.name, issuerKeyId: r.issuerKeyId, counts: r.counts, requests: lines, superseded: r.superseded, skipped, report: { json: reportJson, csv: reportCsv }, seconds: (Date.now() - started) / 1000 };
  },

  'cert.list': (input, ctx) => {
    const { keys, certs } = ctx.stores;
    const now = ctx.clock.now();
    const issuerKeyId = input.issuer ? keys.resolve(input.issuer).id : undefined;
    const r = certs.list({ issuerKeyId, status: input.status, search: input.search?.trim() || undefined, limit: input.limit, offset: input.offset, now });
    return { items: r.items.map((c) => certView(c, now)), total: r.total };
  },

  'cert.show': (input, ctx) => {
    const { keys, certs } = ctx.stores;
    const c = certs.get(parseSerial(input.serial));
    const out = input.out ? resolve(input.out) : null;
    if (out && existsSync(out)) throw new DomainError('OUTPUT_EXISTS', `${out} already exists. Certificates are never written over an existing file.`);
    if (out) writeRecordedOutput(out, Buffer.from(toPem(c.der, 'CERTIFICATE')), { what: `Certificate serial ${c.serial}`, again: `"airgap-ca cert show ${c.serial} --out FILE"` });
    return { ...detailView(c, keys, ctx.clock.now()), out };
  },

  'cert.revoke': (input, ctx) => {
    const v = ctx.vault;
    const { certs } = ctx.stores;
    const now = ctx.clock.now();
    const serial = parseSerial(input.serial);
    const reason = reasonOf(input.reason);
    const revoked = v.transaction(() => {
      const c = certs.revoke(serial, reason, now, ctx.actor);
      v.audit.append({ actor: ctx.actor, action: 'cert.revoked', details: { serial: c.serial, issuerKeyId: c.issuerKeyId, reason } });
      return c;
    });
    return certView(revoked, now);
  },

  'cert.revokeAll': (input, ctx) => {
    const v = ctx.vault;
    const { keys, certs } = ctx.stores;
    const k = keys.resolve(input.issuer);
    const now = ctx.clock.now();
    const reason = reasonOf(input.reason);
    const revoked = v.transaction(() => {
      const n = certs.revokeAllByIssuer(k.id, reason, now, ctx.actor);
      v.audit.append({ actor: ctx.actor, action: 'cert.revoked-all', details: { issuerKeyId: k.id, reason, revoked: n } });
      return n;
    });
    return { issuerKeyId: k.id, revoked };
  },

  'cert.revokeList': async (input, ctx) => {
    const v = ctx.vault;
    const { certs } = ctx.stores;
    const now = ctx.clock.now();
    const reason = reasonOf(input.reason);
    // A list from removable media is untrusted: size-limited, sniffed, no links or special files.
    const file = await readMediaFile(resolve(input.path), { accept: ['serial-list'] });
    const out = { revoked: [] as string[], alreadyRevoked: [] as string[], unknown: [] as string[] };
    v.transaction(() => {
      for (const raw of file.serials) {
        const serial = parseSerial(raw);
        if (!certs.isSerialTaken(serial)) out.unknown.push(serial);
        else if (certs.get(serial).revokedAt) out.alreadyRevoked.push(serial);
        else {
          certs.revoke(serial, reason, now, ctx.actor);
          out.revoked.push(serial);
        }
      }
      if (out.unknown.length) {
        // All or nothing: a list naming certificates this vault never issued is refused whole.
        throw new DomainError('CERT_NOT_FOUND', `${out.unknown.length} serial(s) in ${file.name} were not issued by this vault (first: ${out.unknown[0]}); nothing was revoked. Check the list.`);
      }
      v.audit.append({ actor: ctx.actor, action: 'cert.revoked-list', details: { file: file.path, reason, revoked: out.revoked, alreadyRevoked: out.alreadyRevoked } });
    });
    return out;
  },

  'cert.import': async (input, ctx): Promise<CertImportResult> => {
    const v = ctx.vault;
    const { keys, certs } = ctx.stores;
    const k = keyWithCertificate(keys, input.issuer);
    const dir = resolve(input.dir);
    const folder = await readRequestFolder(dir, { accept: ['certificate'], maxFiles: 1_000_000, blocking: ctx.blockingHost });
    // Serials are unique across the vault (every CA): a serial held by any certificate is taken.
    const everyCa = new CertificateStore(v.db);
    const checked = checkCertificatesForImport(
      folder.files.flatMap((f) => (f.ok ? [{ name: f.name, ders: f.file.ders }] : [])),
      { certificate: k.certificate, chain: k.chain },
      (serial, fingerprint) => (!everyCa.isSerialTaken(serial) ? 'free' : certificateFingerprint(everyCa.get(serial).der) === fingerprint ? 'same' : 'other'),
    );
    const results: CertImportResult['results'] = folder.files.flatMap((f) => (f.ok ? [] : [{ file: f.name, ok: false, serial: null, code: f.code, message: f.message }]));
    const accepted = checked.flatMap((c) => (c.ok ? [c.certificate] : []));
    for (const c of checked) results.push(c.ok ? { file: c.name, ok: true, serial: c.certificate.serial, code: null, message: null } : { file: c.name, ok: false, serial: null, code: c.code, message: c.message });
    results.sort((a, b) => a.file.localeCompare(b.file));
    const refused = results.length - accepted.length;
    if (accepted.length > 0) {
      v.transaction(() => {
        // issuedAt is the certificate's notBefore: when it was issued, as near as the certificate tells.
        certs.insert(accepted.map((c) => ({ serial: c.serial, issuerKeyId: k.id, subject: c.subject, sans: sanList(c.sans), profile: 'imported', notBefore: c.notBefore, notAfter: c.notAfter, issuedAt: c.notBefore, der: Buffer.from(c.der) })));
        v.audit.append({ actor: ctx.actor, action: 'cert.imported', details: { issuerKeyId: k.id, from: dir, imported: accepted.length, refused, serials: accepted.map((c) => c.serial) } });
      });
    }
    return { issuerKeyId: k.id, imported: accepted.length, refused, results };
  },

  'crl.import': (input, ctx) => {
    const v = ctx.vault;
    const { keys, certs } = ctx.stores;
    const k = keyWithCertificate(keys, input.issuer);
    const { bytes, name } = readBoundedInput(input.source, MAX_IMPORTED_CRL_BYTES, 'CRL');
    const crl = checkCrlForImport(bytes, {
      certificate: k.certificate,
      // Pre-signed CRLs count: an imported CRL numbered below them would make the numbers go back.
      lastNumber: certs.highestCrlNumber(k.id) || null,
      issuedSerial: (serial) => certs.isSerialTaken(serial) && certs.get(serial).issuerKeyId === k.id,
    });
    let revoked = 0;
    let alreadyRevoked = 0;
    v.transaction(() => {
      for (const e of crl.entries) {
        // removeFromCRL belongs to delta CRLs: such an entry revokes nothing.
        if (e.reason === 'removeFromCRL') continue;
        if (certs.get(e.serialHex).revokedAt) alreadyRevoked++;
        else {
          certs.revoke(e.serialHex, e.reason, e.revokedAt, ctx.actor);
          revoked++;
        }
      }
      certs.storeCrl({ issuerKeyId: k.id, number: crl.number, thisUpdate: crl.thisUpdate, nextUpdate: crl.nextUpdate, entries: crl.entryCount, der: Buffer.from(crl.der) });
      v.audit.append({ actor: ctx.actor, action: 'crl.imported', details: { issuerKeyId: k.id, file: name, number: crl.number, thisUpdate: crl.thisUpdate, nextUpdate: crl.nextUpdate, entries: crl.entryCount, revoked, alreadyRevoked } });
    });
    return { issuerKeyId: k.id, number: crl.number, thisUpdate: crl.thisUpdate, nextUpdate: crl.nextUpdate, entries: crl.entryCount, revoked, alreadyRevoked };
  },

  'crl.generate': async (input, ctx) => {
    const v = ctx.vault;
    const { keys, certs } = ctx.stores;
    const k = input.issuer ? keys.resolve(input.issuer) : activeIssuingKey(keys);
    const out = input.out ? resolve(input.out) : null;
    if (out && existsSync(out)) throw new DomainError('OUTPUT_EXISTS', `${out} already exists. CRLs are never written over an existing file.`);
    const days = input.nextUpdateDays ?? ctx.settings().crlValidityDays;
    const onProgress = (done: number, total: number) => ctx.progress({ operation: 'crl.generate', done, total });
    const { record, der } = generateCrl({ keys, certs, now: ctx.clock.now(), onProgress }, k, days);
    // The file's bytes go to the disk under a hidden name while the vault records the CRL (a million entries are 49 MB
    // for each); it gets its name only once the record is committed.
    const staged = out ? stageRecordedOutput(out, input.format === 'pem' ? Buffer.from(crlToPem(der)) : der) : null;
    try {
      v.transaction(() => {
        certs.storeCrl({ issuerKeyId: k.id, number: record.number, thisUpdate: record.thisUpdate, nextUpdate: record.nextUpdate, entries: record.entries, der });
        v.audit.append({ actor: ctx.actor, action: 'crl.generated', details: { issuerKeyId: k.id, number: record.number, thisUpdate: record.thisUpdate, nextUpdate: record.nextUpdate, entries: record.entries, file: out } });
      });
    } catch (e) {
      await staged?.discard();
      throw e;
    }
    // Its number is consumed once recorded; a file that then fails is said so, and a new CRL replaces it.
    await staged?.publish({ what: `CRL number ${record.number} of ${k.id}`, again: `"airgap-ca crl generate --out FILE" (a new CRL, the next number)` });
    // The answer keeps its field order (file before bytes): scripts read the JSON.
    const { bytes, ...facts } = record;
    return { ...facts, file: out, bytes };
  },
};
