/**
 * PKCS#11 tokens through pkcs11js (N-API, so the same build loads in Node and
 * in Electron, and in worker threads). Everything the CA does with a token is
 * here: find a token by label or serial, log in with the user PIN, generate a
 * key pair whose private half never leaves the token, find a key by CKA_ID,
 * read its public key as an SPKI, sign. Every Cryptoki failure becomes a
 * DomainError with a code of its own that says what to do; a PIN is never in
 * a message, a log detail or an environment.
 *
 * The module is loaded and C_Initialize'd once per thread and never
 * finalised: login state is the process's (PKCS#11 2.40 section 5.4), so a
 * worker thread that finalised would log every other thread out.
 */
import { createHash, createHmac, createPrivateKey, createPublicKey, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { DomainError, isDomainError } from '../errors.ts';
import type { ErrorCode } from '../errors.ts';
import type { KeyAlgorithm } from '../pki/algorithms.ts';
import { toBytes } from '../asn1/bytes.ts';
import type * as Pkcs11Types from 'pkcs11js';

type Pkcs11Module = typeof Pkcs11Types;
type PKCS11 = Pkcs11Types.PKCS11;
type Handle = Buffer;

// Constants pkcs11js does not name (PKCS#11 3.0 / the 2.40 errata): Edwards curves.
const CKK_EC_EDWARDS = 0x40;
const CKM_EC_EDWARDS_KEY_PAIR_GEN = 0x1055;
const CKM_EDDSA = 0x1057;

let lib: Pkcs11Module | null = null;
function pkcs11js(): Pkcs11Module {
  if (!lib) {
    try {
      lib = createRequire(import.meta.url)('pkcs11js') as Pkcs11Module;
    } catch (e) {
      throw new DomainError('TOKEN_MODULE_MISSING', 'The PKCS#11 support of Airgap CA (pkcs11js) is not installed or did not build: run "npm ci" with a C++ toolchain, then try again.', e instanceof Error ? e.message : String(e));
    }
  }
  return lib;
}

/** Which token: the label as initialised, or the serial number (both compared trimmed). */
export interface TokenSelector {
  readonly label?: string | undefined;
  readonly serial?: string | undefined;
}

export interface TokenIdentity {
  readonly label: string;
  readonly serial: string;
  readonly manufacturer: string;
  readonly model: string;
}

export interface TokenListing extends TokenIdentity {
  readonly slot: number;
  readonly initialized: boolean;
  readonly loginRequired: boolean;
  readonly pinLocked: boolean;
  /** Ed25519 keys need CKM_EDDSA and CKM_EC_EDWARDS_KEY_PAIR_GEN. */
  readonly eddsa: boolean;
}

const modules = new Map<string, PKCS11>();

/**
 * PINs a token refused in this thread, so none is tried on it twice: a token
 * counts every wrong login and locks the PIN after a few (often three), and
 * one command checks every token key it lists (`key list`, the dashboard).
 * Held as an HMAC under a key of this thread's only, never as the PIN.
 */
const refusedPins = new Set<string>();
const refusalKey = randomBytes(32);
const pinMark = (modulePath: string, serial: string, pin: string): string => createHmac('sha256', refusalKey).update(`${modulePath}\0${serial}\0${pin}`).digest('base64');

/** The officer typed a PIN again (the desktop app's PIN field): a PIN refused earlier may be tried once more. */
export function forgetRefusedPins(): void {
  refusedPins.clear();
}

function cryptokiCode(e: unknown): string | null {
  const m = /(CKR_[A-Z0-9_]+)/.exec(e instanceof Error ? `${e.message} ${e.stack ?? ''}` : String(e));
  return m ? (m[1] as string) : null;
}

/** A Cryptoki failure as a DomainError; the CKR_ name goes in the log detail only. */
export function tokenError(e: unknown, doing: string): DomainError {
  if (isDomainError(e)) return e;
  const ckr = cryptokiCode(e);
  const detail = ckr ?? (e instanceof Error ? e.message : String(e));
  const table: Record<string, [ErrorCode, string]> = {
    CKR_PIN_INCORRECT: ['TOKEN_PIN_INCORRECT', 'The token refused the PIN. Check the PIN file or AIRGAP_CA_PIN and try again; tokens lock the PIN after a few wrong tries.'],
    CKR_PIN_LEN_RANGE: ['TOKEN_PIN_INCORRECT', 'The token refused the PIN (wrong length). Check the PIN file or AIRGAP_CA_PIN and try again.'],
    CKR_PIN_LOCKED: ['TOKEN_PIN_LOCKED', 'The token\'s user PIN is locked after too many wrong tries. The token\'s security officer must unlock or reset it (for SoftHSM2: softhsm2-util or pkcs11-tool --init-pin with the SO PIN); the vault is unchanged.'],
    CKR_TOKEN_NOT_PRESENT: ['TOKEN_NOT_PRESENT', 'The token is not present. Insert it and try again.'],
    CKR_DEVICE_REMOVED: ['TOKEN_NOT_PRESENT', 'The token was removed. Insert it and try again.'],
    CKR_SLOT_ID_INVALID: ['TOKEN_NOT_PRESENT', 'The token\'s slot is gone. Insert the token and try again.'],
    CKR_KEY_HANDLE_INVALID: ['TOKEN_KEY_MISSING', 'The key is no longer on the token.'],
    CKR_OBJECT_HANDLE_INVALID: ['TOKEN_KEY_MISSING', 'The key is no longer on the token.'],
    CKR_MECHANISM_INVALID: ['TOKEN_MECHANISM_UNSUPPORTED', 'The token does not support the mechanism this key algorithm needs.'],
    CKR_DOMAIN_PARAMS_INVALID: ['TOKEN_MECHANISM_UNSUPPORTED', 'The token does not support this curve.'],
    CKR_CURVE_NOT_SUPPORTED: ['TOKEN_MECHANISM_UNSUPPORTED', 'The token does not support this curve.'],
  };
  const hit = ckr ? table[ckr] : undefined;
  if (hit) return new DomainError(hit[0], hit[1], `${doing}: ${detail}`);
  return new DomainError('TOKEN_ERROR', `The token failed while it was asked to ${doing} (${ckr ?? 'module error'}). Check the token and try again; the vault is unchanged.`, detail);
}

function guard<T>(doing: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw tokenError(e, doing);
  }
}

