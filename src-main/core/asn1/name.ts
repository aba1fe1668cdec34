/**
 * X.501 Names (RFC 5280 4.1.2.4), all from one attribute table with one set
 * of RFC 5280 upper bounds:
 *
 * - parseName reads and checks a Name taken from an untrusted request (which
 *   attributes are allowed, with which string types and sizes). The subject
 *   is copied byte-for-byte into the certificate, so every rule the
 *   certificate must satisfy is checked here, before issuance.
 * - parseDistinguishedName / encodeDistinguishedName read a subject an
 *   officer typed in the RFC 4514 string form ("CN=Acme Agents CA,O=Acme,C=DE")
 *   and encode it.
 * - formatName prints any Name (an imported corporate root's, say) in the
 *   same RFC 4514 form, and never throws.
 *
 * No @peculiar/x509 here: the batch issuance workers load this module
 * without the reflect-metadata polyfill that library needs.
 *
 * RFC 4514 section 2.1 writes the RDNs of a name most-specific first, i.e. in
 * the reverse of their ASN.1 order, so "CN=...,O=...,C=DE" is encoded as the
 * sequence C, O, CN - the conventional order OpenSSL prints as
 * "C = DE, O = Acme, CN = ...". The printers reverse it again, so an officer
 * reads back what they typed.
 */
import { DomainError } from '../errors.ts';
import { DerError, children, readNode, readOid, readRoot, whole } from './der-reader.ts';
import type { DerNode } from './der-reader.ts';
import { ia5String, oid, printableString, sequence, setOf, utf8String } from './der-writer.ts';
import { OID } from './oids.ts';
import { hasControlCharacters } from '../safe-text.ts';

export class NameError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NameError';
  }
}

const PRINTABLE = 0x13;
const UTF8 = 0x0c;
const IA5 = 0x16;

interface AttributeRule {
  short: string;
  /** Upper bound in characters (RFC 5280 appendix A ub-* values). */
  max: number;
  /** Allowed string tags; the first is the one we encode. */
  tags: readonly number[];
  /** Set for the attributes an officer may type in a CA subject: whether it may appear more than once. */
  typed?: { repeatable: boolean };
}

// RFC 5280 4.1.2.4: new certificates use PrintableString or UTF8String for
// DirectoryString (we encode UTF8String); emailAddress and domainComponent are IA5String (RFC 5280
// appendix A, RFC 4519); countryName, serialNumber and dnQualifier are
// PrintableString.
const DIRECTORY = [UTF8, PRINTABLE] as const;
const RULES: Record<string, AttributeRule> = {
  [OID.commonName]: { short: 'CN', max: 64, tags: DIRECTORY, typed: { repeatable: false } },
  [OID.surname]: { short: 'SN', max: 32768, tags: DIRECTORY },
  [OID.serialNumber]: { short: 'serialNumber', max: 64, tags: [PRINTABLE], typed: { repeatable: false } },
  [OID.countryName]: { short: 'C', max: 2, tags: [PRINTABLE], typed: { repeatable: false } },
  [OID.localityName]: { short: 'L', max: 128, tags: DIRECTORY, typed: { repeatable: false } },
  [OID.stateOrProvinceName]: { short: 'ST', max: 128, tags: DIRECTORY, typed: { repeatable: false } },
  [OID.streetAddress]: { short: 'STREET', max: 128, tags: DIRECTORY },
  [OID.organizationName]: { short: 'O', max: 64, tags: DIRECTORY, typed: { repeatable: false } },
  [OID.organizationalUnitName]: { short: 'OU', max: 64, tags: DIRECTORY, typed: { repeatable: true } },
  [OID.title]: { short: 'title', max: 64, tags: DIRECTORY },
  [OID.postalCode]: { short: 'postalCode', max: 40, tags: DIRECTORY },
  [OID.givenName]: { short: 'GN', max: 32768, tags: DIRECTORY },
  [OID.initials]: { short: 'initials', max: 32768, tags: DIRECTORY },
  [OID.generationQualifier]: { short: 'generationQualifier', max: 32768, tags: DIRECTORY },
  [OID.dnQualifier]: { short: 'dnQualifier', max: 64, tags: [PRINTABLE] },
  [OID.pseudonym]: { short: 'pseudonym', max: 128, tags: DIRECTORY },
  [OID.organizationIdentifier]: { short: 'organizationIdentifier', max: 64, tags: DIRECTORY },
  [OID.emailAddress]: { short: 'emailAddress', max: 255, tags: [IA5] },
  [OID.domainComponent]: { short: 'DC', max: 63, tags: [IA5], typed: { repeatable: true } },
  [OID.userId]: { short: 'UID', max: 256, tags: DIRECTORY },
};

