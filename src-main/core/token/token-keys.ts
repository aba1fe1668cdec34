/**
 * Keys whose private half lives on a PKCS#11 token: made there
 * (`key create --token`), taken over (`key adopt`), or put there from a file
 * (`withKeyPutOnToken`, for `key import --token`). In each case the key pair is
 * checked before the vault records anything (it signs, the signature
 * verifies, the private key is sensitive and not extractable), and the vault
 * records the token's identity, the CKA_ID and the public key: never private
 * material. A key made on the token that the vault then fails to record is
 * removed from the token again, so a refusal changes nothing anywhere.
 */
import { randomBytes } from 'node:crypto';
import { DomainError, isDomainError } from '../errors.ts';
import type { KeyAlgorithm } from '../pki/algorithms.ts';
import { keyIdOf } from '../asn1/key-id.ts';
import { algorithmOfSpki } from '../keys/key-material.ts';
import { verifiesWith, type Signer, type TokenKeySpec } from '../signing/signer.ts';
import type { SigningKeyStore, TokenBinding } from '../store/signing-key-store.ts';
import type { Vault } from '../vault/vault.ts';
import { TokenSession } from './pkcs11.ts';
import type { TokenSelector } from './pkcs11.ts';

export interface TokenKeyWorld {
  readonly vault: Vault;
  readonly keys: SigningKeyStore;
  readonly actor: string;
  readonly now: Date;
}

/** A logged-in session with the selected token; TOKEN_PIN_REQUIRED without a PIN. */
function openSelected(keys: SigningKeyStore, selector: TokenSelector): TokenSession {
  // A missing module is said first: no PIN helps then.
  const modulePath = keys.pkcs11ModulePath();
  const pin = keys.tokenPin();
  const which = selector.serial !== undefined ? `with serial ${selector.serial}` : `"${selector.label ?? ''}"`;
  if (pin === undefined) {
    throw new DomainError('TOKEN_PIN_REQUIRED', `Token ${which} needs its user PIN: give --pin-file FILE or AIRGAP_CA_PIN, or run on a terminal to be asked (in the app: the PIN field).`);
  }
  return new TokenSession(modulePath, selector, pin);
}

/** The label a key made by this vault carries on the token: which vault, which key. */
export function tokenKeyLabel(vaultId: string, name: string): string {
  return `airgap-ca ${vaultId.slice(0, 8)} ${name}`;
}

/** The key signs and verifies as `spki`, and its private half cannot leave the token. */
function checkKeyOnToken(session: TokenSession, ckaId: Buffer, algorithm: KeyAlgorithm, spki: Uint8Array): void {
  const key = session.privateKey(ckaId);
  const p = session.privateKeyProtection(key);
  if (!p.sensitive || p.extractable || !p.onToken) {
    throw new DomainError('TOKEN_KEY_EXTRACTABLE', `The private key with CKA_ID ${ckaId.toString('hex')} can leave the token (CKA_SENSITIVE ${p.sensitive}, CKA_EXTRACTABLE ${p.extractable}, CKA_TOKEN ${p.onToken}): a CA key must be sensitive and not extractable. Make a new key on the token with "key create --token".`);
  }
  const probe = randomBytes(32);
  if (!verifiesWith(algorithm, spki, probe, session.sign(key, algorithm, probe))) {
    throw new DomainError('SIGNATURE_SELF_CHECK_FAILED', `The key with CKA_ID ${ckaId.toString('hex')} on token "${session.identity.label}" does not sign as its public key: the token's objects do not belong together. Nothing was recorded.`);
  }
}

function bindingOf(session: TokenSession, ckaId: Buffer, ckaLabel: string, origin: TokenBinding['origin']): TokenBinding {
  const t = session.identity;
  return { label: t.label, serial: t.serial, manufacturer: t.manufacturer, model: t.model, ckaId: ckaId.toString('hex'), ckaLabel, origin };
}

