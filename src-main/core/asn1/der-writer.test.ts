import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AsnConvert } from '@peculiar/asn1-schema';
import { RevokedCertificate, Time } from '@peculiar/asn1-x509';
import * as asn1js from 'asn1js';
import {
  bigintContent,
  bitString,
  boolean,
  encodeLength,
  enumerated,
  explicit,
  generalizedTime,
  implicit,
  integer,
  integerFromUnsigned,
  namedBitString,
  nullValue,
  octetString,
  oid,
  sequence,
  setOf,
  time,
  utcTime,
} from './der-writer.ts';
import { DerError, readBigInt, readNode, readOid, readRoot, readTime } from './der-reader.ts';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('DER writer golden vectors (X.690)', () => {
  it.each([
    ['short form', 0, '00'],
    ['short form max', 127, '7f'],
    ['one length octet', 128, '8180'],
    ['one length octet max', 255, '81ff'],
    ['two length octets', 256, '820100'],
    ['three length octets', 0x10000, '83010000'],
  ])('length %s: %i', (_name, n, expected) => {
    expect(hex(encodeLength(n))).toBe(expected);
  });

  it.each([
    ['zero', 0n, '020100'],
    ['one', 1n, '020101'],
    ['127 has no sign octet', 127n, '02017f'],
    ['128 needs a 0x00 sign octet', 128n, '02020080'],
    ['256', 256n, '02020100'],
    ['minus one', -1n, '0201ff'],
    ['minus 128 fits one octet', -128n, '020180'],
    ['minus 129 needs two', -129n, '0202ff7f'],
    ['2^63', 1n << 63n, '0209008000000000000000'],
  ])('INTEGER %s', (_name, v, expected) => {
    expect(hex(integer(v))).toBe(expected);
  });

  it.each([
    ['leading zeros dropped', '00000102', '02020102'],
    ['top bit set gets a sign octet', 'ff', '020200ff'],
    ['all zero is 0', '0000', '020100'],
    ['serial-sized', '7f' + '11'.repeat(15), '0210' + '7f' + '11'.repeat(15)],
  ])('INTEGER from unsigned bytes: %s', (_name, bytes, expected) => {
    expect(hex(integerFromUnsigned(Buffer.from(bytes, 'hex')))).toBe(expected);
  });

  it.each([
    ['rsaEncryption', '1.2.840.113549.1.1.1', '06092a864886f70d010101'],
    ['ecdsa-with-SHA256', '1.2.840.10045.4.3.2', '06082a8648ce3d040302'],
    ['id-ce-keyUsage', '2.5.29.15', '0603551d0f'],
    ['joint-iso arc 2.999', '2.999.3', '0603883703'],
    ['ocsp-nocheck', '1.3.6.1.5.5.7.48.1.5', '06092b0601050507300105'],
  ])('OID %s', (_name, dotted, expected) => {
    expect(hex(oid(dotted))).toBe(expected);
  });

  it('rejects malformed OIDs', () => {
    for (const bad of ['1', '3.1', '1.40', '1.2.03', '1..2', 'a.b']) expect(() => oid(bad)).toThrow(RangeError);
  });

  it.each([
    ['2049 is the last UTCTime year', '2049-12-31T23:59:59Z', '170d3439313233313233353935395a'],
    ['2050 is GeneralizedTime', '2050-01-01T00:00:00Z', '180f32303530303130313030303030305a'],
    ['1950 is UTCTime', '1950-01-01T00:00:00Z', '170d3530303130313030303030305a'],
    ['1949 is GeneralizedTime', '1949-12-31T23:59:59Z', '180f31393439313233313233353935395a'],
    ['fractions are dropped', '2025-06-01T12:00:00.999Z', '170d3235303630313132303030305a'],
  ])('Time: %s (RFC 5280 4.1.2.5)', (_name, iso, expected) => {
    expect(hex(time(new Date(iso)))).toBe(expected);
  });

  it('KeyUsage named bits drop trailing zero bits (X.690 11.2.2)', () => {
    expect(hex(namedBitString([0]))).toBe('03020780'); // digitalSignature
    expect(hex(namedBitString([0, 2]))).toBe('030205a0'); // digitalSignature, keyEncipherment
    expect(hex(namedBitString([5, 6]))).toBe('03020106'); // keyCertSign, cRLSign
    expect(hex(namedBitString([8]))).toBe('0303070080'); // decipherOnly
  });

  it('small types', () => {
    expect(hex(boolean(true))).toBe('0101ff');
    expect(hex(boolean(false))).toBe('010100');
    expect(hex(nullValue())).toBe('0500');
    expect(hex(enumerated(1))).toBe('0a0101');
    expect(hex(octetString(Buffer.from('ab', 'hex')))).toBe('0401ab');
    expect(hex(bitString(Buffer.from('ab', 'hex')))).toBe('030200ab');
    expect(hex(explicit(3, Buffer.from('0500', 'hex')))).toBe('a3020500');
    expect(hex(implicit(0, Buffer.from('abcd', 'hex')))).toBe('8002abcd');
    expect(hex(sequence())).toBe('3000');
  });

  it('SET OF sorts its elements by encoding (X.690 11.6)', () => {
    expect(hex(setOf(Buffer.from('0402ffff', 'hex'), Buffer.from('040100', 'hex'), Buffer.from('0401ff', 'hex')))).toBe('310a0401000401ff0402ffff');
  });
});

