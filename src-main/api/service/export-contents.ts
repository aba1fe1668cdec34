/**
 * What an export package carries, CA by CA (docs/architecture.md, "Export
 * packages"): `caPackageFiles` lists one CA's files — named relative to its
 * folder — and `packageOf` puts the CAs of a package together: a package of
 * one CA keeps today's layout at the top, a package of several gets a folder
 * per CA and one manifest every CA's active key co-signs.
 */
import { signAndVerify } from '../../core/signing/signer.ts';
import { buildBundle } from '../../core/keys/bundle-builder.ts';
import { buildTrustAnchor, serializeTrustAnchor } from '../../core/keys/trust-anchor.ts';
import { DomainError } from '../../core/errors.ts';
import { crlToPem } from '../../core/issuance/crl-encoder.ts';
import { generateCrl, nextCrlNumber, publishesCrl } from '../../core/issuance/crl-publication.ts';
import { DAY_MS } from '../../core/clock.ts';
import { planBundleVersion, recordBundleVersion, type PlannedBundleVersion } from '../../core/fleet/bundle-version.ts';
import { FleetStore } from '../../core/store/fleet-store.ts';
import { isSelfSigned, readCertificateFacts } from '../../core/asn1/certificate-reader.ts';
import { emergencyFiles, type EmergencyFacts } from '../../core/media/emergency-package.ts';
import type { ExportCaSigner, ExportFile, ExportSigning, SignManifest } from '../../core/media/export-package.ts';
import { sha256Hex } from '../../core/media/package-files.ts';
import { caFolderNames, crlFileStem } from '../../core/media/package-format.ts';
import { CaStore, type CaSummary } from '../../core/store/ca-store.ts';
import { CertificateStore, type CrlRecord } from '../../core/store/certificate-store.ts';
import { ExportLogStore } from '../../core/store/export-log-store.ts';
import type { SigningKeyRecord, SigningKeyStore } from '../../core/store/signing-key-store.ts';
import type { Vault } from '../../core/vault/vault.ts';
import type { ExportView } from '../contract/media.ts';
import { settingsOf } from '../session.ts';
import { caSettings, type VaultContext } from './context.ts';
import { crlStatus } from './key-views.ts';
import { addScheduledCrls } from './crl-schedule-handlers.ts';
import type { NewCrlSchedule } from '../../core/store/crl-schedule-store.ts';
import { storesOf, type Stores } from './stores.ts';

/** One CA's part of a package. */
export interface CaPackagePart {
  ca: CaSummary;
  stores: Stores;
  active: SigningKeyRecord;
  /** Named relative to the CA's folder: trust-bundle.pem, trust-anchor.json, crl/…, and the emergency files after an emergency rotation. */
  files: ExportFile[];
  /** A preview's CRL files that writing the package would sign first (due, expired or missing; stale pre-signed): named, not made. */
  unsigned: string[];
  /** CRLs made for this export: stored in the vault only once the package is written and verified. */
  newCrls: CrlRecord[];
  /** Pre-signed sets signed again for this export (they were stale): stored with the export's record. */
  newSchedules: NewCrlSchedule[];
  crls: ExportView['crls'];
  keys: Array<{ id: string; name: string; state: string }>;
  /** The emergency rotation whose files this part carries, or null. */
  emergency: EmergencyFacts | null;
  /** The version of this CA's bundle: recorded in the vault only once the package is written and verified (recordPartBundle). */
  bundle: PlannedBundleVersion;
  fleet: FleetStore;
}

/** Records a written and verified part's bundle version, in the export's transaction. */
export function recordPartBundle(part: CaPackagePart, at: Date): void {
  recordBundleVersion(part.fleet, part.bundle, at);
}

/** The name of a key's CRL in its CA's folder: the first 16 hex digits of its key id. */
export function crlFileName(keyId: string): string {
  return `crl/${crlFileStem(keyId)}.crl`;
}

/** Signs a manifest with a key of the vault: the private key is unwrapped only for the signature and wiped after. */
export function manifestSigner(keys: SigningKeyStore, key: SigningKeyRecord): SignManifest {
  // Through the key's Signer (vault or token), verified with the stored public key before it is written.
  return async (manifest) => keys.withSigner(key.id, (signer) => signAndVerify(signer, key.spki, manifest, 'export manifest'));
}

/**
 * The facts of a CA's latest emergency rotation, from the vault: the key retired for compromise, the audit event
 * that retired it (officer, witnesses, replacement), its final CRL and the certificates the rotation revoked.
 * Null when the CA has had none.
 */
