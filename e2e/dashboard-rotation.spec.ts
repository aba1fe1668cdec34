/**
 * The dashboard's rotation panel on a vault in mid-rotation, seeded through the real dispatch
 * with OpenSSL playing the agents: "Root Z" trusted with one of its two agents renewed under the
 * active key, "Root B" staged and reported by one of the two agents. Screenshots at both laptop
 * sizes, light and dark; axe clean.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from './fixtures/test.ts';
import { LAPTOP_SIZES, SCHEMES } from './support/evidence.ts';
import { activeRoot, DAY_MS, openSeeder } from './support/seed-keys.ts';
import { PASSPHRASE, unlockWithPassphrase } from './support/ui.ts';
import { makeAgent, opensslSerial, writeReceipt } from '../src-main/testing/fleet-agents.ts';

test.use({ seedVault: { actor: 'Seed Officer', passphrase: PASSPHRASE } });

/** Root Z trusted (agent-1 renewed under Root A, agent-2 not), Root A active, Root B staged; agent-1's receipt for the bundle imported. */
async function seedRotation(vaultDir: string) {
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
  await issue(makeAgent(work, 'agent-1', 'ec', '-a'), 'a1.pem');
  const b = await s.call('key.create', { name: 'Root B', algorithm: 'ecdsa-p256' });
  await s.call('key.selfSign', { key: b.id, subject: 'CN=Root B,O=Acme' });
  await s.call('key.stage', { key: b.id });
  const bundle = await s.call('bundle.write', { out: join(work, 'bundle.pem') });
  const inbox = join(work, 'inbox');
  mkdirSync(inbox);
  writeReceipt(inbox, 'agent-1', agents[0]!, { bundleSha256: bundle.bundleSha256, serial: z1.serial, installedAt: new Date(new Date(z1.notBefore).getTime() + 3_600_000).toISOString() });
  expect(await s.call('fleet.importReceipts', { dir: inbox })).toMatchObject({ accepted: 1 });
  s.close();
  return { work, agents, bundle, z2 };
}

test('rotation panel: trusting percent, remaining leaves, days left and whether activating or retiring is safe', async ({ host, shots, a11y }) => {
  // Eight screenshots, axe on each screen, OpenSSL seeding: room on a loaded machine (no timed assertion).
  test.setTimeout(240_000);
  const { page } = host;
  await seedRotation(host.vaultDir);
  // The window's service clock follows the seeder's, which moved a day ahead.
  await host.advanceClock(DAY_MS);

  await unlockWithPassphrase(page);
  const panel = page.getByTestId('rotation-panel');
  await expect(panel).toBeVisible();
  await expect(panel).toContainText('2 known agents, 1 receipt imported; bundle version 1.');
  const key = (name: string) => panel.getByTestId('rotation-key').filter({ hasText: name });
  await expect(key('Root B')).toContainText('Trusted by 1 of 2 known agents (50%); activation needs 100%');
  await expect(key('Root B')).toContainText('Activate: not yet');
  await expect(key('Root B')).toContainText('Retire: safe now');
  await expect(key('Root B').getByRole('progressbar')).toHaveAttribute('aria-valuenow', '50');
  await expect(key('Root B').getByTestId('trust-chart')).toContainText('50%');
  await expect(key('Root Z')).toContainText('1 of 2 live certificates remain (1 superseded)');
  await expect(key('Root Z')).toContainText('30 days left in its window');
  await expect(key('Root Z')).toContainText('Retire: not yet');
  await a11y.check('dashboard with the rotation panel');
  for (const size of LAPTOP_SIZES) {
    for (const colorScheme of SCHEMES) {
      await page.setViewportSize(size);
      await page.emulateMedia({ colorScheme });
      await shots.take(`rotation panel ${size.width}x${size.height} ${colorScheme}`);
    }
  }
});

test('import receipts wizard: the folder checked with refused files and their reasons, the import, the result in the rotation panel', async ({ host, shots, a11y }) => {
  // Eight screenshots, axe on each screen, OpenSSL seeding: room on a loaded machine (no timed assertion).
  test.setTimeout(240_000);
  const { page } = host;
  const seeded = await seedRotation(host.vaultDir);
  const usb = join(host.workDir, 'USB-RECEIPTS');
  const inbox = join(usb, 'receipts');
  mkdirSync(inbox, { recursive: true });
  const installedAt = new Date(Date.now() + 86_400_000 + 3_600_000).toISOString();
  writeReceipt(inbox, 'agent-2', seeded.agents[1]!, { bundleSha256: seeded.bundle.bundleSha256, serial: seeded.z2, installedAt });
  copyFileSync(join(seeded.work, 'inbox', 'agent-1.receipt.json'), join(inbox, 'agent-1.receipt.json'));
  copyFileSync(join(seeded.work, 'inbox', 'agent-1.receipt.json.sig'), join(inbox, 'agent-1.receipt.json.sig'));
  writeReceipt(inbox, 'forged', seeded.agents[0]!, { bundleSha256: seeded.bundle.bundleSha256, serial: seeded.z2, installedAt });
  process.env.AIRGAP_CA_MEDIA_ROOTS = usb;
  await host.advanceClock(DAY_MS);
  await page.reload();
  await unlockWithPassphrase(page);

  await page.getByTestId('rotation-panel').getByRole('button', { name: 'Import receipts…' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Import receipts from a medium' })).toBeVisible();
  await expect(page.getByTestId('wizard-next')).toContainText('Nothing is stored yet');
  await page.getByRole('radio', { name: /USB-RECEIPTS/ }).check();
  await page.getByLabel('Folder on the medium (optional)').fill('receipts');
  await page.getByRole('button', { name: 'Check the receipts' }).click();
  await expect(page.getByTestId('receipts-count')).toHaveText('1 new receipt, 1 already imported, 1 refused');
  await expect(page.getByTestId('receipt-row').filter({ hasText: 'forged.receipt.json' })).toContainText('RECEIPT_BAD_SIGNATURE');
  await expect(page.getByTestId('receipt-row').filter({ hasText: 'agent-1.receipt.json' })).toContainText('Already imported');
  await expect(page.getByTestId('receipt-row').filter({ hasText: 'agent-2.receipt.json' })).toContainText('OK: agent');
  await a11y.check('receipts wizard: folder checked');
  for (const size of LAPTOP_SIZES) {
    for (const colorScheme of SCHEMES) {
      await page.setViewportSize(size);
      await page.emulateMedia({ colorScheme });
      await shots.take(`receipts folder checked ${size.width}x${size.height} ${colorScheme}`);
    }
  }
  await page.getByRole('button', { name: 'Next: import' }).click();
  await expect(page.getByTestId('receipts-summary')).toContainText('New receipts1 receipt');
  await a11y.check('receipts wizard: import');
  await page.getByRole('button', { name: 'Import the receipts' }).click();
  await expect(page.getByTestId('receipts-done')).toContainText('1 receipt imported');
  await expect(page.getByTestId('receipts-done')).toContainText('1 already imported before, 1 refused and not stored');
  await a11y.check('receipts wizard: done');
  await shots.take('receipts imported');
  await page.getByRole('button', { name: 'Close wizard' }).click();

  const b = page.getByTestId('rotation-key').filter({ hasText: 'Root B' });
  await expect(b).toContainText('Trusted by 2 of 2 known agents (100%)');
  await expect(b).toContainText('Activate: safe now');
  await shots.take('rotation panel after the import');
});
