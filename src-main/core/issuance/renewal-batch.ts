/**
 * Renewing agents' certificates from a batch of renewal requests: each a CMS
 * SignedData (core/issuance/cms-signed-data.ts) whose content is the agent's
 * new PKCS #10 request, signed by the certificate it renews (or, once that has
 * expired, by the device's bootstrap certificate).
 *
 * Every request goes through the checks in a fixed order, and the first that
 * fails refuses it with its own code (docs/architecture.md, "Renewal
 * requests"): the CMS parses and verifies; the signer is a certificate this
 * CA issued (same DER) by a key still in the bundle; it is not revoked; it is
 * valid now, or it is the bootstrap certificate of a device whose management
 * certificate has expired; the inner request has proof of possession and
 * passes the key policy; it names the same subject and SANs; it is no replay
 * of a request already served. A request whose exact CSR was served before is
 * answered with the certificate already issued for it (right after its signer
 * is identified, so a retry still gets it after `--supersede` revoked the
 * signer or the signer expired); never a second one.
 *
 * The checks that need no vault (1 and 5: the CMS and the inner request's
 * signatures, the costly part) run on the issuance worker pool
 * (issuance-pool.ts, renewal-precheck.ts); the checks that read the vault run
 * in this thread, in order, on their outcomes. The accepted requests are then
 * signed by the same workers (batch-issuance.ts), each with the profile of
 * the certificate it renews, and everything is recorded in one transaction
 * with one audit event.
 */
import { readCertificate } from '../asn1/certificate-reader.ts';
import { DerError } from '../asn1/der-reader.ts';
import { normalizeSerialHex } from '../asn1/serial.ts';
import { DomainError, isDomainError, type ErrorCode } from '../errors.ts';
import type { CaSummary } from '../store/ca-summary.ts';
import type { CertificateStore, IssuedCertificate as StoredCert } from '../store/certificate-store.ts';
import type { RenewalRecord, RenewalStore } from '../store/renewal-store.ts';
import type { SigningKeyRecord, SigningKeyStore } from '../store/signing-key-store.ts';
import type { Vault } from '../vault/vault.ts';
import { issueBatch, type BatchItem, type BatchOutcome } from './batch-issuance.ts';
import { caIssuanceDays } from './ca-policy.ts';
import { DEFAULT_ISSUANCE_WORKER_URL, takeIssuancePool, workerAvailable, type IssuancePool } from './issuance-pool.ts';
import { activeIssuingKey } from './issuing-key.ts';
import { issuedRecord, sanList } from './issued-record.ts';
import type { IssuedCertificate } from './issuer.ts';
import { precheckRenewal, type RenewalPrecheck } from './renewal-precheck.ts';

export type RenewalStatus = 'issued' | 'already-issued' | 'refused';

/** What became of one request file. */
export interface RenewalLine {
  file: string;
  status: RenewalStatus;
  /** The agent's certificate being renewed (the management certificate), once known. */
  agentSerial: string | null;
  /** The certificate issued for the request (now, or before for a replay). */
  newSerial: string | null;
  code: ErrorCode | null;
  message: string | null;
}

export interface RenewalCounts {
  received: number;
  validated: number;
  issued: number;
  alreadyIssued: number;
  refused: number;
  refusedByCode: Record<string, number>;
}

/** A request file as read from the folder: its bytes, or why it could not be read. */
export type RenewalInput = { file: string; ok: true; bytes: Uint8Array } | { file: string; ok: false; code: ErrorCode; message: string };

export interface RenewalWorld {
  vault: Vault;
  ca: CaSummary;
  keys: SigningKeyStore;
  certs: CertificateStore;
  /** Certificates of every CA of the vault: a signer of another CA is named as such. */
  allCerts: CertificateStore;
  /** The names of the vault's CAs by id. */
  caName: (id: string) => string;
  renewals: RenewalStore;
  actor: string;
  now: Date;
}

export interface RenewalOptions {
  /** Validity of the new certificates; else the profile's (the CA's default validity where it has one). */
  days?: number | undefined;
  /** Revoke each renewed certificate (superseded) once its successor is recorded. */
  supersede: boolean;
  /** For the audit event. */
  from: string;
  to: string;
  report: string;
  /** Whether a new certificate for this request file would land on a name already taken (refused OUTPUT_EXISTS, nothing issued). */
  outputTaken?: (file: string) => boolean;
  onProgress?: (done: number, total: number) => void;
  workerUrl?: URL | undefined;
}

