/**
 * Reading a PKCS#12 file (RFC 7292) as `openssl pkcs12 -export` writes it:
 * the private key and the certificates it holds, password-protected.
 *
 * The structure is parsed with @peculiar/asn1-pfx (PFX, AuthenticatedSafe,
 * SafeContents, bags) and @peculiar/asn1-pkcs8; the cryptography is
 * node:crypto's. The MAC is checked before anything inside is decrypted or
 * believed (RFC 7292 section 5.1: integrity first), so a wrong password and
 * an altered file both stop at the MAC, as OpenSSL does. Supported:
 *
 *   MAC:        HMAC-SHA-1/-256/-384/-512 with the PKCS#12 key derivation (appendix B)
 *   key bag:    PBES2 (PBKDF2 + AES-CBC, OpenSSL 3's default) and
 *               pbeWithSHAAnd3-KeyTripleDES-CBC, decrypted by node:crypto;
 *               an unencrypted keyBag too
 *   cert bags:  in plain Data, in EncryptedData under PBES2 (AES-CBC) or
 *               pbeWithSHAAnd3-KeyTripleDES-CBC
 *
 * Not supported: RC2 and RC4 (OpenSSL's `-legacy`; OpenSSL 3 itself needs its
 * legacy provider to read them), public-key privacy mode (EnvelopedData),
 * PBMAC1. Each is refused with KEY_IMPORT_UNSUPPORTED_ENCRYPTION and the
 * command that converts the file.
 *
 * Every failure is a DomainError: KEY_IMPORT_UNREADABLE (damaged or not
 * PKCS#12), KEY_IMPORT_WRONG_PASSWORD (the MAC does not verify),
 * KEY_IMPORT_UNSUPPORTED_ENCRYPTION, KEY_IMPORT_P12_CONTENTS (no key, no
 * certificate, or several keys). Derived keys and password bytes are
 * zeroed after use.
 */
import { createDecipheriv, createHash, hash, createHmac, createPrivateKey, pbkdf2Sync, timingSafeEqual } from 'node:crypto';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { AuthenticatedSafe, CertBag, PFX, SafeContents, id_certBag, id_keyBag, id_pkcs8ShroudedKeyBag, id_x509Certificate } from '@peculiar/asn1-pfx';
import { EncryptedContentInfo } from '@peculiar/asn1-cms';
import { DomainError } from '../errors.ts';
import { DerError, children, expectNode, readOid, readRoot, readSmallInt, content, type DerNode } from '../asn1/der-reader.ts';

export const MAX_PKCS12_BYTES = 1024 * 1024;

const OIDS = {
  data: '1.2.840.113549.1.7.1',
  encryptedData: '1.2.840.113549.1.7.6',
  envelopedData: '1.2.840.113549.1.7.3',
  pbes2: '1.2.840.113549.1.5.13',
  pbkdf2: '1.2.840.113549.1.5.12',
  pbeSha1TripleDes: '1.2.840.113549.1.12.1.3',
  pbeSha1Rc2_128: '1.2.840.113549.1.12.1.5',
  pbeSha1Rc2_40: '1.2.840.113549.1.12.1.6',
  pbmac1: '1.2.840.113549.1.5.14',
} as const;

/** Digest OIDs of the MAC and of PBKDF2's PRF, with their node:crypto names. */
const DIGESTS: Record<string, { name: string; bytes: number; block: number }> = {
  '1.3.14.3.2.26': { name: 'sha1', bytes: 20, block: 64 },
  '2.16.840.1.101.3.4.2.1': { name: 'sha256', bytes: 32, block: 64 },
  '2.16.840.1.101.3.4.2.2': { name: 'sha384', bytes: 48, block: 128 },
  '2.16.840.1.101.3.4.2.3': { name: 'sha512', bytes: 64, block: 128 },
};
const PRFS: Record<string, string> = {
  '1.2.840.113549.2.7': 'sha1',
  '1.2.840.113549.2.9': 'sha256',
  '1.2.840.113549.2.10': 'sha384',
  '1.2.840.113549.2.11': 'sha512',
};
const AES_CBC: Record<string, { name: string; keyBytes: number }> = {
  '2.16.840.1.101.3.4.1.2': { name: 'aes-128-cbc', keyBytes: 16 },
  '2.16.840.1.101.3.4.1.22': { name: 'aes-192-cbc', keyBytes: 24 },
  '2.16.840.1.101.3.4.1.42': { name: 'aes-256-cbc', keyBytes: 32 },
};

