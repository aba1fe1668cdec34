import { beforeAll, describe, expect, it } from 'vitest';
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import type { ErrorCode } from '../errors.ts';
import { crlToPem, encodeCrl } from './crl-encoder.ts';
import type { CrlInput } from './crl-encoder.ts';
import { readCrl, verifyCrlSignature } from './crl-reader.ts';
import { NOW, makeTestCa } from '../../testing/issuance-fixtures.ts';
import type { TestCa } from '../../testing/issuance-fixtures.ts';
import { REASON_CODES, REASON_NAMES, parseRevocationReason, reasonFromCode } from './revocation-reasons.ts';
import type { ReasonName } from './revocation-reasons.ts';
import { refusedWith } from '../../testing/refusals.ts';

const WEEK = 7 * 86_400_000;
let ca: TestCa;
let crlOnly: TestCa;
beforeAll(async () => {
  ca = await makeTestCa('ecdsa-p256');
  crlOnly = await makeTestCa('ecdsa-p256', { keyUsage: x509.KeyUsageFlags.keyCertSign });
});

function input(over: Partial<CrlInput> = {}): CrlInput {
  return { issuer: ca.issuer, crlNumber: 1n, thisUpdate: NOW, nextUpdate: new Date(NOW.getTime() + WEEK), entries: [], ...over };
}

const code = refusedWith;

describe('RFC 5280 revocation reasons', () => {
  it('names and codes, with 7 unused (5.3.1)', () => {
    expect(REASON_CODES).toEqual({
      unspecified: 0,
      keyCompromise: 1,
      cACompromise: 2,
      affiliationChanged: 3,
      superseded: 4,
      cessationOfOperation: 5,
      certificateHold: 6,
      removeFromCRL: 8,
      privilegeWithdrawn: 9,
      aACompromise: 10,
    });
    expect(reasonFromCode(7)).toBeUndefined();
  });

  it('an officer may revoke with any reason except removeFromCRL', () => {
    for (const r of REASON_NAMES.filter((n) => n !== 'removeFromCRL')) expect(parseRevocationReason(r)).toBe(r);
    expect(code(() => parseRevocationReason('removeFromCRL'))).toBe('INVALID_REASON');
    expect(code(() => parseRevocationReason('stolen'))).toBe('INVALID_REASON');
    expect(code(() => parseRevocationReason('toString'))).toBe('INVALID_REASON');
  });
});

