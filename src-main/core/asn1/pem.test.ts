import { describe, expect, it } from 'vitest';
import { DerError, readNode, readNodeLenient } from './der-reader.ts';
import { PemError, decodePemBody, pemBlocks, pemSections, toPem } from './pem.ts';

const faultOf = (f: () => unknown): string | undefined => {
  try {
    f();
  } catch (e) {
    if (e instanceof PemError) return `${e.fault}@${e.index}`;
    throw e;
  }
  return undefined;
};

describe('the one PEM scanner', () => {
  it('reads what toPem writes, ignoring text around the blocks', () => {
    const a = Buffer.from([0x30, 0x00]);
    const b = Buffer.from([0x30, 0x03, 0x02, 0x01, 0x05]);
    const text = `dump of the request\n${toPem(a, 'CERTIFICATE')}between\n${toPem(b, 'X509 CRL')}`;
    expect(pemBlocks(text)).toEqual([
      { label: 'CERTIFICATE', der: a },
      { label: 'X509 CRL', der: b },
    ]);
  });

  it.each([
    ['a BEGIN line without its closing dashes', '-----BEGIN CERTIFICATE\nMAA=\n-----END CERTIFICATE-----\n', 'damaged-begin@1'],
    ['no END line', '-----BEGIN CERTIFICATE-----\nMAA=\n', 'no-end@1'],
    ['a block that swallowed the next BEGIN', `-----BEGIN CERTIFICATE-----\nMAA=\n${toPem(Buffer.from([0x30, 0]), 'CERTIFICATE')}`, 'no-end@1'],
    ['header lines', '-----BEGIN CERTIFICATE-----\nProc-Type: 4,ENCRYPTED\nMAA=\n-----END CERTIFICATE-----\n', 'headers@1'],
    ['characters that are not base64', `${toPem(Buffer.from([0x30, 0]), 'A')}-----BEGIN B-----\nMA*A\n-----END B-----\n`, 'not-base64@2'],
    ['truncated base64', '-----BEGIN CERTIFICATE-----\nMAA\n-----END CERTIFICATE-----\n', 'not-base64@1'],
  ])('refuses %s, naming the fault and the block', (_what, text, fault) => {
    expect(faultOf(() => pemBlocks(text))).toBe(fault);
  });

  it('hands out the blocks before a damaged one first', () => {
    const sections = pemSections(`${toPem(Buffer.from([0x30, 0]), 'CERTIFICATE')}-----BEGIN CERTIFICATE-----\n`);
    const first = sections.next();
    expect(first.done).toBe(false);
    expect(first.done ? null : decodePemBody(first.value)).toEqual(Buffer.from([0x30, 0]));
    expect(faultOf(() => sections.next())).toBe('no-end@2');
  });
});

describe('the DER reader and its explicit lenient (BER) mode', () => {
  const indefinite = Buffer.from([0x30, 0x80, 0x02, 0x01, 0x05, 0x00, 0x00]);
  const longForm = Buffer.from([0x30, 0x81, 0x03, 0x02, 0x01, 0x05]);

  it('strict mode refuses an indefinite length and a non-minimal length', () => {
    expect(() => readNode(indefinite, 0, indefinite.length)).toThrow(new DerError('unsupported length form'));
    expect(() => readNode(longForm, 0, longForm.length)).toThrow(new DerError('non-minimal length'));
  });

  it('lenient mode reads both, telling the end of the content from the end of the value', () => {
    expect(readNodeLenient(indefinite, 0, indefinite.length)).toEqual({ tag: 0x30, start: 0, contentStart: 2, contentEnd: 5, end: 7, constructed: true });
    expect(readNodeLenient(longForm, 0, longForm.length)).toEqual({ tag: 0x30, start: 0, contentStart: 3, contentEnd: 6, end: 6, constructed: true });
  });

  it('lenient mode still refuses a missing end-of-contents and an indefinite primitive', () => {
    expect(() => readNodeLenient(indefinite.subarray(0, 5), 0, 5)).toThrow(DerError);
    expect(() => readNodeLenient(Buffer.from([0x04, 0x80, 0x00, 0x00]), 0, 4)).toThrow(new DerError('indefinite length on a primitive value'));
  });
});
