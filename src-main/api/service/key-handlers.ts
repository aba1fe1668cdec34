import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { importChain } from '../../core/ca/chain-import.ts';
import { certificateFingerprint, checkChainRoot, TrustedRootStore } from '../../core/ca/trusted-roots.ts';
import { DEFAULT_MAX_CHAIN_BYTES } from '../../core/ca/chain-file.ts';
import { readCertificate, isSelfSigned } from '../../core/ca/certificate-facts.ts';
import { createSubCaRequest, encodeRequest } from '../../core/ca/csr.ts';
import { generateSigningKey } from '../../core/ca/key-material.ts';
import { planActivation, planEmergencyActivation, planPromote, planRetire, type KeyRecord, type TransitionPlan } from '../../core/ca/lifecycle.ts';
import { createLinkCertificate } from '../../core/ca/link-cert.ts';
import { selfSignRoot } from '../../core/ca/self-sign.ts';
import { buildTrustBundle } from '../../core/ca/trust-bundle.ts';
import { toPem } from '../../core/ca/encoding.ts';
import { DomainError, isDomainError } from '../../core/errors.ts';
import { writeFileDurably } from '../../core/fs/durable-write.ts';
import type { CertificateStore } from '../../core/store/certificate-store.ts';
import type { SigningKeyRecord, SigningKeyStore } from '../../core/store/signing-key-store.ts';
import type { ActivationView, BundleView, KeyView } from '../contract/keys.ts';
import type { keyOps } from '../contract/keys.ts';
import type { Session } from '../session.ts';
import type { HandlersFor } from './handler.ts';
import { readBoundedInput } from './input-files.ts';
import { storesOf } from './stores.ts';
import { chainView, keyDetailView, keyView } from './key-views.ts';
import { generateCrl } from './cert-handlers.ts';

/** The lifecycle rules see keys as plain records: state, window, certificate validity, what they issued. */
export function lifecycleRecords(keys: SigningKeyStore, certs: CertificateStore, now: Date): KeyRecord[] {
  return keys.list().map((k) => {
    const facts = k.certificate ? readCertificate(k.certificate, `the certificate of key "${k.name}"`) : null;
    return {
      id: k.id,
      name: k.name,
      state: k.state,
      hasCertificate: k.certificate !== null,
      certificateNotBefore: facts?.notBefore,
      certificateNotAfter: facts?.notAfter,
      trustedUntil: k.trustedUntil ? new Date(k.trustedUntil) : undefined,
      unexpiredIssuedCount: certs.countUnexpiredIssued(k.id, now),
    };
  });
}

/** Pre-write refusal: never overwrite an output (Boulder's ceremony rule). */
function assertNewFile(path: string): string {
  const out = resolve(path);
  if (existsSync(out)) throw new DomainError('OUTPUT_EXISTS', `${out} already exists. Outputs are never overwritten: choose a new file name.`);
  return out;
}

/** Applies a lifecycle plan's state changes to the store; the caller holds the transaction. */
function applyChanges(keys: SigningKeyStore, plan: TransitionPlan): void {
  const at = plan.at.toISOString();
  // The old active key steps down before the new one steps up: the schema allows one active key at a time.
  const ordered = [...plan.changes].sort((a, b) => Number(b.from === 'active') - Number(a.from === 'active'));
  for (const c of ordered) {
    keys.setState(c.keyId, {
      state: c.to,
      trustedUntil: c.trustedUntil ? c.trustedUntil.toISOString() : null,
      ...(c.to === 'active' ? { activatedAt: at } : {}),
      ...(c.to === 'retired' ? { retiredAt: at } : {}),
    });
  }
}