/**
 * Iteration counts above these are a hostile file (a CPU sink), not a real one: OpenSSL writes 2048,
 * Java and Windows 2,000-10,000. PBKDF2 runs in OpenSSL; the PKCS#12 derivation runs a hash per
 * iteration here, so its bound is lower.
 */
const MAX_PBKDF2_ITERATIONS = 2_000_000;
const MAX_PKCS12_KDF_ITERATIONS = 200_000;

const CONVERT = 'Convert it with OpenSSL (openssl pkcs12 -legacy -in OLD.p12 -nodes | openssl pkcs12 -export -out NEW.p12) and import the new file.';

export interface Pkcs12Contents {
  /** The private key as unencrypted PKCS#8 DER: wrap it at once and zero it. */
  pkcs8: Buffer;
  /** Every certificate in the file, in file order, DER. */
  certificates: Uint8Array[];
  /** How the key bag was protected, for the audit event. */
  keyProtection: 'pbes2' | 'pkcs12-3des' | 'none';
}

function unreadable(detail: string, file: 'PKCS#12' | 'key' = 'PKCS#12'): DomainError {
  return new DomainError(
    'KEY_IMPORT_UNREADABLE',
    file === 'PKCS#12' ? `The PKCS#12 file is damaged or not a PKCS#12 file (${detail}). Export it again (openssl pkcs12 -export) and import the new file.` : `The encrypted key file is damaged (${detail}). Export the key again and import the new file.`,
  );
}

function unsupported(what: string): DomainError {
  return new DomainError('KEY_IMPORT_UNSUPPORTED_ENCRYPTION', `The PKCS#12 file is protected with ${what}, which Airgap CA does not read. ${CONVERT}`);
}

/** An @peculiar/asn1-schema parse whose failure is the file's fault. */
function parse<T>(bytes: ArrayBuffer | Uint8Array, type: new () => T, what: string): T {
  try {
    return AsnConvert.parse(bytes, type);
  } catch {
    throw unreadable(`${what} does not parse`);
  }
}

function octets(der: ArrayBuffer, what: string): Buffer {
  return Buffer.from(parse(der, OctetString, what).buffer);
}

/** A DER walk of our own for the small parameter structures the asn1 packages do not model. */
function walk<T>(what: string, fn: () => T, file: 'PKCS#12' | 'key' = 'PKCS#12'): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof DerError) throw unreadable(`${what}: ${e.message}`, file);
    throw e;
  }
}

function iterationsOf(n: number, what: string, max = MAX_PKCS12_KDF_ITERATIONS, file: 'PKCS#12' | 'key' = 'PKCS#12'): number {
  if (!Number.isSafeInteger(n) || n < 1) throw unreadable(`${what} has no valid iteration count`, file);
  if (n > max) throw unreadable(`${what} asks for ${n} iterations, more than the ${max} any real file uses`, file);
  return n;
}

/** The password as PKCS#12 wants it for its own KDF: BMPString (UTF-16 big-endian) with a terminating NUL (RFC 7292 appendix B.1). */
function bmpPassword(password: Buffer): Buffer {
  const text = password.toString('utf8');
  const out = Buffer.alloc((text.length + 1) * 2);
  for (let i = 0; i < text.length; i++) out.writeUInt16BE(text.charCodeAt(i), i * 2);
  return out;
}