/** The module at `path`, loaded and initialised once per thread. */
export function loadModule(path: string): PKCS11 {
  const known = modules.get(path);
  if (known) return known;
  if (!existsSync(path)) {
    throw new DomainError('TOKEN_MODULE_MISSING', `The PKCS#11 module ${path} does not exist. Install the token's middleware, or point settings.pkcs11Module ("token module PATH") or AIRGAP_CA_PKCS11_MODULE at its .so/.dll/.dylib.`);
  }
  const m = pkcs11js();
  const p = new m.PKCS11();
  try {
    p.load(path);
  } catch (e) {
    throw new DomainError('TOKEN_MODULE_MISSING', `${path} is not a PKCS#11 module that loads here. Point settings.pkcs11Module or AIRGAP_CA_PKCS11_MODULE at the token's PKCS#11 library.`, e instanceof Error ? e.message : String(e));
  }
  try {
    // Batch workers sign from several threads at once: the module must lock with the OS's primitives.
    p.C_Initialize({ flags: m.CKF_OS_LOCKING_OK });
  } catch (e) {
    // Another thread of this process initialised it first: the library is shared.
    if (cryptokiCode(e) !== 'CKR_CRYPTOKI_ALREADY_INITIALIZED') throw tokenError(e, 'initialise the PKCS#11 module');
  }
  modules.set(path, p);
  return p;
}

const trim = (s: string): string => s.replace(/[\s\0]+$/, '');

