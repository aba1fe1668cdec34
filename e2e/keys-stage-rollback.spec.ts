/**
 * Stage and roll back from the signing keys table: a draft with its certificate is staged (in
 * the bundle, signing nothing), activated, and the rotation rolled back, each with the CLI's
 * explanation in its dialog. Screenshots at both laptop sizes, light and dark; axe on every
 * dialog.
 */
import { expect, test } from './fixtures/test.ts';
import { seedEveryState } from './support/seed-keys.ts';
import { PASSPHRASE, openSection, unlockWithPassphrase } from './support/ui.ts';

test.use({ seedVault: { actor: 'Seed Officer', passphrase: PASSPHRASE } });

test('signing keys table: stage a draft, activate it, roll back to the key it replaced', async ({ host, shots, everyLook }) => {
  // Eight screenshots, axe on each screen, OpenSSL seeding: room on a loaded machine (no timed assertion).
  test.setTimeout(240_000);
  const { page } = host;
  const seeded = await seedEveryState(host.vaultDir);
  await host.advanceClock(seeded.ahead);
  await unlockWithPassphrase(page);
  await openSection(page, 'Signing keys');
  const row = (name: string) => page.getByTestId('key-row').filter({ hasText: name });
  const dialog = page.getByRole('dialog');

  // A draft without a certificate cannot be staged; one with it can.
  await expect(row('Agents CA draft').getByRole('button', { name: 'Stage Agents CA draft' })).toHaveCount(0);
  await row('Root 2027 draft').getByRole('button', { name: 'Stage Root 2027 draft' }).click();
  await expect(dialog).toContainText('Stage key: Root 2027 draft');
  await expect(dialog).toContainText('goes into the trust bundle and the trust anchor as staged, and signs nothing yet');
  await everyLook('stage dialog');
  await dialog.getByRole('button', { name: 'Stage', exact: true }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('key-action-done')).toHaveText('Root 2027 draft: staged: it is in the trust bundle and signs nothing yet.');
  await expect(row('Root 2027 draft').getByTestId('state-chip')).toHaveText('Staged');
  await expect(row('Root 2027 draft').getByRole('button', { name: 'Activate Root 2027 draft' })).toBeVisible();
  await expect(row('Root 2027 draft').getByRole('button', { name: 'Retire Root 2027 draft' })).toBeVisible();
  await everyLook('signing keys with a staged key');

  // The seeded vault has no agents yet, so the staged key is ready: activation goes through.
  await row('Root 2027 draft').getByRole('button', { name: 'Activate Root 2027 draft' }).click();
  await expect(dialog).toContainText('A staged key is activated only once enough of the known agents have reported a bundle that holds it');
  await dialog.getByRole('button', { name: 'Activate', exact: true }).click();
  await expect(dialog).toBeHidden();
  await expect(row('Root 2027 draft').getByTestId('state-chip')).toHaveText('Active');
  await expect(row('Root 2026').getByTestId('state-chip')).toHaveText('Trusted');

  // Roll back: Root 2026 is active again, Root 2027 staged (its certificates keep validating).
  await row('Root 2027 draft').getByRole('button', { name: 'Roll back from Root 2027 draft' }).click();
  await expect(dialog).toContainText('Roll back from key: Root 2027 draft');
  await expect(dialog).toContainText('so what it issued keeps validating');
  await dialog.getByLabel('Reason (for the audit log)').fill('Root 2027 was made on the wrong token.');
  await everyLook('rollback dialog');
  await dialog.getByRole('button', { name: 'Roll back', exact: true }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('key-action-done')).toHaveText('Rolled back: Root 2026 is active again; Root 2027 draft is now staged.');
  await expect(row('Root 2026').getByTestId('state-chip')).toHaveText('Active');
  await expect(row('Root 2027 draft').getByTestId('state-chip')).toHaveText('Staged');
  // Root 2025 is still trusted inside its window, so Root 2026 could be rolled back from too.
  await expect(row('Root 2026').getByRole('button', { name: 'Roll back from Root 2026' })).toBeVisible();
  await shots.take('after the rollback');
});
