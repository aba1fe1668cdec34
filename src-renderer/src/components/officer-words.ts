/**
 * The vault's refusals are written for both of its faces: they name what to
 * do as the command line does it ("use --force with --reason", "fleet
 * status", "--ca NAME"). In the console the officer has buttons, fields and
 * sections instead, so each such phrase is said again the console's way
 * here, in one table (officer-words.test.ts checks the table against the
 * api's real messages). Whatever else the message says is kept as it is.
 */
const RULES: ReadonlyArray<readonly [RegExp, string]> = [
  // Retire refusals (RETIRE_REFUSED_*): the dialog offers "Retire anyway" with a reason.
  [/,? or use --force with --reason\./g, ', or retire it anyway: the console asks for a reason, which goes into the audit log.'],
  // Activation below readiness (READINESS_INCOMPLETE): the dialog offers "Activate anyway" with a reason.
  [/,? or activate anyway with --force --reason TEXT\./g, ', or activate it anyway: the console asks for a reason, which goes into the audit log.'],
  [/Import their receipts \("fleet import-receipts --from DIR"\), see who is missing \("fleet status"\)/g, 'Import their receipts ("Import receipts from a medium"), see who is missing (the rotation panel on the Dashboard)'],
  [/ \("fleet remaining --key [^"]*" lists them\)/g, ' (the rotation panel on the Dashboard counts them)'],
  [/ \(settings\.activationReadiness\)/g, ' (the activation readiness in Settings)'],
  // Token PIN: the console has a PIN field, no PIN file or environment.
  [/: give --pin-file FILE or AIRGAP_CA_PIN, or run on a terminal to be asked \(in the app: the PIN field\)\./g, ': enter it in the PIN field.'],
  [/; give the PIN \(--pin-file FILE or AIRGAP_CA_PIN\) to check that it signs\./g, '; enter the PIN to check that it signs.'],
  [/ Make a new key on the token with "key create --token"\./g, ' Make a new key on the token with the key wizard instead.'],
  // The sub-CA wizard takes one chain file: the root goes into it, not into a separate root file.
  [/ and give it as the root file/g, ', add it to the end of the chain file and choose that file again'],
  [/ The root file holds /g, ' The chain file holds '],
  // Imports.
  [/ Import this key as a draft \(without --state\) and activate it with "key activate", which keeps "([^"]*)" trusted for the window, or with --state trusted beside it\./g, ' Import this key as a draft and activate it (Signing keys, Activate), which keeps "$1" trusted for the window, or import it as trusted beside it.'],
  // Several CAs: the console works in the CA it shows.
  [/ Choose one of those profiles, or another CA with --ca\./g, ' Choose one of those profiles, or switch to another CA in the console.'],
  [/, or export the other CAs with --ca NAME\./g, ', or export only the other CAs.'],
  [/ Activate one first \(--ca [^)]* key activate KEY\)\./g, ' Activate one first (switch to that CA, Signing keys, Activate).'],
  [/: renew it with --ca ([^.]*)\./g, ': renew it in the CA "$1" (switch to it in the console).'],
  // Writing a file again.
  [/ Write it with "airgap-ca cert show ([0-9a-fA-F]+) --out FILE"\./g, ' Save it again from the certificate $1 in Certificates.'],
  // Pre-signed CRLs.
  [/ Give a longer --validity-days, or lower the safety margin\./g, ' Give a longer validity, or lower the safety margin.'],
  // Restore below a checkpoint.
  [/, or give --accept-rollback --reason TEXT to restore it anyway\./g, '; restoring it anyway is done on the command line, with a reason for the audit log.'],
  // A forced step's reason: the console's reason field.
  [/ \(--reason TEXT\)/g, ''],
  [/ needs --reason TEXT:/g, ' needs a reason:'],
  [/ \(--share FILE, once per share\)/g, ''],
  // Generic last resorts: what the command line names, the console says in its words.
  [/ Run "key list" to see the keys\./g, ' The Signing keys section lists them.'],
  [/\bthe api\b/gi, 'the vault'],
];

/** A refusal's message as the console says it: command-line instructions replaced by the console's. */
export function officerWords(message: string): string {
  let text = message;
  for (const [pattern, replacement] of RULES) text = text.replace(pattern, replacement);
  // A refusal that starts with a key's label ("key "Root 2025" (…) is trusted …") is a sentence.
  return text.replace(/^key "/, 'Key "');
}

/** What still reads as the command line: a flag (--name), an environment variable, a quoted command ("airgap-ca …", "key list"), a setting's key. */
export const CLI_TRACE = /(?:^|[\s("])--[a-z][a-z-]*|\bAIRGAP_CA_[A-Z]+\b|"airgap-ca |"(?:key|cert|fleet|vault|audit|crl|export|token|bundle|ca) [a-z-]+|\bsettings\.[a-z]/;

/** An exact UTC time as the vault writes it (ISO 8601, `Z`), e.g. 2027-01-02T20:08:25.249Z. */
export const ISO_UTC = /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?Z\b/g;

/** A full key id (or fingerprint) in a message: shown shortened in groups of four, the full value on hover. */
const FULL_ID = /\bsha256:[0-9a-f]{64}\b/g;

export type MessagePart = { text: string } | { iso: string } | { id: string };

/** Splits a message into text, the UTC times and the full key ids in it, so each time can be shown in local time (UTC on hover), each id grouped (in full on hover). */
export function messageParts(message: string): MessagePart[] {
  const parts: MessagePart[] = [];
  let last = 0;
  const found = [...message.matchAll(ISO_UTC)].filter((m) => !Number.isNaN(new Date(m[0]).getTime())).map((m) => ({ at: m.index, value: m[0], part: { iso: m[0] } as MessagePart }));
  found.push(...[...message.matchAll(FULL_ID)].map((m) => ({ at: m.index, value: m[0], part: { id: m[0] } as MessagePart })));
  found.sort((a, b) => a.at - b.at);
  for (const m of found) {
    const at = m.at;
    if (at > last) parts.push({ text: message.slice(last, at) });
    parts.push(m.part);
    last = at + m.value.length;
  }
  if (last < message.length || parts.length === 0) parts.push({ text: message.slice(last) });
  return parts;
}

const localFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/**
 * The same as one line of plain text, where no element can go (an alert's
 * text, a table cell joined with "; "): the console's words and every UTC
 * time in local time. Where an element can go, MessageText also gives the
 * UTC on hover.
 */
export function officerLine(message: string): string {
  return messageParts(officerWords(message))
    .map((p) => ('iso' in p ? localFormat.format(new Date(p.iso)) : 'id' in p ? p.id : p.text))
    .join('');
}