/** RFC 7292 appendix B.2: derive `n` bytes of purpose `id` (1 key, 2 IV, 3 MAC key). */
export function pkcs12Kdf(passwordBmp: Buffer, salt: Uint8Array, id: 1 | 2 | 3, iterations: number, n: number, digest: { name: string; bytes: number; block: number }): Buffer {
  const v = digest.block;
  const u = digest.bytes;
  const fill = (src: Uint8Array): Buffer => {
    if (src.length === 0) return Buffer.alloc(0);
    const len = v * Math.ceil(src.length / v);
    const out = Buffer.alloc(len);
    for (let i = 0; i < len; i++) out[i] = src[i % src.length] as number;
    return out;
  };
  const d = Buffer.alloc(v, id);
  const i = Buffer.concat([fill(salt), fill(passwordBmp)]);
  const out = Buffer.alloc(n);
  try {
    for (let done = 0; done < n; done += u) {
      let a = createHash(digest.name).update(d).update(i).digest();
      for (let r = 1; r < iterations; r++) a = hash(digest.name, a, 'buffer');
      a.copy(out, done, 0, Math.min(u, n - done));
      if (done + u >= n) break;
      const b = fill(a).subarray(0, v);
      for (let j = 0; j < i.length; j += v) {
        let carry = 1;
        for (let k = v - 1; k >= 0; k--) {
          const sum = (i[j + k] as number) + (b[k] as number) + carry;
          i[j + k] = sum & 0xff;
          carry = sum >> 8;
        }
      }
    }
  } finally {
    i.fill(0);
  }
  return out;
}

function checkMac(pfx: PFX, authSafeOctets: Buffer, passwordBmp: Buffer): void {
  if (!pfx.macData) throw new DomainError('KEY_IMPORT_UNSUPPORTED_ENCRYPTION', `The PKCS#12 file has no password MAC, so its integrity cannot be checked. ${CONVERT}`);
  const alg = pfx.macData.mac.digestAlgorithm.algorithm;
  if (alg === OIDS.pbmac1) throw unsupported('PBMAC1');
  const digest = DIGESTS[alg];
  if (!digest) throw unsupported(`a MAC digest of OID ${alg}`);
  const iterations = iterationsOf(pfx.macData.iterations ?? 1, 'The MAC');
  const key = pkcs12Kdf(passwordBmp, Buffer.from(pfx.macData.macSalt.buffer), 3, iterations, digest.bytes, digest);
  try {
    const mac = createHmac(digest.name, key).update(authSafeOctets).digest();
    const expected = Buffer.from(pfx.macData.mac.digest.buffer);
    if (expected.length !== mac.length || !timingSafeEqual(mac, expected)) {
      throw new DomainError('KEY_IMPORT_WRONG_PASSWORD', 'The PKCS#12 file does not open with this password (its MAC does not verify): the password is wrong, or the file was altered. Nothing was imported.');
    }
  } finally {
    key.fill(0);
  }
}

interface Pbes2 {
  salt: Uint8Array;
  iterations: number;
  keyLength: number | null;
  prf: string;
  cipher: { name: string; keyBytes: number };
  iv: Uint8Array;
}