/**
 * A step after the key pair was made on the token failed (`e`): the pair is
 * removed from the token again and the refusal says so. When the token will
 * not remove it, TOKEN_KEY_ORPHANED names the objects left there (CKA_ID and
 * label) and how to delete them, with the original refusal; the vault is
 * unchanged either way.
 */
function removeAfterRefusal(session: TokenSession, ckaId: Buffer, label: string, e: unknown): never {
  const id = ckaId.toString('hex');
  const t = session.identity;
  try {
    session.destroyKeyPair(ckaId);
  } catch (d) {
    const why = isDomainError(e) ? e.message : 'The step after the key pair was made failed.';
    throw new DomainError(
      'TOKEN_KEY_ORPHANED',
      `${why} The key pair just made on token "${t.label}" (serial ${t.serial}) for it could not be removed again, so it is left there unused: CKA_ID ${id}, label "${label}". Delete both objects (pkcs11-tool --login --delete-object --type privkey --id ${id}, then --type pubkey); the vault is unchanged.`,
      `${isDomainError(e) ? e.code : String(e)}; removal: ${d instanceof Error ? d.message : String(d)}`,
    );
  }
  if (isDomainError(e)) throw new DomainError(e.code, `${e.message} The key pair made on token "${t.label}" (serial ${t.serial}) for it was removed again.`, e.detail);
  throw e;
}

/** Record the checked token key as a draft, with its audit event. */
function record(world: TokenKeyWorld, name: string, algorithm: KeyAlgorithm, spki: Uint8Array, token: TokenBinding, action: string): string {
  const id = keyIdOf(spki);
  world.vault.transaction(() => {
    world.keys.insertTokenKey({ id, name, algorithm, spki, createdAt: world.now.toISOString(), token });
    world.vault.audit.append({ actor: world.actor, action, details: { keyId: id, name, algorithm, token: { label: token.label, serial: token.serial, ckaId: token.ckaId, ckaLabel: token.ckaLabel } } });
  });
  return id;
}

/** A new key pair generated on the token, recorded as a draft (audit key.created). Returns its key id. */
export function createKeyOnToken(world: TokenKeyWorld, input: { name: string; algorithm: KeyAlgorithm; token: TokenSelector }): Promise<string> {
  return withKeyMadeOnToken(world.keys, world.vault.id, input, async (made) => record(world, input.name, input.algorithm, made.spki, made.token, 'key.created'));
}

/** An existing key pair on the token (by CKA_ID) recorded as a draft (audit key.adopted). Returns its key id. */
export function adoptKeyFromToken(world: TokenKeyWorld, input: { name: string; token: TokenSelector; ckaId: string }): string {
  world.keys.assertNewKey(null, input.name);
  const session = openSelected(world.keys, input.token);
  try {
    const ckaId = Buffer.from(input.ckaId, 'hex');
    const key = session.privateKey(ckaId);
    const spki = session.publicKeySpki(ckaId);
    if (!spki) {
      throw new DomainError('TOKEN_KEY_MISSING', `Token "${session.identity.label}" holds a private key with CKA_ID ${input.ckaId} but no public key object beside it, so the vault cannot learn its public key. Store the public key on the token with the same CKA_ID (pkcs11-tool --write-object FILE --type pubkey --id ${input.ckaId}) and try again.`);
    }
    const algorithm = algorithmOfSpki(spki);
    if (!algorithm) throw new DomainError('UNSUPPORTED_ALGORITHM', 'The key on the token is not one this CA can use: ecdsa-p256, ecdsa-p384, rsa-3072, rsa-4096 or ed25519.');
    checkKeyOnToken(session, ckaId, algorithm, spki);
    return record(world, input.name, algorithm, spki, bindingOf(session, ckaId, session.label(key), 'adopted'), 'key.adopted');
  } finally {
    session.close();
  }
}

/** A key just put on the token, not yet in the vault: what the vault records of it. */
export interface PlacedTokenKey {
  readonly spki: Uint8Array;
  readonly token: TokenBinding;
}

