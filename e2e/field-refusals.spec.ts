/**
 * Refusals in the officer's words, where the officer acts on them: a taken
 * key name under the name field (before the vault is asked, and when the
 * vault refused it from another CA: back on the name's step), gone when the
 * name is edited; a refused retire that names the console's controls, not
 * command-line flags, and its time in local time with the UTC on hover.
 */
import { expect, test } from './fixtures/test.ts';
import { activeRoot, openSeeder, seedEveryState } from './support/seed-keys.ts';
import { PASSPHRASE, openSection, unlockWithPassphrase } from './support/ui.ts';

test.use({ seedVault: { actor: 'Seed Officer', passphrase: PASSPHRASE } });

const ISO = /\d{4}-\d\d-\d\dT\d\d:\d\d/;
const CLI = /--[a-z]|AIRGAP_CA_|"airgap-ca |the api\b/i;

test('a taken key name is said under the name field and cleared when the name is edited', async ({ host, everyLook }) => {
  test.setTimeout(240_000);
  const { page } = host;
  const seeder = await openSeeder(host.vaultDir);
  await activeRoot(seeder, 'Root 2025');
  // A key of another CA: the console's list of this CA's keys does not hold it, the vault refuses it.
  await seeder.call('ca.create', { name: 'Lab CA' });
  await seeder.call('key.create', { ca: 'Lab CA', name: 'Lab Root 2026', algorithm: 'ecdsa-p256' });
  seeder.close();

  await unlockWithPassphrase(page);
  await page.getByRole('button', { name: 'New standalone root…' }).click();
  const name = page.getByRole('textbox', { name: 'Key name' });
  const next = page.getByRole('button', { name: 'Next' });
  await page.getByLabel('Subject DN').fill('CN=Acme Offline Root 2026,O=Acme');

  // This CA's key: said before anything is asked of the vault.
  await name.fill('Root 2025');
  await expect(name).toHaveAccessibleDescription('This CA already has a key named “Root 2025”. Key names are unique in the vault: choose another.');
  await expect(name).toHaveAttribute('aria-invalid', 'true');
  await expect(next).toBeDisabled();
  await name.fill('Root 2026');
  await expect(name).toHaveAccessibleDescription('How the key is listed in the console and in the audit log.');
  await expect(next).toBeEnabled();

  // Another CA's key: the vault refuses it at the create step; the wizard goes back to the name.
  await name.fill('Lab Root 2026');
  await next.click();
  await page.getByRole('button', { name: 'Create key and self-sign' }).click();
  await expect(page.getByRole('heading', { name: /^Step 1 of \d: Algorithm and subject$/ })).toBeVisible();
  await expect(name).toHaveAccessibleDescription(/A signing key named "Lab Root 2026" already exists/);
  await expect(page.getByTestId('field-refusal')).toHaveAttribute('data-code', 'KEY_NAME_TAKEN');
  await expect(page.getByTestId('api-error')).toHaveCount(0);
  await expect(next).toBeDisabled();
  await everyLook('taken key name');

  // Edited: the refusal goes; the same name typed again brings it back (it is that name's).
  await name.fill('Lab Root 2027');
  await expect(page.getByTestId('field-refusal')).toHaveCount(0);
  await expect(next).toBeEnabled();
  await name.fill('Lab Root 2026');
  await expect(page.getByTestId('field-refusal')).toHaveCount(1);
  await name.fill('Fleet Root 2026');
  await next.click();
  await page.getByRole('button', { name: 'Create key and self-sign' }).click();
  await expect(page.getByRole('heading', { name: /^Step 3 of \d: Review$/ })).toBeVisible();
});

test('a refused retire speaks the console: no flags, its time in local time with the UTC on hover', async ({ host, everyLook }) => {
  test.setTimeout(240_000);
  const { page } = host;
  const seeded = await seedEveryState(host.vaultDir);
  await host.advanceClock(seeded.ahead);
  await unlockWithPassphrase(page);
  await openSection(page, 'Signing keys');

  await page.getByTestId('key-row').filter({ hasText: 'Root 2025' }).getByRole('button', { name: 'Retire Root 2025' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).not.toContainText(CLI);
  await dialog.getByRole('button', { name: 'Retire', exact: true }).click();
  const refusal = dialog.getByTestId('api-error');
  await expect(refusal).toContainText('RETIRE_REFUSED_WINDOW');
  await expect(refusal).toContainText('is trusted until');
  await expect(refusal).toContainText('or retire it anyway: the console asks for a reason, which goes into the audit log.');
  await expect(refusal).not.toContainText(CLI);
  await expect(refusal).not.toContainText(ISO);
  // The time is a <time>: local on screen, the exact UTC in its title, the machine value in datetime.
  const when = refusal.locator('time');
  await expect(when).toHaveCount(1);
  await expect(when).toHaveAttribute('title', /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
  await expect(when).toHaveAttribute('datetime', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  await expect(dialog.getByRole('button', { name: 'Retire anyway' })).toBeVisible();
  await everyLook('retire refused');
});
