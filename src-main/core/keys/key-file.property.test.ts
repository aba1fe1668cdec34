/**
 * The key-file and PKCS#12 readers give back the very key that went in,
 * whatever the password and however the file is laid out:
 *
 * - PKCS#8 (PEM and DER), encrypted PKCS#8 (PEM and DER, AES and 3DES) and
 *   the traditional OpenSSL PEM (PKCS#1 RSA, SEC 1 EC, plain or with
 *   Proc-Type: 4,ENCRYPTED) of P-256, P-384, Ed25519 and RSA keys, with any
 *   password, any text around the PEM block (as `openssl pkcs12 -nodes`
 *   writes "Bag Attributes" above it), LF or CRLF line ends: the same key,
 *   the format named right; another password: KEY_IMPORT_WRONG_PASSWORD; none:
 *   KEY_IMPORT_PASSWORD_REQUIRED.
 * - PKCS#12 as `openssl pkcs12 -export` writes it (OpenSSL 3's default and
 *   the 3DES/SHA-1 form) with any password OpenSSL takes, non-ASCII and
 *   outside the BMP included: the same key and certificate; another
 *   password: KEY_IMPORT_WRONG_PASSWORD.
 *
 * The mutation properties (damaged files end in a clean refusal) are in
 * key-import.property.test.ts.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDomainError } from '../errors.ts';
import { opensslWorkspace } from '../../testing/chain-fixtures.ts';
import { readPrivateKeyFile, type KeyFileFormat } from './key-file.ts';
import { readPkcs12 } from './pkcs12.ts';

const KEYS: Record<string, KeyObject> = {
  p256: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey,
  p384: generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey,
  ed25519: generateKeyPairSync('ed25519').privateKey,
  rsa: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey,
};
const spkiOf = (k: KeyObject): Buffer => createPublicKey(k).export({ type: 'spki', format: 'der' });

/** The code of the DomainError `fn` throws; fails the property on success or on any other exception. */
function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (isDomainError(e)) return e.code;
    throw e;
  }
  throw new Error('expected a refusal, the file was read');
}

/** A password as an officer may have set it: printable or not, non-ASCII, astral; never a line break or NUL (a password file holds one line). */
const password = fc.string({ unit: 'binary', minLength: 1, maxLength: 32 }).filter((s) => s.isWellFormed() && !/[\r\n\0]/.test(s));
/** Text OpenSSL and people put around a PEM block; never a PEM boundary of its own. */
const aside = fc.oneof(fc.constant(''), fc.constant('Bag Attributes\n    localKeyID: 01 02 03\nKey Attributes: <No Attributes>\n'), fc.string({ unit: 'grapheme-ascii', maxLength: 80 }).filter((s) => !s.includes('-----')).map((s) => `${s}\n`));

type Form = { format: KeyFileFormat; encrypted: boolean; make: (k: KeyObject, pw: string, cipher: string) => string | Buffer };
const FORMS: Record<string, Form> = {
  'PKCS#8 PEM': { format: 'pkcs8', encrypted: false, make: (k) => k.export({ type: 'pkcs8', format: 'pem' }) },
  'PKCS#8 DER': { format: 'pkcs8', encrypted: false, make: (k) => k.export({ type: 'pkcs8', format: 'der' }) },
  'encrypted PKCS#8 PEM': { format: 'pkcs8-encrypted', encrypted: true, make: (k, pw, cipher) => k.export({ type: 'pkcs8', format: 'pem', cipher, passphrase: pw }) },
  'encrypted PKCS#8 DER': { format: 'pkcs8-encrypted', encrypted: true, make: (k, pw, cipher) => k.export({ type: 'pkcs8', format: 'der', cipher, passphrase: pw }) },
  'traditional PEM': { format: 'traditional', encrypted: false, make: (k) => k.export({ type: k.asymmetricKeyType === 'rsa' ? 'pkcs1' : 'sec1', format: 'pem' }) },
  'traditional DER': { format: 'traditional', encrypted: false, make: (k) => k.export({ type: k.asymmetricKeyType === 'rsa' ? 'pkcs1' : 'sec1', format: 'der' }) },
  'encrypted traditional PEM': { format: 'traditional-encrypted', encrypted: true, make: (k, pw, cipher) => k.export({ type: k.asymmetricKeyType === 'rsa' ? 'pkcs1' : 'sec1', format: 'pem', cipher, passphrase: pw }) },
};

