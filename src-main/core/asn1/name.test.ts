import { describe, expect, it } from 'vitest';
import { readRoot } from './der-reader.ts';
import { encodeName, escapeDnValue, parseName } from './name.ts';
import { OID } from './oids.ts';

describe('RFC 4514 form of a Name', () => {
  it.each([
    ['plain', 'agent-1', 'agent-1'],
    ['comma', 'Acme, Inc.', 'Acme\\, Inc.'],
    ['plus, quote, angle brackets, semicolon, backslash', 'a+b"c<d>e;f\\g', 'a\\+b\\"c\\<d\\>e\\;f\\\\g'],
    ['leading hash', '#1', '\\#1'],
    ['leading and trailing space', ' x ', '\\ x\\ '],
    ['a single space', ' ', '\\ '],
    ['backslash before a trailing space', 'a\\ ', 'a\\\\\\ '],
    ['equals sign is left alone', 'a=b', 'a=b'],
  ])('escapes %s', (_name, value, expected) => {
    expect(escapeDnValue(value)).toBe(expected);
  });

  it('prints the last RDN first and joins multi-valued RDNs with +', () => {
    const der = encodeName([
      [{ type: OID.countryName, value: 'DE' }],
      [{ type: OID.organizationName, value: 'Acme' }],
      [
        { type: OID.commonName, value: 'agent' },
        { type: OID.userId, value: 'u1' },
      ],
    ]);
    const text = parseName(der, readRoot(der, 0x30, 'Name')).text;
    // The SET OF is in DER order (the shorter CN attribute first), and printed as encoded.
    expect(text).toBe('CN=agent+UID=u1,O=Acme,C=DE');
  });
});
