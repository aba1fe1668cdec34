/**
 * A vault in mid-rotation for the specs of the rotation panel and the receipts
 * wizard, seeded through the real dispatch with OpenSSL playing the agents.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from '@playwright/test';
import { makeAgent, opensslSerial, writeReceipt } from '../../src-main/testing/fleet-agents.ts';
import { activeRoot, DAY_MS, openSeeder } from './seed-keys.ts';

/** Root Z trusted (agent-1 renewed under Root A, agent-2 not), Root A active, Root B staged; agent-1's receipt for the bundle imported. */
export async function seedRotation(vaultDir: string) {
  const work = join(vaultDir, '..', 'agents');
  mkdirSync(work);
  const s = await openSeeder(vaultDir);
  const issue = async (agent: { csr: string }, out: string) => {
    const c = await s.call('cert.issue', { source: { path: agent.csr }, out: join(work, out), profile: 'agent' });
    return { serial: opensslSerial(join(work, out)), notBefore: c.notBefore };
  };
  await activeRoot(s, 'Root Z');
  const agents = [makeAgent(work, 'agent-1', 'ec'), makeAgent(work, 'agent-2', 'rsa')];
  const z1 = await issue(agents[0]!, 'z1.pem');
  const z2 = (await issue(agents[1]!, 'z2.pem')).serial;
  await s.advance(DAY_MS);
  await activeRoot(s, 'Root A', 30);
  const a1 = (await issue(makeAgent(work, 'agent-1', 'ec', '-a'), 'a1.pem')).serial;
  const b = await s.call('key.create', { name: 'Root B', algorithm: 'ecdsa-p256' });
  await s.call('key.selfSign', { key: b.id, subject: 'CN=Root B,O=Acme' });
  await s.call('key.stage', { key: b.id });
  const bundle = await s.call('bundle.write', { out: join(work, 'bundle.pem') });
  const inbox = join(work, 'inbox');
  mkdirSync(inbox);
  writeReceipt(inbox, 'agent-1', agents[0]!, { bundleSha256: bundle.bundleSha256, serial: z1.serial, installedAt: new Date(new Date(z1.notBefore).getTime() + 3_600_000).toISOString() });
  expect(await s.call('fleet.importReceipts', { dir: inbox })).toMatchObject({ accepted: 1 });
  s.close();
  return { work, agents, bundle, z2, a1 };
}

/**
 * The receipts folder a medium brings back from the fleet, in `inbox`: agent-2's receipt for the bundle (new),
 * agent-1's again (imported already by the seed) and one forged (agent-2's serial signed by agent-1's key).
 */
export function receiptsOnMedium(seeded: Awaited<ReturnType<typeof seedRotation>>, inbox: string): void {
  mkdirSync(inbox, { recursive: true });
  const installedAt = new Date(Date.now() + DAY_MS + 3_600_000).toISOString();
  writeReceipt(inbox, 'agent-2', seeded.agents[1]!, { bundleSha256: seeded.bundle.bundleSha256, serial: seeded.z2, installedAt });
  writeFileSync(join(inbox, 'agent-1.receipt.json'), readFileSync(join(seeded.work, 'inbox', 'agent-1.receipt.json')));
  writeFileSync(join(inbox, 'agent-1.receipt.json.sig'), readFileSync(join(seeded.work, 'inbox', 'agent-1.receipt.json.sig')));
  writeReceipt(inbox, 'forged', seeded.agents[0]!, { bundleSha256: seeded.bundle.bundleSha256, serial: seeded.z2, installedAt });
}