/** X.680 41.4 PrintableString characters. */
const PRINTABLE_RE = /^[A-Za-z0-9 '()+,\-./:=?]*$/;
// C0 controls and DEL have no place in a name shown to people; NUL truncates names in C consumers.
const utf8 = new TextDecoder('utf-8', { fatal: true });

export interface NameAttribute {
  readonly type: string;
  readonly value: string;
}

export interface ParsedName {
  /** RDNs in encoded order; each RDN holds one or more attributes. */
  readonly rdns: readonly (readonly NameAttribute[])[];
  /** RFC 4514 string: the last RDN first, attributes escaped. */
  readonly text: string;
}

function decodeValue(buf: Uint8Array, node: DerNode, type: string): string {
  const rule = RULES[type];
  if (!rule) throw new NameError(`attribute ${type} is not allowed in a subject`);
  if (!rule.tags.includes(node.tag)) throw new NameError(`${rule.short} has a string type not allowed by RFC 5280 4.1.2.4`);
  const bytes = buf.subarray(node.contentStart, node.end);
  let value: string;
  if (node.tag === UTF8) {
    try {
      value = utf8.decode(bytes);
    } catch {
      throw new NameError(`${rule.short} is not valid UTF-8`);
    }
  } else {
    for (const b of bytes) if (b > 0x7f) throw new NameError(`${rule.short} has non-ASCII bytes`);
    value = Buffer.from(bytes).toString('latin1');
    if (node.tag === PRINTABLE && !PRINTABLE_RE.test(value)) throw new NameError(`${rule.short} has characters PrintableString cannot hold`);
  }
  if (value.length === 0) throw new NameError(`${rule.short} is empty`);
  if (hasControlCharacters(value)) throw new NameError(`${rule.short} holds control characters`);
  if ([...value].length > rule.max) throw new NameError(`${rule.short} is longer than ${rule.max} characters`);
  if (type === OID.countryName && !/^[A-Z]{2}$/.test(value)) throw new NameError('C must be two capital letters (ISO 3166)');
  return value;
}

/** RFC 4514 section 2.4 escaping. */
export function escapeDnValue(value: string): string {
  let out = value.replace(/[\\,+"<>;]/g, (c) => '\\' + c);
  if (out.startsWith(' ') || out.startsWith('#')) out = '\\' + out;
  if (value.length > 1 && value.endsWith(' ')) out = out.slice(0, -1) + '\\ ';
  return out;
}

export function attributeShortName(type: string): string {
  return RULES[type]?.short ?? type;
}

/** RFC 4514 string order: the last RDN first, multi-valued RDNs joined with +. */
function rdnsText(rdns: readonly (readonly (NameAttribute & { hex?: string })[])[]): string {
  return rdns
    .slice()
    .reverse()
    .map((rdn) => rdn.map((a) => `${attributeShortName(a.type)}=${a.hex ?? escapeDnValue(a.value)}`).join('+'))
    .join(',');
}

/** Walk and check the Name at `node` (a SEQUENCE OF RelativeDistinguishedName). */
export function parseName(buf: Uint8Array, node: DerNode): ParsedName {
  try {
    if (node.tag !== 0x30) throw new NameError('a Name is a SEQUENCE');
    const rdns: NameAttribute[][] = [];
    for (const rdnNode of children(buf, node)) {
      if (rdnNode.tag !== 0x31) throw new NameError('each RDN is a SET');
      const attrs: NameAttribute[] = [];
      let previous: DerNode | undefined;
      for (const atv of children(buf, rdnNode)) {
        if (atv.tag !== 0x30) throw new NameError('each attribute is a SEQUENCE');
        // X.690 11.6: SET OF elements in ascending order of their encodings.
        if (previous && Buffer.compare(buf.subarray(previous.start, previous.end), buf.subarray(atv.start, atv.end)) > 0) {
          throw new NameError('RDN attributes are not in DER order');
        }
        previous = atv;
        const typeNode = readNode(buf, atv.contentStart, atv.end);
        const type = readOid(buf, typeNode);
        const valueNode = readNode(buf, typeNode.end, atv.end);
        if (valueNode.end !== atv.end) throw new NameError('attribute has extra fields');
        attrs.push({ type, value: decodeValue(buf, valueNode, type) });
      }
      if (attrs.length === 0) throw new NameError('empty RDN');
      rdns.push(attrs);
    }
    return { rdns, text: rdnsText(rdns) };
  } catch (e) {
    if (e instanceof DerError) throw new NameError(`malformed Name: ${e.message}`);
    throw e;
  }
}

export interface NameAttributeInput {
  readonly type: string;
  readonly value: string;
  /** String type; by default what RFC 5280 asks for the attribute (UTF8String for DirectoryString). */
  readonly encoding?: 'utf8' | 'printable' | 'ia5';
}

function defaultEncoding(type: string): 'utf8' | 'printable' | 'ia5' {
  const tag = RULES[type]?.tags[0] ?? UTF8;
  return tag === IA5 ? 'ia5' : tag === PRINTABLE ? 'printable' : 'utf8';
}

/** Encode a Name from RDNs in encoded order (the first is the most general, e.g. C). */
export function encodeName(rdns: readonly (readonly NameAttributeInput[])[]): Buffer {
  return sequence(
    ...rdns.map((rdn) =>
      setOf(
        ...rdn.map((a) => {
          const enc = a.encoding ?? defaultEncoding(a.type);
          const value = enc === 'utf8' ? utf8String(a.value) : enc === 'printable' ? printableString(a.value) : ia5String(a.value);
          return sequence(oid(a.type), value);
        }),
      ),
    ),
  );
}

// ---- Subjects typed by an officer (RFC 4514 strings) ----

/** The typed attribute names (CN, O, ..., SERIALNUMBER), upper-case, to their OIDs. */
const TYPED: ReadonlyMap<string, string> = new Map(
  Object.entries(RULES).flatMap(([oid, rule]) => (rule.typed ? [[rule.short.toUpperCase(), oid] as const] : [])),
);
const ALIASES: Record<string, string> = { S: 'ST' };

export interface DnAttribute {
  /** The attribute as typed, upper-case (CN, O, OU, L, ST, C, DC, SERIALNUMBER). */
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
    return utf8.decode(new Uint8Array(bytes));
  } catch {
    return invalid(`${where} has escaped bytes that are not valid UTF-8.`);
  }
}

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
    const oid = TYPED.get(type);
    if (!oid) invalid(`${where}: "${part.slice(0, eq).trim()}" is not a supported attribute type; use CN, O, OU, L, ST, C, DC or SERIALNUMBER.`);
    const rule = RULES[oid] as AttributeRule;
    const rawValue = part.slice(eq + 1).trim();
    if (rawValue.startsWith('"')) invalid(`${where} is quoted; write the value without quotes and escape a comma as "\\,".`);
    if (rawValue.startsWith('#')) invalid(`${where} is a hex-encoded value ("#..."), which is not supported; type the value as text.`);
    const value = unescapeValue(rawValue, where);
    if (value.trim() === '') invalid(`${where} has an empty value.`);
    if (oid === OID.countryName && !/^[A-Z]{2}$/.test(value)) invalid(`C must be a two-letter upper-case ISO 3166 country code such as DE, not "${value}" (RFC 5280 Appendix A: PrintableString of size 2).`);
    if ([...value].length > rule.max) invalid(`${type} is longer than ${rule.max} characters (RFC 5280 Appendix A upper bound); shorten it.`);
    const tag = rule.tags[0];
    if (tag === PRINTABLE && !PRINTABLE_RE.test(value)) invalid(`${type} may hold only letters, digits, spaces and ' ( ) + , - . / : = ? (PrintableString).`);
    // eslint-disable-next-line no-control-regex
    if (tag === IA5 && !/^[\x00-\x7f]*$/.test(value)) invalid(`${type} may hold only ASCII characters (IA5String).`);
    const count = (seen.get(type) ?? 0) + 1;
    seen.set(type, count);
    if (count > 1 && !rule.typed?.repeatable) invalid(`${type} appears more than once in the subject; give it once.`);
    out.push({ type, value });
  });
  if (!seen.has('CN')) invalid(`The subject has no CN (common name); a CA certificate needs one so officers and agents can tell it apart: ${EXAMPLE}.`);
  return out;
}