describe('encodeCrl', () => {
  it('writes thisUpdate/nextUpdate in whole seconds, the CRL number, AKI, and reads back', () => {
    const der = encodeCrl(input({ crlNumber: 12345678901234567890n, thisUpdate: new Date('2025-06-01T12:00:00.900Z'), entries: [{ serialHex: '01', revokedAt: NOW, reason: 'certificateHold' }] }));
    const crl = readCrl(der);
    expect(crl.version).toBe(1);
    expect(crl.crlNumber).toBe(12345678901234567890n);
    expect(crl.thisUpdate.toISOString()).toBe('2025-06-01T12:00:00.000Z');
    expect(crl.nextUpdate?.toISOString()).toBe('2025-06-08T12:00:00.000Z');
    expect(Buffer.from(crl.authorityKeyId ?? []).equals(Buffer.from(ca.issuer.keyId))).toBe(true);
    expect(crl.issuer).toBe(ca.issuer.subject);
    expect([...crl.entries()]).toEqual([{ serialHex: '01', revokedAt: NOW, reason: 'certificateHold' }]);
    expect(verifyCrlSignature(crl, ca.issuer.publicKey)).toBe(true);
    expect(crlToPem(der)).toMatch(/^-----BEGIN X509 CRL-----\n/);
    expect(readCrl(Buffer.from(crlToPem(der))).entryCount).toBe(1);
  });

  it('takes entries from any iterable, such as a database cursor', () => {
    function* cursor(): Generator<{ serialHex: string; revokedAt: Date; reason: ReasonName }> {
      for (let i = 1; i <= 5000; i++) yield { serialHex: i.toString(16).padStart(32, '1'), revokedAt: NOW, reason: 'superseded' };
    }
    const crl = readCrl(encodeCrl(input({ entries: cursor() })));
    expect(crl.entryCount).toBe(5000);
    expect([...crl.entries()].at(-1)?.serialHex).toBe((5000).toString(16).padStart(32, '1'));
  });

  it('is read by @peculiar/x509 too', () => {
    const der = encodeCrl(input({ entries: [{ serialHex: 'abcdef', revokedAt: NOW, reason: 'keyCompromise' }] }));
    const crl = new x509.X509Crl(der);
    expect(crl.entries[0]?.serialNumber).toBe('abcdef');
    expect(crl.entries[0]?.reason).toBe(x509.X509CrlReason.keyCompromise);
  });

  const refusals: [string, () => CrlInput, ErrorCode][] = [
    ['issuer: keyUsage without cRLSign', () => input({ issuer: crlOnly.issuer }), 'CRL_ISSUER_INVALID'],
    ['thisUpdate: before the issuer is valid', () => input({ thisUpdate: new Date('2023-12-31T00:00:00Z') }), 'CRL_ISSUER_INVALID'],
    ['thisUpdate: after the issuer expired', () => input({ thisUpdate: new Date('2034-02-01T00:00:00Z'), nextUpdate: new Date('2034-02-08T00:00:00Z') }), 'CRL_ISSUER_INVALID'],
    ['nextUpdate: past the issuer’s NotAfter', () => input({ thisUpdate: new Date('2033-12-30T00:00:00Z'), nextUpdate: new Date('2034-01-06T00:00:00Z') }), 'VALIDITY_EXCEEDS_ISSUER'],
    ['nextUpdate: not after thisUpdate', () => input({ nextUpdate: NOW }), 'INVALID_INPUT'],
    ['nextUpdate: invalid date', () => input({ nextUpdate: new Date(NaN) }), 'INVALID_INPUT'],
    ['crlNumber: negative', () => input({ crlNumber: -1n }), 'INVALID_INPUT'],
    ['crlNumber: 21 octets', () => input({ crlNumber: 1n << 160n }), 'INVALID_INPUT'],
    ['entry serial: not hex', () => input({ entries: [{ serialHex: 'xyz', revokedAt: NOW, reason: 'keyCompromise' }] }), 'INVALID_INPUT'],
    ['entry serial: zero', () => input({ entries: [{ serialHex: '0000', revokedAt: NOW, reason: 'keyCompromise' }] }), 'INVALID_INPUT'],
    ['entry serial: 21 octets', () => input({ entries: [{ serialHex: '11'.repeat(21), revokedAt: NOW, reason: 'keyCompromise' }] }), 'INVALID_INPUT'],
    ['entry revokedAt: invalid date', () => input({ entries: [{ serialHex: '01', revokedAt: new Date(NaN), reason: 'keyCompromise' }] }), 'INVALID_INPUT'],
    ['entry reason: unknown name', () => input({ entries: [{ serialHex: '01', revokedAt: NOW, reason: 'stolen' as ReasonName }] }), 'INVALID_REASON'],
    ['entry reason: removeFromCRL in a full CRL', () => input({ entries: [{ serialHex: '01', revokedAt: NOW, reason: 'removeFromCRL' }] }), 'INVALID_REASON'],
  ];
  it.each(refusals)('refuses %s', (_name, make, expected) => {
    expect(code(() => encodeCrl(make()))).toBe(expected);
  });

  it('says by how much nextUpdate passes the issuer', () => {
    expect(() => encodeCrl(input({ thisUpdate: new Date('2033-12-30T00:00:00Z'), nextUpdate: new Date('2034-01-06T00:00:00Z') }))).toThrow(
      expect.objectContaining({ code: 'VALIDITY_EXCEEDS_ISSUER', message: expect.stringContaining('2034-01-01T00:00:00.000Z') }),
    );
  });

  it('normalizes serial spellings to one INTEGER', () => {
    const a = encodeCrl(input({ entries: [{ serialHex: '00ABC', revokedAt: NOW, reason: 'keyCompromise' }] }));
    const crl = readCrl(a);
    expect([...crl.entries()][0]?.serialHex).toBe('0abc');
  });
});

