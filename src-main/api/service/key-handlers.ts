import { spoofingCharacters } from '../../core/safe-text.ts';
import { importChain } from '../../core/keys/chain-import.ts';
import { certificateFingerprint, checkChainRoot, TrustedRootStore } from '../../core/keys/trusted-roots.ts';
import { DEFAULT_MAX_CHAIN_BYTES } from '../../core/keys/chain-file.ts';
import { createSubCaRequest, encodeRequest } from '../../core/keys/csr.ts';
import { generateSigningKey } from '../../core/keys/key-material.ts';
import { forgetRefusedPins, listTokens, TokenSession } from '../../core/token/pkcs11.ts';
import { checkFields } from './field-check.ts';
import { adoptKeyFromToken, createKeyOnToken, withKeyPutOnToken, type PlacedTokenKey, type TokenKeyWorld } from '../../core/token/token-keys.ts';
import { prepareKeyImport } from '../../core/keys/key-import.ts';
import { MAX_KEY_FILE_BYTES } from '../../core/keys/key-file.ts';
import { MAX_PKCS12_BYTES } from '../../core/keys/pkcs12.ts';
import { DAY_MS } from '../../core/clock.ts';
import { SigningKeyStore } from '../../core/store/signing-key-store.ts';
import { activateKey, promoteKey, retireKey, rollbackKey, stageKey, type RotationWorld } from '../../core/keys/rotation.ts';
import { planBundleVersion, recordBundleVersion } from '../../core/fleet/bundle-version.ts';
import { FleetStore } from '../../core/store/fleet-store.ts';
import { selfSignRoot } from '../../core/keys/self-sign.ts';
import { buildBundle } from '../../core/keys/bundle-builder.ts';
import { DomainError, isDomainError } from '../../core/errors.ts';
import { ExportLogStore } from '../../core/store/export-log-store.ts';
import type { SigningKeyRecord } from '../../core/store/signing-key-store.ts';
import type { KeyImportView, KeyView } from '../contract/keys.ts';
import type { keyOps } from '../contract/keys.ts';
import type { VaultContext } from './context.ts';
import type { HandlersFor } from './handler.ts';
import { writeRecordedOutput } from '../../core/fs/recorded-output.ts';
import { assertNewFile, readBoundedInput, type FileSource } from './input-files.ts';
import { chainView, keyDetailView, keyView } from './key-views.ts';
import { emergencyWitnessShares } from './witness-shares.ts';

function draftOnly(k: SigningKeyRecord, what: string): void {
  if (k.state !== 'draft') throw new DomainError('INVALID_TRANSITION', `Key "${k.name}" is ${k.state}; only a draft key can ${what}. Create a new key for a new certificate.`);
}

function tokenWorld(ctx: VaultContext): TokenKeyWorld {
  return { vault: ctx.vault, keys: ctx.stores.keys, actor: ctx.actor, now: ctx.clock.now() };
}

/** Which key material `key.import` was given: a key file with its certificate, or a PKCS#12 file. */
function importedKeyFiles(input: { keyFile?: FileSource; certificate?: FileSource; p12?: FileSource }): { file: Uint8Array; certificate: Uint8Array } | { p12: Uint8Array } {
  if (input.p12 && !input.keyFile && !input.certificate) return { p12: readBoundedInput(input.p12, MAX_PKCS12_BYTES, 'PKCS#12').bytes };
  if (input.keyFile && input.certificate && !input.p12) {
    return { file: readBoundedInput(input.keyFile, MAX_KEY_FILE_BYTES, 'key').bytes, certificate: readBoundedInput(input.certificate, DEFAULT_MAX_CHAIN_BYTES, 'certificate').bytes };
  }
  throw new DomainError('INVALID_INPUT', input.p12 ? 'A PKCS#12 file holds the key and its certificate: give --p12 FILE alone, without --key or --cert.' : 'Give the private key with its CA certificate (--key FILE --cert FILE), or a PKCS#12 file (--p12 FILE).');
}

function rotationWorld(ctx: VaultContext): RotationWorld {
  return { vault: ctx.vault, keys: ctx.stores.keys, certs: ctx.stores.certs, clock: ctx.clock, actor: ctx.actor, requireActor: () => ctx.actor };
}

