/**
 * Reading and checking an X.501 Name (RFC 5280 4.1.2.4) taken from an
 * untrusted request: which attributes are allowed, with which string types and
 * sizes, and its readable RFC 4514 form.
 *
 * The subject is copied byte-for-byte into the certificate, so every rule the
 * certificate must satisfy is checked here, before issuance.
 */
import { DerError, children, readNode, readOid } from './der-reader.ts';
import type { DerNode } from './der-reader.ts';
import { ia5String, oid, printableString, sequence, setOf, utf8String } from './der-writer.ts';
import { OID } from './oids.ts';

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
  /** Allowed string tags. */
  tags: readonly number[];
}

// RFC 5280 4.1.2.4: new certificates use PrintableString or UTF8String for
// DirectoryString; emailAddress and domainComponent are IA5String (RFC 5280
// appendix A, RFC 4519); countryName, serialNumber and dnQualifier are
// PrintableString.
const DIRECTORY = [PRINTABLE, UTF8] as const;
const RULES: Record<string, AttributeRule> = {
  [OID.commonName]: { short: 'CN', max: 64, tags: DIRECTORY },
  [OID.surname]: { short: 'SN', max: 32768, tags: DIRECTORY },
  [OID.serialNumber]: { short: 'serialNumber', max: 64, tags: [PRINTABLE] },
  [OID.countryName]: { short: 'C', max: 2, tags: [PRINTABLE] },
  [OID.localityName]: { short: 'L', max: 128, tags: DIRECTORY },
  [OID.stateOrProvinceName]: { short: 'ST', max: 128, tags: DIRECTORY },
  [OID.streetAddress]: { short: 'STREET', max: 128, tags: DIRECTORY },
  [OID.organizationName]: { short: 'O', max: 64, tags: DIRECTORY },
  [OID.organizationalUnitName]: { short: 'OU', max: 64, tags: DIRECTORY },
  [OID.title]: { short: 'title', max: 64, tags: DIRECTORY },
  [OID.postalCode]: { short: 'postalCode', max: 40, tags: DIRECTORY },
  [OID.givenName]: { short: 'GN', max: 32768, tags: DIRECTORY },
  [OID.initials]: { short: 'initials', max: 32768, tags: DIRECTORY },
  [OID.generationQualifier]: { short: 'generationQualifier', max: 32768, tags: DIRECTORY },
  [OID.dnQualifier]: { short: 'dnQualifier', max: 64, tags: [PRINTABLE] },
  [OID.pseudonym]: { short: 'pseudonym', max: 128, tags: DIRECTORY },
  [OID.organizationIdentifier]: { short: 'organizationIdentifier', max: 64, tags: DIRECTORY },
  [OID.emailAddress]: { short: 'emailAddress', max: 255, tags: [IA5] },
  [OID.domainComponent]: { short: 'DC', max: 63, tags: [IA5] },
  [OID.userId]: { short: 'UID', max: 256, tags: DIRECTORY },
};

/** X.680 41.4 PrintableString characters. */
const PRINTABLE_RE = /^[A-Za-z0-9 '()+,\-./:=?]*$/;
// C0 controls and DEL have no place in a name shown to people; NUL truncates names in C consumers.
// eslint-disable-next-line no-control-regex
const CONTROL_RE = /[\u0000-\u001f\u007f-\u009f]/;
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
  if (CONTROL_RE.test(value)) throw new NameError(`${rule.short} holds control characters`);
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
    const text = rdns
      .slice()
      .reverse()
      .map((rdn) => rdn.map((a) => `${attributeShortName(a.type)}=${escapeDnValue(a.value)}`).join('+'))
      .join(',');
    return { rdns, text };
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
  const tags = RULES[type]?.tags;
  if (tags?.length === 1) return tags[0] === IA5 ? 'ia5' : 'printable';
  return 'utf8';
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
