/**
 * The PKCS#11 layer on a real SoftHSM2 token: a software key put on the
 * token (what `key import --token` uses) is sensitive, not extractable and
 * signs through the store's Signer; ECDSA r||s from a token becomes the DER
 * X.509 wants; Cryptoki failures SoftHSM cannot produce (a locked PIN: it
 * has no retry counter) still map to their codes.
 */
import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { SigningKeyStore } from '../store/signing-key-store.ts';
import { verifiesWith } from '../signing/signer.ts';
import { createTestVault } from '../../testing/vault-fixtures.ts';
import { SOFTHSM_MODULE, softHsm } from '../../testing/softhsm.ts';
import { removeTempDirs, tempDir } from '../../testing/temp-dir.ts';
import { ecdsaRawToDer, tokenError, TokenSession } from './pkcs11.ts';
import { putKeyOnToken } from './token-keys.ts';
import { dispatch } from '../../api/dispatch.ts';
import { createService } from '../../api/service.ts';
import { fixedClock } from '../clock.ts';
import { OWASP_MINIMUM } from '../vault/kdf.ts';
import { TEST_PASSPHRASE } from '../../testing/vault-fixtures.ts';

afterAll(removeTempDirs);

const hsm = softHsm();
const token = hsm.token('import-token');
process.env.SOFTHSM2_CONF = hsm.conf;

describe('putKeyOnToken', () => {
  it.each(['ecdsa-p256', 'rsa-3072', 'ed25519'] as const)('puts a %s PKCS#8 key on the token, not extractable; the vault keeps no wrapped copy and signs through the token', async (algorithm) => {
    const { vault } = await createTestVault(join(tempDir(), 'vault'));
    try {
      vault.tokenAccess = { moduleFromEnvironment: SOFTHSM_MODULE, pin: () => token.pin };
      const keys = new SigningKeyStore(vault);
      const pair =
        algorithm === 'ecdsa-p256'
          ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
          : algorithm === 'rsa-3072'
            ? generateKeyPairSync('rsa', { modulusLength: 3072 })
            : generateKeyPairSync('ed25519');
      const pkcs8 = new Uint8Array(pair.privateKey.export({ type: 'pkcs8', format: 'der' }));
      const spki = new Uint8Array(pair.publicKey.export({ type: 'spki', format: 'der' }));
      const id = putKeyOnToken({ vault, keys, actor: 'alice', now: new Date() }, { name: `imported-${algorithm}`, algorithm, pkcs8, token: { label: token.label } });

      const record = keys.get(id)!;
      expect(Buffer.from(record.spki).equals(Buffer.from(spki))).toBe(true);
      expect(record.token).toMatchObject({ serial: token.serial, label: token.label });
      expect(vault.db.prepare('SELECT length(wrapped_private_key) AS w FROM signing_keys WHERE id = ?').get(id)).toEqual({ w: 0 });

      const session = new TokenSession(SOFTHSM_MODULE, { serial: token.serial }, token.pin);
      try {
        expect(session.privateKeyProtection(session.privateKey(Buffer.from(record.token!.ckaId, 'hex')))).toEqual({ sensitive: true, extractable: false, onToken: true });
      } finally {
        session.close();
      }
      const message = Buffer.from('signed on the token');
      const signature = keys.withSigner(id, (signer) => {
        expect(signer.kind).toBe('pkcs11');
        return signer.sign(message);
      });
      expect(verifiesWith(algorithm, spki, message, signature)).toBe(true);
      expect(() => keys.unwrapPrivateKey(id)).toThrow(/never leaves the token/);
    } finally {
      vault.close();
    }
  });
});