function identityOf(info: Pkcs11Types.TokenInfo): TokenIdentity {
  return { label: trim(info.label), serial: trim(info.serialNumber), manufacturer: trim(info.manufacturerID), model: trim(info.model) };
}

function mechanismsOf(p: PKCS11, slot: Handle): Set<number> {
  try {
    return new Set(p.C_GetMechanismList(slot));
  } catch {
    return new Set();
  }
}

/** Every token the module sees, in slot order. */
export function listTokens(modulePath: string): TokenListing[] {
  const m = pkcs11js();
  const p = loadModule(modulePath);
  const slots = guard('list its slots', () => p.C_GetSlotList(true));
  return slots.map((slot) => {
    const info = guard('describe a token', () => p.C_GetTokenInfo(slot));
    const mechs = mechanismsOf(p, slot);
    return {
      ...identityOf(info),
      slot: slot.readUIntLE(0, Math.min(6, slot.length)),
      initialized: (info.flags & m.CKF_TOKEN_INITIALIZED) !== 0,
      loginRequired: (info.flags & m.CKF_LOGIN_REQUIRED) !== 0,
      pinLocked: (info.flags & m.CKF_USER_PIN_LOCKED) !== 0,
      eddsa: mechs.has(CKM_EDDSA) && mechs.has(CKM_EC_EDWARDS_KEY_PAIR_GEN),
    };
  });
}

function describeSelector(s: TokenSelector): string {
  return s.serial !== undefined ? `with serial "${s.serial}"` : `labelled "${s.label ?? ''}"`;
}

/** The slot holding the one token that matches; TOKEN_NOT_PRESENT or TOKEN_AMBIGUOUS otherwise. */
function findSlot(p: PKCS11, modulePath: string, s: TokenSelector): { slot: Handle; info: Pkcs11Types.TokenInfo } {
  const hits: Array<{ slot: Handle; info: Pkcs11Types.TokenInfo }> = [];
  for (const slot of guard('list its slots', () => p.C_GetSlotList(true))) {
    const info = guard('describe a token', () => p.C_GetTokenInfo(slot));
    const id = identityOf(info);
    if (s.serial !== undefined ? id.serial === s.serial.trim() : id.label === (s.label ?? '').trim()) hits.push({ slot, info });
  }
  if (hits.length === 0) {
    throw new DomainError('TOKEN_NOT_PRESENT', `No token ${describeSelector(s)} is present in ${modulePath}. Insert the token (or check its label with "token list") and try again; the vault is unchanged.`);
  }
  if (hits.length > 1) throw new DomainError('TOKEN_AMBIGUOUS', `${hits.length} tokens are labelled "${s.label ?? ''}": choose one by its serial number ("token list" shows them).`);
  return hits[0]!;
}

/** One logged-in session with one token. */
export class TokenSession {
  readonly identity: TokenIdentity;
  readonly modulePath: string;
  readonly #p: PKCS11;
  readonly #slot: Handle;
  #session: Handle | null;