export interface RenewalBatchResult {
  lines: RenewalLine[];
  counts: RenewalCounts;
  /** DER of every certificate the report names as issued or already issued, by serial (the files to write). */
  certificates: Map<string, Buffer>;
  superseded: string[];
  issuerKeyId: string;
}

const IN_BUNDLE = new Set(['active', 'trusted']);

const sameSans = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && [...a].sort().every((x, i) => x === [...b].sort()[i]);

function refusal(code: ErrorCode, message: string): DomainError {
  return new DomainError(code, message);
}

/** An accepted request, ready to sign. */
interface Accepted {
  kind: 'accepted';
  csrDer: Uint8Array;
  csrSha256: string;
  renewed: StoredCert;
  signer: StoredCert;
  profile: string;
  days: number | undefined;
}
type Decision = Accepted | { kind: 'served'; prior: RenewalRecord } | { kind: 'duplicate'; of: number; csrSha256: string; renewed: string };

function serialOf(der: Uint8Array): string {
  try {
    return normalizeSerialHex(Buffer.from(readCertificate(der).tbs.serial).toString('hex')) ?? '';
  } catch (e) {
    if (e instanceof DerError) throw refusal('RENEWAL_SIGNER_UNKNOWN', 'The certificate that signed the request cannot be read as a certificate this vault issued.');
    throw e;
  }
}

/** The keys of a batch's signers, read once per batch (a batch writes nothing before its checks are done). */
const batchKeys = new WeakMap<RenewalWorld, Map<string, SigningKeyRecord | null>>();
function issuingKey(w: RenewalWorld, id: string): SigningKeyRecord | null {
  let keys = batchKeys.get(w);
  if (!keys) batchKeys.set(w, (keys = new Map()));
  if (!keys.has(id)) keys.set(id, w.keys.get(id));
  return keys.get(id) ?? null;
}

/** The certificate the request was signed with, as this CA recorded it (check 2). */
function ownCertificate(w: RenewalWorld, der: Uint8Array, role: string): StoredCert {
  const serial = serialOf(der);
  let stored: StoredCert;
  try {
    stored = w.certs.get(serial);
  } catch (e) {
    if (!isDomainError(e) || e.code !== 'CERT_NOT_FOUND') throw e;
    const elsewhere = w.allCerts.isSerialTaken(serial) ? w.allCerts.get(serial) : null;
    if (elsewhere && Buffer.from(der).equals(elsewhere.der)) {
      throw refusal('RENEWAL_SIGNER_UNKNOWN', `The ${role} (serial ${serial}) was issued by the CA "${w.caName(elsewhere.caId)}" of this vault, not by "${w.ca.name}": renew it with --ca ${w.caName(elsewhere.caId)}.`);
    }
    throw refusal('RENEWAL_SIGNER_UNKNOWN', `The ${role} (serial ${serial}) was not issued by this CA ("${w.ca.name}"): only certificates this CA issued can sign their renewal.`);
  }
  if (!Buffer.from(der).equals(stored.der)) {
    throw refusal('RENEWAL_SIGNER_UNKNOWN', `The ${role} carries serial ${serial}, but it is not the certificate this CA issued under that serial (the bytes differ): it is refused.`);
  }
  const issuer = issuingKey(w, stored.issuerKeyId);
  if (!issuer || !IN_BUNDLE.has(issuer.state)) {
    throw refusal('RENEWAL_SIGNER_NOT_TRUSTED', `The ${role} (serial ${serial}) was issued by the key "${issuer?.name ?? stored.issuerKeyId}", which is ${issuer ? issuer.state : 'gone'} and no longer in the trust bundle: the agent must enroll again.`);
  }
  return stored;
}

const validAt = (c: StoredCert, now: Date): boolean => new Date(c.notBefore).getTime() <= now.getTime() && now.getTime() <= new Date(c.notAfter).getTime();

function notRevoked(c: StoredCert, role: string): void {
  if (c.revokedAt) throw refusal('RENEWAL_REVOKED', `The ${role} (serial ${c.serial}) was revoked at ${c.revokedAt} (${c.revocationReason}): a revoked certificate is not renewed.`);
}