export function buildBundle(keys: SigningKeyStore): BundleView & { der: Uint8Array[] } {
  const all = keys.list();
  const bundle = buildTrustBundle(
    all.map((k) => ({ id: k.id, state: k.state, trustedUntil: k.trustedUntil ? new Date(k.trustedUntil) : undefined, certificate: k.certificate, chain: k.chain })),
  );
  // Link certificates between two distributed roots travel with the bundle, so agents that
  // trust only the old root can still build a path to the new one (RFC 4210 section 4.4 "old with new").
  const distributed = new Set(bundle.keyIds);
  const links = keys.linkCertificates().filter((l) => distributed.has(l.newKeyId) && distributed.has(l.oldKeyId));
  const byId = new Map(all.map((k) => [k.id, k]));
  return {
    pem: bundle.pem + links.map((l) => toPem(l.der, 'CERTIFICATE')).join(''),
    der: [...bundle.certificates, ...links.map((l) => l.der)],
    keys: bundle.keyIds.map((id) => ({ id, name: byId.get(id)?.name ?? id, state: byId.get(id)?.state ?? 'trusted' })),
    certificates: bundle.certificates.length + links.length,
  };
}

function draftOnly(k: SigningKeyRecord, what: string): void {
  if (k.state !== 'draft') throw new DomainError('INVALID_TRANSITION', `Key "${k.name}" is ${k.state}; only a draft key can ${what}. Create a new key for a new certificate.`);
}

function actorOf(session: Session): string {
  return session.requireActor();
}