/** PBES2-params (RFC 8018 A.4) with PBKDF2-params (A.2) and an AES-CBC scheme. */
function readPbes2(buf: Uint8Array): Pbes2 {
  return walk('the PBES2 parameters', () => {
    const root = readRoot(buf, 0x30, 'PBES2-params');
    const [kdf, scheme] = children(buf, root);
    if (!kdf || !scheme) throw new DerError('missing fields');
    const [kdfOid, kdfParams] = children(buf, kdf);
    if (!kdfOid || !kdfParams || readOid(buf, kdfOid) !== OIDS.pbkdf2) throw unsupported('a key derivation other than PBKDF2');
    const p = children(buf, kdfParams);
    const salt = p[0];
    const count = p[1];
    if (!salt || salt.tag !== 0x04 || !count) throw new DerError('PBKDF2 salt or count missing');
    let rest = p.slice(2);
    let keyLength: number | null = null;
    if (rest[0]?.tag === 0x02) {
      keyLength = readSmallInt(buf, rest[0]);
      rest = rest.slice(1);
    }
    let prf = 'sha1';
    if (rest[0]) {
      const [prfOid] = children(buf, rest[0]);
      if (!prfOid) throw new DerError('PRF missing');
      const named = PRFS[readOid(buf, prfOid)];
      if (!named) throw unsupported('a PBKDF2 PRF Airgap CA does not know');
      prf = named;
    }
    const [cipherOid, iv] = children(buf, scheme);
    if (!cipherOid) throw new DerError('cipher missing');
    const oid = readOid(buf, cipherOid);
    const cipher = AES_CBC[oid];
    if (!cipher) throw unsupported(`the cipher of OID ${oid}`);
    if (!iv || iv.tag !== 0x04 || iv.end - iv.contentStart !== 16) throw new DerError('AES-CBC IV is not 16 octets');
    return { salt: content(buf, salt), iterations: iterationsOf(readSmallInt(buf, count), 'PBKDF2', MAX_PBKDF2_ITERATIONS), keyLength, prf, cipher, iv: content(buf, iv) };
  });
}

/** pkcs-12PbeParams (RFC 7292 appendix C): salt and iterations. */
function readPkcs12PbeParams(buf: Uint8Array): { salt: Uint8Array; iterations: number } {
  return walk('the PKCS#12 PBE parameters', () => {
    const root = readRoot(buf, 0x30, 'pkcs-12PbeParams');
    const [salt, count] = children(buf, root) as [DerNode | undefined, DerNode | undefined];
    if (!salt || salt.tag !== 0x04 || !count) throw new DerError('salt or iterations missing');
    return { salt: content(buf, expectNode(buf, salt.start, salt.end, 0x04, 'salt')), iterations: iterationsOf(readSmallInt(buf, count), 'The PBE') };
  });
}

function decipher(name: string, key: Buffer, iv: Uint8Array, data: Uint8Array): Buffer {
  try {
    const d = createDecipheriv(name, key, iv);
    return Buffer.concat([d.update(data), d.final()]);
  } catch {
    // The MAC verified, so the password is right: a padding failure means a damaged (or crafted) file.
    throw unreadable('an encrypted part does not decrypt');
  } finally {
    key.fill(0);
  }
}

/** Decrypts an EncryptedData's content (the certificate bags) with the password. */
function decryptContent(algorithm: string, params: ArrayBuffer | null | undefined, data: Uint8Array, password: Buffer, passwordBmp: Buffer): Buffer {
  const p = params ? new Uint8Array(params) : new Uint8Array(0);
  if (algorithm === OIDS.pbes2) {
    const s = readPbes2(p);
    const key = pbkdf2Sync(password, s.salt, s.iterations, s.keyLength ?? s.cipher.keyBytes, s.prf);
    return decipher(s.cipher.name, key, s.iv, data);
  }
  if (algorithm === OIDS.pbeSha1TripleDes) {
    const s = readPkcs12PbeParams(p);
    const sha1 = DIGESTS['1.3.14.3.2.26']!;
    const key = pkcs12Kdf(passwordBmp, s.salt, 1, s.iterations, 24, sha1);
    const iv = pkcs12Kdf(passwordBmp, s.salt, 2, s.iterations, 8, sha1);
    return decipher('des-ede3-cbc', key, iv, data);
  }
  if (algorithm === OIDS.pbeSha1Rc2_40 || algorithm === OIDS.pbeSha1Rc2_128) throw unsupported('RC2 (OpenSSL\'s -legacy format)');
  throw unsupported(`the algorithm of OID ${algorithm}`);
}