/** The certificate a bootstrap-signed request renews: the management certificate it carries, else the newest of its subject (check 4). */
function managementCertificate(w: RenewalWorld, bootstrap: StoredCert, carried: readonly Uint8Array[]): StoredCert {
  let mgmt: StoredCert | null = null;
  for (const der of carried) {
    try {
      const c = ownCertificate(w, der, 'management certificate');
      if (c.profile !== 'bootstrap') mgmt = c;
    } catch (e) {
      if (!isDomainError(e)) throw e; // a carried certificate that is not ours says nothing
    }
  }
  if (!mgmt) {
    const serial = w.renewals.latestManagementCertificate(bootstrap.subject);
    if (!serial) throw refusal('RENEWAL_BOOTSTRAP_REFUSED', `The request is signed by the bootstrap certificate ${bootstrap.serial} (${bootstrap.subject}), but this CA issued no management certificate with that subject to renew.`);
    mgmt = w.certs.get(serial);
  }
  if (mgmt.subject !== bootstrap.subject) {
    throw refusal('RENEWAL_BOOTSTRAP_REFUSED', `The bootstrap certificate ${bootstrap.serial} names "${bootstrap.subject}", but the management certificate ${mgmt.serial} names "${mgmt.subject}": a bootstrap certificate signs only its own device's renewal.`);
  }
  if (validAt(mgmt, w.now)) {
    throw refusal('RENEWAL_BOOTSTRAP_REFUSED', `The request is signed by the bootstrap certificate, but the management certificate ${mgmt.serial} is still valid (until ${mgmt.notAfter}): the agent signs its renewal with that certificate.`);
  }
  notRevoked(mgmt, 'management certificate');
  return mgmt;
}

interface BatchState {
  byRequest: Map<string, number>;
  byRenewed: Map<string, number>;
}

function decide(w: RenewalWorld, opts: RenewalOptions, file: string, signed: RenewalPrecheck, index: number, batch: BatchState, note: (agentSerial: string) => void): Decision {
  // 1. The CMS parses and its signature verifies with the certificate it carries (checked on a worker).
  if (!signed.ok) throw refusal(signed.code, signed.message);
  const { csrSha256 } = signed;
  // 2. That certificate is this CA's (same DER), by a key still in the bundle.
  const signer = ownCertificate(w, signed.signerCertificate, "request's signer certificate");
  note(signer.serial);
  // The same request served before gets what it got then.
  const prior = w.renewals.byRequest(csrSha256);
  if (prior && w.certs.get(prior.serial).subject === signer.subject) return { kind: 'served', prior };
  const earlier = batch.byRequest.get(csrSha256);
  // 3. Not revoked.
  notRevoked(signer, "request's signer certificate");
  // 4. Valid now; or the bootstrap certificate of a device whose management certificate has expired.
  let renewed: StoredCert;
  if (signer.profile === 'bootstrap') {
    if (!validAt(signer, w.now)) throw refusal('RENEWAL_SIGNER_EXPIRED', `The bootstrap certificate ${signer.serial} that signed the request is not valid now (${signer.notBefore} to ${signer.notAfter}): the device must enroll again.`);
    renewed = managementCertificate(w, signer, signed.otherCertificates);
  } else {
    if (!validAt(signer, w.now)) {
      throw refusal('RENEWAL_SIGNER_EXPIRED', `The certificate ${signer.serial} that signed the request is not valid now (${signer.notBefore} to ${signer.notAfter}): an expired certificate cannot sign its renewal; have the agent sign with its bootstrap certificate.`);
    }
    renewed = signer;
  }
  note(renewed.serial);
  // 5. The inner request: proof of possession and the key policy (checked on a worker).
  const csr = signed.csr;
  if (!csr.ok) throw refusal(csr.code, csr.message);
  // 6. The same identity.
  if (csr.subject !== renewed.subject || !sameSans(sanList(csr.sans), renewed.sans)) {
    throw refusal(
      'RENEWAL_IDENTITY_CHANGED',
      `The renewal request names "${csr.subject}"${csr.sans.dns.length + csr.sans.ip.length + csr.sans.email.length + csr.sans.uri.length ? ` (${sanList(csr.sans).join(', ')})` : ''}, but the certificate ${renewed.serial} it renews names "${renewed.subject}"${renewed.sans.length ? ` (${renewed.sans.join(', ')})` : ''}: a renewal cannot change the identity.`,
    );
  }
  // 7. Not a replay: this request, or another renewal of the same certificate, already served.
  if (earlier !== undefined) return { kind: 'duplicate', of: earlier, csrSha256, renewed: renewed.serial };
  const successor = w.renewals.successorOf(renewed.serial);
  const inBatch = batch.byRenewed.get(renewed.serial);
  if (prior || successor || inBatch !== undefined) {
    const by = successor ? `certificate ${successor.serial} on ${successor.renewedAt}` : prior ? `certificate ${prior.serial}` : 'another request of this batch';
    throw refusal('RENEWAL_ALREADY_RENEWED', `The certificate ${renewed.serial} was already renewed (by ${by}); a certificate is renewed once. The agent should install the certificate already issued.`);
  }
  if (renewed.profile === 'sub-ca' || renewed.profile === 'bootstrap') {
    throw refusal('PROFILE_NOT_ALLOWED', `The certificate ${renewed.serial} has the ${renewed.profile} profile, which is not renewed from a request on media.`);
  }
  const days = caIssuanceDays(w.ca, renewed.profile, opts.days);
  if (opts.outputTaken?.(file)) throw refusal('OUTPUT_EXISTS', `The certificate file for ${file} already exists; it is never overwritten, so this request was not renewed. Move the file away and run the batch again.`);
  batch.byRequest.set(csrSha256, index);
  batch.byRenewed.set(renewed.serial, index);
  return { kind: 'accepted', csrDer: csr.der, csrSha256, renewed, signer, profile: renewed.profile, days };
}

