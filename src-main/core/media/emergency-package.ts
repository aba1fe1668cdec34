/**
 * The emergency files of a CA after an emergency rotation (docs/architecture.md,
 * "Emergency package"): what the compromised key was, when and by whom it was
 * retired, its final CRL, the certificates to re-issue (JSON and CSV), and —
 * when the key was a sub-CA — the revocation request for the CA that
 * certified it. Pure: the facts come from the vault, the files go into a
 * package, whose signed manifest lists them.
 */
import type { ExportFile } from './export-package.ts';
import { groupedFingerprint } from '../keys/trusted-roots.ts';

export const EMERGENCY_NAME = 'EMERGENCY.json';
export const REISSUE_CSV_NAME = 'EMERGENCY-reissue.csv';
export const REVOCATION_REQUEST_TEXT_NAME = 'REVOCATION-REQUEST.txt';
export const REVOCATION_REQUEST_JSON_NAME = 'REVOCATION-REQUEST.json';

export interface ReissueEntry {
  serial: string;
  subject: string;
  sans: string[];
  notAfter: string;
  profile: string;
}

export interface EmergencyFacts {
  ca: { id: string; name: string };
  compromised: {
    keyId: string;
    name: string;
    subject: string;
    issuer: string;
    /** Lowercase hex, as the vault prints serials. */
    serial: string;
    /** SHA-256 of the certificate's DER, lowercase hex. */
    fingerprint: string;
    notBefore: string;
    notAfter: string;
    /** A root of its own (self-signed): nobody else has to revoke it. */
    selfSigned: boolean;
  };
  replacement: { keyId: string; name: string } | null;
  /** When the emergency rotation retired the key. */
  at: string;
  officer: string | null;
  witnesses: string[];
  /** The audit event of the rotation. */
  auditEvent: { seq: number; hash: string } | null;
  /** The compromised key's final CRL, as the package carries it (the file name is relative to the CA's folder). */
  finalCrl: { file: string; number: number; thisUpdate: string; nextUpdate: string; entries: number; sha256: string } | null;
  /** The certificates the rotation revoked: each needs a new one from the new key. */
  reissue: ReissueEntry[];
  /** When the CA that certified the key is a CA of this vault: its name, so the officer revokes it there. */
  issuerCaInVault: string | null;
}

const REASON = 'keyCompromise';

/** RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled. */
function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

export function reissueCsv(entries: readonly ReissueEntry[]): string {
  const rows = [['serial', 'subject', 'sans', 'not_after', 'profile'], ...entries.map((e) => [e.serial, e.subject, e.sans.join(';'), e.notAfter, e.profile])];
  return rows.map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}

/** The serial as a corporate PKI's tools print it: upper-case hex octets separated by colons. */
function colonSerial(hex: string): string {
  const even = hex.length % 2 === 1 ? `0${hex}` : hex;
  return (even.toUpperCase().match(/../g) ?? []).join(':');
}

export function revocationRequest(f: EmergencyFacts): Record<string, unknown> {
  const c = f.compromised;
  return {
    type: 'airgap-ca.revocation-request',
    format_version: 1,
    request: 'Revoke this CA certificate: the private key of the subject CA was compromised.',
    certificate: { issuer: c.issuer, subject: c.subject, serial: c.serial, serial_colon: colonSerial(c.serial), sha256_fingerprint: c.fingerprint, sha256_fingerprint_grouped: groupedFingerprint(c.fingerprint), not_before: c.notBefore, not_after: c.notAfter },
    reason: REASON,
    compromised_at: f.at,
    requested_by: f.officer,
    witnesses: f.witnesses,
    ca: f.ca.name,
    issuer_ca_in_vault: f.issuerCaInVault,
  };
}

export function revocationRequestText(f: EmergencyFacts): string {
  const c = f.compromised;
  const lines = [
    'CERTIFICATE REVOCATION REQUEST',
    '',
    `The private key of the CA "${f.ca.name}" (key ${c.name}, ${c.keyId}) was compromised.`,
    'Please revoke the CA certificate below, which your CA issued to it, and publish a new CRL.',
    '',
    `Issuer:              ${c.issuer}`,
    `Subject:             ${c.subject}`,
    `Serial number:       ${colonSerial(c.serial)} (hex ${c.serial})`,
    `SHA-256 fingerprint: ${groupedFingerprint(c.fingerprint)}`,
    `Valid:               ${c.notBefore} to ${c.notAfter}`,
    `Reason:              ${REASON}`,
    `Compromised at:      ${f.at}`,
    `Requested by:        ${f.officer ?? '(not recorded)'}`,
    `Witnesses:           ${f.witnesses.length ? f.witnesses.join(', ') : '(none recorded)'}`,
    '',
    'Check the fingerprint against the certificate in your records before revoking:',
    '  openssl x509 -in CERT.pem -noout -serial -fingerprint -sha256',
  ];
  if (f.issuerCaInVault !== null) {
    lines.push('', `The issuer is the CA "${f.issuerCaInVault}" of the same vault: revoke it there with`, `  airgap-ca --ca ${JSON.stringify(f.issuerCaInVault)} cert revoke ${c.serial} --reason ${REASON}`);
  }
  return lines.join('\n') + '\n';
}

export function emergencyDocument(f: EmergencyFacts): Record<string, unknown> {
  const c = f.compromised;
  return {
    type: 'airgap-ca.emergency',
    format_version: 1,
    ca: f.ca,
    compromised_key: { key_id: c.keyId, name: c.name, subject: c.subject, issuer: c.issuer, serial: c.serial, sha256_fingerprint: c.fingerprint, self_signed: c.selfSigned },
    replacement_key: f.replacement ? { key_id: f.replacement.keyId, name: f.replacement.name } : null,
    compromised_at: f.at,
    officer: f.officer,
    witnesses: f.witnesses,
    audit_event: f.auditEvent,
    final_crl: f.finalCrl ? { file: f.finalCrl.file, number: f.finalCrl.number, this_update: f.finalCrl.thisUpdate, next_update: f.finalCrl.nextUpdate, entries: f.finalCrl.entries, sha256: f.finalCrl.sha256 } : null,
    reissue: { count: f.reissue.length, csv: REISSUE_CSV_NAME, certificates: f.reissue.map((e) => ({ serial: e.serial, subject: e.subject, sans: e.sans, not_after: e.notAfter, profile: e.profile })) },
    revocation_request: c.selfSigned ? null : { text: REVOCATION_REQUEST_TEXT_NAME, json: REVOCATION_REQUEST_JSON_NAME },
  };
}

const json = (doc: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(doc, null, 2) + '\n');

/** The files, named relative to the CA's folder (the package's top for a package of one CA). */
export function emergencyFiles(f: EmergencyFacts): ExportFile[] {
  const files: ExportFile[] = [
    { name: EMERGENCY_NAME, bytes: json(emergencyDocument(f)) },
    { name: REISSUE_CSV_NAME, bytes: new TextEncoder().encode(reissueCsv(f.reissue)) },
  ];
  if (!f.compromised.selfSigned) {
    files.push({ name: REVOCATION_REQUEST_TEXT_NAME, bytes: new TextEncoder().encode(revocationRequestText(f)) }, { name: REVOCATION_REQUEST_JSON_NAME, bytes: json(revocationRequest(f)) });
  }
  return files;
}