/** The SafeContents inside one ContentInfo of the AuthenticatedSafe. */
function safeContentsOf(ci: { contentType: string; content: ArrayBuffer }, password: Buffer, passwordBmp: Buffer): SafeContents {
  if (ci.contentType === OIDS.data) return parse(octets(ci.content, 'a Data part'), SafeContents, 'a SafeContents');
  if (ci.contentType === OIDS.encryptedData) {
    // EncryptedData ::= SEQUENCE { version, encryptedContentInfo, unprotectedAttrs [1] OPTIONAL } (RFC 5652 8).
    const buf = new Uint8Array(ci.content);
    const eci = walk('an EncryptedData part', () => {
      const [version, info] = children(buf, readRoot(buf, 0x30, 'EncryptedData'));
      if (!version || version.tag !== 0x02 || !info) throw new DerError('version or content missing');
      return buf.subarray(info.start, info.end);
    });
    const info = parse(eci, EncryptedContentInfo, 'an EncryptedContentInfo');
    const enc = info.encryptedContent;
    const data = enc?.value ? Buffer.from(enc.value.buffer) : enc?.constructedValue ? Buffer.concat(enc.constructedValue.map((o) => Buffer.from(o.buffer))) : null;
    if (!data) throw unreadable('an EncryptedData part has no content');
    const plain = decryptContent(info.contentEncryptionAlgorithm.algorithm, info.contentEncryptionAlgorithm.parameters, data, password, passwordBmp);
    return parse(plain, SafeContents, 'a decrypted SafeContents');
  }
  if (ci.contentType === OIDS.envelopedData) throw unsupported('public-key privacy mode (EnvelopedData)');
  throw unreadable(`a part of unknown type ${ci.contentType}`);
}

/**
 * Refuses an EncryptedPrivateKeyInfo whose PBKDF2 asks for more iterations than any real file
 * (before OpenSSL is handed it: it would spin on a damaged count). Other schemes pass to OpenSSL.
 */
export function checkEncryptedKeyCost(der: Uint8Array, file: 'PKCS#12' | 'key' = 'PKCS#12'): void {
  const params = walk('the encrypted key', () => {
    const [algId] = children(der, readRoot(der, 0x30, 'EncryptedPrivateKeyInfo'));
    const [oid, p] = algId ? children(der, algId) : [];
    if (!oid) throw new DerError('no algorithm');
    return readOid(der, oid) === OIDS.pbes2 && p ? der.subarray(p.start, p.end) : null;
  }, file);
  if (!params) return;
  walk('the PBES2 parameters', () => {
    const [kdf] = children(params, readRoot(params, 0x30, 'PBES2-params'));
    const [kdfOid, kdfParams] = kdf ? children(params, kdf) : [];
    if (!kdfOid || !kdfParams || readOid(params, kdfOid) !== OIDS.pbkdf2) return;
    const count = children(params, kdfParams)[1];
    if (count?.tag === 0x02) iterationsOf(readSmallInt(params, count), 'PBKDF2', MAX_PBKDF2_ITERATIONS, file);
  }, file);
}

/** The key bag's PKCS#8: node:crypto decrypts the EncryptedPrivateKeyInfo (PBES2 or the PKCS#12 PBEs OpenSSL's default provider has). */
function keyOfBag(bagId: string, value: ArrayBuffer, password: Buffer): { pkcs8: Buffer; protection: Pkcs12Contents['keyProtection'] } {
  const der = Buffer.from(value);
  if (bagId === id_keyBag) {
    return { pkcs8: exportPkcs8(() => createPrivateKey({ key: der, format: 'der', type: 'pkcs8' })), protection: 'none' };
  }
  const alg = walk('the key bag', () => {
    const [algId] = children(der, readRoot(der, 0x30, 'EncryptedPrivateKeyInfo'));
    const [oid] = algId ? children(der, algId) : [];
    if (!oid) throw new DerError('no algorithm');
    return readOid(der, oid);
  });
  if (alg !== OIDS.pbes2 && alg !== OIDS.pbeSha1TripleDes) throw unsupported(alg === OIDS.pbeSha1Rc2_40 || alg === OIDS.pbeSha1Rc2_128 ? 'RC2 (OpenSSL\'s -legacy format)' : `the key algorithm of OID ${alg}`);
  checkEncryptedKeyCost(der);
  const pkcs8 = exportPkcs8(() => createPrivateKey({ key: der, format: 'der', type: 'pkcs8', passphrase: password }));
  return { pkcs8, protection: alg === OIDS.pbes2 ? 'pbes2' : 'pkcs12-3des' };
}