/** Check, sign and record a batch of renewal requests; see the module comment. */
export async function renewBatch(w: RenewalWorld, inputs: readonly RenewalInput[], opts: RenewalOptions): Promise<RenewalBatchResult> {
  const k = activeIssuingKey(w.keys);
  const lines: RenewalLine[] = inputs.map((f) => ({ file: f.file, status: 'refused', agentSerial: null, newSerial: null, code: null, message: null }));
  const refuse = (i: number, code: ErrorCode, message: string) => Object.assign(lines[i] as RenewalLine, { status: 'refused', newSerial: null, code, message });
  const decisions: Array<Decision | null> = inputs.map(() => null);
  const batch: BatchState = { byRequest: new Map(), byRenewed: new Map() };
  // The workers started before the vault was unlocked (the CLI's), else new ones; none in a bundle without the worker file.
  const url = opts.workerUrl ?? DEFAULT_ISSUANCE_WORKER_URL;
  const pool = inputs.some((f) => f.ok) && workerAvailable(url) ? takeIssuancePool(url) : null;
  try {
    const prechecks = await precheckAll(inputs, pool);
    for (const [i, f] of inputs.entries()) {
      const pre = prechecks[i];
      if (!f.ok || !pre) {
        if (!f.ok) refuse(i, f.code, f.message);
        continue;
      }
      try {
        decisions[i] = decide(w, opts, f.file, pre, i, batch, (s) => ((lines[i] as RenewalLine).agentSerial = s));
      } catch (e) {
        if (!isDomainError(e)) throw e;
        refuse(i, e.code, e.message);
      }
      // Let the desktop app's main thread answer between chunks of checks.
      if (i % 256 === 255) await new Promise<void>((resolve) => setImmediate(resolve));
    }

    const accepted = decisions.flatMap((d, i) => (d?.kind === 'accepted' ? [{ i, d }] : []));
    // Each inner request's proof of possession was verified by its precheck (check 5): not verified again when signing.
    const items: BatchItem[] = accepted.map(({ i, d }) => ({ id: String(i), csr: d.csrDer, csrVerified: true, settings: { profile: d.profile, days: d.days } }));
    const outcomes = items.length
      ? await w.keys.withSigner(k.id, (signer) =>
          issueBatch({ certificateDer: k.certificate, privateKey: signer, algorithm: k.algorithm }, items, {
            profile: 'agent',
            now: w.now,
            takenSerials: (s) => w.certs.takenSerials(s),
            ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
            ...(pool ? { pool } : { workerUrl: url }),
          }),
        )
      : [];
    return finish(w, opts, k.id, lines, decisions, accepted, outcomes);
  } finally {
    await pool?.close();
  }
}

const PRECHECK_CHUNK = 32;

