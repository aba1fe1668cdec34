import { createHash } from 'node:crypto';
import { DomainError } from '../errors.ts';
import { printableLine } from '../safe-text.ts';
import type { CeremonyKitKind, KitFingerprint, KitKeyRole, KitPaperSize } from './kit-kinds.ts';
import { pgpWordsOfHex } from './pgp-words.ts';

/** One fingerprint the sheet prints: a key (its key id) or a certificate. */
export interface KitKey {
  role: KitKeyRole;
  name: string;
  /** "sha256:" + 64 hex digits: the key id (SHA-256 of the public key) or a certificate's SHA-256. */
  fingerprint: string;
  subject: string | null;
  algorithm: string | null;
}

/** Everything on the sheet; nothing else is read (a pure function of this). */
export interface CeremonyKitInput {
  ceremony: CeremonyKitKind;
  ca: string;
  vaultId: string;
  officer: string;
  witnesses: readonly string[];
  keys: readonly KitKey[];
  /** The vault's last audit event when the sheet was made (null: an empty chain). */
  auditHead: { seq: number; hash: string } | null;
  /** The audit event that records this sheet (ceremony.kit-written): the one after the head. */
  kitEventSeq: number;
  at: Date;
  /** IANA time zone of the local time printed next to UTC. */
  timeZone: string;
  paper: KitPaperSize;
}

export interface CeremonyKit {
  html: string;
  fingerprints: KitFingerprint[];
}

const TITLES: Record<CeremonyKitKind, string> = {
  'sub-ca': 'New sub-CA ceremony',
  root: 'Standalone root ceremony',
  emergency: 'Emergency rotation ceremony',
};

const ROLE_TITLES: Record<KitKeyRole, string> = {
  'new-sub-ca': 'The new sub-CA key',
  'new-root': 'The new root key',
  'root-certificate': 'The new root certificate',
  out: 'OUT — the compromised key',
  in: 'IN — the new key',
  'corporate-root': 'The corporate root certificate',
};

const ROLE_WHAT: Record<KitKeyRole, string> = {
  'new-sub-ca': 'Key fingerprint (SHA-256 of the public key, its key id)',
  'new-root': 'Key fingerprint (SHA-256 of the public key, its key id)',
  'root-certificate': 'Certificate fingerprint (SHA-256 of the self-signed certificate), pinned in the vault',
  out: 'Key fingerprint (SHA-256 of the public key, its key id)',
  in: 'Key fingerprint (SHA-256 of the public key, its key id)',
  'corporate-root': 'Certificate fingerprint (SHA-256 of the certificate), pinned in the vault',
};

