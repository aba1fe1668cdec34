/**
 * Reading a private key file an existing CA kept: PKCS#8 (PEM "PRIVATE KEY"
 * or DER), encrypted PKCS#8 (PEM "ENCRYPTED PRIVATE KEY" or DER), or the
 * traditional OpenSSL forms ("RSA PRIVATE KEY", "EC PRIVATE KEY", DER
 * PKCS#1 / SEC 1), the PEM ones also encrypted with "Proc-Type: 4,ENCRYPTED".
 *
 * node:crypto (OpenSSL) does the parsing and the decryption; this module
 * only tells the forms apart, so each refusal has its own code, and hands out
 * the key as unencrypted PKCS#8 DER, which the vault wraps at once. Codes:
 * KEY_IMPORT_UNREADABLE (not a private key in any of these forms, damaged,
 * or a public key / certificate), KEY_IMPORT_PASSWORD_REQUIRED (encrypted,
 * no password given), KEY_IMPORT_WRONG_PASSWORD.
 */
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { DomainError } from '../errors.ts';
import { checkEncryptedKeyCost } from './pkcs12.ts';

export const MAX_KEY_FILE_BYTES = 64 * 1024;

export type KeyFileFormat = 'pkcs8' | 'pkcs8-encrypted' | 'traditional' | 'traditional-encrypted';

export interface KeyFileContents {
  /** Unencrypted PKCS#8 DER: wrap it at once and zero it. */
  pkcs8: Buffer;
  format: KeyFileFormat;
}

const PRIVATE_LABELS = ['PRIVATE KEY', 'ENCRYPTED PRIVATE KEY', 'RSA PRIVATE KEY', 'EC PRIVATE KEY'] as const;
type PrivateLabel = (typeof PRIVATE_LABELS)[number];

function unreadable(why: string): DomainError {
  return new DomainError('KEY_IMPORT_UNREADABLE', `The key file is not a private key Airgap CA can read (${why}). Give the CA's private key as PKCS#8 (PEM or DER, encrypted or not) or as OpenSSL's traditional RSA/EC PEM, or a PKCS#12 file with --p12.`);
}

/** The first private-key PEM label in the text (an "EC PARAMETERS" block before it is allowed, as `openssl ecparam -genkey` writes). */
function pemLabel(text: string): { label: PrivateLabel; encryptedHeader: boolean } | null {
  const re = /-----BEGIN ([A-Z0-9 ]{1,40})-----/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const label = m[1] as string;
    if ((PRIVATE_LABELS as readonly string[]).includes(label)) {
      const end = text.indexOf(`-----END ${label}-----`, m.index);
      const body = text.slice(m.index, end < 0 ? undefined : end);
      return { label: label as PrivateLabel, encryptedHeader: /^Proc-Type:\s*4,\s*ENCRYPTED\s*$/m.test(body) };
    }
    if (label === 'PUBLIC KEY' || label === 'CERTIFICATE' || label === 'RSA PUBLIC KEY') throw unreadable(`it holds a ${label.toLowerCase()}, not the private key`);
  }
  return null;
}

function isEncryptedPkcs8Der(der: Buffer): boolean {
  // EncryptedPrivateKeyInfo ::= SEQUENCE { AlgorithmIdentifier SEQUENCE, OCTET STRING }; PrivateKeyInfo starts with INTEGER version.
  // Only a hint for the error code: node:crypto decides.
  let pos = 1;
  const first = der[pos] ?? 0;
  pos += first < 0x80 ? 1 : 1 + (first & 0x7f);
  return der[0] === 0x30 && der[pos] === 0x30;
}