/** Checks 1 and 5 of every readable request, on the pool's workers (or in this thread without one); by input index. */
async function precheckAll(inputs: readonly RenewalInput[], pool: IssuancePool | null): Promise<Array<RenewalPrecheck | undefined>> {
  const out = new Array<RenewalPrecheck | undefined>(inputs.length);
  const readable = inputs.flatMap((f, i) => (f.ok ? [{ i, bytes: f.bytes }] : []));
  if (!pool) {
    for (const [n, { i, bytes }] of readable.entries()) {
      out[i] = precheckRenewal(bytes);
      if (n % 64 === 63) await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return out;
  }
  const requests = [];
  for (let n = 0; n < readable.length; n += PRECHECK_CHUNK) requests.push({ kind: 'check-renewals' as const, index: n, items: readable.slice(n, n + PRECHECK_CHUNK).map((r) => r.bytes) });
  await pool.run<{ index: number; outcomes: RenewalPrecheck[] }>(requests, (r) => r.outcomes.forEach((o, k) => (out[(readable[r.index + k] as { i: number }).i] = o)));
  return out;
}

/** Record what the batch decided and issued (one transaction, one audit event). */
function finish(
  w: RenewalWorld,
  opts: RenewalOptions,
  issuerKeyId: string,
  lines: RenewalLine[],
  decisions: ReadonlyArray<Decision | null>,
  accepted: ReadonlyArray<{ i: number; d: Accepted }>,
  outcomes: readonly BatchOutcome[],
): RenewalBatchResult {
  const refuse = (i: number, code: ErrorCode, message: string) => Object.assign(lines[i] as RenewalLine, { status: 'refused', newSerial: null, code, message });
  const issued: Array<{ i: number; d: Accepted; c: IssuedCertificate }> = [];
  outcomes.forEach((o, n) => {
    const { i, d } = accepted[n] as { i: number; d: Accepted };
    if (o.ok) issued.push({ i, d, c: o.certificate });
    else refuse(i, o.code, o.message);
  });
  const certificates = new Map<string, Buffer>();
  for (const { i, d, c } of issued) {
    Object.assign(lines[i] as RenewalLine, { status: 'issued', agentSerial: d.renewed.serial, newSerial: c.serialHex });
    certificates.set(c.serialHex, c.der);
  }
  const served: RenewalRecord[] = [];
  decisions.forEach((d, i) => {
    const line = lines[i] as RenewalLine;
    if (d?.kind === 'served') {
      served.push(d.prior);
      Object.assign(line, { status: 'already-issued', agentSerial: d.prior.renews, newSerial: d.prior.serial });
      certificates.set(d.prior.serial, w.certs.get(d.prior.serial).der);
    } else if (d?.kind === 'duplicate') {
      const first = lines[d.of] as RenewalLine;
      if (first.status === 'issued') Object.assign(line, { status: 'already-issued', agentSerial: d.renewed, newSerial: first.newSerial });
      else refuse(i, first.code ?? 'INTERNAL', first.message ?? 'The same request earlier in this batch was refused.');
    }
  });

  const superseded: string[] = [];
  const counts = countLines(lines, decisions.filter((d) => d !== null).length);
  w.vault.transaction(() => {
    const at = w.now.toISOString();
    w.certs.insert(issued.map(({ c }) => issuedRecord(c, issuerKeyId, w.now)));
    w.renewals.insert(issued.map(({ d, c }) => ({ serial: c.serialHex, csrSha256: d.csrSha256, renews: d.renewed.serial, signer: d.signer.serial, renewedAt: at })));
    if (opts.supersede) {
      // Once the successor is recorded (above, in this transaction): the renewed certificate, and that of a replay served now.
      for (const serial of [...issued.map(({ d }) => d.renewed.serial), ...served.map((p) => p.renews)]) {
        if (superseded.includes(serial) || w.certs.get(serial).revokedAt) continue;
        w.certs.revoke(serial, 'superseded', w.now, w.actor);
        superseded.push(serial);
      }
    }
    w.vault.audit.append({
      actor: w.actor,
      action: 'cert.renewal-batch',
      details: {
        issuerKeyId,
        from: opts.from,
        to: opts.to,
        report: opts.report,
        ...counts,
        renewed: issued.map(({ d, c }) => ({ serial: c.serialHex, renews: d.renewed.serial })),
        served: served.map((p) => p.serial),
        superseded,
      },
    });
  });
  return { lines, counts, certificates, superseded, issuerKeyId };
}

function countLines(lines: readonly RenewalLine[], validatedOrLater: number): RenewalCounts {
  const refusedByCode: Record<string, number> = {};
  for (const l of lines) if (l.status === 'refused' && l.code) refusedByCode[l.code] = (refusedByCode[l.code] ?? 0) + 1;
  const issued = lines.filter((l) => l.status === 'issued').length;
  const alreadyIssued = lines.filter((l) => l.status === 'already-issued').length;
  return { received: lines.length, validated: validatedOrLater, issued, alreadyIssued, refused: lines.length - issued - alreadyIssued, refusedByCode };
}
