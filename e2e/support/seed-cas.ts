/**
 * A vault of two CAs for the console specs, built through the real dispatch():
 * the CA "default" as copyCaVault makes it (its active key Fleet CA 2026 and
 * agent certificates), and a second CA "Servers" with its own active root and
 * certificates of its own, issued from real CSRs with cert.issue in that CA.
 * Built once per worker, copied per test; left locked.
 */
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toPem } from '../../src-main/core/issuance/index.ts';
import { must, openVaultService } from './emergency-seed.ts';
import { agentCsr, copyCaVault } from './seed-ca.ts';

export const SECOND_CA = 'Servers';
export const SECOND_KEY_NAME = 'Servers Root 2026';
export const FIRST_CA_CERTS = 3;
export const SECOND_CA_CERTS = 2;

export function serverName(i: number): string {
  return `server-${i}`;
}

async function buildTwoCaVault(dir: string): Promise<void> {
  await copyCaVault(dir, FIRST_CA_CERTS);
  const service = await openVaultService(dir);
  await must(service, 'ca.create', { name: SECOND_CA, purpose: 'TLS servers of the fleet' });
  const key = await must<{ id: string }>(service, 'key.create', { ca: SECOND_CA, name: SECOND_KEY_NAME, algorithm: 'ecdsa-p256' });
  await must(service, 'key.selfSign', { ca: SECOND_CA, key: key.id, subject: 'CN=Servers Root 2026,O=Acme Fleet' });
  await must(service, 'key.activate', { ca: SECOND_CA, key: key.id });
  for (let i = 1; i <= SECOND_CA_CERTS; i += 1) {
    const pem = toPem(agentCsr(serverName(i)), 'CERTIFICATE REQUEST');
    await must(service, 'cert.issue', { ca: SECOND_CA, source: { name: `${serverName(i)}.csr`, base64: Buffer.from(pem).toString('base64') }, profile: 'agent' });
  }
  service.session.lock(null);
}

let template: Promise<string> | null = null;

/** The two-CA vault, copied to `into` (the test's vault folder). */
export async function copyTwoCaVault(into: string): Promise<void> {
  template ??= (async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'airgap-e2e-two-cas-')), 'vault');
    await buildTwoCaVault(dir);
    return dir;
  })();
  cpSync(await template, into, { recursive: true });
}
