/**
 * Whatever bytes arrive as a key file or a PKCS#12 file - mutated,
 * truncated, spliced; for PKCS#12 also mutated inside and given a MAC that
 * verifies again, so the parts behind the MAC are reached - the readers end
 * in a DomainError with a known code or in a private key that node:crypto
 * reads: never another exception, never a hang.
 */
import { createHmac, createPrivateKey } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { PFX } from '@peculiar/asn1-pfx';
import { ERROR_CODES, isDomainError } from '../errors.ts';
import { opensslWorkspace } from '../../testing/chain-fixtures.ts';
import { applyByteMutations, derMutations } from '../../testing/mutations.ts';
import { readPrivateKeyFile } from './key-file.ts';
import { pkcs12Kdf, readPkcs12 } from './pkcs12.ts';
import { checkCertificatesForImport } from '../issuance/certificate-import.ts';
import { checkCrlForImport } from '../issuance/crl-import.ts';

const PASSWORD = 'fuzzing password';
const ws = opensslWorkspace();
const keyFiles: Record<string, Uint8Array> = {};
const p12Files: Record<string, Uint8Array> = {};
let rootDer: Uint8Array;
let leafDer: Uint8Array;
let crlDer: Uint8Array;

beforeAll(() => {
  ws.write('pw', `${PASSWORD}\n`);
  ws.run('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'k.pem', '-out', 'c.pem', '-days', '30', '-subj', '/CN=Fuzz Root', '-addext', 'basicConstraints=critical,CA:TRUE');
  ws.run('pkcs8', '-topk8', '-in', 'k.pem', '-out', 'k.enc.pem', '-passout', 'file:pw');
  ws.run('pkcs8', '-topk8', '-in', 'k.pem', '-outform', 'DER', '-out', 'k.enc.der', '-passout', 'file:pw');
  ws.run('pkey', '-in', 'k.pem', '-outform', 'DER', '-out', 'k.der');
  ws.run('ec', '-in', 'k.pem', '-out', 'k.trad.pem');
  ws.run('ec', '-in', 'k.pem', '-aes128', '-out', 'k.trad.enc.pem', '-passout', 'file:pw');
  for (const f of ['k.pem', 'k.der', 'k.enc.pem', 'k.enc.der', 'k.trad.pem', 'k.trad.enc.pem']) keyFiles[f] = ws.read(f);
  ws.run('pkcs12', '-export', '-inkey', 'k.pem', '-in', 'c.pem', '-out', 'aes.p12', '-passout', 'file:pw');
  ws.run('pkcs12', '-export', '-inkey', 'k.pem', '-in', 'c.pem', '-out', 'des.p12', '-passout', 'file:pw', '-certpbe', 'PBE-SHA1-3DES', '-keypbe', 'PBE-SHA1-3DES', '-macalg', 'sha1');
  for (const f of ['aes.p12', 'des.p12']) p12Files[f] = ws.read(f);
  // What the root issued and published: a leaf, and a CRL revoking it.
  ws.run('req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'leaf.key', '-out', 'leaf.csr', '-subj', '/CN=leaf');
  ws.run('x509', '-req', '-in', 'leaf.csr', '-CA', 'c.pem', '-CAkey', 'k.pem', '-set_serial', '0x77', '-days', '10', '-outform', 'DER', '-out', 'leaf.der');
  ws.write('index.txt', '');
  ws.write('crlnumber', '10\n');
  ws.write('ca.cnf', `[ca]\ndefault_ca = c\n[c]\ndatabase = ${ws.path('index.txt')}\ncrlnumber = ${ws.path('crlnumber')}\ndefault_md = sha256\ndefault_crl_days = 5\ncertificate = ${ws.path('c.pem')}\nprivate_key = ${ws.path('k.pem')}\n`);
  ws.run('x509', '-in', 'leaf.der', '-inform', 'DER', '-out', 'leaf.pem');
  ws.run('ca', '-config', 'ca.cnf', '-revoke', 'leaf.pem');
  ws.run('ca', '-config', 'ca.cnf', '-gencrl', '-out', 'c.crl.pem');
  ws.run('crl', '-in', 'c.crl.pem', '-outform', 'DER', '-out', 'c.crl');
  ws.run('x509', '-in', 'c.pem', '-outform', 'DER', '-out', 'c.der');
  rootDer = ws.read('c.der');
  leafDer = ws.read('leaf.der');
  crlDer = ws.read('c.crl');
  // The unmutated inputs read: the properties below are not vacuous.
  for (const bytes of Object.values(keyFiles)) expect(readPrivateKeyFile(bytes, Buffer.from(PASSWORD)).pkcs8.length).toBeGreaterThan(0);
  for (const bytes of Object.values(p12Files)) expect(readPkcs12(bytes, Buffer.from(PASSWORD)).certificates).toHaveLength(1);
  const noLookup = () => 'free' as const;
  expect(checkCertificatesForImport([{ name: 'leaf', ders: [leafDer] }], { certificate: rootDer, chain: [] }, noLookup)[0]?.ok).toBe(true);
  expect(checkCrlForImport(crlDer, { certificate: rootDer, lastNumber: null, issuedSerial: () => true }).entries).toHaveLength(1);
  // A file re-MACed without a change still reads, so mutations inside reach the parts behind the MAC.
  for (const bytes of Object.values(p12Files)) expect(readPkcs12(remac(bytes, (inner) => inner), Buffer.from(PASSWORD)).certificates).toHaveLength(1);
});
afterAll(() => ws.cleanup());

/** The outcome is a private key node:crypto reads, or a DomainError of the closed union; anything else fails the property. */
function cleanOutcome(read: () => { pkcs8: Buffer }): boolean {
  try {
    const { pkcs8 } = read();
    return createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }).type === 'private';
  } catch (e) {
    if (isDomainError(e) && (ERROR_CODES as readonly string[]).includes(e.code)) return true;
    throw e;
  }
}

