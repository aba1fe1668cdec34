/**
 * The report of a renewal batch, written next to the certificates as JSON and
 * as CSV (RFC 4180): one line per request file, with the agent's serial, the
 * new serial and the code that refused it. File names come from the medium,
 * so a CSV field that a spreadsheet would run as a formula (= + - @, tab, CR)
 * is prefixed with an apostrophe.
 */
import type { RenewalCounts, RenewalLine } from './renewal-batch.ts';

export const RENEWAL_REPORT_FORMAT = 'airgap-ca-renewal-report';

export interface RenewalReportLine extends RenewalLine {
  /** The certificate file, when one was written or is already there. */
  out: string | null;
}

export interface RenewalReport {
  format: typeof RENEWAL_REPORT_FORMAT;
  format_version: 1;
  ca: string;
  created: string;
  issuerKeyId: string;
  inDir: string;
  outDir: string;
  supersede: boolean;
  counts: RenewalCounts;
  superseded: string[];
  requests: RenewalReportLine[];
}

export function renewalReportJson(report: RenewalReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

function csvField(value: string | null): string {
  let v = value ?? '';
  if (/^[=+\-@\t\r]/.test(v)) v = `'${v}`;
  return /[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
}

export function renewalReportCsv(lines: readonly RenewalLine[]): string {
  const rows = [['file', 'agent_serial', 'new_serial', 'status', 'code'], ...lines.map((l) => [l.file, l.agentSerial, l.newSerial, l.status, l.code])];
  return rows.map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}
