/**
 * The dashboard's rotation panel on a vault in mid-rotation, seeded through the real dispatch
 * with OpenSSL playing the agents: "Root Z" trusted with one of its two agents renewed under the
 * active key, "Root B" staged and reported by one of the two agents. Screenshots at both laptop
 * sizes, light and dark; axe clean.
 */
import { join } from 'node:path';
import { expect, test } from './fixtures/test.ts';
import { LAPTOP_SIZES } from './support/evidence.ts';
import { receiptsOnMedium, seedRotation } from './support/seed-rotation.ts';
import { DAY_MS } from './support/seed-keys.ts';
import { PASSPHRASE, openSection, unlockWithPassphrase } from './support/ui.ts';

test.use({ seedVault: { actor: 'Seed Officer', passphrase: PASSPHRASE } });

test('rotation panel: trusting percent, remaining leaves, days left and whether activating or retiring is safe', async ({ host, shots, a11y, everyLook }) => {
  // Eight screenshots, axe on each screen, OpenSSL seeding: room on a loaded machine (no timed assertion).
  test.setTimeout(240_000);
  const { page } = host;
  const seeded = await seedRotation(host.vaultDir);
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
  await everyLook('dashboard with the rotation panel');

  // The keys table says what the CLI says: activating Root B at 50% is refused with the numbers, and can only be forced with a reason.
  await openSection(page, 'Signing keys');
  const row = (name: string) => page.getByTestId('key-row').filter({ hasText: name });
  const dialog = page.getByRole('dialog');
  await row('Root B').getByRole('button', { name: 'Activate Root B' }).click();
  await dialog.getByRole('button', { name: 'Activate', exact: true }).click();
  await expect(dialog).toContainText('Only 1 of 2 known agents (50%)');
  await expect(dialog).toContainText('activation needs 100%');
  await expect(dialog).toContainText('see who is missing (the rotation panel on the Dashboard)');
  await expect(dialog.getByRole('button', { name: 'Activate anyway' })).toBeDisabled();
  await everyLook('activation refused for readiness');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(row('Root B').getByTestId('state-chip')).toHaveText('Staged');

  // Retiring Root Z: the dialog says superseded certificates no longer count; the refusal gives the one that remains.
  await row('Root Z').getByRole('button', { name: 'Retire Root Z' }).click();
  await expect(dialog).toContainText('certificates already renewed under another key no longer count');
  await dialog.getByRole('button', { name: 'Retire', exact: true }).click();
  await expect(dialog).toContainText('still has 1 live certificate it issued whose agent has no newer certificate from another key (1 more is superseded and no longer counts)');
  await a11y.check('retire refused for a remaining certificate');
  for (const size of LAPTOP_SIZES) {
    await page.setViewportSize(size);
    await page.emulateMedia({ colorScheme: 'dark' });
    await shots.take(`retire refused ${size.width}x${size.height}`);
  }
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(row('Root Z').getByTestId('state-chip')).toHaveText('Trusted');

  // Rolling back from Root A and retiring it lists what it issued that must be re-issued under Root Z.
  await row('Root A').getByRole('button', { name: 'Roll back from Root A' }).click();
  await dialog.getByLabel('Retire this key instead of staging it').check();
  await dialog.getByLabel('Reason (for the audit log)').fill('Root A was generated on the wrong machine.');
  await dialog.getByRole('button', { name: 'Roll back', exact: true }).click();
  await expect(dialog).toBeHidden();
  const a1 = seeded.a1.toLowerCase().replace(/^0+/, '');
  await expect(page.getByTestId('key-action-done')).toHaveText(`Rolled back: Root Z is active again; Root A is now retired. It issued 1 live certificate whose agent must be re-issued under Root Z: ${a1.length % 2 ? '0' + a1 : a1} (CN=agent-1).`);
  await expect(row('Root Z').getByTestId('state-chip')).toHaveText('Active');
  await expect(row('Root A').getByTestId('state-chip')).toHaveText('Retired');
  await a11y.check('signing keys after a rollback with retire');
  for (const size of LAPTOP_SIZES) {
    await page.setViewportSize(size);
    await page.emulateMedia({ colorScheme: 'light' });
    await shots.take(`rolled back and retired ${size.width}x${size.height}`);
  }
});

test('import receipts wizard: the folder checked with refused files and their reasons, the import, the result in the rotation panel', async ({ host, shots, a11y, everyLook }) => {
  // Eight screenshots, axe on each screen, OpenSSL seeding: room on a loaded machine (no timed assertion).
  test.setTimeout(240_000);
  const { page } = host;
  const seeded = await seedRotation(host.vaultDir);
  const usb = join(host.workDir, 'USB-RECEIPTS');
  receiptsOnMedium(seeded, join(usb, 'receipts'));
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
  await everyLook('receipts wizard: folder checked');
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