/** The DER Name for an officer's subject string, in ASN.1 order (RFC 4514 order reversed). */
export function encodeDistinguishedName(dn: string): Buffer {
  return encodeName(
    parseDistinguishedName(dn)
      .reverse()
      .map((a) => [{ type: TYPED.get(a.type) as string, value: a.value }]),
  );
}

// ---- Printing any Name ----

const TELETEX = 0x14;
const BMP = 0x1e;
const UNIVERSAL = 0x1c;
const NUMERIC = 0x12;
const VISIBLE = 0x1a;

/** Any DirectoryString-like value as text, or null for the RFC 4514 section 2.4 "#hex" form. */
function printValue(buf: Uint8Array, node: DerNode): string | null {
  const bytes = Buffer.from(buf.subarray(node.contentStart, node.end));
  switch (node.tag) {
    case UTF8:
      return bytes.toString('utf8');
    case PRINTABLE:
    case IA5:
    case TELETEX:
    case NUMERIC:
    case VISIBLE:
      return bytes.toString('latin1');
    case BMP:
      return bytes.length % 2 === 0 ? bytes.swap16().toString('utf16le') : null;
    case UNIVERSAL: {
      if (bytes.length % 4 !== 0) return null;
      const cps: number[] = [];
      for (let i = 0; i < bytes.length; i += 4) cps.push(bytes.readUInt32BE(i));
      return cps.every((c) => c <= 0x10ffff) ? String.fromCodePoint(...cps) : null;
    }
    default:
      return null;
  }
}

/**
 * Any Name (a whole DER Name) in RFC 4514 string order ("CN=...,O=...,C=DE")
 * for messages and listings, with the attribute names of the one table
 * (dotted OIDs for the rest). Never throws: a Name that is not DER is shown as
 * "(unreadable name)", one without RDNs as "(empty name)".
 */
export function formatName(der: Uint8Array): string {
  try {
    const root = readRoot(der, 0x30, 'Name');
    const rdns = children(der, root).map((rdn) => {
      if (rdn.tag !== 0x31) throw new DerError('an RDN is not a SET');
      return children(der, rdn).map((atv) => {
        const typeNode = readNode(der, atv.contentStart, atv.end);
        const valueNode = readNode(der, typeNode.end, atv.end);
        const value = printValue(der, valueNode);
        const type = readOid(der, typeNode);
        return value === null ? { type, value: '', hex: '#' + Buffer.from(whole(der, valueNode)).toString('hex') } : { type, value };
      });
    });
    return rdns.length === 0 ? '(empty name)' : rdnsText(rdns);
  } catch {
    return '(unreadable name)';
  }
}