describe('packed serials (a vault chunk of one revocation event)', () => {
  const pack = (hexes: string[]) => Buffer.concat(hexes.map((h) => Buffer.concat([Buffer.from([h.length / 2]), Buffer.from(h, 'hex')])));
  const entriesOf = (der: Buffer) => [...readCrl(der).entries()].map((e) => `${e.serialHex} ${e.reason} ${e.revokedAt.toISOString()}`);

  it('give the same entries as the same serials in hex, a non-canonical one normalized the same way', () => {
    const hexes = ['01', '7f', '80', 'ff01', '00ff', 'a'.repeat(40), '1234567890abcdef1234567890abcdef'];
    const group = { revokedAt: NOW, reason: 'keyCompromise' as ReasonName };
    const packed = encodeCrl(input({ entries: { groups: [{ ...group, serialsPacked: pack(hexes) }] }, expectedEntries: hexes.length }));
    const hex = encodeCrl(input({ entries: { groups: [{ ...group, serialsHex: hexes }] } }));
    expect(entriesOf(packed)).toEqual(entriesOf(hex));
    expect(entriesOf(packed)).toHaveLength(hexes.length);
    expect(entriesOf(packed)[4]).toMatch(/^ff /);
  });

  it('refuse serial 0, one longer than 20 octets and a length past the end, as INVALID_INPUT', () => {
    const group = { revokedAt: NOW, reason: 'superseded' as ReasonName };
    expect(code(() => encodeCrl(input({ entries: { groups: [{ ...group, serialsPacked: pack(['00']) }] } })))).toBe('INVALID_INPUT');
    expect(code(() => encodeCrl(input({ entries: { groups: [{ ...group, serialsPacked: pack(['ab'.repeat(21)]) }] } })))).toBe('INVALID_INPUT');
    expect(code(() => encodeCrl(input({ entries: { groups: [{ ...group, serialsPacked: Buffer.from([5, 1, 2]) }] } })))).toBe('INVALID_INPUT');
  });
});

describe('joined serials (how the vault reads a chunk of one revocation event)', () => {
  const joined = (hexes: string[]) => ({ serialsJoined: Buffer.from(hexes.join(','), 'latin1'), count: hexes.length });
  const entriesOf = (der: Buffer) => [...readCrl(der).entries()].map((e) => `${e.serialHex} ${e.reason} ${e.revokedAt.toISOString()}`);
  const group = { revokedAt: NOW, reason: 'keyCompromise' as ReasonName };

  it('give the same entries as the same serials in hex, in the same order, the non-canonical ones normalized the same way', () => {
    // Canonical ones of every length the vault holds, negative-looking ones (a sign octet), and spellings the hex path normalizes.
    const hexes = ['01', '7f', '80', 'ff01', '1234567890abcdef1234567890abcdef', '34567890abcdef1234567890abcdef', 'a'.repeat(40), '00ff', 'ABCD', 'abc', '000001'];
    const a = encodeCrl(input({ entries: { groups: [{ ...group, ...joined(hexes) }] }, expectedEntries: hexes.length }));
    const b = encodeCrl(input({ entries: { groups: [{ ...group, serialsHex: hexes }] } }));
    expect(entriesOf(a)).toEqual(entriesOf(b));
    expect(entriesOf(a).map((e) => e.split(' ')[0])).toEqual(['01', '7f', '80', 'ff01', '1234567890abcdef1234567890abcdef', '34567890abcdef1234567890abcdef', 'a'.repeat(40), 'ff', 'abcd', '0abc', '01']);
    // The whole signed part is the same, not only the entries as read back (the ECDSA signatures differ).
    expect(Buffer.from(readCrl(a).tbsDer).equals(Buffer.from(readCrl(b).tbsDer))).toBe(true);
  });

  it('mix with groups of other events and other forms in one CRL', () => {
    const other = { revokedAt: new Date('2030-01-01T00:00:00Z'), reason: 'superseded' as ReasonName };
    const a = encodeCrl(input({ entries: { groups: [{ ...group, ...joined(['0a', '0b']) }, { ...other, serialsHex: ['0c'] }, { ...other, ...joined(['0d']) }] } }));
    expect(entriesOf(a)).toEqual([
      `0a keyCompromise ${NOW.toISOString()}`,
      `0b keyCompromise ${NOW.toISOString()}`,
      '0c superseded 2030-01-01T00:00:00.000Z',
      '0d superseded 2030-01-01T00:00:00.000Z',
    ]);
  });

  it.each([
    ['serial 0', ['01', '00']],
    ['a serial of 21 octets', ['ab'.repeat(21)]],
    ['a serial that is not hex', ['01', 'zz']],
    ['an empty serial', ['01', '']],
  ])('refuse %s as INVALID_INPUT', (_name, hexes) => {
    expect(code(() => encodeCrl(input({ entries: { groups: [{ ...group, ...joined(hexes) }] } })))).toBe('INVALID_INPUT');
  });

  it('refuse a buffer that holds more serials than it says (a comma inside a serial) as INVALID_INPUT', () => {
    expect(code(() => encodeCrl(input({ entries: { groups: [{ ...group, serialsJoined: Buffer.from('0a,0b'), count: 1 }] } })))).toBe('INVALID_INPUT');
  });
});