export function emergencyFactsOf(vault: Vault, stores: Stores, ca: CaSummary): EmergencyFacts | null {
  const { keys, certs } = stores;
  const k = keys.latestCompromised();
  if (!k?.retiredAt || !k.certificate) return null;
  const cert = readCertificateFacts(k.certificate, `the certificate of key ${k.name}`);
  const event = vault.audit
    .list({ action: 'key.emergency-activated', since: k.retiredAt })
    .reverse()
    .find((e) => ((e.details as { changes?: Array<{ keyId?: string; to?: string }> }).changes ?? []).some((c) => c.keyId === k.id && c.to === 'retired'));
  const replacementId = (event?.details as { keyId?: unknown } | undefined)?.keyId;
  const replacement = typeof replacementId === 'string' ? keys.get(replacementId) : null;
  const crl = certs.lastCrl(k.id);
  // The issuing CA when it is one of this vault's: a certificate of the vault with this serial and DER.
  const everyCa = new CertificateStore(vault.db);
  const own = everyCa.isSerialTaken(cert.serialHex) ? everyCa.get(cert.serialHex) : null;
  const issuerCa = own && Buffer.compare(own.der, k.certificate) === 0 ? new CaStore(vault).byId(own.caId) : null;
  return {
    ca: { id: ca.id, name: ca.name },
    compromised: {
      keyId: k.id,
      name: k.name,
      subject: cert.subject,
      issuer: cert.issuer,
      serial: cert.serialHex,
      fingerprint: cert.fingerprint,
      notBefore: cert.notBefore.toISOString(),
      notAfter: cert.notAfter.toISOString(),
      selfSigned: isSelfSigned(cert),
    },
    replacement: replacement ? { keyId: replacement.id, name: replacement.name } : null,
    at: k.retiredAt,
    officer: k.retiredBy ?? event?.actor ?? null,
    witnesses: event ? [...event.witnesses] : [],
    auditEvent: event ? { seq: event.seq, hash: event.hash } : null,
    finalCrl: crl ? { file: crlFileName(k.id), number: crl.number, thisUpdate: crl.thisUpdate, nextUpdate: crl.nextUpdate, entries: crl.entries, sha256: sha256Hex(crl.der) } : null,
    reissue: certs.revokedTogether(k.id, k.retiredAt, 'keyCompromise').map((c) => ({ serial: c.serial, subject: c.subject, sans: c.sans, notAfter: c.notAfter, profile: c.profile })),
    issuerCaInVault: issuerCa?.name ?? null,
  };
}

/** The emergency rotation an export of this CA still has to carry: its latest, when no export of the CA was written since. */
export function unexportedEmergency(vault: Vault, stores: Stores, ca: CaSummary): EmergencyFacts | null {
  const k = stores.keys.latestCompromised();
  if (!k?.retiredAt || new ExportLogStore(vault, ca.id).firstSince(k.retiredAt) !== null) return null;
  return emergencyFactsOf(vault, stores, ca);
}

/** A CRL file and its PEM twin, named relative to the CA's folder. */
export function crlFiles(keyId: string, der: Uint8Array): ExportFile[] {
  return [
    { name: crlFileName(keyId), bytes: der },
    { name: `${crlFileName(keyId)}.pem`, bytes: Buffer.from(crlToPem(der), 'utf8') },
  ];
}

/**
 * The files of one CA's folder: the trust bundle, trust-anchor.json, and
 * every issuer's latest CRL — regenerated when it is due, expired or missing
 * for an active or trusted key; a retired key's final CRL travels as it is —
 * and, for the first export after an emergency rotation, its emergency files.
 */
export function caPackageFiles(ctx: VaultContext, ca: CaSummary, opts: { preview?: boolean } = {}): CaPackagePart {
  const preview = opts.preview === true;
  const unsigned: string[] = [];
  const stores = storesOf(ctx.vault, ca);
  const { keys, certs } = stores;
  const active = keys.active();
  if (!active) throw new DomainError('NO_ACTIVE_KEY', `The CA "${ca.name}" has no active signing key to sign its part of the package with. Activate a key in it first, or export the other CAs with --ca NAME.`);
  const bundle = buildBundle(keys);
  const all = keys.list();
  const fleet = new FleetStore(ctx.vault.db, ca.id);
  const version = planBundleVersion(fleet, bundle.pem, bundle.keys.map((k) => k.id));
  const anchor = buildTrustAnchor(
    all.map((k) => ({ id: k.id, state: k.state, trustedUntil: k.trustedUntil ? new Date(k.trustedUntil) : undefined, certificate: k.certificate, chain: k.chain, algorithm: k.algorithm })),
    { version: version.version, sha256: version.sha256 },
  );
  const files: ExportFile[] = [
    { name: 'trust-bundle.pem', bytes: Buffer.from(bundle.pem, 'utf8') },
    { name: 'trust-anchor.json', bytes: serializeTrustAnchor(anchor) },
  ];
  const newCrls: CrlRecord[] = [];
  const crls: ExportView['crls'] = [];
  const now = ctx.clock.now();
  const crlValidityDays = caSettings(settingsOf(stores.settings), ca).crlValidityDays;
  const published: Array<{ key: SigningKeyRecord; current: CrlRecord | null; planned?: { number: number; nextUpdate: string } }> = [];
  for (const k of all) {
    if (!publishesCrl(k) || !k.certificate) continue;
    const status = crlStatus(certs, k.id, now).status;
    let record = certs.lastCrl(k.id);
    let regenerated = false;
    if (k.state !== 'retired' && status !== 'ok' && preview) {
      // A preview signs nothing: it names the files and what the CRL would be (number, nextUpdate).
      const plan = plannedCrl(certs, k.id, now, crlValidityDays);
      unsigned.push(...crlFiles(k.id, new Uint8Array()).map((f) => f.name));
      crls.push({ issuerKeyId: k.id, number: plan.number, nextUpdate: plan.nextUpdate, regenerated: true });
      published.push({ key: k, current: null, planned: plan });
      continue;
    }
    if (k.state !== 'retired' && status !== 'ok') {
      const made = generateCrl({ keys, certs, now: ctx.clock.now() }, k, crlValidityDays);
      record = { issuerKeyId: k.id, number: made.record.number, thisUpdate: made.record.thisUpdate, nextUpdate: made.record.nextUpdate, entries: made.record.entries, der: made.der };
      newCrls.push(record);
      regenerated = true;
    }
    published.push({ key: k, current: record });
    if (!record) continue;
    files.push(...crlFiles(k.id, record.der));
    crls.push({ issuerKeyId: k.id, number: record.number, nextUpdate: record.nextUpdate, regenerated });
  }
  const newSchedules = addScheduledCrls({ db: ctx.vault.db, keys, certs, now }, published, 'crl', files, preview ? unsigned : null);
  const emergency = unexportedEmergency(ctx.vault, stores, ca);
  if (emergency) files.push(...emergencyFiles(emergency));
  return { ca, stores, active, files, unsigned, newCrls, newSchedules, crls, keys: bundle.keys, emergency, bundle: version, fleet };
}

