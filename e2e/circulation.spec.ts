/**
 * What is out in the field, on the dashboard: a package exported to the medium FLEET-07 on day 1,
 * Fleet Root 2025 compromised on day 2 (emergency rotation) and the rotation exported to a second
 * medium. The dashboard raises a red alert naming the compromised key and the medium, lists both
 * media with their identity ("unknown" where the platform gives none) and shows the rotation timeline;
 * marking FLEET-07 destroyed (confirmed) clears the alert. Seeded through the real dispatch; the
 * media are real folders. Screenshots at both laptop sizes, light and dark; axe clean.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from './fixtures/test.ts';
import { activeRoot, DAY_MS, openSeeder } from './support/seed-keys.ts';
import { PASSPHRASE, unlockWithPassphrase } from './support/ui.ts';

test.use({ seedVault: { actor: 'Seed Officer', passphrase: PASSPHRASE } });

test('media in circulation: the red alert while FLEET-07 still trusts the compromised root, the media, the timeline, and marking it destroyed', async ({ host, shots, a11y, everyLook }) => {
  test.setTimeout(240_000);
  const { page } = host;
  const fleet07 = join(host.workDir, 'FLEET-07');
  const fleet08 = join(host.workDir, 'FLEET-08');
  mkdirSync(fleet07);
  mkdirSync(fleet08);
  const s = await openSeeder(host.vaultDir);
  await activeRoot(s, 'Fleet Root 2025');
  await s.call('export.media', { to: fleet07 });
  await s.advance(DAY_MS);
  const next = await s.call('key.create', { name: 'Fleet Root 2026', algorithm: 'ecdsa-p256' });
  await s.call('key.selfSign', { key: next.id, subject: 'CN=Fleet Root 2026,O=Acme' });
  await s.call('key.activate', { key: next.id, emergency: true, witnesses: ['Bob Witness'] });
  await s.call('export.media', { to: fleet08 });
  s.close();
  await host.advanceClock(DAY_MS);

  await unlockWithPassphrase(page);
  const alert = page.getByTestId('circulation-alert-compromise');
  await expect(alert).toBeVisible();
  await expect(alert).toContainText('Media in circulation still trust compromised Fleet Root 2025 (export of');
  await expect(alert).toContainText(`folder ${fleet07})`);
  await expect(alert).not.toContainText('FLEET-08');
  await expect(page.getByText('Nothing needs attention.')).toHaveCount(0);

  const panel = page.getByTestId('circulation-panel');
  await expect(panel.getByTestId('circulation-medium-1')).toContainText('Trusts a compromised key');
  await expect(panel.getByTestId('circulation-medium-1')).toContainText('Label unknown · UUID unknown · serial unknown');
  await expect(panel.getByTestId('circulation-medium-1')).toContainText('bundle version 1');
  await expect(panel.getByTestId('circulation-medium-2')).toContainText('bundle version 2');
  await expect(panel.getByTestId('circulation-medium-2')).not.toContainText('Trusts a');
  const timeline = panel.getByTestId('timeline-entry');
  await expect(timeline).toHaveCount(5);
  await expect(timeline.nth(0)).toContainText('Activated Fleet Root 2025');
  await expect(timeline.nth(1)).toContainText('Export 1 to folder');
  await expect(timeline.nth(1)).toContainText('still out, trusts a compromised key');
  await expect(timeline.nth(2)).toContainText('Activated Fleet Root 2026');
  await expect(timeline.nth(3)).toContainText('Retired for compromise Fleet Root 2025');
  await expect(timeline.nth(4)).toContainText('Export 2 to folder');

  // Two shots at each look: the window as it opens, the alert in view; then the whole page with the panel. Both from the
  // top: scrolled down, a full-page shot draws the sticky app bar in the middle of the page.
  await everyLook('dashboard with media in circulation', {
    scrollTop: true,
    each: async ({ label }) => {
      await expect(alert).toBeInViewport();
      await shots.take(`circulation alert ${label}`, { fullPage: false });
      await expect(panel).toBeVisible();
    },
  });

  // Keyboard only: the button, the dialog, Cancel first, then confirm.
  await page.getByRole('button', { name: 'Mark destroyed, export 1' }).focus();
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: 'Mark the medium destroyed?' });
  await expect(dialog).toContainText('Say so only once the medium has been destroyed.');
  await a11y.check('mark destroyed dialog');
  await shots.take('circulation mark destroyed dialog');
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(alert).toBeVisible();
  await page.getByRole('button', { name: 'Mark destroyed, export 1' }).click();
  await dialog.getByRole('button', { name: 'Mark destroyed' }).click();
  await expect(dialog).toBeHidden();
  await expect(alert).toBeHidden();
  await expect(panel.getByTestId('circulation-medium-1')).toHaveCount(0);
  await expect(timeline.nth(1)).toContainText('— destroyed');
  await shots.take('circulation after destroyed');
});
