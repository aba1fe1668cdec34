/**
 * Differential proof of the hand-written CRL DER: for thousands of random
 * CRLs, what encodeCrl signs and returns is byte-for-byte what
 * @peculiar/asn1-schema serializes for the same TBSCertList / CertificateList
 * built with @peculiar/asn1-x509, and readCrl reads every field back.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import {
  AlgorithmIdentifier,
  AuthorityKeyIdentifier,
  CertificateList,
  CRLReason,
  Extension,
  KeyIdentifier,
  Name,
  RevokedCertificate,
  TBSCertList,
  Time,
  Version,
} from '@peculiar/asn1-x509';
import * as asn1js from 'asn1js';
import { encodeCrl } from './crl-encoder.ts';
import { readCrl } from './crl-reader.ts';
import { makeTestCa } from '../../testing/issuance-fixtures.ts';
import type { TestCa } from '../../testing/issuance-fixtures.ts';
import { OID } from '../asn1/oids.ts';
import { REASON_CODES, REASON_NAMES } from './revocation-reasons.ts';
import type { ReasonName } from './revocation-reasons.ts';

const hex = (b: Uint8Array | ArrayBuffer): string => Buffer.from(b instanceof ArrayBuffer ? new Uint8Array(b) : b).toString('hex');
const ab = (b: Uint8Array): ArrayBuffer => new Uint8Array(b).buffer;

// The CAs live across 2050 so thisUpdate/nextUpdate take both Time encodings.
const CA_FROM = new Date('2040-01-01T00:00:00Z');
const CA_TO = new Date('2060-01-01T00:00:00Z');
let cas: TestCa[] = [];
beforeAll(async () => {
  cas = [
    await makeTestCa('ecdsa-p256', { notBefore: CA_FROM, notAfter: CA_TO, subject: 'CN=CRL CA Ünïcode, O=Airgap, C=DE' }),
    await makeTestCa('ed25519', { notBefore: CA_FROM, notAfter: CA_TO, subject: 'CN=Ed CA' }),
    await makeTestCa('ecdsa-p384', { notBefore: CA_FROM, notAfter: CA_TO }),
  ];
});

const wholeSecond = (min: Date, max: Date): fc.Arbitrary<Date> =>
  fc.date({ min, max, noInvalidDate: true }).map((d) => new Date(Math.floor(d.getTime() / 1000) * 1000));

const REVOCABLE = REASON_NAMES.filter((r) => r !== 'removeFromCRL');

const entry = fc.record({
  serial: fc.uint8Array({ minLength: 1, maxLength: 20 }).filter((b) => b.some((x) => x !== 0)),
  revokedAt: wholeSecond(new Date('1950-01-01T00:00:00Z'), new Date('9999-12-31T23:59:59Z')),
  reason: fc.constantFrom(...REVOCABLE),
  // Serials may arrive in any hex spelling; the encoder must normalize them.
  upper: fc.boolean(),
  leadingZeros: fc.nat(2),
});

const model = fc.record({
  ca: fc.nat(2),
  crlNumber: fc.oneof(fc.bigInt({ min: 0n, max: 1000n }), fc.bigInt({ min: 0n, max: (1n << 159n) - 1n })),
  thisUpdate: wholeSecond(CA_FROM, new Date('2059-12-01T00:00:00Z')),
  nextUpdateOffset: fc.integer({ min: 1, max: 60 * 86400 }),
  entries: fc.array(entry, { maxLength: 40 }),
});

function magnitudeHex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex').replace(/^(00)+/, '');
}

function theirCrlNumber(n: bigint): Uint8Array {
  let h = n.toString(16);
  if (h.length % 2) h = '0' + h;
  if (parseInt(h.slice(0, 2), 16) & 0x80) h = '00' + h;
  return new Uint8Array(new asn1js.Integer({ valueHex: ab(Buffer.from(h, 'hex')) }).toBER());
}

describe('CRL DER is byte-for-byte what @peculiar/asn1-schema serializes', () => {
  it('for thousands of random CRLs', () => {
    fc.assert(
      fc.property(model, (m) => {
        const ca = cas[m.ca] as TestCa;
        const nextUpdate = new Date(Math.min(m.thisUpdate.getTime() + m.nextUpdateOffset * 1000, CA_TO.getTime()));
        const ours = encodeCrl({
          issuer: ca.issuer,
          crlNumber: m.crlNumber,
          thisUpdate: m.thisUpdate,
          nextUpdate,
          entries: m.entries.map((e) => {
            const h = '0'.repeat(e.leadingZeros) + Buffer.from(e.serial).toString('hex');
            return { serialHex: e.upper ? h.toUpperCase() : h, revokedAt: e.revokedAt, reason: e.reason };
          }),
        });

        const revoked = m.entries.map((e) => {
          const mag = Buffer.from(magnitudeHex(e.serial), 'hex');
          const content = (mag[0] as number) & 0x80 ? Buffer.concat([Buffer.from([0]), mag]) : mag;
          return new RevokedCertificate({
            userCertificate: ab(content),
            revocationDate: new Time(e.revokedAt),
            // RFC 5280 5.3.1: reasonCode unspecified SHOULD be absent.
            ...(e.reason === 'unspecified'
              ? {}
              : { crlEntryExtensions: [new Extension({ extnID: OID.crlReason, critical: false, extnValue: new OctetString(AsnConvert.serialize(new CRLReason(REASON_CODES[e.reason]))) })] }),
          });
        });
        const sigAlg = AsnConvert.parse(ca.issuer.signatureAlgorithm, AlgorithmIdentifier);
        const tbs = new TBSCertList({
          version: Version.v2,
          signature: sigAlg,
          issuer: AsnConvert.parse(ca.issuer.subjectDer, Name),
          thisUpdate: new Time(m.thisUpdate),
          nextUpdate: new Time(nextUpdate),
          ...(revoked.length ? { revokedCertificates: revoked } : {}),
          crlExtensions: [
            new Extension({ extnID: OID.authorityKeyIdentifier, critical: false, extnValue: new OctetString(AsnConvert.serialize(new AuthorityKeyIdentifier({ keyIdentifier: new KeyIdentifier(ab(ca.issuer.keyId)) }))) }),
            new Extension({ extnID: OID.crlNumber, critical: false, extnValue: new OctetString(theirCrlNumber(m.crlNumber)) }),
          ],
        });
        const view = readCrl(ours);
        expect(hex(view.tbsDer)).toBe(hex(AsnConvert.serialize(tbs)));
        const list = new CertificateList({ tbsCertList: tbs, signatureAlgorithm: sigAlg, signature: ab(view.signature) });
        expect(hex(ours)).toBe(hex(AsnConvert.serialize(list)));

        expect(view.crlNumber).toBe(m.crlNumber);
        expect(view.thisUpdate.getTime()).toBe(m.thisUpdate.getTime());
        expect(view.nextUpdate?.getTime()).toBe(nextUpdate.getTime());
        expect(view.entryCount).toBe(m.entries.length);
        const back = [...view.entries()];
        back.forEach((b, i) => {
          const e = m.entries[i] as (typeof m.entries)[number];
          expect(b.serialHex).toBe(magnitudeHex(e.serial).padStart(2, '0'));
          expect(b.revokedAt.getTime()).toBe(e.revokedAt.getTime());
          expect(b.reason).toBe(e.reason as ReasonName);
        });
      }),
      { numRuns: 1500 },
    );
  });
});
