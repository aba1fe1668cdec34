import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { mountFat, type FatMount } from '../src-main/testing/fat-testkit.ts';
import { mountFatSticks, unmountFatSticks } from './support/fat-sticks.ts';
import { expect, test } from './fixtures/test.ts';
import { OFFICER, PASSPHRASE, openSection, ui, vaultIdOnDisk } from './support/ui.ts';


test('quorum vault (2 of 3): each share written to its own medium, verified and ejected; stopping early says what it means; the written shares unlock', async ({ host, everyLook }) => {
  // Two real FAT mounts, two ejects, and axe plus screenshots at four sizes and schemes for several states: more than a minute on a busy machine.
  test.setTimeout(480_000);
  const { page } = host;
  const u = ui(page);
  let sticks: FatMount[] = [];
  try {
    sticks = await mountFatSticks(host.workDir, ['STICK-A', 'STICK-B']);
    const images = sticks.map((s) => s.image);
    const points = sticks.map((s) => s.mountpoint);

    await u.officerName.fill(OFFICER);
    await u.passphrase.fill(PASSPHRASE);
    await u.confirm.fill(PASSPHRASE);
    await page.getByLabel(/quorum of custodians/).check();
    await page.getByLabel('Shares needed to unlock (K)').fill('2');
    await page.getByLabel('Custodians (N)').fill('3');
    await expect(page.getByLabel('Folder for the share files'), 'no one folder for every share').toHaveCount(0);
    await page.getByLabel('Holder of share 1').fill('Ada Lovelace');
    await page.getByLabel('Holder of share 2').fill('Grace Hopper');
    await page.getByLabel('Holder of share 3').fill('Edsger Dijkstra');
    await everyLook('create vault with a 2 of 3 quorum and holders');
    await u.createButton.click();

    await expect(u.consoleHeading).toBeVisible();
    const delivery = page.getByTestId('share-delivery');
    await expect(delivery).toContainText('Any 2 of the 3 shares unlock the vault');
    await expect(page.getByTestId('share-step')).toHaveText('Insert the medium for share 1 of 3 (holder Ada Lovelace)');
    await expect(page.getByTestId('share-row')).toHaveCount(3);
    await everyLook('insert the medium for share 1');

    // Share 1: write and verify, then eject through the platform (fusermount -u).
    await page.getByLabel('Folder on the medium for share 1').fill(points[0]!);
    await page.getByRole('button', { name: 'Write and verify share 1' }).click();
    await expect(page.getByTestId('share-written')).toContainText('Share 1 of 3 (holder Ada Lovelace) written and read back');
    await expect(page.getByTestId('eject-first')).toBeVisible();
    await expect(page.getByLabel('Folder on the medium for share 2'), 'the next share waits for the eject').toHaveCount(0);
    await everyLook('share 1 written, eject first');
    await page.getByRole('button', { name: 'Eject', exact: true }).click();
    await expect(page.getByTestId('safe-to-remove')).toBeVisible();
    await sticks[0]!.exited;

    // Share 2 into the folder share 1 went to: refused, next to the field.
    await expect(page.getByTestId('share-step')).toHaveText('Insert the medium for share 2 of 3 (holder Grace Hopper)');
    await page.getByLabel('Folder on the medium for share 2').fill(points[0]!);
    await page.getByRole('button', { name: 'Write and verify share 2' }).click();
    await expect(u.apiError).toContainText('Each share goes to its own medium');
    await everyLook('share 2 refused: same medium as share 1');
    await page.getByLabel('Folder on the medium for share 2').fill(points[1]!);
    await expect(u.apiError, 'the refusal is cleared when the folder is edited').toHaveCount(0);
    await page.getByRole('button', { name: 'Write and verify share 2' }).click();
    await expect(page.getByTestId('share-written')).toContainText('Share 2 of 3 (holder Grace Hopper)');
    await page.getByRole('button', { name: 'Eject', exact: true }).click();
    await expect(page.getByTestId('safe-to-remove')).toBeVisible();
    await sticks[1]!.exited;

    // Stop with share 3 unwritten: the dialog names it and its holder, and what it means.
    await expect(page.getByTestId('share-step')).toHaveText('Insert the medium for share 3 of 3 (holder Edsger Dijkstra)');
    await page.getByRole('button', { name: 'Stop writing shares…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Stop with 1 share not written?' });
    await expect(dialog).toContainText('Share 3 of 3 (holder Edsger Dijkstra)');
    await expect(dialog).toContainText('any 2 of the 2 shares written');
    await everyLook('stop writing shares?');
    await dialog.getByRole('button', { name: 'Stop and give up 1 share' }).click();
    const result = page.getByTestId('shares-delivery-result');
    await expect(result).toContainText('1 of 3 shares not written');
    await expect(result).toContainText('Share 3 of 3 (holder Edsger Dijkstra): not written — gone');
    await expect(result).toContainText('tolerates 0 lost shares instead of 1');
    await everyLook('shares delivery ended with one share not written');

    // The two written shares, read back from the media, unlock the vault.
    await u.lockButton.click();
    await expect(u.unlockHeading).toBeVisible();
    for (let i = 0; i < 2; i++) sticks[i] = await mountFat(images[i]!, points[i]!, { readOnly: true });
    const files = points.map((p) => readdirSync(p));
    expect(files.map((f) => f.length), 'one share on each medium').toEqual([1, 1]);
    await u.officerName.fill(OFFICER);
    await page.getByRole('radio', { name: 'Custodian shares' }).check();
    await u.shareInput.setInputFiles(join(points[0]!, files[0]![0]!));
    await u.shareInput.setInputFiles(join(points[1]!, files[1]![0]!));
    await expect(u.sharesNeeded).toHaveText('2 of 2 share files chosen: enough to unlock.');
    await u.unlockButton.click();
    await expect(u.consoleHeading).toBeVisible();
    await expect(u.vaultId).toHaveText(vaultIdOnDisk(host.vaultDir));
    await expect(page.getByTestId('share-delivery'), 'nothing is held after a new unlock').toHaveCount(0);
    await openSection(page, 'Settings');
    await expect(page.getByText('Passphrase; Custodian quorum, 2 of 3')).toBeVisible();
  } finally {
    await unmountFatSticks(sticks);
  }
});
