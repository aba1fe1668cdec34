import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from './fixtures/test.ts';
import { OFFICER, PASSPHRASE, openSection, ui, vaultIdOnDisk } from './support/ui.ts';

test('quorum vault (2 of 3): shares written to a folder, then unlocked by choosing share files one by one', async ({ host, shots, a11y }) => {
  const { page } = host;
  const u = ui(page);
  const sharesDir = join(host.workDir, 'custodian-shares');

  await u.officerName.fill(OFFICER);
  await u.passphrase.fill(PASSPHRASE);
  await u.confirm.fill(PASSPHRASE);
  await page.getByLabel(/quorum of custodians/).check();
  await page.getByLabel('Shares needed to unlock (K)').fill('2');
  await page.getByLabel('Custodians (N)').fill('3');
  await page.getByLabel('Folder for the share files').fill(sharesDir);
  await a11y.check('create vault with quorum');
  await shots.take('create vault with a 2 of 3 quorum');
  await u.createButton.click();

  await expect(u.consoleHeading).toBeVisible();
  const written = page.getByTestId('share-files-written');
  await expect(written).toContainText('any 2 of them unlock the vault');
  const files = readdirSync(sharesDir).sort();
  expect(files).toHaveLength(3);
  for (const f of files) await expect(written).toContainText(f);
  await shots.take('share files written');

  await u.lockButton.click();
  await expect(u.unlockHeading).toBeVisible();
  await u.officerName.fill(OFFICER);
  await page.getByRole('radio', { name: 'Custodian shares' }).check();
  await expect(u.sharesNeeded).toHaveText('2 more share files needed (0 of 2 chosen).');
  await a11y.check('unlock with shares, none chosen');
  await shots.take('unlock with shares, none chosen');

  await u.shareInput.setInputFiles(join(sharesDir, files[0]!));
  await expect(u.sharesNeeded).toHaveText('1 more share file needed (1 of 2 chosen).');
  await expect(page.getByRole('list', { name: 'Chosen share files' })).toContainText(files[0]!);

  // One share is not enough: the api refuses and says so; the chosen file stays.
  await u.unlockButton.click();
  await expect(u.apiError).toContainText('NOT_ENOUGH_SHARES');
  await expect(u.officerName).toHaveValue(OFFICER);
  await expect(u.sharesNeeded).toHaveText('1 more share file needed (1 of 2 chosen).');
  await a11y.check('unlock with shares, refused');
  await shots.take('one share is not enough');

  await u.shareInput.setInputFiles(join(sharesDir, files[2]!));
  await expect(u.sharesNeeded).toHaveText('2 of 2 share files chosen: enough to unlock.');
  await expect(u.apiError, 'the refusal of the earlier selection is cleared').toHaveCount(0);
  await shots.take('two shares chosen');
  await u.unlockButton.click();

  await expect(u.consoleHeading).toBeVisible();
  await expect(u.vaultId).toHaveText(vaultIdOnDisk(host.vaultDir));
  await openSection(page, 'Settings');
  await expect(page.getByText('Passphrase; Custodian quorum, 2 of 3')).toBeVisible();
  await shots.take('unlocked by the quorum');
});
