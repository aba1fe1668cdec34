import { expect, test } from './fixtures/test.ts';
import { activeRoot, openSeeder } from './support/seed-keys.ts';
import { PASSPHRASE, openSection, unlockWithPassphrase } from './support/ui.ts';

test.use({ seedVault: { actor: 'Seed Officer', passphrase: PASSPHRASE } });

test('standalone root: create, self-sign, review, activate with a link certificate from the previous root', async ({ host, shots, a11y }) => {
  const { page } = host;
  const seeder = await openSeeder(host.vaultDir);
  await activeRoot(seeder, 'Root 2025');
  seeder.close();

  await unlockWithPassphrase(page);
  await page.getByRole('button', { name: 'New standalone root…' }).click();
  const stepHeading = (n: number, name: string) => page.getByRole('heading', { name: `Step ${n} of 5: ${name}` });
  await expect(stepHeading(1, 'Algorithm and subject')).toBeVisible();
  await page.getByLabel('Key name').fill('Root 2026');
  await page.getByRole('combobox', { name: 'Algorithm' }).click();
  await page.getByRole('option', { name: 'ECDSA P-384' }).click();
  await page.getByLabel('Subject DN').fill('CN=Acme Offline Root 2026,O=Acme');
  await page.getByLabel('Validity (days)').fill('7300');
  await page.getByLabel('Path length (optional)').fill('1');
  await a11y.check('root: algorithm and subject');
  await shots.take('algorithm, subject, validity');
  await page.getByRole('button', { name: 'Next' }).click();

  await expect(stepHeading(2, 'Create and self-sign')).toBeVisible();
  await expect(page.getByText('ECDSA P-384')).toBeVisible();
  await expect(page.getByText('7300 days')).toBeVisible();
  await page.getByRole('button', { name: 'Back' }).click();
  await expect(page.getByLabel('Path length (optional)')).toHaveValue('1');
  await page.getByRole('button', { name: 'Next' }).click();
  await a11y.check('root: confirm');
  await shots.take('confirm create and self-sign');
  // Nothing exists in the vault before this confirm.
  await page.getByRole('button', { name: 'Create key and self-sign' }).click();

  await expect(stepHeading(3, 'Review')).toBeVisible();
  const cert = page.getByTestId('chain-cert');
  await expect(cert).toHaveCount(1);
  await expect(cert).toContainText('This key (self-signed root): CN=Acme Offline Root 2026,O=Acme');
  await expect(cert).toContainText('CA, path length 1');
  await a11y.check('root: review');
  await shots.take('review the root certificate');
  await page.getByRole('button', { name: 'Next' }).click();

  await expect(stepHeading(4, 'Activate')).toBeVisible();
  const effect = page.getByTestId('activation-effect');
  await expect(effect).toContainText('Root 2025, active now, becomes trusted until about');
  await expect(effect).toContainText('Root 2025 is a root too: it will sign a link certificate for Root 2026');
  await expect(page.getByTestId('bundle-after')).toContainText('Root 2026 (active)');
  await a11y.check('root: activate');
  await shots.take('activation effect with link certificate');
  await page.getByRole('button', { name: 'Activate Root 2026' }).click();

  await expect(stepHeading(5, 'Export')).toBeVisible();
  await expect(page.getByTestId('link-certificate')).toContainText('A link certificate was signed by Root 2025 for the new root');
  await expect(page.getByTestId('activation-previous')).toContainText('Root 2025 is now trusted until');
  await expect(page.getByTestId('bundle-count')).toHaveText('The trust bundle now holds 2 keys.');
  await a11y.check('root: activated');
  await shots.take('activated with link certificate');
  await page.getByRole('button', { name: 'Finish without exporting' }).click();
  await openSection(page, 'Signing keys');
  await expect(page.getByTestId('key-row').filter({ hasText: 'Root 2026' }).getByTestId('state-chip')).toHaveText('Active');
  await expect(page.getByTestId('key-row').filter({ hasText: 'Root 2026' })).toContainText('ecdsa-p384');
});

test('standalone root: keyboard only, first root (no link certificate)', async ({ host }) => {
  const { page } = host;
  await unlockWithPassphrase(page);
  await page.getByRole('button', { name: 'New standalone root…' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Step 1 of 5: Algorithm and subject' })).toBeFocused();
  await page.getByLabel('Key name').focus();
  await page.keyboard.type('First Root');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  await expect(page.getByLabel('Subject DN')).toBeFocused();
  await page.keyboard.type('CN=First Root,O=Acme');
  await page.getByRole('button', { name: 'Next' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Step 2 of 5: Create and self-sign' })).toBeFocused();
  await page.getByRole('button', { name: 'Create key and self-sign' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Step 3 of 5: Review' })).toBeFocused();
  await page.getByRole('button', { name: 'Next' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('activation-effect')).toContainText('There is no active key now');
  await page.getByRole('button', { name: 'Activate First Root' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('activation-result')).toContainText('First Root is active');
  await expect(page.getByTestId('link-certificate')).toHaveCount(0);
});
