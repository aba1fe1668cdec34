/**
 * The vault the emergency ceremony spec starts from, built through the real
 * dispatch(): an active self-signed root that issued certificates for
 * OpenSSL-made CSRs (cert.issue, as the CLI does it), and a prepared standby
 * root (a draft with its self-signed certificate). Left locked.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { dispatch } from '../../src-main/api/dispatch.ts';
import { createService, type Service } from '../../src-main/api/service.ts';
import { systemClock } from '../../src-main/core/clock.ts';
import { OWASP_MINIMUM_KDF } from '../fixtures/app-host.ts';
import { OFFICER, PASSPHRASE } from './ui.ts';

export const OLD_ROOT = 'Fleet Root 2025';
export const STANDBY_ROOT = 'Fleet Root 2026 standby';

export async function must<T>(service: Service, name: string, input: unknown): Promise<T> {
  const r = await dispatch(service, name, input);
  if (!r.ok) throw new Error(`${name} failed: ${r.code} ${r.message}`);
  return r.value as T;
}

/** A P-256 key and CSR made by OpenSSL (an independent peer), with a DNS SAN. */
export function opensslCsr(dir: string, cn: string): string {
  mkdirSync(dir, { recursive: true });
  const csr = join(dir, `${cn}.csr`);
  execFileSync('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', join(dir, `${cn}.key`), '-out', csr, '-subj', `/O=Acme Fleet/CN=${cn}`, '-addext', `subjectAltName=DNS:${cn}.fleet.example`], { stdio: 'ignore' });
  return csr;
}

export interface EmergencySeed {
  oldKeyId: string;
  standbyKeyId: string;
  issued: string[];
}

/** Opens a second service on the same vault folder (the test process's view through dispatch), unlocked as the officer. */
export async function openVaultService(vaultDir: string): Promise<Service> {
  const service = createService({ vaultDir, clock: systemClock, kdfCost: { ...OWASP_MINIMUM_KDF } });
  await must(service, 'vault.unlock', { actor: OFFICER, credentials: { passphrase: PASSPHRASE } });
  return service;
}

/**
 * With `quorum`, the vault also has a K-of-N custodian quorum (beside the officer's passphrase): share i is
 * written to `quorum.dirs[i]` (its own medium) with holder `quorum.holders[i]`, as the console's delivery does.
 */
export async function seedEmergencyVault(vaultDir: string, workDir: string, certificates: number, quorum?: { threshold: number; dirs: string[]; holders: string[] }): Promise<EmergencySeed> {
  const service = createService({ vaultDir, clock: systemClock, kdfCost: { ...OWASP_MINIMUM_KDF } });
  await must(service, 'vault.create', {
    actor: OFFICER,
    passphrase: PASSPHRASE,
    ...(quorum ? { quorum: { threshold: quorum.threshold, total: quorum.dirs.length, holders: quorum.holders } } : {}),
  });
  if (quorum) {
    for (const [i, dir] of quorum.dirs.entries()) await must(service, 'vault.writeShare', { index: i + 1, dir });
    await must(service, 'vault.releaseShares', {});
  }
  const old = await must<{ id: string }>(service, 'key.create', { name: OLD_ROOT, algorithm: 'ecdsa-p256' });
  await must(service, 'key.selfSign', { key: old.id, subject: 'CN=Fleet Root 2025,O=Acme Fleet' });
  await must(service, 'key.activate', { key: old.id });
  const issued: string[] = [];
  for (let i = 1; i <= certificates; i += 1) {
    const c = await must<{ serial: string }>(service, 'cert.issue', { source: { path: opensslCsr(join(workDir, 'csr'), `agent-${i}`) }, profile: 'agent' });
    issued.push(c.serial);
  }
  const standby = await must<{ id: string }>(service, 'key.create', { name: STANDBY_ROOT, algorithm: 'ecdsa-p384' });
  await must(service, 'key.selfSign', { key: standby.id, subject: 'CN=Fleet Root 2026,O=Acme Fleet' });
  service.session.lock(null);
  return { oldKeyId: old.id, standbyKeyId: standby.id, issued };
}