describe('ecdsaRawToDer', () => {
  it('turns every r||s node:crypto makes (IEEE P1363) into the DER signature node:crypto verifies', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 64 }), (message) => {
        const raw = sign('sha256', message, { key: privateKey, dsaEncoding: 'ieee-p1363' });
        const der = ecdsaRawToDer(raw);
        expect(verify('sha256', message, publicKey, der)).toBe(true);
        expect(der.equals(Buffer.from(raw))).toBe(false);
      }),
      { numRuns: 200 },
    );
  });

  it('keeps INTEGERs minimal and positive: leading zeros dropped, a high bit padded', () => {
    const raw = Buffer.concat([Buffer.alloc(31), Buffer.from([1]), Buffer.from([0x80]), Buffer.alloc(31, 0xff)]);
    expect(ecdsaRawToDer(raw).toString('hex')).toBe('3026' + '020101' + '022100' + '80' + 'ff'.repeat(31));
    expect(() => ecdsaRawToDer(Buffer.alloc(63))).toThrow(/odd length/);
  });
});

describe('tokenError', () => {
  it.each([
    ['CKR_PIN_LOCKED', 'TOKEN_PIN_LOCKED'],
    ['CKR_PIN_INCORRECT', 'TOKEN_PIN_INCORRECT'],
    ['CKR_TOKEN_NOT_PRESENT', 'TOKEN_NOT_PRESENT'],
    ['CKR_DEVICE_REMOVED', 'TOKEN_NOT_PRESENT'],
    ['CKR_KEY_HANDLE_INVALID', 'TOKEN_KEY_MISSING'],
    ['CKR_MECHANISM_INVALID', 'TOKEN_MECHANISM_UNSUPPORTED'],
    ['CKR_GENERAL_ERROR', 'TOKEN_ERROR'],
  ])('maps %s to %s, with the CKR name in the log detail only', (ckr, code) => {
    const e = tokenError(new Error(`${ckr}:5\n    at PKCS11.C_Login`), 'log in');
    expect(e.code).toBe(code);
    expect(e.detail).toContain(ckr);
  });
});

describe('a host without its own PIN source (the desktop app)', () => {
  it('takes the module from settings.pkcs11Module and the PIN from token.setPin, held until the vault locks', async () => {
    const service = createService({ vaultDir: join(tempDir(), 'vault'), clock: fixedClock(new Date()), kdfCost: OWASP_MINIMUM, logger: { error: () => undefined } });
    const call = async (name: string, input: unknown) => dispatch(service, name as never, input as never);
    expect((await call('vault.create', { actor: 'alice', passphrase: TEST_PASSPHRASE })).ok).toBe(true);
    const noModule = await call('key.create', { name: 'desk', token: { label: token.label } });
    expect(noModule, JSON.stringify(noModule)).toMatchObject({ ok: false, code: 'TOKEN_MODULE_MISSING' });
    expect(await call('settings.update', { pkcs11Module: SOFTHSM_MODULE })).toMatchObject({ ok: true, value: { pkcs11Module: SOFTHSM_MODULE } });
    expect(await call('key.create', { name: 'desk', token: { label: token.label } })).toMatchObject({ ok: false, code: 'TOKEN_PIN_REQUIRED' });
    expect(await call('token.setPin', { pin: token.pin })).toEqual({ ok: true, value: { held: true } });
    const created = await call('key.create', { name: 'desk', token: { label: token.label } });
    expect(created).toMatchObject({ ok: true, value: { name: 'desk', token: { serial: token.serial, status: 'OK' } } });
    expect(await call('key.selfSign', { key: 'desk', subject: 'CN=Desk Root' })).toMatchObject({ ok: true });

    expect((await call('vault.lock', {})).ok).toBe(true);
    expect((await call('vault.unlock', { actor: 'alice', credentials: { passphrase: TEST_PASSPHRASE } })).ok).toBe(true);
    const shown = await call('key.show', { key: 'desk' });
    // The PIN went with the lock: the key is checked without logging in.
    expect(shown).toMatchObject({ ok: true, value: { token: { status: 'UNCHECKED' } } });
    service.session.lock(null);
  });
});