  constructor(modulePath: string, selector: TokenSelector, pin: string | undefined) {
    const m = pkcs11js();
    this.modulePath = modulePath;
    this.#p = loadModule(modulePath);
    const { slot, info } = findSlot(this.#p, modulePath, selector);
    this.#slot = slot;
    this.identity = identityOf(info);
    if ((info.flags & m.CKF_USER_PIN_LOCKED) !== 0) throw tokenError(new Error('CKR_PIN_LOCKED'), 'log in');
    this.#session = guard('open a session', () => this.#p.C_OpenSession(slot, m.CKF_SERIAL_SESSION | m.CKF_RW_SESSION));
    if (pin === undefined) return;
    const mark = pinMark(modulePath, this.identity.serial, pin);
    if (refusedPins.has(mark)) {
      this.close();
      throw new DomainError('TOKEN_PIN_INCORRECT', `Token "${this.identity.label}" (serial ${this.identity.serial}) refused this PIN a moment ago, so it was not tried again: tokens lock the PIN after a few wrong tries. Check the PIN file or AIRGAP_CA_PIN (in the app: type the PIN again) and try again.`, 'log in: refused before, not retried');
    }
    try {
      this.#p.C_Login(this.#session, m.CKU_USER, pin);
    } catch (e) {
      // Login is the process's: another session (another worker thread) already did it.
      const ckr = cryptokiCode(e);
      if (ckr !== 'CKR_USER_ALREADY_LOGGED_IN') {
        if (ckr === 'CKR_PIN_INCORRECT' || ckr === 'CKR_PIN_LEN_RANGE') refusedPins.add(mark);
        this.close();
        throw tokenError(e, 'log in');
      }
    }
  }

  get session(): Handle {
    if (!this.#session) throw new DomainError('INTERNAL', 'The token session is closed.');
    return this.#session;
  }

  get mechanisms(): Set<number> {
    return mechanismsOf(this.#p, this.#slot);
  }

  close(): void {
    if (this.#session) {
      try {
        this.#p.C_CloseSession(this.#session);
      } catch {
        // A removed token has no session left to close.
      }
      this.#session = null;
    }
  }

  /** Objects of `cls` with this CKA_ID. */
  find(cls: number, ckaId: Buffer): Handle[] {
    const m = pkcs11js();
    return guard('find a key', () => {
      this.#p.C_FindObjectsInit(this.session, [
        { type: m.CKA_CLASS, value: cls },
        { type: m.CKA_ID, value: ckaId },
      ]);
      try {
        return this.#p.C_FindObjects(this.session, 16);
      } finally {
        this.#p.C_FindObjectsFinal(this.session);
      }
    });
  }

  attributes(handle: Handle, types: number[]): Map<number, Buffer> {
    const out = guard('read a key attribute', () => this.#p.C_GetAttributeValue(this.session, handle, types.map((type) => ({ type }))));
    return new Map(out.map((a) => [a.type, a.value as Buffer]));
  }

  /** The private key with this CKA_ID; TOKEN_KEY_MISSING when there is none. */
  privateKey(ckaId: Buffer): Handle {
    const found = this.find(pkcs11js().CKO_PRIVATE_KEY, ckaId);
    if (found.length === 0) {
      throw new DomainError('TOKEN_KEY_MISSING', `Token "${this.identity.label}" (serial ${this.identity.serial}) holds no private key with CKA_ID ${ckaId.toString('hex')}: it was deleted or this is another token. Insert the right token; the vault is unchanged.`);
    }
    if (found.length > 1) throw new DomainError('TOKEN_AMBIGUOUS', `Token "${this.identity.label}" holds ${found.length} private keys with CKA_ID ${ckaId.toString('hex')}: give each key its own CKA_ID.`);
    return found[0]!;
  }

  /** The SPKI of the public key object with this CKA_ID, or null when the token holds none. */
  publicKeySpki(ckaId: Buffer): Uint8Array | null {
    const m = pkcs11js();
    const found = this.find(m.CKO_PUBLIC_KEY, ckaId);
    if (found.length === 0) return null;
    const h = found[0]!;
    const type = this.attributes(h, [m.CKA_KEY_TYPE]).get(m.CKA_KEY_TYPE)!.readUIntLE(0, 4);
    if (type === m.CKK_RSA) {
      const a = this.attributes(h, [m.CKA_MODULUS, m.CKA_PUBLIC_EXPONENT]);
      return spkiFromJwk({ kty: 'RSA', n: unsigned(a.get(m.CKA_MODULUS)!).toString('base64url'), e: unsigned(a.get(m.CKA_PUBLIC_EXPONENT)!).toString('base64url') });
    }
    const a = this.attributes(h, [m.CKA_EC_PARAMS, m.CKA_EC_POINT]);
    const params = a.get(m.CKA_EC_PARAMS)!.toString('hex');
    const curve = CURVE_BY_PARAMS[params];
    if (!curve) throw new DomainError('UNSUPPORTED_ALGORITHM', `The key on the token uses a curve this CA cannot use (EC parameters ${params}).`);
    const point = ecPoint(a.get(m.CKA_EC_POINT)!, curve);
    if (curve.crv === 'Ed25519') return spkiFromJwk({ kty: 'OKP', crv: 'Ed25519', x: point.toString('base64url') });
    const half = (point.length - 1) / 2;
    return spkiFromJwk({ kty: 'EC', crv: curve.crv, x: point.subarray(1, 1 + half).toString('base64url'), y: point.subarray(1 + half).toString('base64url') });
  }

  /** Is this private key sensitive and not extractable, as a CA key must be? */
  privateKeyProtection(handle: Handle): { sensitive: boolean; extractable: boolean; onToken: boolean } {
    const m = pkcs11js();
    const a = this.attributes(handle, [m.CKA_SENSITIVE, m.CKA_EXTRACTABLE, m.CKA_TOKEN]);
    const flag = (t: number): boolean => (a.get(t)?.[0] ?? 0) !== 0;
    return { sensitive: flag(m.CKA_SENSITIVE), extractable: flag(m.CKA_EXTRACTABLE), onToken: flag(m.CKA_TOKEN) };
  }

  /** A fresh CKA_ID no object on the token has yet. */
  freshCkaId(): Buffer {
    const m = pkcs11js();
    for (;;) {
      const id = randomBytes(16);
      if (this.find(m.CKO_PRIVATE_KEY, id).length === 0 && this.find(m.CKO_PUBLIC_KEY, id).length === 0) return id;
    }
  }

  /**
   * A key pair made on the token: the private key CKA_TOKEN, CKA_PRIVATE and
   * CKA_SENSITIVE true, CKA_EXTRACTABLE false, sign only. Returns its SPKI.
   */
  generateKeyPair(algorithm: KeyAlgorithm, ckaId: Buffer, label: string): Uint8Array {
    const m = pkcs11js();
    const common = [
      { type: m.CKA_TOKEN, value: true },
      { type: m.CKA_ID, value: ckaId },
      { type: m.CKA_LABEL, value: label },
    ];
    const priv = [
      ...common,
      { type: m.CKA_CLASS, value: m.CKO_PRIVATE_KEY },
      { type: m.CKA_PRIVATE, value: true },
      { type: m.CKA_SENSITIVE, value: true },
      { type: m.CKA_EXTRACTABLE, value: false },
      ...SIGN_ONLY_PRIVATE(m),
    ];
    const pub = [...common, { type: m.CKA_CLASS, value: m.CKO_PUBLIC_KEY }, { type: m.CKA_PRIVATE, value: false }, ...VERIFY_ONLY_PUBLIC(m)];
    let mechanism: number;
    if (algorithm === 'rsa-3072' || algorithm === 'rsa-4096') {
      mechanism = m.CKM_RSA_PKCS_KEY_PAIR_GEN;
      pub.push({ type: m.CKA_KEY_TYPE, value: m.CKK_RSA }, { type: m.CKA_MODULUS_BITS, value: algorithm === 'rsa-3072' ? 3072 : 4096 } as never, { type: m.CKA_PUBLIC_EXPONENT, value: Buffer.from([1, 0, 1]) } as never);
      priv.push({ type: m.CKA_KEY_TYPE, value: m.CKK_RSA });
    } else {
      const curve = CURVES[algorithm]!;
      if (algorithm === 'ed25519') this.assertEddsa(true);
      mechanism = algorithm === 'ed25519' ? CKM_EC_EDWARDS_KEY_PAIR_GEN : m.CKM_EC_KEY_PAIR_GEN;
      const keyType = algorithm === 'ed25519' ? CKK_EC_EDWARDS : m.CKK_EC;
      pub.push({ type: m.CKA_KEY_TYPE, value: keyType }, { type: m.CKA_EC_PARAMS, value: Buffer.from(curve.params, 'hex') } as never);
      priv.push({ type: m.CKA_KEY_TYPE, value: keyType });
    }
    guard(`generate a ${algorithm} key pair`, () => this.#p.C_GenerateKeyPair(this.session, { mechanism }, pub, priv));
    const spki = this.publicKeySpki(ckaId);
    if (!spki) throw new DomainError('TOKEN_ERROR', 'The token made the key pair but shows no public key for it.');
    return spki;
  }

  /** Ed25519 needs CKM_EDDSA to sign (and CKM_EC_EDWARDS_KEY_PAIR_GEN to be made here); "token list" shows which tokens have both. */
  assertEddsa(generate: boolean): void {
    const mechs = this.mechanisms;
    const missing = [...(mechs.has(CKM_EDDSA) ? [] : ['CKM_EDDSA']), ...(generate && !mechs.has(CKM_EC_EDWARDS_KEY_PAIR_GEN) ? ['CKM_EC_EDWARDS_KEY_PAIR_GEN'] : [])];
    if (missing.length > 0) {
      throw new DomainError('TOKEN_MECHANISM_UNSUPPORTED', `Token "${this.identity.label}" does not support Ed25519 (it lacks ${missing.join(' and ')}): choose ecdsa-p256, ecdsa-p384, rsa-3072 or rsa-4096 for a key on this token, or keep the Ed25519 key in the vault. Nothing was created.`);
    }
  }

  /** Removes both halves of a key pair this session made (a key the vault then failed to record). */
  destroyKeyPair(ckaId: Buffer): void {
    const m = pkcs11js();
    for (const cls of [m.CKO_PRIVATE_KEY, m.CKO_PUBLIC_KEY]) for (const h of this.find(cls, ckaId)) guard('remove a key', () => this.#p.C_DestroyObject(this.session, h));
  }

  /** CKA_LABEL of an object, '' when it has none. */
  label(handle: Handle): string {
    const m = pkcs11js();
    return this.attributes(handle, [m.CKA_LABEL]).get(m.CKA_LABEL)?.toString('utf8') ?? '';
  }

  /**
   * An existing private key (PKCS#8) put on the token as CKA_TOKEN, CKA_PRIVATE,
   * CKA_SENSITIVE and not CKA_EXTRACTABLE, with its public key object beside it
   * (same CKA_ID and label). Returns the SPKI. The caller zeroes `pkcs8`; the
   * JWK the values pass through lives only inside this call.
   */
  importKeyPair(algorithm: KeyAlgorithm, pkcs8: Uint8Array, ckaId: Buffer, label: string): Uint8Array {
    const m = pkcs11js();
    const priv = createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' });
    const jwk = priv.export({ format: 'jwk' });
    const b = (v: string | undefined): Buffer => Buffer.from(v ?? '', 'base64url');
    const common = [
      { type: m.CKA_TOKEN, value: true },
      { type: m.CKA_ID, value: ckaId },
      { type: m.CKA_LABEL, value: label },
    ];
    const protection = [
      { type: m.CKA_CLASS, value: m.CKO_PRIVATE_KEY },
      { type: m.CKA_PRIVATE, value: true },
      { type: m.CKA_SENSITIVE, value: true },
      { type: m.CKA_EXTRACTABLE, value: false },
      ...SIGN_ONLY_PRIVATE(m),
    ];
    const pubClass = [{ type: m.CKA_CLASS, value: m.CKO_PUBLIC_KEY }, { type: m.CKA_PRIVATE, value: false }, ...VERIFY_ONLY_PUBLIC(m)];
    let privAttrs: Pkcs11Types.Template;
    let pubAttrs: Pkcs11Types.Template;
    if (jwk.kty === 'RSA') {
      const rsa = [{ type: m.CKA_KEY_TYPE, value: m.CKK_RSA }, { type: m.CKA_MODULUS, value: b(jwk.n) }, { type: m.CKA_PUBLIC_EXPONENT, value: b(jwk.e) }];
      privAttrs = [...common, ...protection, ...rsa,
        { type: m.CKA_PRIVATE_EXPONENT, value: b(jwk.d) }, { type: m.CKA_PRIME_1, value: b(jwk.p) }, { type: m.CKA_PRIME_2, value: b(jwk.q) },
        { type: m.CKA_EXPONENT_1, value: b(jwk.dp) }, { type: m.CKA_EXPONENT_2, value: b(jwk.dq) }, { type: m.CKA_COEFFICIENT, value: b(jwk.qi) }];
      pubAttrs = [...common, ...pubClass, ...rsa];
    } else {
      const curve = CURVES[algorithm];
      if (!curve) throw new DomainError('UNSUPPORTED_ALGORITHM', `A ${algorithm} key cannot be put on a token.`);
      const edwards = curve.crv === 'Ed25519';
      if (edwards) this.assertEddsa(false);
      const keyType = { type: m.CKA_KEY_TYPE, value: edwards ? CKK_EC_EDWARDS : m.CKK_EC };
      const params = { type: m.CKA_EC_PARAMS, value: Buffer.from(curve.params, 'hex') };
      const point = edwards ? b(jwk.x) : Buffer.concat([Buffer.from([4]), b(jwk.x), b(jwk.y)]);
      privAttrs = [...common, ...protection, keyType, params, { type: m.CKA_VALUE, value: b(jwk.d) }];
      pubAttrs = [...common, ...pubClass, keyType, params, { type: m.CKA_EC_POINT, value: Buffer.concat([Buffer.from([0x04, point.length]), point]) }];
    }
    guard('store the private key', () => this.#p.C_CreateObject(this.session, privAttrs));
    try {
      guard('store the public key', () => this.#p.C_CreateObject(this.session, pubAttrs));
    } catch (e) {
      this.destroyKeyPair(ckaId);
      throw e;
    }
    const spki = this.publicKeySpki(ckaId);
    if (!spki) throw new DomainError('TOKEN_ERROR', 'The token stored the key but shows no public key for it.');
    return spki;
  }

  /** Sign with the private key `handle`: the X.509 encoding of the signature (DER for ECDSA). */
  sign(handle: Handle, algorithm: KeyAlgorithm, data: Uint8Array): Buffer {
    const m = pkcs11js();
    const curve = CURVES[algorithm];
    let mechanism: number;
    let input: Buffer;
    if (algorithm === 'ed25519') {
      mechanism = CKM_EDDSA;
      input = Buffer.from(data);
    } else if (curve) {
      // The digest here, CKM_ECDSA on the token: tokens that lack CKM_ECDSA_SHA384 still sign, and a large CRL is not sent over the wire.
      mechanism = m.CKM_ECDSA;
      input = createHash(curve.digest).update(data).digest();
    } else {
      mechanism = m.CKM_RSA_PKCS;
      input = Buffer.concat([SHA256_DIGEST_INFO, createHash('sha256').update(data).digest()]);
    }
    const out = Buffer.alloc(algorithm === 'rsa-4096' ? 512 : algorithm === 'rsa-3072' ? 384 : 2 * (curve?.pointLength ?? 32));
    const raw = guard('sign', () => {
      this.#p.C_SignInit(this.session, { mechanism }, handle);
      return Buffer.from(this.#p.C_Sign(this.session, input, out));
    });
    return curve && algorithm !== 'ed25519' ? ecdsaRawToDer(raw) : raw;
  }
}

/** A CA key signs and does nothing else: no decryption, unwrapping or derivation with it. */
const SIGN_ONLY_PRIVATE = (m: Pkcs11Module): Pkcs11Types.Attribute[] => [
  { type: m.CKA_SIGN, value: true },
  { type: m.CKA_DECRYPT, value: false },
  { type: m.CKA_UNWRAP, value: false },
  { type: m.CKA_DERIVE, value: false },
];
const VERIFY_ONLY_PUBLIC = (m: Pkcs11Module): Pkcs11Types.Attribute[] => [
  { type: m.CKA_VERIFY, value: true },
  { type: m.CKA_ENCRYPT, value: false },
  { type: m.CKA_WRAP, value: false },
];

/** RFC 8017 9.2 note 1: the DER DigestInfo prefix of a SHA-256 hash. */
const SHA256_DIGEST_INFO = Buffer.from('3031300d060960864801650304020105000420', 'hex');

interface Curve {
  readonly crv: 'P-256' | 'P-384' | 'Ed25519';
  /** CKA_EC_PARAMS: the curve's OID, DER. */
  readonly params: string;
  /** Bytes of one coordinate (Ed25519: of the key). */
  readonly pointLength: number;
  readonly digest: 'sha256' | 'sha384';
}

const CURVES: Partial<Record<KeyAlgorithm, Curve>> = {
  'ecdsa-p256': { crv: 'P-256', params: '06082a8648ce3d030107', pointLength: 32, digest: 'sha256' },
  'ecdsa-p384': { crv: 'P-384', params: '06052b81040022', pointLength: 48, digest: 'sha384' },
  // RFC 8410's id-Ed25519; PKCS#11 3.0 also allows the printable string "edwards25519".
  ed25519: { crv: 'Ed25519', params: '06032b6570', pointLength: 32, digest: 'sha256' },
};

const CURVE_BY_PARAMS: Record<string, Curve> = {
  ...Object.fromEntries(Object.values(CURVES).map((c) => [c.params, c])),
  // PrintableString "edwards25519".
  '130c656477617264733235353139': CURVES.ed25519!,
};

/** CKA_EC_POINT is a DER OCTET STRING around the point (PKCS#11 2.40 2.3.3); some modules give the bare point. */
function ecPoint(v: Buffer, curve: Curve): Buffer {
  const bare = curve.crv === 'Ed25519' ? 32 : 1 + 2 * curve.pointLength;
  if (v.length === bare) return v;
  if (v[0] === 0x04 && v[1] === bare && v.length === bare + 2) return v.subarray(2);
  if (v[0] === 0x04 && v[1] === 0x81 && v[2] === bare && v.length === bare + 3) return v.subarray(3);
  throw new DomainError('UNSUPPORTED_ALGORITHM', 'The token gives the public key in a form this CA cannot read.');
}

function unsigned(b: Buffer): Buffer {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  return b.subarray(i);
}

function spkiFromJwk(jwk: Record<string, string>): Uint8Array {
  try {
    return toBytes(createPublicKey({ key: jwk, format: 'jwk' }).export({ type: 'spki', format: 'der' }));
  } catch (e) {
    throw new DomainError('UNSUPPORTED_ALGORITHM', 'The token\'s public key cannot be read.', e instanceof Error ? e.message : String(e));
  }
}

function derInteger(v: Buffer): Buffer {
  const u = unsigned(v);
  const body = (u[0] as number) & 0x80 ? Buffer.concat([Buffer.from([0]), u]) : u;
  return Buffer.concat([Buffer.from([0x02, body.length]), body]);
}

/** PKCS#11 ECDSA signatures are r || s (2.40 2.3.1); X.509 wants ECDSA-Sig-Value (RFC 3279 2.2.3). */
export function ecdsaRawToDer(raw: Buffer): Buffer {
  if (raw.length % 2 !== 0 || raw.length === 0) throw new DomainError('TOKEN_ERROR', 'The token returned an ECDSA signature of odd length.');
  const half = raw.length / 2;
  const body = Buffer.concat([derInteger(raw.subarray(0, half)), derInteger(raw.subarray(half))]);
  return Buffer.concat([body.length < 0x80 ? Buffer.from([0x30, body.length]) : Buffer.from([0x30, 0x81, body.length]), body]);
}
