/**
 * Subject alternative names (RFC 5280 4.2.1.6): reading them from a request,
 * checking their syntax, and writing the GeneralNames we put in certificates.
 * Only the four kinds a fleet uses are accepted: dNSName, iPAddress,
 * rfc822Name and uniformResourceIdentifier.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { DerError, readNode } from '../asn1/der-reader.ts';
import { tlv, sequence } from '../asn1/der-writer.ts';

export class SanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SanError';
  }
}

export interface SubjectAltNames {
  readonly dns: readonly string[];
  readonly ip: readonly string[];
  readonly email: readonly string[];
  readonly uri: readonly string[];
}

export const NO_SANS: SubjectAltNames = Object.freeze({ dns: [], ip: [], email: [], uri: [] });

export function sanCount(s: SubjectAltNames): number {
  return s.dns.length + s.ip.length + s.email.length + s.uri.length;
}

// GeneralName context tags (RFC 5280 4.2.1.6, IMPLICIT).
const RFC822 = 0x81;
const DNS = 0x82;
const URI = 0x86;
const IP = 0x87;

/** RFC 1034 3.5 preferred name syntax as relaxed by RFC 1123 2.1 (labels may start with a digit). */
const LABEL_RE = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

export function isValidDnsName(name: string, allowWildcard: boolean): boolean {
  if (name.length === 0 || name.length > 253) return false;
  const labels = name.split('.');
  // A wildcard is only the whole leftmost label, and never alone.
  if (allowWildcard && labels[0] === '*' && labels.length >= 2) labels.shift();
  return labels.every((l) => LABEL_RE.test(l));
}

const LOCAL_PART_RE = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}$/;

/** RFC 5280 4.2.1.6: an rfc822Name is a Mailbox (RFC 5321 4.1.2) without a display name or angle brackets. */
export function isValidEmail(value: string): boolean {
  const at = value.lastIndexOf('@');
  if (at <= 0 || value.length > 254) return false;
  const local = value.slice(0, at);
  if (!LOCAL_PART_RE.test(local) || local.startsWith('.') || local.endsWith('.') || local.includes('..')) return false;
  return isValidDnsName(value.slice(at + 1), false);
}

const URI_RE = /^[A-Za-z][A-Za-z0-9+.-]*:[\x21-\x7e]+$/;

/** RFC 5280 4.2.1.6: a URI with a scheme (never relative), in ASCII without spaces. */
export function isValidUri(value: string): boolean {
  return value.length <= 2048 && URI_RE.test(value);
}

function ipv6Text(b: Uint8Array): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((b[i] as number) << 8) | (b[i + 1] as number));
  // RFC 5952 4.2: compress the longest run (the first if tied) of two or more zero groups.
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return hex.slice(0, bestStart).join(':') + '::' + hex.slice(bestStart + bestLen).join(':');
}

export function ipText(bytes: Uint8Array): string {
  if (bytes.length === 4) return Array.from(bytes).join('.');
  if (bytes.length === 16) return ipv6Text(bytes);
  throw new SanError('iPAddress must be 4 or 16 octets');
}

export function ipBytes(text: string): Buffer {
  if (isIPv4(text)) return Buffer.from(text.split('.').map(Number));
  if (!isIPv6(text)) throw new SanError(`${text} is not an IP address`);
  let head = text;
  let tail: number[] = [];
  // An embedded IPv4 tail (::ffff:192.0.2.1) takes the last two groups.
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = (v4[1] as string).split('.').map(Number) as [number, number, number, number];
    tail = [(a << 8) | b, (c << 8) | d];
    head = text.slice(0, -(v4[1] as string).length);
    if (head.endsWith(':') && !head.endsWith('::')) head = head.slice(0, -1);
  }
  const parse = (s: string): number[] => (s === '' ? [] : s.split(':').map((g) => parseInt(g, 16)));
  let groups: number[];
  const dbl = head.indexOf('::');
  if (dbl >= 0) {
    const left = parse(head.slice(0, dbl));
    const right = parse(head.slice(dbl + 2));
    const fill = 8 - tail.length - left.length - right.length;
    groups = [...left, ...new Array<number>(fill).fill(0), ...right, ...tail];
  } else {
    groups = [...parse(head), ...tail];
  }
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(g, i * 2));
  return out;
}

function ascii(bytes: Uint8Array, kind: string): string {
  for (const b of bytes) if (b < 0x20 || b > 0x7e) throw new SanError(`${kind} holds a non-printable or non-ASCII byte`);
  return Buffer.from(bytes).toString('latin1');
}

/** Read a GeneralNames (the extnValue of subjectAltName) from a request. */
export function readSubjectAltNames(der: Uint8Array): SubjectAltNames {
  const dns: string[] = [];
  const ip: string[] = [];
  const email: string[] = [];
  const uri: string[] = [];
  try {
    const seq = readNode(der, 0, der.length);
    if (seq.tag !== 0x30 || seq.end !== der.length) throw new SanError('subjectAltName is not a GeneralNames SEQUENCE');
    if (seq.end === seq.contentStart) throw new SanError('subjectAltName is empty (RFC 5280 requires at least one name)');
    for (let pos = seq.contentStart; pos < seq.end; ) {
      const n = readNode(der, pos, seq.end);
      pos = n.end;
      const value = der.subarray(n.contentStart, n.end);
      switch (n.tag) {
        case DNS: {
          const s = ascii(value, 'dNSName');
          if (!isValidDnsName(s, true)) throw new SanError(`dNSName "${s}" is not a valid host name`);
          dns.push(s);
          break;
        }
        case IP:
          ip.push(ipText(value));
          break;
        case RFC822: {
          const s = ascii(value, 'rfc822Name');
          if (!isValidEmail(s)) throw new SanError(`rfc822Name "${s}" is not a valid mailbox`);
          email.push(s);
          break;
        }
        case URI: {
          const s = ascii(value, 'uniformResourceIdentifier');
          if (!isValidUri(s)) throw new SanError(`URI "${s}" is not an absolute URI`);
          uri.push(s);
          break;
        }
        default:
          throw new SanError(`GeneralName with tag 0x${n.tag.toString(16)} is not supported (dNSName, iPAddress, rfc822Name and URI are)`);
      }
    }
  } catch (e) {
    if (e instanceof DerError) throw new SanError(`malformed subjectAltName: ${e.message}`);
    throw e;
  }
  const unique = (a: string[]): string[] => [...new Set(a)];
  return { dns: unique(dns), ip: unique(ip), email: unique(email), uri: unique(uri) };
}

/** GeneralNames DER for a certificate: rfc822Name, dNSName, URI, iPAddress, each in the given order. */
export function encodeGeneralNames(sans: SubjectAltNames): Buffer {
  const parts: Buffer[] = [];
  for (const e of sans.email) parts.push(tlv(RFC822, Buffer.from(e, 'latin1')));
  for (const d of sans.dns) parts.push(tlv(DNS, Buffer.from(d, 'latin1')));
  for (const u of sans.uri) parts.push(tlv(URI, Buffer.from(u, 'latin1')));
  for (const i of sans.ip) parts.push(tlv(IP, ipBytes(i)));
  return sequence(...parts);
}
