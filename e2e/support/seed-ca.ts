/**
 * Vaults with a working CA for the console specs, built through the real
 * dispatch() and the real issuer (no fake rows): an active self-signed key,
 * then `certificates` agent certificates issued with issueBatch from real
 * CSRs (one subject key, a distinct subject and SAN each) and recorded as
 * cert.issueBatch records them. Build once per worker, copy per test.
 */
import { generateKeyPairSync } from 'node:crypto';
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dispatch } from '../../src-main/api/dispatch.ts';
import { createService } from '../../src-main/api/service.ts';
import { storesOf } from '../../src-main/api/service/stores.ts';
import { systemClock } from '../../src-main/core/clock.ts';
import { buildCertificationRequest, encodeName, issueBatch, toPem } from '../../src-main/core/issuance/index.ts';
import { OID } from '../../src-main/core/asn1/oids.ts';
import { OWASP_MINIMUM_KDF } from '../fixtures/app-host.ts';
import { OFFICER, PASSPHRASE } from './ui.ts';

export const CA_KEY_NAME = 'Fleet CA 2026';

async function must<T>(p: Promise<{ ok: true; value: unknown } | { ok: false; code: string; message: string }>): Promise<T> {
  const r = await p;
  if (!r.ok) throw new Error(`seeding failed: ${r.code} ${r.message}`);
  return r.value as T;
}

export function agentName(i: number): string {
  return `agent-${String(i).padStart(6, '0')}`;
}

/** A P-256 CSR for CN=<cn>,O=Acme Fleet with the SAN DNS:<cn>.fleet.example. */
export function agentCsr(cn: string, key = generateKeyPairSync('ec', { namedCurve: 'P-256' })): Buffer {
  const subjectDer = encodeName([[{ type: OID.organizationName, value: 'Acme Fleet' }], [{ type: OID.commonName, value: cn }]]);
  return buildCertificationRequest({ subjectDer, privateKey: key.privateKey, publicKey: key.publicKey, sans: { dns: [`${cn}.fleet.example`], ip: [], email: [], uri: [] } });
}

export function writeCsrPem(path: string, cn: string): void {
  writeFileSync(path, toPem(agentCsr(cn), 'CERTIFICATE REQUEST'));
}

/** Creates a vault in `dir` (OFFICER / PASSPHRASE) with an active CA key and `certificates` issued certificates; leaves it locked. */
export async function buildCaVault(dir: string, certificates = 0): Promise<void> {
  const service = createService({ vaultDir: dir, clock: systemClock, kdfCost: { ...OWASP_MINIMUM_KDF } });
  await must(dispatch(service, 'vault.create', { actor: OFFICER, passphrase: PASSPHRASE }));
  const key = await must<{ id: string }>(dispatch(service, 'key.create', { name: CA_KEY_NAME, algorithm: 'ecdsa-p256' }));
  await must(dispatch(service, 'key.selfSign', { key: key.id, subject: 'CN=Fleet CA 2026,O=Acme Fleet' }));
  await must(dispatch(service, 'key.activate', { key: key.id }));
  if (certificates > 0) {
    const v = service.session.requireVault();
    const { keys, certs } = storesOf(v);
    const k = keys.active()!;
    const subjectKey = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const items = Array.from({ length: certificates }, (_, i) => ({ id: agentName(i), csr: agentCsr(agentName(i), subjectKey) }));
    const now = systemClock.now();
    const pkcs8 = keys.unwrapPrivateKey(k.id);
    const outcomes = await issueBatch({ certificateDer: k.certificate!, privateKey: pkcs8, algorithm: k.algorithm }, items, { profile: 'agent', now, takenSerials: (s) => certs.takenSerials(s) });
    pkcs8.fill(0);
    const issued = outcomes.flatMap((o) => (o.ok ? [o.certificate] : []));
    if (issued.length !== certificates) throw new Error(`seeding: ${certificates - issued.length} certificates failed to issue`);
    v.transaction(() => {
      certs.insert(
        issued.map((c) => ({
          serial: c.serialHex,
          issuerKeyId: k.id,
          subject: c.subject,
          sans: c.sans.dns.map((d) => `DNS:${d}`),
          profile: c.profile,
          notBefore: c.notBefore.toISOString(),
          notAfter: c.notAfter.toISOString(),
          issuedAt: now.toISOString(),
          der: c.der,
        })),
      );
      v.audit.append({ actor: OFFICER, action: 'cert.batch-issued', details: { issuerKeyId: k.id, profile: 'agent', from: 'e2e seed', issued: issued.length, failed: 0 } });
    });
  }
  service.session.lock(null);
}

/** One template per worker and size; each test gets its own copy at `into`. */
const templates = new Map<number, Promise<string>>();
export async function copyCaVault(into: string, certificates = 0): Promise<void> {
  let t = templates.get(certificates);
  if (!t) {
    t = (async () => {
      const dir = join(mkdtempSync(join(tmpdir(), 'airgap-e2e-template-')), 'vault');
      await buildCaVault(dir, certificates);
      return dir;
    })();
    templates.set(certificates, t);
  }
  cpSync(await t, into, { recursive: true });
}