/** Why OpenSSL refused: a missing or wrong passphrase is told apart from a damaged file. */
function refusal(e: unknown, encrypted: boolean, havePassword: boolean): DomainError {
  const code = (e as { code?: string } | null)?.code ?? '';
  if (code === 'ERR_MISSING_PASSPHRASE' || (encrypted && !havePassword)) {
    return new DomainError('KEY_IMPORT_PASSWORD_REQUIRED', 'The key file is encrypted: give its password with --key-password-file FILE (or type it at the prompt on a terminal). Nothing was imported.');
  }
  // An encrypted key that does not come out with the password given: mostly a bad
  // decrypt, but with a wrong password a CBC padding check passes by chance about
  // once in 256 and OpenSSL then fails to parse the garbage. Either way the
  // officer's next step is the password (the message names damage too).
  if (encrypted && havePassword) {
    return new DomainError('KEY_IMPORT_WRONG_PASSWORD', 'The key file does not decrypt with this password: the password is wrong (or the file is damaged). Nothing was imported.');
  }
  return unreadable('it does not parse: it is damaged, truncated, or another kind of file');
}

function toPkcs8(make: () => KeyObject, encrypted: boolean, havePassword: boolean): Buffer {
  let key: KeyObject;
  try {
    key = make();
  } catch (e) {
    throw refusal(e, encrypted, havePassword);
  }
  if (key.type !== 'private') throw unreadable('it holds a public key, not the private key');
  return key.export({ type: 'pkcs8', format: 'der' });
}

/**
 * The private key of a key file as PKCS#8 DER. `password` (UTF-8 bytes, the
 * caller zeroes it) is used only when the file is encrypted.
 */
export function readPrivateKeyFile(bytes: Uint8Array, password: Buffer | null): KeyFileContents {
  if (bytes.length === 0) throw unreadable('the file is empty');
  if (bytes.length > MAX_KEY_FILE_BYTES) throw new DomainError('FILE_TOO_LARGE', `The key file is larger than ${MAX_KEY_FILE_BYTES} bytes; a private key is far smaller. Check the file.`);
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const havePassword = password !== null;
  const passphrase = password ?? undefined;
  if (buf.includes('-----BEGIN ')) {
    const text = buf.toString('latin1');
    const found = pemLabel(text);
    if (!found) throw unreadable('it holds no PEM private key block');
    const encrypted = found.label === 'ENCRYPTED PRIVATE KEY' || found.encryptedHeader;
    if (encrypted && !havePassword) throw refusal(null, true, false);
    // Only the key's own block goes to OpenSSL, so an "EC PARAMETERS" block before it is not mistaken for the key.
    const start = text.indexOf(`-----BEGIN ${found.label}-----`);
    const endMarker = `-----END ${found.label}-----`;
    const end = text.indexOf(endMarker, start);
    if (end < 0) throw unreadable('the PEM block has no END line');
    const block = text.slice(start, end + endMarker.length);
    if (found.label === 'ENCRYPTED PRIVATE KEY') {
      const body = text.slice(start + `-----BEGIN ${found.label}-----`.length, end).replace(/[^A-Za-z0-9+/=]/g, '');
      checkEncryptedKeyCost(Buffer.from(body, 'base64'), 'key');
    }
    const pkcs8 = toPkcs8(() => createPrivateKey({ key: block, format: 'pem', ...(encrypted ? { passphrase } : {}) }), encrypted, havePassword);
    const traditional = found.label === 'RSA PRIVATE KEY' || found.label === 'EC PRIVATE KEY';
    return { pkcs8, format: traditional ? (encrypted ? 'traditional-encrypted' : 'traditional') : encrypted ? 'pkcs8-encrypted' : 'pkcs8' };
  }
  if (buf[0] !== 0x30) throw unreadable('it is neither PEM nor DER');
  if (isEncryptedPkcs8Der(buf)) {
    if (!havePassword) throw refusal(null, true, false);
    checkEncryptedKeyCost(buf, 'key');
    return { pkcs8: toPkcs8(() => createPrivateKey({ key: buf, format: 'der', type: 'pkcs8', passphrase }), true, true), format: 'pkcs8-encrypted' };
  }
  for (const type of ['pkcs8', 'pkcs1', 'sec1'] as const) {
    try {
      const pkcs8 = createPrivateKey({ key: buf, format: 'der', type }).export({ type: 'pkcs8', format: 'der' });
      return { pkcs8, format: type === 'pkcs8' ? 'pkcs8' : 'traditional' };
    } catch {
      // Try the next DER form; the last refusal is reported below.
    }
  }
  throw unreadable('the DER is not a PKCS#8, PKCS#1 or SEC 1 private key');
}