describe('key files: the key that went in comes out', () => {
  it.each(Object.keys(FORMS))('%s: the same key for any key, password, cipher and layout; another password or none refused with its code', (name) => {
    const form = FORMS[name]!;
    // SEC 1 has no Ed25519 form (OpenSSL writes Ed25519 only as PKCS#8).
    const keyNames = Object.keys(KEYS).filter((k) => !(form.format.startsWith('traditional') && k === 'ed25519'));
    fc.assert(
      fc.property(fc.constantFrom(...keyNames), password, password, fc.constantFrom('aes-128-cbc', 'aes-256-cbc', 'des-ede3-cbc'), aside, aside, fc.boolean(), (keyName, pw, other, cipher, before, after, crlf) => {
        const key = KEYS[keyName]!;
        const made = form.make(key, pw, cipher);
        const bytes = typeof made === 'string' ? Buffer.from(`${before}${made}${after}`.replace(/\r?\n/g, crlf ? '\r\n' : '\n'), 'utf8') : made;
        const read = readPrivateKeyFile(bytes, form.encrypted ? Buffer.from(pw, 'utf8') : null);
        expect(read.format).toBe(form.format);
        expect(spkiOf(createPrivateKey({ key: read.pkcs8, format: 'der', type: 'pkcs8' })).equals(spkiOf(key))).toBe(true);
        if (form.encrypted) {
          expect(codeOf(() => readPrivateKeyFile(bytes, null))).toBe('KEY_IMPORT_PASSWORD_REQUIRED');
          if (other !== pw) expect(codeOf(() => readPrivateKeyFile(bytes, Buffer.from(other, 'utf8')))).toBe('KEY_IMPORT_WRONG_PASSWORD');
        } else {
          // A password given for a plain file is not needed and changes nothing.
          expect(readPrivateKeyFile(bytes, Buffer.from(other, 'utf8')).pkcs8.equals(read.pkcs8)).toBe(true);
        }
      }),
      { numRuns: name.includes('encrypted') ? 60 : 100, seed: 1414 + name.length },
    );
  });
});

describe('PKCS#12 from openssl pkcs12 -export: the key and certificate that went in come out', () => {
  const ws = opensslWorkspace();
  let certDer: Buffer;
  beforeAll(() => {
    ws.run('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'k.pem', '-out', 'c.pem', '-days', '30', '-subj', '/CN=P12 Root', '-addext', 'basicConstraints=critical,CA:TRUE');
    ws.run('x509', '-in', 'c.pem', '-outform', 'DER', '-out', 'c.der');
    certDer = Buffer.from(ws.read('c.der'));
  });
  afterAll(() => ws.cleanup());

  it.each([
    ['OpenSSL 3 default (PBES2, AES-256, HMAC-SHA-256)', [] as string[]],
    ['3DES and a SHA-1 MAC', ['-certpbe', 'PBE-SHA1-3DES', '-keypbe', 'PBE-SHA1-3DES', '-macalg', 'sha1']],
  ])('%s, any password OpenSSL takes', (_name, pbe) => {
    const keySpki = spkiOf(createPrivateKey(Buffer.from(ws.read('k.pem'))));
    let n = 0;
    fc.assert(
      fc.property(password, password, (pw, other) => {
        n += 1;
        ws.write('pw', `${pw}\n`);
        ws.run('pkcs12', '-export', '-inkey', 'k.pem', '-in', 'c.pem', '-out', `${n}.p12`, '-passout', 'file:pw', ...pbe);
        const p12 = ws.read(`${n}.p12`);
        const read = readPkcs12(p12, Buffer.from(pw, 'utf8'));
        expect(spkiOf(createPrivateKey({ key: read.pkcs8, format: 'der', type: 'pkcs8' })).equals(keySpki)).toBe(true);
        expect(read.certificates.map((c) => Buffer.from(c).equals(certDer))).toEqual([true]);
        if (other !== pw) expect(codeOf(() => readPkcs12(p12, Buffer.from(other, 'utf8')))).toBe('KEY_IMPORT_WRONG_PASSWORD');
      }),
      // Each run is an OpenSSL process.
      { numRuns: 25, seed: 1412 },
    );
  });
});