function exportPkcs8(make: () => ReturnType<typeof createPrivateKey>): Buffer {
  try {
    return make().export({ type: 'pkcs8', format: 'der' });
  } catch {
    // The MAC verified with this password, so a key bag that does not open is damaged or of a kind OpenSSL cannot read.
    throw unreadable('the key bag does not open');
  }
}

/**
 * The key and certificates of a PKCS#12 file. `password` is UTF-8 bytes; the
 * caller zeroes it. Throws the codes listed at the top of this file.
 */
export function readPkcs12(bytes: Uint8Array, password: Buffer): Pkcs12Contents {
  if (bytes.length > MAX_PKCS12_BYTES) throw new DomainError('FILE_TOO_LARGE', `The PKCS#12 file is larger than ${MAX_PKCS12_BYTES} bytes; a CA key and its chain fit in far less. Check the file.`);
  if (bytes.length === 0 || bytes[0] !== 0x30) throw unreadable('it does not start with a DER SEQUENCE');
  const pfx = parse(bytes, PFX, 'the PFX');
  if (pfx.version !== 3) throw unreadable(`version ${pfx.version}, not 3`);
  if (pfx.authSafe.contentType !== OIDS.data) throw unsupported('public-key integrity mode (a signature instead of a password MAC)');
  const authSafeOctets = octets(pfx.authSafe.content, 'the AuthenticatedSafe');
  const passwordBmp = bmpPassword(password);
  try {
    checkMac(pfx, authSafeOctets, passwordBmp);
    const parts = parse(authSafeOctets, AuthenticatedSafe, 'the AuthenticatedSafe');
    const keys: Array<{ pkcs8: Buffer; protection: Pkcs12Contents['keyProtection'] }> = [];
    const certificates: Uint8Array[] = [];
    try {
      for (const part of parts) {
        for (const bag of safeContentsOf(part, password, passwordBmp)) {
          if (bag.bagId === id_certBag) {
            const cert = parse(bag.bagValue, CertBag, 'a certificate bag');
            if (cert.certId !== id_x509Certificate) continue;
            certificates.push(new Uint8Array(octets(cert.certValue, 'a certificate')));
          } else if (bag.bagId === id_pkcs8ShroudedKeyBag || bag.bagId === id_keyBag) {
            keys.push(keyOfBag(bag.bagId, bag.bagValue, password));
          }
        }
      }
      if (keys.length !== 1) {
        throw new DomainError('KEY_IMPORT_P12_CONTENTS', keys.length === 0 ? 'The PKCS#12 file holds no private key. Export it again with the key (openssl pkcs12 -export -inkey KEY -in CERT).' : `The PKCS#12 file holds ${keys.length} private keys; a CA key is imported one at a time. Export the one you mean into a file of its own.`);
      }
      if (certificates.length === 0) throw new DomainError('KEY_IMPORT_P12_CONTENTS', 'The PKCS#12 file holds no certificate. Export it again with the CA certificate (-in CERT), or import the key with --key and --cert.');
    } catch (e) {
      for (const k of keys) k.pkcs8.fill(0);
      throw e;
    }
    const key = keys[0]!;
    return { pkcs8: key.pkcs8, certificates, keyProtection: key.protection };
  } finally {
    passwordBmp.fill(0);
  }
}
