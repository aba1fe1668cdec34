/**
 * The re-bootstrap list (`fleet remaining`): the live, not superseded certificates a key issued,
 * for the agents that must be given a certificate under the new key by hand. CSV (RFC 4180)
 * or JSON.
 */
import type { RemainingLeaf } from './fleet-views.ts';

const CSV_HEADER = ['serial', 'subject', 'sans', 'not_after', 'last_receipt_installed_at', 'last_receipt_bundle_version'];

/**
 * One CSV field: quoted when it holds a comma, quote or line break (RFC 4180); a subject or SAN
 * starting with = + - @ or a tab is prefixed with ' so a spreadsheet shows it instead of running it.
 */
function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function remainingLeavesFile(leaves: readonly RemainingLeaf[], format: 'csv' | 'json', key: { keyId: string; name: string; at: Date }): Uint8Array {
  if (format === 'json') {
    const doc = { key_id: key.keyId, key_name: key.name, created: key.at.toISOString(), count: leaves.length, certificates: leaves };
    return new TextEncoder().encode(JSON.stringify(doc, null, 2) + '\n');
  }
  const rows = leaves.map((l) => [l.serial, l.subject, l.sans.join(' '), l.notAfter, l.lastReceipt?.installedAt ?? '', l.lastReceipt ? String(l.lastReceipt.bundleVersion) : '']);
  return new TextEncoder().encode([CSV_HEADER, ...rows].map((r) => r.map(csvField).join(',') + '\r\n').join(''));
}
