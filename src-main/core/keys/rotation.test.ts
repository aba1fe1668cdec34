/**
 * Key rotation against a real vault: the state changes, the link certificate,
 * the emergency's final CRL and the audit event land together or not at all.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { DAY_MS } from '../clock.ts';
import { DomainError } from '../errors.ts';
import { readCrl } from '../issuance/crl-reader.ts';
import { CertificateStore } from '../store/certificate-store.ts';
import { SigningKeyStore } from '../store/signing-key-store.ts';
import { createTestVault } from '../../testing/vault-fixtures.ts';
import { removeTempDirs, tempDir } from '../../testing/temp-dir.ts';
import { generateSigningKey } from './key-material.ts';
import { activateKey, promoteKey, retireKey, type RotationWorld } from './rotation.ts';
import { selfSignRoot } from './self-sign.ts';

afterAll(removeTempDirs);

async function world(actor: string | null = 'alice'): Promise<RotationWorld & { root: (name: string) => Promise<string> }> {
  const { vault, clock } = await createTestVault(tempDir());
  const keys = new SigningKeyStore(vault);
  const certs = new CertificateStore(vault.db);
  const root = async (name: string): Promise<string> => {
    const g = await generateSigningKey('ecdsa-p256');
    const cert = await selfSignRoot({ algorithm: 'ecdsa-p256', pkcs8: g.pkcs8, spki: g.spki, subject: `CN=${name},O=Acme,C=DE`, days: 730, clock });
    vault.transaction(() => {
      keys.insertDraft({ id: g.keyId, name, algorithm: 'ecdsa-p256', spki: g.spki, pkcs8: g.pkcs8, createdAt: clock.now().toISOString() });
      keys.setCertificate(g.keyId, cert.der, []);
    });
    return g.keyId;
  };
  const requireActor = (): string => {
    if (!actor) throw new DomainError('INVALID_INPUT', 'no actor');
    return actor;
  };
  return { vault, keys, certs, clock, actor, requireActor, root };
}

const normal = { emergency: false, witnesses: [], trustedWindowDays: 30, linkFromPrevious: undefined, crlValidityDays: 7 };

describe('activateKey', () => {
  it('rotates root A to root B: A stays trusted for the window, A signs a link certificate for B, one audit event', async () => {
    const w = await world();
    const a = await w.root('Root A');
    const b = await w.root('Root B');
    await activateKey(w, { ...normal, key: w.keys.resolve(a) });
    const out = await activateKey(w, { ...normal, key: w.keys.resolve(b) });

    expect(out).toMatchObject({ activatedId: b, previousId: a, revokedCount: 0, linkCertificate: true, finalCrls: [] });
    expect(out.bundleKeyIds).toEqual([b, a]);
    expect(w.keys.resolve(b).state).toBe('active');
    expect(w.keys.resolve(a)).toMatchObject({ state: 'trusted', trustedUntil: new Date(w.clock.now().getTime() + 30 * DAY_MS).toISOString() });
    expect(w.keys.linkCertificates().map((l) => [l.newKeyId, l.oldKeyId])).toEqual([[b, a]]);
    const [event] = w.vault.audit.list({ action: 'key.activated' }).filter((e) => (e.details as { keyId: string }).keyId === b);
    expect(event?.details).toMatchObject({ keyId: b, linkCertificateFrom: a, revokedCertificates: 0 });
  });

  it('with linkFromPrevious false makes no link certificate', async () => {
    const w = await world();
    const a = await w.root('Root A');
    const b = await w.root('Root B');
    await activateKey(w, { ...normal, key: w.keys.resolve(a) });
    const out = await activateKey(w, { ...normal, linkFromPrevious: false, key: w.keys.resolve(b) });
    expect(out.linkCertificate).toBe(false);
    expect(w.keys.linkCertificates()).toEqual([]);
  });

  it('in an emergency retires the active key, publishes its final CRL and records the witnesses', async () => {
    const w = await world();
    const a = await w.root('Root A');
    const b = await w.root('Root B');
    await activateKey(w, { ...normal, key: w.keys.resolve(a) });
    const out = await activateKey(w, { ...normal, emergency: true, witnesses: ['bob'], key: w.keys.resolve(b) });

    expect(w.keys.resolve(a).state).toBe('retired');
    expect(out.linkCertificate).toBe(false);
    expect(out.bundleKeyIds).toEqual([b]);
    expect(out.finalCrls).toHaveLength(1);
    const stored = w.certs.lastCrl(a);
    expect(stored?.number).toBe(out.finalCrls[0]?.number);
    expect(readCrl(stored!.der).nextUpdate?.toISOString()).toBe(new Date(w.clock.now().getTime() + 7 * DAY_MS).toISOString());
    const [event] = w.vault.audit.list({ action: 'key.emergency-activated' });
    expect(event?.witnesses).toEqual(['bob']);
  });

  it('refuses the acting officer as their own witness and changes nothing', async () => {
    const w = await world('alice');
    const a = await w.root('Root A');
    const b = await w.root('Root B');
    await activateKey(w, { ...normal, key: w.keys.resolve(a) });
    const events = w.vault.audit.count();
    await expect(activateKey(w, { ...normal, emergency: true, witnesses: ['Alice'], key: w.keys.resolve(b) })).rejects.toMatchObject({ code: 'WITNESS_REQUIRED' });
    expect(w.keys.resolve(a).state).toBe('active');
    expect(w.keys.resolve(b).state).toBe('draft');
    expect(w.vault.audit.count()).toBe(events);
  });

  it('without an actor rolls the whole rotation back: no state change, no link certificate, no event', async () => {
    const w = await world('alice');
    const a = await w.root('Root A');
    const b = await w.root('Root B');
    await activateKey(w, { ...normal, key: w.keys.resolve(a) });
    const events = w.vault.audit.count();
    const anonymous: RotationWorld = { ...w, actor: null, requireActor: () => { throw new DomainError('INVALID_INPUT', 'no actor'); } };
    await expect(activateKey(anonymous, { ...normal, key: w.keys.resolve(b) })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect(w.keys.resolve(a).state).toBe('active');
    expect(w.keys.resolve(b).state).toBe('draft');
    expect(w.keys.linkCertificates()).toEqual([]);
    expect(w.vault.audit.count()).toBe(events);
  });
});

describe('retireKey and promoteKey', () => {
  it('refuses a forced retire without a reason, then retires with one and promotes back', async () => {
    const w = await world();
    const a = await w.root('Root A');
    const b = await w.root('Root B');
    await activateKey(w, { ...normal, key: w.keys.resolve(a) });
    await activateKey(w, { ...normal, key: w.keys.resolve(b) });

    expect(() => retireKey(w, w.keys.resolve(a), { reason: undefined })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(() => retireKey(w, w.keys.resolve(a), null)).toThrow(expect.objectContaining({ code: 'RETIRE_REFUSED_WINDOW' }));
    expect(w.keys.resolve(a).state).toBe('trusted');

    retireKey(w, w.keys.resolve(a), { reason: 'root A is leaving early' });
    expect(w.keys.resolve(a).state).toBe('retired');
    expect(w.vault.audit.list({ action: 'key.retired-forced' })[0]?.details).toMatchObject({ keyId: a, reason: 'root A is leaving early' });

    promoteKey(w, w.keys.resolve(a), 10);
    expect(w.keys.resolve(a)).toMatchObject({ state: 'trusted', trustedUntil: new Date(w.clock.now().getTime() + 10 * DAY_MS).toISOString() });
    expect(w.vault.audit.list({ action: 'key.promoted' })[0]?.details).toMatchObject({ keyId: a });
  });
});