/** The PFX with its AuthenticatedSafe mutated and a MAC made again with the password, as a careless (or hostile) exporter would write it. */
function remac(p12: Uint8Array, mutate: (inner: Uint8Array) => Uint8Array): Uint8Array {
  const pfx = AsnConvert.parse(p12, PFX);
  const inner = mutate(new Uint8Array(AsnConvert.parse(pfx.authSafe.content, OctetString).buffer));
  pfx.authSafe.content = AsnConvert.serialize(new OctetString(inner));
  const sha = pfx.macData.mac.digestAlgorithm.algorithm === '1.3.14.3.2.26' ? { name: 'sha1', bytes: 20, block: 64 } : { name: 'sha256', bytes: 32, block: 64 };
  const bmp = Buffer.from(`${PASSWORD}\0`, 'utf16le').swap16();
  const key = pkcs12Kdf(bmp, new Uint8Array(pfx.macData.macSalt.buffer), 3, pfx.macData.iterations, sha.bytes, sha);
  pfx.macData.mac.digest = new OctetString(createHmac(sha.name, key).update(inner).digest());
  return new Uint8Array(AsnConvert.serialize(pfx));
}

describe('key file and PKCS#12 readers under mutation', () => {
  it.each(Object.keys({ 'k.pem': 1, 'k.der': 1, 'k.enc.pem': 1, 'k.enc.der': 1, 'k.trad.pem': 1, 'k.trad.enc.pem': 1 }))('%s: a clean refusal or a readable key', (name) => {
    fc.assert(
      fc.property(derMutations, fc.boolean(), (muts, withPassword) => cleanOutcome(() => readPrivateKeyFile(applyByteMutations(keyFiles[name]!, muts), withPassword ? Buffer.from(PASSWORD) : null))),
      { numRuns: 150, seed: 140 + name.length },
    );
  });

  it.each(['aes.p12', 'des.p12'])('%s: mutated as a file (the MAC stops it) or inside under a MAC that verifies: a clean refusal or a readable key', (name) => {
    fc.assert(
      fc.property(derMutations, fc.boolean(), (muts, inside) => {
        const bytes = inside ? remac(p12Files[name]!, (inner) => applyByteMutations(inner, muts)) : applyByteMutations(p12Files[name]!, muts);
        return cleanOutcome(() => readPkcs12(bytes, Buffer.from(PASSWORD)));
      }),
      { numRuns: 200, seed: 1412 + name.length },
    );
  });

  it('a mutated certificate for cert import: accepted or refused with a code, one outcome per file, never a throw', () => {
    fc.assert(
      fc.property(derMutations, (muts) => {
        const [outcome] = checkCertificatesForImport([{ name: 'mutated', ders: [applyByteMutations(leafDer, muts)] }], { certificate: rootDer, chain: [] }, () => 'free');
        return outcome !== undefined && (outcome.ok || (ERROR_CODES as readonly string[]).includes(outcome.code));
      }),
      { numRuns: 300, seed: 1414 },
    );
  });

  it('a mutated CRL for crl import: a clean refusal or a CRL whose signature verified', () => {
    fc.assert(
      fc.property(derMutations, (muts) => {
        try {
          return checkCrlForImport(applyByteMutations(crlDer, muts), { certificate: rootDer, lastNumber: null, issuedSerial: () => true }).number >= 0;
        } catch (e) {
          if (isDomainError(e) && (ERROR_CODES as readonly string[]).includes(e.code)) return true;
          throw e;
        }
      }),
      { numRuns: 300, seed: 1415 },
    );
  });
});
