/**
 * Property: every mutated or truncated CRL, PEM or DER, either reads (entries
 * included) or ends in CRL_UNPARSEABLE — never another exception, never a
 * hang. Damaged issuer certificates likewise end in a DomainError when an
 * Issuer is loaded from them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DomainError } from '../errors.ts';
import { crlToPem, encodeCrl } from './crl-encoder.ts';
import { readCrl, verifyCrlSignature } from './crl-reader.ts';
import { createIssuer } from './issuer.ts';
import { NOW, makeTestCa, openssl, withTempDir, writeFiles } from '../../testing/issuance-fixtures.ts';
import type { TestCa } from '../../testing/issuance-fixtures.ts';
import { applyByteMutations, derMutations } from '../../testing/mutations.ts';

let ca: TestCa;
let seedsDer: Buffer[] = [];
let seedsPem: Buffer[] = [];

beforeAll(async () => {
  ca = await makeTestCa('ecdsa-p256');
  const week = new Date(NOW.getTime() + 7 * 86_400_000);
  const ours = encodeCrl({
    issuer: ca.issuer,
    crlNumber: 300n,
    thisUpdate: NOW,
    nextUpdate: week,
    entries: [
      { serialHex: '7f01', revokedAt: NOW, reason: 'keyCompromise' },
      { serialHex: '00ff', revokedAt: new Date('2025-05-01T00:00:00Z'), reason: 'unspecified' },
      { serialHex: '0a'.repeat(16), revokedAt: new Date('2051-01-01T00:00:00Z'), reason: 'superseded' },
    ],
  });
  const empty = encodeCrl({ issuer: ca.issuer, crlNumber: 1n, thisUpdate: NOW, nextUpdate: week, entries: [] });
  // One made by OpenSSL too, so the damage is not only to shapes we write.
  const theirs = withTempDir((dir) => {
    writeFiles(dir, {
      'ca.pem': ca.pem,
      'ca.key': `-----BEGIN PRIVATE KEY-----\n${Buffer.from(ca.init.privateKey as Uint8Array).toString('base64')}\n-----END PRIVATE KEY-----\n`,
      'index.txt': 'R\t350101000000Z\t250501000000Z,keyCompromise\t0A1B\tunknown\t/CN=x\nR\t350101000000Z\t250502000000Z\t0C\tunknown\t/CN=y\n',
      crlnumber: '10\n',
      'ca.cnf': '[ca]\ndefault_ca=d\n[d]\ndatabase=index.txt\ncrlnumber=crlnumber\ndefault_md=sha256\ndefault_crl_days=7\ncrl_extensions=e\n[e]\nauthorityKeyIdentifier=keyid\n',
    });
    const r = openssl(['ca', '-gencrl', '-config', 'ca.cnf', '-cert', 'ca.pem', '-keyfile', 'ca.key', '-out', 'c.pem'], dir);
    if (r.status !== 0) throw new Error(r.output);
    const d = openssl(['crl', '-in', 'c.pem', '-outform', 'DER', '-out', 'c.der'], dir);
    if (d.status !== 0) throw new Error(d.output);
    return readFileSync(join(dir, 'c.der'));
  });
  expect(readCrl(theirs).entryCount).toBe(2);
  seedsDer = [ours, empty, theirs];
  seedsPem = seedsDer.map((d) => Buffer.from(crlToPem(d)));
});

function outcome(input: Uint8Array): string {
  try {
    const crl = readCrl(input);
    let n = 0;
    for (const e of crl.entries()) n += e.serialHex.length > 0 ? 1 : 0;
    verifyCrlSignature(crl, ca.issuer.publicKey);
    return n === crl.entryCount ? 'read' : 'count mismatch';
  } catch (e) {
    if (e instanceof DomainError) return e.code;
    throw e;
  }
}

describe('readCrl never crashes on damaged input', () => {
  it('mutated and truncated DER and PEM CRLs end in CRL_UNPARSEABLE or read fully', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.nat(2), derMutations, (pem, i, list) => {
        const seeds = pem ? seedsPem : seedsDer;
        const result = outcome(applyByteMutations(seeds[i % seeds.length] as Buffer, list));
        expect(['read', 'CRL_UNPARSEABLE']).toContain(result);
      }),
      { numRuns: 4000 },
    );
  });

  it('random bytes end in CRL_UNPARSEABLE', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
        expect(outcome(bytes)).toBe('CRL_UNPARSEABLE');
      }),
      { numRuns: 2000 },
    );
  });

  it('a damaged CRL that still reads does not verify unless the damage missed the signed part', () => {
    const der = Buffer.from(seedsDer[0] as Buffer);
    const crl = readCrl(der);
    expect(verifyCrlSignature(crl, ca.issuer.publicKey)).toBe(true);
    const tbsAt = der.indexOf(Buffer.from(crl.tbsDer));
    der[tbsAt + 40] = (der[tbsAt + 40] as number) ^ 1;
    let verified: boolean;
    try {
      verified = verifyCrlSignature(readCrl(der), ca.issuer.publicKey);
    } catch (e) {
      verified = !(e instanceof DomainError);
    }
    expect(verified).toBe(false);
  });
});

describe('loading an issuer from a damaged certificate', () => {
  it('ends in a DomainError, never another exception', () => {
    fc.assert(
      fc.property(derMutations, (list) => {
        try {
          createIssuer({ ...ca.init, certificateDer: applyByteMutations(ca.init.certificateDer, list) });
        } catch (e) {
          expect(e).toBeInstanceOf(DomainError);
        }
      }),
      { numRuns: 1500 },
    );
  });
});
