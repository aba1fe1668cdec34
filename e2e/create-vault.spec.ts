import { expect, test } from './fixtures/test.ts';
import { OFFICER, PASSPHRASE, openSection, ui, vaultIdOnDisk } from './support/ui.ts';

test('create a vault: a weak passphrase is refused without losing input, then the console shows the new vault id', async ({ host, shots, a11y }) => {
  const { page } = host;
  const u = ui(page);

  await expect(u.createHeading).toBeVisible();
  await expect(u.officerName).toBeFocused();
  await a11y.check('create vault');
  await shots.take('create vault, empty');

  await u.officerName.fill(OFFICER);
  await u.passphrase.fill('too short');
  await expect(page.getByTestId('passphrase-policy')).toHaveText('At least 12 characters (9 so far)');
  await u.confirm.fill('too short');
  await u.createButton.click();
  await expect(u.apiError).toContainText('WEAK_PASSPHRASE');
  await expect(u.officerName).toHaveValue(OFFICER);
  await expect(u.passphrase).toHaveValue('too short');
  await a11y.check('create vault, api error');
  await shots.take('weak passphrase refused by the api');

  await u.confirm.fill('something else entirely');
  await expect(page.getByText('Does not match the passphrase yet.')).toBeVisible();

  await u.passphrase.fill(PASSPHRASE);
  await u.confirm.fill(PASSPHRASE);
  await expect(page.getByTestId('passphrase-policy')).toHaveText(`At least 12 characters (${PASSPHRASE.length} so far, long enough)`);
  await shots.take('passphrase meets the policy');
  await u.confirm.press('Enter');

  await expect(u.consoleHeading).toBeVisible();
  await expect(u.vaultId).toHaveText(vaultIdOnDisk(host.vaultDir));
  await expect(page.getByTestId('actor')).toHaveText(OFFICER);
  await expect(u.lockButton).toBeVisible();
  await openSection(page, 'Settings');
  await expect(page.locator('time').first()).toHaveAttribute('title', /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
  await a11y.check('console');
  await shots.take('console after create');
});