export const keyHandlers: HandlersFor<keyof typeof keyOps> = {
  'key.create': async (input, session) => {
    const v = session.requireVault();
    const { keys, certs } = storesOf(v);
    const g = await generateSigningKey(input.algorithm);
    try {
      v.transaction(() => {
        keys.insertDraft({ id: g.keyId, name: input.name, algorithm: input.algorithm, spki: g.spki, pkcs8: g.pkcs8, createdAt: session.clock.now().toISOString() });
        v.audit.append({ actor: actorOf(session), action: 'key.created', details: { keyId: g.keyId, name: input.name, algorithm: input.algorithm } });
      });
    } finally {
      g.pkcs8.fill(0);
    }
    return keyView(keys.resolve(g.keyId), keys, certs, session.clock);
  },

  'key.list': async (_i, session) => {
    const { keys, certs } = storesOf(session.requireVault());
    return Promise.all(keys.list().map((k) => keyView(k, keys, certs, session.clock)));
  },

  'key.show': async (input, session) => {
    const { keys, certs } = storesOf(session.requireVault());
    return keyDetailView(keys.resolve(input.key), keys, certs, session.clock);
  },

  'key.selfSign': async (input, session) => {
    const v = session.requireVault();
    const { keys, certs } = storesOf(v);
    const k = keys.resolve(input.key);
    draftOnly(k, 'be self-signed');
    if (k.certificate) throw new DomainError('INVALID_TRANSITION', `Draft "${k.name}" already has a certificate. Activate it, or create a new key.`);
    const cert = await keys.withPrivateKey(k.id, (pkcs8) =>
      selfSignRoot({ algorithm: k.algorithm, pkcs8, spki: k.spki, subject: input.subject, days: input.days, pathLength: input.pathLength, clock: session.clock }),
    );
    v.transaction(() => {
      keys.setCertificate(k.id, cert.der, []);
      // A root made here is trusted by construction: chains to it need no fingerprint.
      new TrustedRootStore(v.db).pin({ der: cert.der, subject: cert.subject }, 'self-sign', session.clock.now());
      v.audit.append({ actor: actorOf(session), action: 'key.root-pinned', details: { keyId: k.id, subject: cert.subject, fingerprint: certificateFingerprint(cert.der), source: 'self-sign' } });
      v.audit.append({ actor: actorOf(session), action: 'key.self-signed', details: { keyId: k.id, subject: cert.subject, serial: cert.serialHex, notBefore: cert.notBefore, notAfter: cert.notAfter } });
    });
    return keyDetailView(keys.resolve(k.id), keys, certs, session.clock);
  },

  'key.csr': async (input, session) => {
    const v = session.requireVault();
    const { keys } = storesOf(v);
    const k = keys.resolve(input.key);
    draftOnly(k, 'export a CSR');
    const out = input.out ? assertNewFile(input.out) : null;
    const req = await keys.withPrivateKey(k.id, (pkcs8) => createSubCaRequest({ algorithm: k.algorithm, pkcs8, spki: k.spki, subject: input.subject }));
    const bytes = encodeRequest(req, input.format);
    v.transaction(() => {
      if (out) writeFileDurably(out, bytes, { exclusive: true, mode: 0o644 });
      v.audit.append({ actor: actorOf(session), action: 'key.csr-exported', details: { keyId: k.id, subject: input.subject, file: out, format: input.format } });
    });
    return { file: out, pem: req.pem, format: input.format };
  },

  'key.checkChain': async (input, session) => {
    const { keys } = storesOf(session.requireVault());
    const k = keys.resolve(input.key);
    const { bytes } = readBoundedInput(input.source, DEFAULT_MAX_CHAIN_BYTES, 'chain');
    try {
      const r = await importChain({ input: bytes, keySpki: k.spki, clock: session.clock });
      const root = { ...r.root, pinned: new TrustedRootStore(session.requireVault().db).isPinned(r.root.fingerprint) };
      return { ok: true, chain: chainView(r.chain), code: null, message: null, root };
    } catch (e) {
      if (!isDomainError(e)) throw e;
      return { ok: false, chain: [], code: e.code, message: e.message };
    }
  },

  'key.importChain': async (input, session) => {
    const v = session.requireVault();
    const { keys, certs } = storesOf(v);
    const k = keys.resolve(input.key);
    draftOnly(k, 'take an imported chain');
    const { bytes, name } = readBoundedInput(input.source, DEFAULT_MAX_CHAIN_BYTES, 'chain');
    const r = await importChain({ input: bytes, keySpki: k.spki, clock: session.clock });
    const roots = new TrustedRootStore(v.db);
    const { pinNow } = checkChainRoot(r.root, roots.isPinned(r.root.fingerprint), input.rootFingerprint);
    v.transaction(() => {
      if (pinNow) {
        roots.pin({ der: r.chain[r.chain.length - 1]!, subject: r.root.subject }, 'import', session.clock.now());
        v.audit.append({ actor: actorOf(session), action: 'key.root-pinned', details: { keyId: k.id, subject: r.root.subject, fingerprint: r.root.fingerprint, source: 'import' } });
      }
      keys.setCertificate(k.id, r.certificate, r.issuers);
      v.audit.append({
        actor: actorOf(session),
        action: 'key.chain-imported',
        details: { keyId: k.id, file: name, root: r.root, certificates: r.certificates.map((c) => ({ subject: c.subject, serial: c.serialHex, keyId: c.keyId })) },
      });
    });
    return keyDetailView(keys.resolve(k.id), keys, certs, session.clock);
  },

  'key.activate': async (input, session) => {
    const v = session.requireVault();
    const { keys, certs } = storesOf(v);
    const k = keys.resolve(input.key);
    const now = session.clock.now();
    const records = lifecycleRecords(keys, certs, now);
    const windowDays = input.trustedWindowDays ?? session.settings().trustedWindowDays;
    const plan = input.emergency
      ? planEmergencyActivation(records, k.id, { clock: session.clock, witnesses: input.witnesses, actor: session.actor ?? undefined })
      : planActivation(records, k.id, { clock: session.clock, trustedWindowDays: windowDays });
    const previous = keys.active();
    // Standalone root rotation: the old root vouches for the new one, unless it is compromised.
    let link: Uint8Array | null = null;
    const newFacts = k.certificate ? readCertificate(k.certificate, 'the new certificate') : null;
    const oldFacts = previous?.certificate ? readCertificate(previous.certificate, 'the previous certificate') : null;
    const bothRoots = newFacts && oldFacts && isSelfSigned(newFacts) && isSelfSigned(oldFacts);
    if (previous && bothRoots && !input.emergency && input.linkFromPrevious !== false) {
      const signed = await keys.withPrivateKey(previous.id, (pkcs8) =>
        createLinkCertificate({ oldRoot: { algorithm: previous.algorithm, pkcs8, certificate: previous.certificate! }, newRootCertificate: k.certificate!, clock: session.clock }),
      );
      link = signed.der;
    }
    let revokedCount = 0;
    const finalCrls: ActivationView['finalCrls'] = [];
    v.transaction(() => {
      applyChanges(keys, plan);
      for (const issuer of plan.revokeIssuedBy) {
        revokedCount += certs.revokeAllByIssuer(issuer, 'keyCompromise', plan.at);
        // The compromised key publishes its final CRL in the same step, so the revocations can go out at once.
        const retired = keys.get(issuer);
        if (retired?.certificate) {
          const { record, der } = generateCrl(v, session, retired, session.settings().crlValidityDays);
          certs.storeCrl({ issuerKeyId: issuer, number: record.number, thisUpdate: record.thisUpdate, nextUpdate: record.nextUpdate, entries: record.entries, der });
          finalCrls.push({ issuerKeyId: issuer, number: record.number, entries: record.entries, nextUpdate: record.nextUpdate });
        }
      }
      if (link && previous) keys.addLinkCertificate(k.id, previous.id, link, plan.at.toISOString());
      v.audit.append({
        actor: actorOf(session),
        witnesses: plan.witnesses,
        action: input.emergency ? 'key.emergency-activated' : 'key.activated',
        details: {
          keyId: k.id,
          changes: plan.changes.map((c) => ({ keyId: c.keyId, from: c.from, to: c.to, trustedUntil: c.trustedUntil?.toISOString() ?? null })),
          revokedCertificates: revokedCount,
          revokedIssuers: plan.revokeIssuedBy,
          finalCrls,
          linkCertificateFrom: link && previous ? previous.id : null,
        },
      });
    });
    const bundle = buildBundle(keys);
    return {
      activated: await keyView(keys.resolve(k.id), keys, certs, session.clock),
      previous: previous ? await keyView(keys.resolve(previous.id), keys, certs, session.clock) : null,
      revokedCount,
      linkCertificate: link !== null,
      bundleKeyIds: bundle.keys.map((b) => b.id),
      finalCrls,
    };
  },

  'key.retire': async (input, session) => {
    const v = session.requireVault();
    const { keys, certs } = storesOf(v);
    const k = keys.resolve(input.key);
    if (input.force && !input.reason) throw new DomainError('INVALID_INPUT', 'A forced retire needs --reason TEXT: it goes into the audit log.');
    const plan = planRetire(lifecycleRecords(keys, certs, session.clock.now()), k.id, { clock: session.clock, force: input.force ? { reason: input.reason ?? '' } : undefined });
    v.transaction(() => {
      applyChanges(keys, plan);
      v.audit.append({
        actor: actorOf(session),
        action: plan.forced ? 'key.retired-forced' : 'key.retired',
        details: { keyId: k.id, ...(plan.forced ? { reason: plan.forced.reason, overrode: plan.forced.overrode } : {}) },
      });
    });
    return keyView(keys.resolve(k.id), keys, certs, session.clock);
  },

  'key.promote': async (input, session) => {
    const v = session.requireVault();
    const { keys, certs } = storesOf(v);
    const k = keys.resolve(input.key);
    const plan = planPromote(lifecycleRecords(keys, certs, session.clock.now()), k.id, { clock: session.clock, trustedDays: input.days ?? session.settings().trustedWindowDays });
    v.transaction(() => {
      applyChanges(keys, plan);
      v.audit.append({ actor: actorOf(session), action: 'key.promoted', details: { keyId: k.id, trustedUntil: plan.changes[0]?.trustedUntil?.toISOString() ?? null } });
    });
    return keyView(keys.resolve(k.id), keys, certs, session.clock);
  },

  'bundle.preview': (_i, session) => {
    const { der: _der, ...view } = buildBundle(storesOf(session.requireVault()).keys);
    return view;
  },

  'bundle.write': (input, session) => {
    const v = session.requireVault();
    const out = assertNewFile(input.out);
    const { der: _der, ...view } = buildBundle(storesOf(v).keys);
    v.transaction(() => {
      writeFileDurably(out, Buffer.from(view.pem, 'utf8'), { exclusive: true, mode: 0o644 });
      v.audit.append({ actor: actorOf(session), action: 'bundle.written', details: { file: out, keyIds: view.keys.map((k) => k.id) } });
    });
    return { ...view, file: out };
  },
};

export type { KeyView };
