/**
 * Subject names typed by an officer, in the RFC 4514 string form
 * ("CN=Acme Agents CA,O=Acme,C=DE"), and back.
 *
 * RFC 4514 section 2.1 writes the RDNs of a name most-specific first, i.e. in
 * the reverse of their ASN.1 order, so "CN=...,O=...,C=DE" is encoded as the
 * sequence C, O, CN - the conventional order OpenSSL prints as
 * "C = DE, O = Acme, CN = ...". formatDistinguishedName() reverses it again,
 * so an officer reads back what they typed.
 */
import * as x509 from '@peculiar/x509';
import { DomainError } from '../errors.ts';

type StringKind = 'utf8String' | 'printableString' | 'ia5String';

interface AttributeRule {
  oid: string;
  kind: StringKind;
  /** Upper bound in characters, RFC 5280 Appendix A.1 (ub-*). */
  max: number;
  /** May appear more than once in a name. */
  repeatable: boolean;
}

// RFC 5280 Appendix A.1 upper bounds; RFC 5280 section 4.1.2.4 asks new
// certificates to use PrintableString or UTF8String for DirectoryString.
const ATTRIBUTES: Record<string, AttributeRule> = {
  CN: { oid: '2.5.4.3', kind: 'utf8String', max: 64, repeatable: false },
  O: { oid: '2.5.4.10', kind: 'utf8String', max: 64, repeatable: false },
  OU: { oid: '2.5.4.11', kind: 'utf8String', max: 64, repeatable: true },
  L: { oid: '2.5.4.7', kind: 'utf8String', max: 128, repeatable: false },
  ST: { oid: '2.5.4.8', kind: 'utf8String', max: 128, repeatable: false },
  // X520countryName: PrintableString (SIZE (2)), an ISO 3166 alpha-2 code.
  C: { oid: '2.5.4.6', kind: 'printableString', max: 2, repeatable: false },
  // X520SerialNumber: PrintableString (SIZE (1..ub-serial-number)).
  SERIALNUMBER: { oid: '2.5.4.5', kind: 'printableString', max: 64, repeatable: false },
  // RFC 4519 section 2.4 / RFC 2247: IA5String, one DNS label each.
  DC: { oid: '0.9.2342.19200300.100.1.25', kind: 'ia5String', max: 63, repeatable: true },
};

const ALIASES: Record<string, string> = { S: 'ST' };

export interface DnAttribute {
  type: string;
  value: string;
}

const EXAMPLE = 'give it like CN=Acme Agents CA,O=Acme,C=DE';

function invalid(message: string): never {
  throw new DomainError('INVALID_SUBJECT', message);
}

/** Split on the separators that are not escaped (RFC 4514 section 2.4 escaping with a backslash). */
function splitUnescaped(s: string, sep: string): string[] {
  const parts: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i] as string;
    if (ch === '\\') {
      cur += ch + (s[i + 1] ?? '');
      i++;
    } else if (ch === sep) {
      parts.push(cur);
      cur = '';
    } else {
      cur += ch;
    }
  }
  parts.push(cur);
  return parts;
}

/** RFC 4514 section 3: "\," and friends, and "\xx" hex pairs forming UTF-8. */
function unescapeValue(raw: string, where: string): string {
  const bytes: number[] = [];
  const enc = new TextEncoder();
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i] as string;
    if (ch !== '\\') {
      bytes.push(...enc.encode(ch));
      continue;
    }
    const next = raw.slice(i + 1, i + 3);
    if (/^[0-9a-fA-F]{2}$/.test(next)) {
      bytes.push(parseInt(next, 16));
      i += 2;
    } else if (raw[i + 1] !== undefined && ' "#+,;<=>\\'.includes(raw[i + 1] as string)) {
      bytes.push(raw.charCodeAt(i + 1));
      i += 1;
    } else {
      invalid(`${where} has a backslash that escapes nothing; write "\\," for a comma in a value.`);
    }
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array(bytes));
  } catch {
    return invalid(`${where} has escaped bytes that are not valid UTF-8.`);
  }
}

