import { describe, expect, it } from 'vitest';
import { readRoot } from './der-reader.ts';
import { integer, oid, sequence, setOf } from './der-writer.ts';
import * as x509 from '@peculiar/x509';
import { NameError, encodeDistinguishedName, encodeName, formatName, parseDistinguishedName, parseName } from './name.ts';

const nameFromDistinguishedName = (dn: string): x509.Name => new x509.Name(encodeDistinguishedName(dn));
const formatDistinguishedName = (name: x509.Name | Uint8Array): string => formatName(name instanceof Uint8Array ? name : new Uint8Array(name.toArrayBuffer()));
import { OID } from './oids.ts';

describe('parseDistinguishedName', () => {
  it('reads RFC 4514 strings and encodes them most-significant first (C, O, CN)', () => {
    expect(parseDistinguishedName('CN=Acme Agents CA, O=Acme ,C=DE')).toEqual([
      { type: 'CN', value: 'Acme Agents CA' },
      { type: 'O', value: 'Acme' },
      { type: 'C', value: 'DE' },
    ]);
    const name = nameFromDistinguishedName('CN=Acme Agents CA,O=Acme,C=DE');
    expect(name.toJSON().map((rdn) => Object.keys(rdn)[0])).toEqual(['C', 'O', 'CN']);
    expect(formatDistinguishedName(name)).toBe('CN=Acme Agents CA,O=Acme,C=DE');
  });

  it('keeps escaped commas, hex escapes and non-ASCII values', () => {
    const name = nameFromDistinguishedName('CN=Acme\\, Inc. CA,O=M\\C3\\BCller GmbH,OU=Ops,OU=PKI,C=DE');
    expect(name.getField('CN')).toEqual(['Acme, Inc. CA']);
    expect(name.getField('O')).toEqual(['Müller GmbH']);
    expect(formatDistinguishedName(name)).toBe('CN=Acme\\, Inc. CA,O=Müller GmbH,OU=Ops,OU=PKI,C=DE');
  });

  it('encodes C as PrintableString and CN as UTF8String (RFC 5280 4.1.2.4, Appendix A)', () => {
    const der = new Uint8Array(nameFromDistinguishedName('CN=X,C=DE').toArrayBuffer());
    const hex = Buffer.from(der).toString('hex');
    expect(hex).toContain('0603550406' + '1302' + '4445'); // countryName PrintableString "DE"
    expect(hex).toContain('0603550403' + '0c01' + '58'); // commonName UTF8String "X"
  });

  const bad: { field: string; dn: string; says: RegExp }[] = [
    { field: 'empty', dn: '  ', says: /empty/ },
    { field: 'no CN', dn: 'O=Acme,C=DE', says: /no CN/ },
    { field: 'no equals sign', dn: 'CN=Acme,Acme', says: /no "="/ },
    { field: 'unknown type', dn: 'CN=Acme,XX=1', says: /"XX" is not a supported attribute type/ },
    { field: 'empty part', dn: 'CN=Acme,,C=DE', says: /Part 2 of the subject is empty/ },
    { field: 'trailing comma', dn: 'CN=Acme,', says: /Part 2 of the subject is empty/ },
    { field: 'empty value', dn: 'CN=', says: /empty value/ },
    { field: 'country of three letters', dn: 'CN=Acme,C=DEU', says: /two-letter/ },
    { field: 'lower-case country', dn: 'CN=Acme,C=de', says: /two-letter/ },
    { field: 'CN too long', dn: 'CN=' + 'a'.repeat(65), says: /longer than 64/ },
    { field: 'CN twice', dn: 'CN=a,CN=b', says: /more than once/ },
    { field: 'multi-valued RDN', dn: 'CN=a+O=b', says: /multi-valued/ },
    { field: 'control character', dn: 'CN=a\nO=b', says: /control characters/ },
    { field: 'dangling backslash', dn: 'CN=a\\', says: /backslash/ },
    { field: 'quoted value', dn: 'CN="a,b"', says: /quoted/ },
    { field: 'serial number not printable', dn: 'CN=a,SERIALNUMBER=a_b', says: /PrintableString/ },
  ];
  it.each(bad)('refuses $field with INVALID_SUBJECT saying what is wrong', ({ dn, says }) => {
    expect(() => parseDistinguishedName(dn)).toThrow(expect.objectContaining({ code: 'INVALID_SUBJECT', message: expect.stringMatching(says) }));
  });

  it('shows an unreadable name without throwing', () => {
    expect(formatDistinguishedName(new Uint8Array([1, 2, 3]))).toBe('(unreadable name)');
  });
});

describe('one attribute table for typed, parsed and printed names', () => {
  it('prints a typed subject the same way from its DER, whichever reader reads it', () => {
    const typed = 'CN=Acme\\, Inc. CA,SERIALNUMBER=42,OU=Ops,DC=example,C=DE';
    const der = encodeDistinguishedName(typed);
    const printed = 'CN=Acme\\, Inc. CA,serialNumber=42,OU=Ops,DC=example,C=DE';
    expect(parseName(der, readRoot(der, 0x30, 'Name')).text).toBe(printed);
    expect(formatName(der)).toBe(printed);
    // The printed form reads back to the same DER.
    expect(encodeDistinguishedName(printed).equals(der)).toBe(true);
  });

  it('uses one RFC 5280 upper bound for a typed subject and a request subject', () => {
    const long = 'a'.repeat(65);
    expect(() => parseDistinguishedName(`CN=${long}`)).toThrow(expect.objectContaining({ code: 'INVALID_SUBJECT', message: expect.stringMatching(/longer than 64/) }));
    const der = encodeName([[{ type: OID.commonName, value: long }]]);
    expect(() => parseName(der, readRoot(der, 0x30, 'Name'))).toThrow(new NameError('CN is longer than 64 characters'));
    const ok = encodeDistinguishedName(`CN=${long.slice(1)}`);
    expect(parseName(ok, readRoot(ok, 0x30, 'Name')).text).toBe(`CN=${long.slice(1)}`);
  });

  it('prints names it would not accept: other string types as text, other values as #hex', () => {
    const bmp = Buffer.from([0x1e, 0x06, 0x00, 0x42, 0x00, 0x6d, 0x00, 0x70]);
    const der = sequence(setOf(sequence(oid('1.2.3.4'), integer(1n))), setOf(sequence(oid(OID.commonName), bmp)));
    expect(formatName(der)).toBe('CN=Bmp,1.2.3.4=#020101');
    expect(formatName(sequence())).toBe('(empty name)');
  });
});
