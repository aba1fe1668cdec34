/**
 * Keyboard-only runs (Tab, Shift+Tab, Enter, Space, the arrows; no click, no
 * programmatic focus): the focus ring shows wherever focus lands.
 *
 * - A quorum vault's custodian shares delivered one medium at a time onto
 *   real FAT sticks: the folder typed, Enter writes and verifies, focus goes
 *   to Eject, then to the next share's folder, then to Finish.
 * - The emergency ceremony's custodian shares read the same way: Enter
 *   reads and checks a share, focus goes to Eject, then to the next folder,
 *   then to the line saying they are enough, and Tab reaches Next.
 * - The standalone-root wizard from the dashboard to the activated key, the
 *   algorithm chosen with the arrows, Escape closing it while nothing is
 *   written and ignored once it is.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { KeyView } from '../src-main/api/contract.ts';
import { expect, test } from './fixtures/test.ts';
import { must, openVaultService, seedEmergencyVault } from './support/emergency-seed.ts';
import { mountFatSticks, unmountFatSticks, type FatStick } from './support/fat-sticks.ts';
import { expectRing, judgedWithRing, tabAndPress, tabAndType, tabTo, unlockByKeyboard } from './support/keyboard.ts';
import { openSeeder } from './support/seed-keys.ts';
import { OFFICER, PASSPHRASE, ui } from './support/ui.ts';

test('keyboard only: a 2 of 2 quorum’s shares written one medium each, ejected, finished', async ({ host, shots, a11y }) => {
  test.setTimeout(480_000);
  const { page } = host;
  const u = ui(page);
  let sticks: FatStick[] = [];
  try {
    sticks = await mountFatSticks(host.workDir, ['KEY-A', 'KEY-B']);
    await expect(u.createHeading).toBeVisible();
    await tabAndType(page, u.officerName, OFFICER);
    await tabAndType(page, u.passphrase, PASSPHRASE);
    await tabAndType(page, u.confirm, PASSPHRASE);
    const withQuorum = page.getByRole('checkbox', { name: /quorum of custodians/ });
    await tabAndPress(page, withQuorum, 'Space');
    await expect(withQuorum).toBeChecked();
    await tabAndType(page, page.getByLabel('Shares needed to unlock (K)'), '2');
    await tabAndType(page, page.getByLabel('Custodians (N)'), '2');
    await tabAndType(page, page.getByLabel('Holder of share 1'), 'Ada Lovelace');
    await tabAndType(page, page.getByLabel('Holder of share 2'), 'Grace Hopper');
    await tabAndPress(page, u.createButton);
    // The passphrase's key derivation and two share sets on a machine shared by several runs: longer than the default wait.
    await expect(u.consoleHeading).toBeVisible({ timeout: 60_000 });

    for (const [i, holder] of ['Ada Lovelace', 'Grace Hopper'].entries()) {
      const n = i + 1;
      await expect(page.getByTestId('share-step')).toHaveText(`Insert the medium for share ${n} of 2 (holder ${holder})`);
      const folder = page.getByLabel(`Folder on the medium for share ${n}`);
      if (n === 1) await tabTo(page, folder);
      // After the first eject the focus is already in the next share's folder field.
      else await expect(folder).toBeFocused();
      await expectRing(page);
      await page.keyboard.type(sticks[i]!.mountpoint);
      // Enter in the folder field writes and verifies the share (the form's submit).
      await page.keyboard.press('Enter');
      await expect(page.getByTestId('share-written')).toContainText(`Share ${n} of 2 (holder ${holder}) written and read back`);
      // The form is gone; focus is on Eject, not lost at the top of the page.
      const eject = page.getByRole('button', { name: 'Eject', exact: true });
      await expect(eject).toBeFocused();
      if (n === 1) await judgedWithRing(page, a11y, shots, 'keyboard: share 1 written, Eject has the focus');
      await page.keyboard.press('Enter');
      await expect(page.getByTestId('safe-to-remove')).toBeVisible();
      await sticks[i]!.exited;
      if (n === 1) await judgedWithRing(page, a11y, shots, 'keyboard: ejected, the next share’s folder has the focus');
    }
    const finish = page.getByRole('button', { name: 'Finish: all 2 shares written' });
    await expect(finish).toBeFocused();
    await judgedWithRing(page, a11y, shots, 'keyboard: both shares written, Finish has the focus');
    await page.keyboard.press('Enter');
    const result = page.getByTestId('shares-delivery-result');
    await expect(result).toContainText('Every custodian share is written, each on its own medium');
    const done = result.getByRole('button', { name: 'Done' });
    await expect(done).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(result).toHaveCount(0);
    await expect(page.getByTestId('share-delivery')).toHaveCount(0);
    expect(sticks.map((s) => s.mountpoint).map((p) => readdirSync(p).length), 'ejected: nothing mounted there any more').toEqual([0, 0]);
  } finally {
    await unmountFatSticks(sticks);
  }
});

test('keyboard only: the emergency ceremony’s custodian shares read one medium each, ejected, on to the checklist', async ({ host, shots, a11y }) => {
  test.setTimeout(480_000);
  const { page } = host;
  let sticks: FatStick[] = [];
  try {
    sticks = await mountFatSticks(host.workDir, ['HOLDER-A', 'HOLDER-B']);
    const holders = ['Ada Lovelace', 'Grace Hopper', 'Edsger Dijkstra'];
    await seedEmergencyVault(host.vaultDir, host.workDir, 1, { threshold: 2, dirs: [sticks[0]!.mountpoint, sticks[1]!.mountpoint, join(host.workDir, 'HOLDER-C')], holders });
    await page.reload();
    await unlockByKeyboard(page);
    await tabAndPress(page, page.getByRole('button', { name: 'Emergency rotation…' }));
    await expect(page.getByRole('heading', { level: 2, name: 'Participants' })).toBeFocused();
    await tabAndType(page, page.getByLabel('Witness 1 name'), 'Bob Witness');
    const choice = page.getByTestId('witness-shares').getByRole('checkbox', { name: /Confirm with custodian shares/ });
    await tabAndPress(page, choice, 'Space');
    await expect(choice).toBeChecked();
    for (const [i, holder] of holders.slice(0, 2).entries()) {
      await expect(page.getByTestId('witness-share-step')).toHaveText(`Insert custodian share medium ${i + 1} of 2`);
      const folder = page.getByLabel(`Folder on the custodian's medium (share ${i + 1} of 2)`);
      if (i === 0) await tabTo(page, folder);
      else await expect(folder, 'after the eject the focus is in the next folder field').toBeFocused();
      await page.keyboard.type(sticks[i]!.mountpoint);
      await page.keyboard.press('Enter');
      await expect(page.getByTestId('witness-share-row').nth(i)).toContainText(`Share ${i + 1} of 3 — held by ${holder}`);
      await expect(page.getByRole('button', { name: 'Eject', exact: true })).toBeFocused();
      if (i === 0) await judgedWithRing(page, a11y, shots, 'keyboard: custodian share 1 read, Eject has the focus');
      await page.keyboard.press('Enter');
      await expect(page.getByTestId('safe-to-remove')).toBeVisible();
      await sticks[i]!.exited;
    }
    const enough = page.getByTestId('witness-shares-enough');
    await expect(enough).toContainText('2 custodian shares presented and checked');
    await expect(enough, 'after the last eject the focus is on the line that says the shares are enough').toBeFocused();
    await tabTo(page, page.getByRole('button', { name: 'Next: checklist' }));
    await judgedWithRing(page, a11y, shots, 'keyboard: both shares presented, Next focused');
    await page.keyboard.press('Enter');
    await expect(page.getByRole('heading', { level: 2, name: 'Checklist' })).toBeFocused();
  } finally {
    await unmountFatSticks(sticks);
  }
});

test.describe('with a vault', () => {
  test.use({ seedVault: { actor: 'Seed Officer', passphrase: PASSPHRASE } });

  test('keyboard only: the standalone-root wizard from the dashboard to the active key; Escape only before the key exists', async ({ host, shots, a11y }) => {
    test.setTimeout(300_000);
    const { page } = host;
    // A keyboard run with axe and screenshots at every look takes minutes on a shared machine: longer than the default idle lock.
    const seeder = await openSeeder(host.vaultDir);
    await seeder.call('settings.update', { autoLockMinutes: 60 });
    seeder.close();
    await unlockByKeyboard(page);
    const title = page.getByRole('heading', { level: 1, name: 'New standalone root' });
    const dashboard = page.getByRole('heading', { level: 1, name: 'Dashboard' });

    // Opened and closed with Escape: nothing typed is a change to the vault.
    await tabAndPress(page, page.getByRole('button', { name: 'New standalone root…' }));
    await expect(title).toBeVisible();
    await expect(page.getByRole('heading', { name: 'Step 1 of 5: Algorithm and subject' })).toBeFocused();
    await tabAndType(page, page.getByRole('textbox', { name: 'Key name' }), 'Keyboard Root 2026');
    await page.keyboard.press('Escape');
    await expect(dashboard).toBeVisible();

    await tabAndPress(page, page.getByRole('button', { name: 'New standalone root…' }), 'Enter', { back: true });
    await expect(title).toBeVisible();
    await tabAndType(page, page.getByRole('textbox', { name: 'Key name' }), 'Keyboard Root 2026');
    // The algorithm with the arrows: open with ArrowDown, move, Enter chooses.
    const algorithm = page.getByRole('combobox', { name: 'Algorithm' });
    await tabAndPress(page, algorithm, 'ArrowDown');
    await expect(page.getByRole('listbox')).toBeVisible();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await expect(page.getByRole('listbox')).toHaveCount(0);
    await expect(algorithm).toHaveText('ECDSA P-384');
    await expect(algorithm).toBeFocused();
    await tabAndType(page, page.getByRole('textbox', { name: 'Subject DN' }), 'CN=Keyboard Root 2026,O=Acme');
    // Shift+Tab back to the name, then forward again: the form is reachable both ways.
    await tabTo(page, page.getByRole('textbox', { name: 'Key name' }), { back: true });
    await tabTo(page, page.getByRole('spinbutton', { name: 'Validity (days)' }));
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('1825');
    await tabTo(page, page.getByRole('button', { name: 'Next' }));
    // Judged in both schemes at both sizes (full-page screenshots, resizes, theme switches): Next keeps the focus throughout, so Enter needs no Tab first.
    await judgedWithRing(page, a11y, shots, 'keyboard: root basics, Next focused');
    await expect(page.getByRole('button', { name: 'Next' })).toBeFocused();
    await page.keyboard.press('Enter');

    await expect(page.getByRole('heading', { name: 'Step 2 of 5: Create and self-sign' })).toBeFocused();
    await tabAndPress(page, page.getByRole('button', { name: 'Create key and self-sign' }));
    await expect(page.getByRole('heading', { name: 'Step 3 of 5: Review' })).toBeFocused();
    // The key exists: Escape does nothing now.
    await page.keyboard.press('Escape');
    await expect(title).toBeVisible();
    await tabAndPress(page, page.getByRole('button', { name: 'Next' }));
    await expect(page.getByRole('heading', { name: 'Step 4 of 5: Activate' })).toBeFocused();
    await tabTo(page, page.getByRole('button', { name: 'Activate Keyboard Root 2026' }));
    await judgedWithRing(page, a11y, shots, 'keyboard: activate focused');
    await expect(page.getByRole('button', { name: 'Activate Keyboard Root 2026' })).toBeFocused();
    await page.keyboard.press('Enter');
    await tabAndPress(page, page.getByRole('button', { name: 'Finish without exporting' }));
    await expect(dashboard).toBeVisible();

    const s = await openVaultService(host.vaultDir);
    try {
      const keys = await must<KeyView[]>(s, 'key.list', {});
      expect(keys.find((k) => k.name === 'Keyboard Root 2026')).toMatchObject({ state: 'active', algorithm: 'ecdsa-p384', subject: 'CN=Keyboard Root 2026,O=Acme' });
    } finally {
      s.session.lock(null);
    }
  });
});