/** The number and nextUpdate a CRL of key `keyId` signed now would have (what generateCrl gives it), without signing it. */
function plannedCrl(certs: CertificateStore, keyId: string, now: Date, days: number): { number: number; nextUpdate: string } {
  return { number: nextCrlNumber(certs, keyId, now), nextUpdate: new Date(Math.floor((now.getTime() + days * DAY_MS) / 1000) * 1000).toISOString() };
}

/** The CAs a package carries: those named (each must exist), or every CA of the vault that has an active key. */
export function packageCas(ctx: VaultContext, names: readonly string[]): { cas: CaSummary[]; skipped: ExportView['skipped'] } {
  const store = new CaStore(ctx.vault);
  if (names.length > 0) {
    const wanted = new Set(names.map((n) => store.byName(n).id));
    return { cas: store.list().filter((c) => wanted.has(c.id)), skipped: [] };
  }
  const cas: CaSummary[] = [];
  const skipped: ExportView['skipped'] = [];
  for (const c of store.list()) {
    // A CA without an active key has nothing to distribute yet; naming it with --ca makes that an error instead.
    if (storesOf(ctx.vault, c).keys.active()) cas.push(c);
    else skipped.push({ ca: c.name, reason: 'no active key' });
  }
  if (cas.length === 0) throw new DomainError('NO_ACTIVE_KEY', 'No CA of this vault has an active signing key to sign a package with. Activate a key first.');
  return { cas, skipped };
}

export interface AssembledPackage {
  parts: CaPackagePart[];
  files: ExportFile[];
  /** A preview's files that writing would sign first, by name (see CaPackagePart.unsigned). */
  unsigned: string[];
  signing: ExportSigning;
  /** Each part's folder ('' for a package of one CA). */
  folders: Map<string, string>;
  /** A package of one CA: its bundle's version, for the manifest (several CAs carry theirs in signing.cas). */
  bundle: { version: number; sha256: string } | undefined;
}

/** The parts in one package: at the top for one CA; for several, each CA's files under its folder and one signer per CA. */
export function assemblePackage(ctx: VaultContext, parts: CaPackagePart[]): AssembledPackage {
  const [only] = parts;
  if (parts.length === 1 && only) {
    return {
      parts,
      files: only.files,
      unsigned: only.unsigned,
      signing: { signingKeyId: only.active.id, sign: manifestSigner(only.stores.keys, only.active) },
      folders: new Map([[only.ca.id, '']]),
      bundle: { version: only.bundle.version, sha256: only.bundle.sha256 },
    };
  }
  // Folders are named over every CA of the vault, oldest first, so a CA keeps its folder whichever others come along.
  const names = caFolderNames(new CaStore(ctx.vault).list());
  const folders = new Map(parts.map((p) => [p.ca.id, names.get(p.ca.id)!]));
  const cas: ExportCaSigner[] = parts.map((p) => ({
    id: p.ca.id,
    name: p.ca.name,
    folder: folders.get(p.ca.id)!,
    signingKeyId: p.active.id,
    sign: manifestSigner(p.stores.keys, p.active),
    bundle: { version: p.bundle.version, sha256: p.bundle.sha256 },
  }));
  const files = parts.flatMap((p) => p.files.map((f) => ({ name: `${folders.get(p.ca.id)}/${f.name}`, bytes: f.bytes })));
  const unsigned = parts.flatMap((p) => p.unsigned.map((name) => `${folders.get(p.ca.id)}/${name}`));
  return { parts, files, unsigned, signing: { cas }, folders, bundle: undefined };
}