const PRINTABLE = /^[A-Za-z0-9 '()+,\-./:=?]*$/;

/**
 * Parse and check an officer's subject. Throws INVALID_SUBJECT naming the
 * part at fault. Returns the attributes in the order typed (RFC 4514 order).
 */
export function parseDistinguishedName(dn: string): DnAttribute[] {
  if (typeof dn !== 'string' || dn.trim() === '') invalid(`The subject is empty: ${EXAMPLE}.`);
  if (dn.length > 1024) invalid('The subject is longer than 1024 characters.');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(dn)) invalid('The subject contains control characters (line breaks, tabs); type it on one line.');
  const parts = splitUnescaped(dn, ',');
  const seen = new Map<string, number>();
  const out: DnAttribute[] = [];
  parts.forEach((part, i) => {
    const where = `Part ${i + 1} of the subject ("${part.trim()}")`;
    if (part.trim() === '') invalid(`Part ${i + 1} of the subject is empty (two commas in a row, or a comma at the end): ${EXAMPLE}.`);
    if (splitUnescaped(part, '+').length > 1) invalid(`${where} is a multi-valued name part ("+"), which is not supported: use one TYPE=value per part, or escape the plus as "\\+".`);
    const eq = part.indexOf('=');
    if (eq < 0) invalid(`${where} has no "=": write TYPE=value, ${EXAMPLE}.`);
    const rawType = part.slice(0, eq).trim().toUpperCase();
    const type = ALIASES[rawType] ?? rawType;
    const rule = ATTRIBUTES[type];
    if (!rule) invalid(`${where}: "${part.slice(0, eq).trim()}" is not a supported attribute type; use CN, O, OU, L, ST, C, DC or SERIALNUMBER.`);
    const rawValue = part.slice(eq + 1).trim();
    if (rawValue.startsWith('"')) invalid(`${where} is quoted; write the value without quotes and escape a comma as "\\,".`);
    if (rawValue.startsWith('#')) invalid(`${where} is a hex-encoded value ("#..."), which is not supported; type the value as text.`);
    const value = unescapeValue(rawValue, where);
    if (value.trim() === '') invalid(`${where} has an empty value.`);
    if (type === 'C' && !/^[A-Z]{2}$/.test(value)) invalid(`C must be a two-letter upper-case ISO 3166 country code such as DE, not "${value}" (RFC 5280 Appendix A: PrintableString of size 2).`);
    if ([...value].length > rule.max) invalid(`${type} is longer than ${rule.max} characters (RFC 5280 Appendix A upper bound); shorten it.`);
    if (rule.kind === 'printableString' && !PRINTABLE.test(value)) invalid(`${type} may hold only letters, digits, spaces and ' ( ) + , - . / : = ? (PrintableString).`);
    // eslint-disable-next-line no-control-regex
    if (rule.kind === 'ia5String' && !/^[\x00-\x7f]*$/.test(value)) invalid(`${type} may hold only ASCII characters (IA5String).`);
    const count = (seen.get(type) ?? 0) + 1;
    seen.set(type, count);
    if (count > 1 && !rule.repeatable) invalid(`${type} appears more than once in the subject; give it once.`);
    out.push({ type, value });
  });
  if (!seen.has('CN')) invalid(`The subject has no CN (common name); a CA certificate needs one so officers and agents can tell it apart: ${EXAMPLE}.`);
  return out;
}

/** The @peculiar/x509 Name for a subject string, in ASN.1 order (RFC 4514 order reversed). */
export function nameFromDistinguishedName(dn: string): x509.Name {
  const attrs = parseDistinguishedName(dn);
  const json = attrs
    .slice()
    .reverse()
    .map((a) => {
      const rule = ATTRIBUTES[a.type] as AttributeRule;
      return { [rule.oid]: [{ [rule.kind]: a.value }] };
    });
  return new x509.Name(json as x509.JsonNameParams);
}

function escapeValue(v: string): string {
  let s = v.replace(/[\\,+"<>;=]/g, (c) => '\\' + c);
  if (s.startsWith(' ') || s.startsWith('#')) s = '\\' + s;
  if (s.endsWith(' ') && s.length > 1) s = s.slice(0, -1) + '\\ ';
  return s;
}

/**
 * A name in RFC 4514 string order ("CN=...,O=...,C=DE") for messages and
 * listings. Never throws: an unreadable name is shown as "(unreadable name)".
 */
export function formatDistinguishedName(name: x509.Name | ArrayBuffer | Uint8Array): string {
  try {
    const n = name instanceof x509.Name ? name : new x509.Name(name instanceof Uint8Array ? name : new Uint8Array(name));
    const rdns = n.toJSON();
    if (rdns.length === 0) return '(empty name)';
    return rdns
      .slice()
      .reverse()
      .map((rdn) =>
        Object.entries(rdn)
          .flatMap(([type, values]) => values.map((v) => `${type}=${escapeValue(v)}`))
          .join('+'),
      )
      .join(',');
  } catch {
    return '(unreadable name)';
  }
}
