import { describe, expect, it } from 'vitest';
import { formatDistinguishedName, nameFromDistinguishedName, parseDistinguishedName } from './distinguished-name.ts';

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