export const keyHandlers: HandlersFor<keyof typeof keyOps> = {
  'key.create': async (input, ctx) => {
    const v = ctx.vault;
    const { keys, certs } = ctx.stores;
    if (input.token) {
      const id = await createKeyOnToken(tokenWorld(ctx), { name: input.name, algorithm: input.algorithm, token: input.token });
      return keyView(keys.resolve(id), keys, certs, ctx.clock);
    }
    const g = await generateSigningKey(input.algorithm);
    try {
      v.transaction(() => {
        keys.insertDraft({ id: g.keyId, name: input.name, algorithm: input.algorithm, spki: g.spki, pkcs8: g.pkcs8, createdAt: ctx.clock.now().toISOString() });
        v.audit.append({ actor: ctx.actor, action: 'key.created', details: { keyId: g.keyId, name: input.name, algorithm: input.algorithm } });
      });
    } finally {
      g.pkcs8.fill(0);
    }
    return keyView(keys.resolve(g.keyId), keys, certs, ctx.clock);
  },

  'key.adopt': async (input, ctx) => {
    const { keys, certs } = ctx.stores;
    const id = adoptKeyFromToken(tokenWorld(ctx), { name: input.name, token: input.token, ckaId: input.id });
    return keyView(keys.resolve(id), keys, certs, ctx.clock);
  },

  'token.list': async (_i, ctx) => listTokens(ctx.stores.keys.pkcs11ModulePath()),

  'token.setPin': async (input, ctx) => {
    ctx.session.holdTokenPin(input.pin);
    // A PIN typed again is the officer's own try: one refused earlier may be tried once more.
    if (input.pin !== null) forgetRefusedPins();
    return { held: input.pin !== null };
  },

  'token.checkPin': async (input, ctx) => {
    // The PIN held before goes first: a PIN the token refuses is never held.
    ctx.tokenPins.holdTokenPin(null);
    // Typed again: the officer's own try, one login (a PIN refused earlier may be tried once more).
    forgetRefusedPins();
    const modulePath = ctx.stores.keys.pkcs11ModulePath();
    new TokenSession(modulePath, input.token, input.pin).close();
    ctx.tokenPins.holdTokenPin(input.pin);
    return { held: true };
  },

  'input.check': async (input, ctx) => checkFields(input, ctx),

  'key.list': async (_i, ctx) => {
    const { keys, certs } = ctx.stores;
    return Promise.all(keys.list().map((k) => keyView(k, keys, certs, ctx.clock)));
  },

  'key.show': async (input, ctx) => {
    const { keys, certs } = ctx.stores;
    return keyDetailView(keys.resolve(input.key), keys, certs, ctx.clock);
  },

  'key.compromise': async (_i, ctx) => {
    const { keys, certs } = ctx.stores;
    const k = keys.latestCompromised();
    if (!k?.retiredAt) return null;
    // Exports are per CA: only an export of the compromised key's own CA carries its rotation.
    const e = new ExportLogStore(ctx.vault, k.caId).firstSince(k.retiredAt);
    return { key: await keyView(k, keys, certs, ctx.clock), exported: e ? { at: e.at, folder: e.folder, manifestSha256: e.manifestSha256 } : null };
  },

  'key.selfSign': async (input, ctx) => {
    const v = ctx.vault;
    const { keys, certs } = ctx.stores;
    const k = keys.resolve(input.key);
    draftOnly(k, 'be self-signed');
    if (k.certificate) throw new DomainError('INVALID_TRANSITION', `Draft "${k.name}" already has a certificate. Activate it, or create a new key.`);
    const cert = await keys.withSigner(k.id, (signer) =>
      selfSignRoot({ algorithm: k.algorithm, signer, spki: k.spki, subject: input.subject, days: input.days, pathLength: input.pathLength, clock: ctx.clock }),
    );
    v.transaction(() => {
      keys.setCertificate(k.id, cert.der, []);
      // A root made here is trusted by construction: chains to it need no fingerprint.
      new TrustedRootStore(v.db).pin({ der: cert.der, subject: cert.subject }, 'self-sign', ctx.clock.now());
      v.audit.append({ actor: ctx.actor, action: 'key.root-pinned', details: { keyId: k.id, subject: cert.subject, fingerprint: certificateFingerprint(cert.der), source: 'self-sign' } });
      v.audit.append({ actor: ctx.actor, action: 'key.self-signed', details: { keyId: k.id, subject: cert.subject, serial: cert.serialHex, notBefore: cert.notBefore, notAfter: cert.notAfter } });
    });
    return keyDetailView(keys.resolve(k.id), keys, certs, ctx.clock);
  },

  'key.csr': async (input, ctx) => {
    const v = ctx.vault;
    const { keys } = ctx.stores;
    const k = keys.resolve(input.key);
    draftOnly(k, 'export a CSR');
    const out = input.out ? assertNewFile(input.out) : null;
    const req = await keys.withSigner(k.id, (signer) => createSubCaRequest({ algorithm: k.algorithm, signer, spki: k.spki, subject: input.subject }));
    const bytes = encodeRequest(req, input.format);
    v.transaction(() => {
      v.audit.append({ actor: ctx.actor, action: 'key.csr-exported', details: { keyId: k.id, subject: input.subject, file: out, format: input.format } });
    });
    if (out) writeRecordedOutput(out, bytes, { what: `The request of key "${k.name}" (key.csr-exported)`, again: `"airgap-ca key csr ${k.name} --subject DN --out FILE"` });
    return { file: out, pem: req.pem, format: input.format };
  },

  'key.checkChain': async (input, ctx) => {
    const { keys } = ctx.stores;
    const k = keys.resolve(input.key);
    const { bytes } = readBoundedInput(input.source, DEFAULT_MAX_CHAIN_BYTES, 'chain');
    try {
      const r = await importChain({ input: bytes, keySpki: k.spki, clock: ctx.clock });
      const root = { ...r.root, pinned: new TrustedRootStore(ctx.vault.db).isPinned(r.root.fingerprint) };
      return { ok: true, chain: chainView(r.chain), code: null, message: null, root };
    } catch (e) {
      if (!isDomainError(e)) throw e;
      return { ok: false, chain: [], code: e.code, message: e.message };
    }
  },

  'key.importChain': async (input, ctx) => {
    const v = ctx.vault;
    const { keys, certs } = ctx.stores;
    const k = keys.resolve(input.key);
    draftOnly(k, 'take an imported chain');
    const { bytes, name } = readBoundedInput(input.source, DEFAULT_MAX_CHAIN_BYTES, 'chain');
    const r = await importChain({ input: bytes, keySpki: k.spki, clock: ctx.clock });
    const roots = new TrustedRootStore(v.db);
    const { pinNow } = checkChainRoot(r.root, roots.isPinned(r.root.fingerprint), input.rootFingerprint);
    v.transaction(() => {
      if (pinNow) {
        roots.pin({ der: r.chain[r.chain.length - 1]!, subject: r.root.subject }, 'import', ctx.clock.now());
        v.audit.append({ actor: ctx.actor, action: 'key.root-pinned', details: { keyId: k.id, subject: r.root.subject, fingerprint: r.root.fingerprint, source: 'import' } });
      }
      keys.setCertificate(k.id, r.certificate, r.issuers);
      v.audit.append({
        actor: ctx.actor,
        action: 'key.chain-imported',
        details: {
          keyId: k.id,
          file: name,
          root: r.root,
          certificates: r.certificates.map((c) => ({ subject: c.subject, serial: c.serialHex, keyId: c.keyId, ...(spoofingCharacters(c.subject).length ? { subjectSpoofing: spoofingCharacters(c.subject) } : {}) })),
        },
      });
    });
    return keyDetailView(keys.resolve(k.id), keys, certs, ctx.clock);
  },

  'key.import': async (input, ctx): Promise<KeyImportView> => {
    const v = ctx.vault;
    const { keys, certs } = ctx.stores;
    if (input.trustedWindowDays !== undefined && input.state !== 'trusted') throw new DomainError('INVALID_INPUT', '--trusted-window goes with --state trusted only.');
    const key = importedKeyFiles(input);
    const chain = input.chain ? readBoundedInput(input.chain, DEFAULT_MAX_CHAIN_BYTES, 'chain').bytes : undefined;
    if (input.state === 'active') {
      const a = keys.active();
      if (a) {
        throw new DomainError('KEY_IMPORT_ACTIVE_EXISTS', `This CA already has an active key, "${a.name}" (${a.id}); a CA has one active key. Nothing was imported. Import this key as a draft (without --state) and activate it with "key activate", which keeps "${a.name}" trusted for the window, or with --state trusted beside it.`);
      }
    }
    const password = input.password === undefined ? null : Buffer.from(input.password, 'utf8');
    let prepared;
    try {
      prepared = await prepareKeyImport({ key, ...(chain ? { chain } : {}), password, clock: ctx.clock });
    } finally {
      password?.fill(0);
    }
    const p = prepared;
    let pinNow: boolean;
    try {
      const existing = new SigningKeyStore(v).get(p.keyId);
      if (existing) throw new DomainError('KEY_IMPORT_DUPLICATE', `This private key is already in the vault: key "${existing.name}" (${existing.id}) of CA "${existing.caName}". Nothing was imported; a key is held once.`);
      const roots = new TrustedRootStore(v.db);
      const pinned = roots.isPinned(p.root.fingerprint);
      // A self-signed root comes with its own private key: holding the key is what vouches for it, as for "key self-sign".
      pinNow = checkChainRoot(p.root, pinned || p.selfSigned, input.rootFingerprint).pinNow || (p.selfSigned && !pinned);
      const now = ctx.clock.now();
      const trustedUntil = input.state === 'trusted' ? new Date(now.getTime() + (input.trustedWindowDays ?? ctx.settings().trustedWindowDays) * DAY_MS).toISOString() : null;
      // With --token the key goes onto the token first (removed again if this transaction fails), and the vault records where it is.
      const recordImport = (placed: PlacedTokenKey | null) => v.transaction(() => {
        if (placed) {
          if (!Buffer.from(placed.spki).equals(Buffer.from(p.spki))) throw new DomainError('SIGNATURE_SELF_CHECK_FAILED', 'The token holds the imported key with another public key than the certificate\'s; nothing was imported.');
          keys.insertTokenKey({ id: p.keyId, name: input.name, algorithm: p.algorithm, spki: p.spki, createdAt: now.toISOString(), token: placed.token });
        } else keys.insertDraft({ id: p.keyId, name: input.name, algorithm: p.algorithm, spki: p.spki, pkcs8: p.pkcs8, createdAt: now.toISOString() });
        keys.setCertificate(p.keyId, p.certificate, p.issuers);
        if (pinNow) {
          roots.pin({ der: p.root.der, subject: p.root.subject }, 'import', now);
          v.audit.append({ actor: ctx.actor, action: 'key.root-pinned', details: { keyId: p.keyId, subject: p.root.subject, fingerprint: p.root.fingerprint, source: 'import' } });
        }
        if (input.state === 'active') keys.setState(p.keyId, { state: 'active', activatedAt: now.toISOString() });
        if (input.state === 'trusted') keys.setState(p.keyId, { state: 'trusted', trustedUntil });
        const leaf = p.certificates[0]!;
        v.audit.append({
          actor: ctx.actor,
          action: 'key.imported',
          details: {
            keyId: p.keyId,
            name: input.name,
            algorithm: p.algorithm,
            source: p.source,
            state: input.state,
            trustedUntil,
            certificate: { subject: leaf.subject, serial: leaf.serialHex, notBefore: leaf.notBefore, notAfter: leaf.notAfter, fingerprint: certificateFingerprint(p.certificate) },
            root: { subject: p.root.subject, fingerprint: p.root.fingerprint },
            chain: p.certificates.map((c) => ({ subject: c.subject, serial: c.serialHex, keyId: c.keyId })),
            ...(placed ? { token: { label: placed.token.label, serial: placed.token.serial, ckaId: placed.token.ckaId, ckaLabel: placed.token.ckaLabel } } : {}),
          },
        });
      });
      if (input.token) withKeyPutOnToken(keys, v.id, { name: input.name, algorithm: p.algorithm, pkcs8: p.pkcs8, token: input.token }, recordImport);
      else recordImport(null);
    } finally {
      p.pkcs8.fill(0);
    }
    const view = await keyDetailView(keys.resolve(p.keyId), keys, certs, ctx.clock);
    return { ...view, source: p.source, root: { subject: p.root.subject, fingerprint: p.root.fingerprint, pinnedNow: pinNow } };
  },

  'key.activate': async (input, ctx) => {
    const world = rotationWorld(ctx);
    const { keys, certs } = world;
    const k = keys.resolve(input.key);
    let witnessShares: Awaited<ReturnType<typeof emergencyWitnessShares>>;
    if (input.presentedWitnessShares) {
      if (input.witnessShares) throw new DomainError('INVALID_INPUT', 'Give the witness shares either as files or as presented from their media, not both. Nothing was changed.');
      // A refused set stays presented (the officer adds the missing share); an activation that ran gives it up.
      witnessShares = await emergencyWitnessShares(ctx.vault, { emergency: input.emergency, witnessShares: ctx.custodianShares.witnessShares.inputs() }, ctx.settings().emergencyWitnessShares);
    } else witnessShares = await emergencyWitnessShares(ctx.vault, input, ctx.settings().emergencyWitnessShares);
    const activation = activateKey(world, {
      key: k,
      emergency: input.emergency,
      witnesses: input.witnesses,
      witnessShares,
      trustedWindowDays: input.trustedWindowDays ?? ctx.settings().trustedWindowDays,
      linkFromPrevious: input.linkFromPrevious,
      crlValidityDays: ctx.settings().crlValidityDays,
      readinessThreshold: ctx.settings().activationReadiness,
      force: input.force ? { reason: input.reason ?? '' } : null,
    });
    let outcome: Awaited<typeof activation>;
    try {
      outcome = await activation;
    } finally {
      if (input.presentedWitnessShares) ctx.custodianShares.witnessShares.clear();
    }
    return {
      activated: await keyView(keys.resolve(outcome.activatedId), keys, certs, ctx.clock),
      previous: outcome.previousId ? await keyView(keys.resolve(outcome.previousId), keys, certs, ctx.clock) : null,
      revokedCount: outcome.revokedCount,
      linkCertificate: outcome.linkCertificate,
      bundleKeyIds: outcome.bundleKeyIds,
      finalCrls: outcome.finalCrls,
      from: outcome.from,
      readiness: outcome.readiness,
      forcedReason: outcome.forcedReason,
      witnessShares: outcome.witnessShares,
    };
  },

  'key.stage': async (input, ctx) => {
    const { keys, certs } = ctx.stores;
    const id = keys.resolve(input.key).id;
    const bundleKeyIds = stageKey(rotationWorld(ctx), keys.resolve(id));
    return { staged: await keyView(keys.resolve(id), keys, certs, ctx.clock), bundleKeyIds };
  },

  'key.rollback': async (input, ctx) => {
    const world = rotationWorld(ctx);
    const { keys, certs } = world;
    const r = rollbackKey(world, { reason: input.reason, retire: input.retire });
    return {
      restored: await keyView(keys.resolve(r.restoredId), keys, certs, ctx.clock),
      steppedBack: await keyView(keys.resolve(r.steppedBackId), keys, certs, ctx.clock),
      issued: r.issued,
      bundleKeyIds: r.bundleKeyIds,
    };
  },

  'key.retire': async (input, ctx) => {
    const world = rotationWorld(ctx);
    const { keys, certs } = world;
    const k = keys.resolve(input.key);
    retireKey(world, k, input.force ? { reason: input.reason } : null);
    return keyView(keys.resolve(k.id), keys, certs, ctx.clock);
  },

  'key.promote': async (input, ctx) => {
    const world = rotationWorld(ctx);
    const { keys, certs } = world;
    const k = keys.resolve(input.key);
    promoteKey(world, k, input.days ?? ctx.settings().trustedWindowDays);
    return keyView(keys.resolve(k.id), keys, certs, ctx.clock);
  },

  'bundle.preview': (_i, ctx) => {
    const { der: _der, ...view } = buildBundle(ctx.stores.keys);
    return view;
  },

  'bundle.write': (input, ctx) => {
    const v = ctx.vault;
    const out = assertNewFile(input.out);
    const { der: _der, ...view } = buildBundle(ctx.stores.keys);
    if (!ctx.ca) throw new DomainError('INTERNAL', 'bundle.write ran without its CA.');
    const fleet = new FleetStore(v.db, ctx.ca.id);
    const version = planBundleVersion(fleet, view.pem, view.keys.map((k) => k.id));
    v.transaction(() => {
      recordBundleVersion(fleet, version, ctx.clock.now());
      v.audit.append({ actor: ctx.actor, action: 'bundle.written', details: { file: out, keyIds: view.keys.map((k) => k.id), bundleVersion: version.version, bundleSha256: version.sha256 } });
    });
    writeRecordedOutput(out, Buffer.from(view.pem, 'utf8'), { what: 'The trust bundle (bundle.written)', again: '"airgap-ca bundle write --out FILE"' });
    return { ...view, file: out, bundleVersion: version.version, bundleSha256: version.sha256 };
  },
};

export type { KeyView };
