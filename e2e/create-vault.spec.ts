import { expect, test } from './fixtures/test.ts';
import { OFFICER, PASSPHRASE, openSection, ui, vaultIdOnDisk } from './support/ui.ts';

test('create a vault: a weak passphrase is refused without losing input, then the console shows the new vault id', async ({ host, shots, a11y, everyLook }) => {
  test.setTimeout(180_000);
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
  // The refusal stands under the passphrase field (its description), not in an alert apart.
  await expect(u.passphrase).toHaveAccessibleDescription(/The passphrase has 9 characters; at least 12 are required/);
  await expect(u.passphrase).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByTestId('field-refusal')).toHaveAttribute('data-code', 'WEAK_PASSPHRASE');
  await expect(u.apiError).toHaveCount(0);
  await expect(u.officerName).toHaveValue(OFFICER);
  await expect(u.passphrase).toHaveValue('too short');
  await everyLook('create vault, passphrase refused');

  // Editing the passphrase drops the refusal: "has 9 characters" never stands next to a longer one.
  await u.passphrase.pressSequentially(' still', { delay: 0 });
  await expect(page.getByTestId('field-refusal')).toHaveCount(0);
  await expect(u.passphrase).toHaveAccessibleDescription('At least 12 characters (15 so far, long enough)');
  await expect(u.passphrase).not.toHaveAttribute('aria-invalid', 'true');

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