describe('DER writer against @peculiar/asn1-schema and asn1js (differential)', () => {
  it('INTEGER from unsigned magnitudes matches AsnIntegerArrayBufferConverter (a CRL entry serial)', () => {
    const at = new Date('2025-06-01T12:00:00Z');
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 24 }), (bytes) => {
        const ours = sequence(integerFromUnsigned(bytes), time(at));
        const theirs = new RevokedCertificate({ userCertificate: new Uint8Array(unsignedContentForAsn(bytes)).buffer, revocationDate: new Time(at) });
        expect(hex(ours)).toBe(hex(new Uint8Array(AsnConvert.serialize(theirs))));
      }),
      { numRuns: 2000 },
    );
  });

  it('INTEGER from any bigint matches asn1js and reads back', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(1n << 200n), max: 1n << 200n }), (v) => {
        const ours = integer(v);
        const theirs = new asn1js.Integer({ valueHex: new Uint8Array(bigintContent(v)).buffer }).toBER();
        expect(hex(ours)).toBe(hex(new Uint8Array(theirs)));
        expect(readBigInt(ours, readRoot(ours, 0x02, 'INTEGER'))).toBe(v);
      }),
      { numRuns: 2000 },
    );
  });

  it('Time matches asn1-x509 Time for whole seconds from 1950 to 9999 and reads back', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1950-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }), (d) => {
        const whole = new Date(Math.floor(d.getTime() / 1000) * 1000);
        const ours = time(whole);
        expect(hex(ours)).toBe(hex(new Uint8Array(AsnConvert.serialize(new Time(whole)))));
        expect(readTime(ours, readNode(ours, 0, ours.length)).getTime()).toBe(whole.getTime());
      }),
      { numRuns: 3000 },
    );
  });

  it('OIDs match asn1js and read back', () => {
    // asn1js computes arcs with 32-bit operations, so the comparison stays below 2^31; the round trip covers 64-bit arcs.
    const arc = (max: bigint): fc.Arbitrary<bigint> => fc.oneof(fc.bigInt({ min: 0n, max: 300n }), fc.bigInt({ min: 0n, max }));
    fc.assert(
      fc.property(fc.constantFrom(0n, 1n, 2n), fc.bigInt({ min: 0n, max: 39n }), fc.array(arc((1n << 31n) - 1n), { maxLength: 8 }), (a, b, rest) => {
        const dotted = [a, b, ...rest].join('.');
        expect(hex(oid(dotted))).toBe(hex(new Uint8Array(new asn1js.ObjectIdentifier({ value: dotted }).toBER())));
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.constantFrom(0n, 1n, 2n), fc.bigInt({ min: 0n, max: 39n }), fc.array(arc((1n << 64n) - 1n), { maxLength: 8 }), (a, b, rest) => {
        const dotted = [a, b, ...rest].join('.');
        const ours = oid(dotted);
        expect(readOid(ours, readNode(ours, 0, ours.length))).toBe(dotted);
      }),
      { numRuns: 2000 },
    );
  });

  it('UTCTime and GeneralizedTime written directly agree with asn1js', () => {
    const d = new Date('2031-02-03T04:05:06Z');
    expect(hex(utcTime(d))).toBe(hex(new Uint8Array(new asn1js.UTCTime({ valueDate: d }).toBER())));
    expect(hex(generalizedTime(d))).toBe(hex(new Uint8Array(new asn1js.GeneralizedTime({ valueDate: d }).toBER())));
  });
});

describe('DER reader strictness', () => {
  it.each([
    ['indefinite length', '3080'],
    ['non-minimal long form', '30810100'],
    ['length past the end', '3005020101'],
    ['truncated header', '30'],
    ['high tag number', '1f0100'],
    ['five length octets', '30850000000001'],
  ])('rejects %s', (_name, h) => {
    const b = Buffer.from(h, 'hex');
    expect(() => readNode(b, 0, b.length)).toThrow(DerError);
  });

  it('rejects trailing bytes after the root', () => {
    expect(() => readRoot(Buffer.from('30000000', 'hex'), 0x30, 'x')).toThrow(DerError);
  });

  it.each([
    ['31 February', '170d3235303233313030303030305a'],
    ['no seconds', '170b323530363031313230305a'],
    ['local time', '170d3235303630313132303030302b'],
    ['fractional GeneralizedTime', '1811323032353036303131323030303030302e355a'],
  ])('rejects Time: %s', (_name, h) => {
    const b = Buffer.from(h, 'hex');
    expect(() => readTime(b, readNode(b, 0, b.length))).toThrow(DerError);
  });
});

/** What AsnIntegerArrayBufferConverter expects: the two's-complement content octets. */
function unsignedContentForAsn(bytes: Uint8Array): Uint8Array {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  const trimmed = bytes.subarray(start);
  return (trimmed[0] as number) & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed;
}