/**
 * An existing private key (PKCS#8 DER, as a key import reads it) put on the
 * token, sensitive and not extractable, checked, and handed to `record`,
 * which writes the vault (insertTokenKey instead of insertDraft, in its own
 * transaction). When `record` throws, the key is removed from the token
 * again: a refused import leaves neither the vault nor the token changed.
 * The caller zeroes `pkcs8`. `key import --token` uses this.
 */
export function withKeyPutOnToken<T>(keys: SigningKeyStore, vaultId: string, input: { name: string; algorithm: KeyAlgorithm; pkcs8: Uint8Array; token: TokenSelector }, record: (placed: PlacedTokenKey) => T): T {
  keys.assertNewKey(null, input.name);
  const session = openSelected(keys, input.token);
  try {
    const ckaId = session.freshCkaId();
    const label = tokenKeyLabel(vaultId, input.name);
    const spki = session.importKeyPair(input.algorithm, input.pkcs8, ckaId, label);
    try {
      checkKeyOnToken(session, ckaId, input.algorithm, spki);
      return record({ spki, token: bindingOf(session, ckaId, label, 'imported') });
    } catch (e) {
      removeAfterRefusal(session, ckaId, label, e);
    }
  } finally {
    session.close();
  }
}

/** withKeyPutOnToken recorded as a bare draft (audit `action`, default key.imported). Returns its key id. */
export function putKeyOnToken(world: TokenKeyWorld, input: { name: string; algorithm: KeyAlgorithm; pkcs8: Uint8Array; token: TokenSelector; action?: string }): string {
  return withKeyPutOnToken(world.keys, world.vault.id, input, (placed) => record(world, input.name, input.algorithm, placed.spki, placed.token, input.action ?? 'key.imported'));
}

/** A key just made on the token, checked, not yet in the vault: what the vault records of it, and its signer in the open session. */
export interface MadeTokenKey extends PlacedTokenKey {
  readonly keyId: string;
  /** Signs with the new private key on the token, in the session that made it (closed with it). */
  readonly signer: Signer;
}

/**
 * A new key pair generated on the token exactly as createKeyOnToken makes
 * one (sensitive, not extractable, a fresh CKA_ID, checked), handed with a
 * signer of its own to `use`, which signs what it needs with it and records
 * the key in the vault in its own transaction (insertTokenKey). When `use`
 * fails, the pair is removed from the token again (or, if the token refuses
 * that, named: TOKEN_KEY_ORPHANED). `ca create --parent --token` uses this:
 * the new CA's request is signed on the token before the vault records it.
 */
export async function withKeyMadeOnToken<T>(keys: SigningKeyStore, vaultId: string, input: { name: string; algorithm: KeyAlgorithm; token: TokenSelector }, use: (made: MadeTokenKey) => Promise<T>): Promise<T> {
  keys.assertNewKey(null, input.name);
  const session = openSelected(keys, input.token);
  try {
    const ckaId = session.freshCkaId();
    const label = tokenKeyLabel(vaultId, input.name);
    const spki = session.generateKeyPair(input.algorithm, ckaId, label);
    try {
      checkKeyOnToken(session, ckaId, input.algorithm, spki);
      const handle = session.privateKey(ckaId);
      const token = bindingOf(session, ckaId, label, 'generated');
      const spec: TokenKeySpec = { kind: 'pkcs11', modulePath: session.modulePath, tokenSerial: token.serial, tokenLabel: token.label, ckaId: token.ckaId, algorithm: input.algorithm, spki, pin: keys.tokenPin() ?? '' };
      const signer: Signer = {
        kind: 'pkcs11',
        algorithm: input.algorithm,
        spki,
        sign: (data) => session.sign(handle, input.algorithm, data),
        spec: () => ({ ...spec, spki: new Uint8Array(spki) }),
        // The session is this function's: it closes it.
        close: () => undefined,
      };
      return await use({ keyId: keyIdOf(spki), spki, token, signer });
    } catch (e) {
      removeAfterRefusal(session, ckaId, label, e);
    }
  } finally {
    session.close();
  }
}