/** The ceremony's steps as the officer and the witnesses tick them off; they follow the console's wizard. */
const STEPS: Record<CeremonyKitKind, readonly string[]> = {
  'sub-ca': [
    'The officer and the witnesses named below are in the room; the workstation has no network connection.',
    'On the screen, compare the new sub-CA key’s fingerprint with this sheet, group by group; a witness reads its words aloud.',
    'Write the certificate request (CSR) to the medium and hand it to the corporate root’s officers.',
    'When the signed chain comes back: compare the corporate root certificate’s fingerprint the console shows with the one the corporate root’s officers give you (printed below once the vault has pinned it).',
    'Import the chain, then activate the key: the console shows what activation changes before you confirm it.',
    'Write the export package to removable media, eject it, and sign this sheet.',
  ],
  root: [
    'The officer and the witnesses named below are in the room; the workstation has no network connection.',
    'On the screen, compare the new root key’s fingerprint with this sheet, group by group; a witness reads its words aloud.',
    'Review the self-signed root certificate, then activate it: when a previous root exists, it signs a link certificate to the new one.',
    'Write the export package to removable media and eject it: agents learn about the new root only from it.',
    'Sign this sheet and keep it with the ceremony records.',
  ],
  emergency: [
    'The officer and the witnesses named below are in the room; every participant acknowledges the checklist on the screen.',
    'Check that OUT on the screen is the compromised key printed below: its name and every group of its fingerprint.',
    'Check that IN on the screen is the new key printed below, group by group; a witness reads its words aloud.',
    'At the confirmation a witness reads the last two groups of IN from this sheet (boxed below) and the officer types them; only then press “Retire & activate”.',
    'Write the export package (new trust bundle and final CRL) to removable media, and eject it.',
    'Record the transcript in the audit log; write its audit event number and hash in the box below.',
    'Sign this sheet and keep it with the ceremony records.',
  ],
};

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for the markup: control and bidi characters made visible (as on a terminal), then the five HTML specials escaped. */
export function escapeHtml(text: string): string {
  return printableLine(text).replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** 64 hex digits of a "sha256:…" value, or a refusal naming it. */
function hexOf(value: string, what: string): string {
  const h = value.trim().toLowerCase().replace(/^sha256:/, '');
  if (!/^[0-9a-f]{64}$/.test(h)) throw new DomainError('INVALID_INPUT', `${what} is not a SHA-256 fingerprint (64 hex digits): ${printableLine(value)}`);
  return h;
}

/** Groups of four hex digits. */
export function hexGroups(hex: string): string[] {
  return hex.match(/.{1,4}/g) ?? [];
}

function localTime(at: Date, timeZone: string): string {
  try {
    return new Intl.DateTimeFormat('en-GB', { dateStyle: 'full', timeStyle: 'long', timeZone }).format(at);
  } catch {
    throw new DomainError('INVALID_INPUT', `Invalid timeZone: "${printableLine(timeZone)}" is not a time zone name (e.g. Europe/Berlin, America/New_York, UTC).`);
  }
}

function utcTime(at: Date): string {
  return `${at.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/**
 * A fingerprint as a table of eight columns: each cell one group of four hex
 * digits over its two words (the bytes at even positions from the first
 * list, at odd positions from the second). `box` marks the last two groups.
 */
function fingerprintTable(hex: string, label: string, box: boolean): string {
  const groups = hexGroups(hex);
  const words = pgpWordsOfHex(hex);
  const rows: string[] = [];
  for (let r = 0; r < groups.length; r += 8) {
    const cells = groups.slice(r, r + 8).map((g, i) => {
      const n = r + i;
      const last = box && n >= groups.length - 2;
      return `<td${last ? ' class="last"' : ''}><span class="hex">${g}</span><span class="w">${words[2 * n]!}</span><span class="w">${words[2 * n + 1]!}</span></td>`;
    });
    rows.push(`<tr>${cells.join('')}</tr>`);
  }
  return `<table class="fp" aria-label="${escapeHtml(label)}"><tbody>${rows.join('')}</tbody></table>`;
}

function keyBlock(k: KitKey, hex: string): string {
  const isIn = k.role === 'in';
  const groups = hexGroups(hex);
  const last = groups.slice(-2).join(' ');
  const lastWords = pgpWordsOfHex(hex).slice(-4).join(' ');
  const facts = [k.subject === null ? null : `<dt>Subject</dt><dd>${escapeHtml(k.subject)}</dd>`, k.algorithm === null ? null : `<dt>Algorithm</dt><dd>${escapeHtml(k.algorithm)}</dd>`].filter((x) => x !== null).join('');
  return [
    `<section class="key role-${k.role}">`,
    `<h3><span class="role">${ROLE_TITLES[k.role]}</span> ${escapeHtml(k.name)}</h3>`,
    facts ? `<dl>${facts}</dl>` : '',
    `<p class="what">${ROLE_WHAT[k.role]}: <span class="mono">sha256:</span></p>`,
    fingerprintTable(hex, `${ROLE_TITLES[k.role]}: fingerprint of ${k.name}`, isIn),
    isIn ? `<p class="readback">Read aloud at the confirmation (the console asks for “IN key: last 2 groups”): <span class="mono big">${last}</span> — ${lastWords}</p>` : '',
    `</section>`,
  ].join('');
}

function signatureLine(role: string, name: string | null): string {
  return `<div class="sig"><div class="line"></div><p>${role}${name === null ? ': name ____________________' : `: ${escapeHtml(name)}`}</p><p class="small">Signature, date and time</p></div>`;
}

const CSS = `
@page { size: A4; margin: 14mm 15mm; }
* { box-sizing: border-box; }
html { color: #000; background: #fff; }
body { margin: 0 auto; max-width: 180mm; padding: 8mm 0; font: 10.5pt/1.4 "DejaVu Sans", "Liberation Sans", Arial, sans-serif; }
h1 { font-size: 17pt; margin: 0 0 1mm; }
h2 { font-size: 12.5pt; margin: 5mm 0 2mm; border-bottom: 0.4mm solid #000; padding-bottom: 0.8mm; }
h3 { font-size: 11pt; margin: 0 0 1mm; }
p { margin: 1mm 0; }
.sub { margin: 0 0 3mm; font-size: 10pt; }
dl.meta { display: grid; grid-template-columns: 34mm 1fr; gap: 0.6mm 3mm; margin: 0; }
dl.meta dt { font-weight: bold; }
dl.meta dd { margin: 0; overflow-wrap: anywhere; }
.key dl { display: grid; grid-template-columns: 22mm 1fr; gap: 0.3mm 2mm; margin: 0 0 1mm; font-size: 9.5pt; }
.key dd { margin: 0; overflow-wrap: anywhere; }
.key dt { font-weight: bold; }
.mono, .hex { font-family: "DejaVu Sans Mono", "Liberation Mono", Consolas, monospace; }
.big { font-size: 13pt; font-weight: bold; }
ol.steps { margin: 0; padding-left: 7mm; }
ol.steps li { margin: 0 0 1.6mm; padding-left: 1mm; }
ol.steps .tick { display: inline-block; width: 4mm; height: 4mm; border: 0.35mm solid #000; margin-right: 2mm; vertical-align: -0.7mm; }
ol.steps .init { float: right; margin-left: 4mm; font-size: 8.5pt; color: #333; }
section.key { border: 0.35mm solid #000; padding: 2.5mm 3mm; margin: 0 0 3mm; break-inside: avoid; page-break-inside: avoid; }
section.role-out { border-width: 0.9mm; border-style: dashed; }
section.role-in { border-width: 0.9mm; }
.role { display: inline-block; font-weight: bold; padding: 0.2mm 1.5mm; border: 0.3mm solid #000; margin-right: 1.5mm; }
.role-out .role { background: #000; color: #fff; }
.what { font-size: 9pt; }
table.fp { border-collapse: collapse; width: 100%; table-layout: fixed; }
table.fp td { border: 0.25mm solid #666; text-align: center; padding: 0.8mm 0.3mm; vertical-align: top; }
table.fp td.last { border: 0.8mm solid #000; }
table.fp .hex { display: block; font-size: 12.5pt; font-weight: bold; letter-spacing: 0.04em; }
table.fp .w { display: block; font-size: 7.6pt; line-height: 1.2; overflow-wrap: anywhere; }
.readback { border: 0.8mm solid #000; padding: 1.5mm 2mm; margin-top: 2mm; }
.fill { border: 0.35mm solid #000; padding: 2mm 3mm; margin: 2mm 0; break-inside: avoid; page-break-inside: avoid; }
.fill p { margin: 2.5mm 0; }
.sigs { display: grid; grid-template-columns: 1fr 1fr; gap: 6mm 10mm; margin-top: 4mm; }
.sig { break-inside: avoid; page-break-inside: avoid; }
.sig .line { border-bottom: 0.35mm solid #000; height: 13mm; }
.sig p { margin: 0.8mm 0 0; }
.small { font-size: 8.5pt; color: #333; }
footer { margin-top: 6mm; font-size: 8.5pt; color: #333; border-top: 0.25mm solid #666; padding-top: 1.5mm; }
@media print { body { padding: 0; max-width: none; } h2 { break-after: avoid; page-break-after: avoid; } }
`;

/**
 * The printed kit of one ceremony: a self-contained HTML page (no script, no
 * network: a CSP that allows nothing but its own style, by hash) with the
 * steps to tick off, every key's full fingerprint in groups of four and in
 * the PGP word list, the audit head, the vault id, the date in local time
 * and UTC, and signature lines for the officer and each witness. Every text
 * from the vault or the officer is escaped (escapeHtml).
 */
export function buildCeremonyKit(input: CeremonyKitInput): CeremonyKit {
  const keys = input.keys.map((k) => ({ k, hex: hexOf(k.fingerprint, `The fingerprint of ${k.name}`) }));
  const headHex = input.auditHead ? hexOf(input.auditHead.hash, 'The audit head') : null;
  const local = localTime(input.at, input.timeZone);
  const css = input.paper === 'letter' ? CSS.replace('size: A4;', 'size: letter;') : CSS;
  const styleHash = createHash('sha256').update(css, 'utf8').digest('base64');
  const csp = `default-src 'none'; style-src 'sha256-${styleHash}'; img-src 'none'; font-src 'none'; script-src 'none'; connect-src 'none'; form-action 'none'; base-uri 'none'`;
  const title = TITLES[input.ceremony];

  // Two witness lines at least: a ceremony names its witnesses on paper when the console did not.
  const witnessLines = [...input.witnesses.map((w) => signatureLine('Witness', w))];
  while (witnessLines.length < 2) witnessLines.push(signatureLine('Witness', null));

  const head = input.auditHead && headHex
    ? `<p>Audit head when this sheet was written: event <span class="mono big">#${input.auditHead.seq}</span>, hash</p>${fingerprintTable(headHex, 'Audit head hash', false)}`
    : '<p>The audit log was empty when this sheet was written.</p>';

  const emergencyFill = input.ceremony === 'emergency'
    ? `<div class="fill"><p><b>After the ceremony</b> — the transcript's audit event (the console shows it on the Transcript step):</p><p>Event # __________ &nbsp; Hash ____________________________________________________________</p><p>Export package folder on the medium: ____________________________________________</p></div>`
    : input.ceremony === 'sub-ca' && !input.keys.some((k) => k.role === 'corporate-root')
      ? `<div class="fill"><p><b>When the chain comes back</b> — the corporate root certificate's SHA-256 fingerprint, as its officers give it:</p><p>____________________________________________________________________________</p><p>____________________________________________________________________________</p></div>`
      : '';

  const html = [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${csp}">`,
    '<meta name="referrer" content="no-referrer">',
    '<meta name="color-scheme" content="light">',
    `<title>${title} — ${escapeHtml(input.ca)} — ceremony kit</title>`,
    `<style>${css}</style>`,
    '</head>',
    '<body>',
    '<header>',
    `<h1>${title}</h1>`,
    `<p class="sub">Ceremony kit of Airgap CA — print it, tick each step, compare every fingerprint with the screen, and sign.</p>`,
    '<dl class="meta">',
    `<dt>CA</dt><dd>${escapeHtml(input.ca)}</dd>`,
    `<dt>Vault id</dt><dd class="mono">${escapeHtml(input.vaultId)}</dd>`,
    `<dt>Date, local</dt><dd>${escapeHtml(local)}</dd>`,
    `<dt>Date, UTC</dt><dd class="mono">${utcTime(input.at)}</dd>`,
    `<dt>Officer</dt><dd>${escapeHtml(input.officer)}</dd>`,
    `<dt>Witnesses</dt><dd>${input.witnesses.length ? input.witnesses.map(escapeHtml).join(', ') : 'named by hand on the signature lines below'}</dd>`,
    '</dl>',
    '</header>',
    '<h2>Steps</h2>',
    `<ol class="steps">${STEPS[input.ceremony].map((s) => `<li><span class="init">time ______ initials ______</span><span class="tick"></span>${s}</li>`).join('')}</ol>`,
    `<h2>Fingerprints</h2>`,
    '<p class="small">Each group of four hex digits is two bytes; under it, their two words from the PGP word list (the first from the even list, the second from the odd list). One person reads the words from the screen, another follows on this sheet.</p>',
    keys.map(({ k, hex }) => keyBlock(k, hex)).join(''),
    '<h2>Audit log</h2>',
    head,
    `<p>The vault records the writing of this sheet as audit event <span class="mono">#${input.kitEventSeq}</span> (ceremony.kit-written), with the SHA-256 of this file.</p>`,
    emergencyFill,
    '<h2>Signatures</h2>',
    '<p class="small">By signing, each person confirms they were present, compared every fingerprint above with the screen, and saw the steps ticked.</p>',
    `<div class="sigs">${signatureLine('Officer', input.officer)}${witnessLines.join('')}</div>`,
    `<footer>Written by Airgap CA for vault <span class="mono">${escapeHtml(input.vaultId)}</span> on ${utcTime(input.at)}. This page holds no scripts and loads nothing.</footer>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');

  return {
    html,
    fingerprints: keys.map(({ k, hex }) => ({ role: k.role, name: k.name, fingerprint: `sha256:${hex}`, words: pgpWordsOfHex(hex) })),
  };
}
