/**
 * Every wizard's first step at the two laptop sizes, light and dark, for a
 * person to open and judge; each shot also asserts the step heading and the
 * close button are on screen at that size.
 */
import { expect, test } from './fixtures/test.ts';
import { LAPTOP_SIZES } from './support/evidence.ts';
import { copyCaVault } from './support/seed-ca.ts';
import { unlockWithPassphrase } from './support/ui.ts';

const WIZARDS = [
  { button: 'New sub-CA key…', title: 'New sub-CA key', tone: 'routine' },
  { button: 'New standalone root…', title: 'New standalone root', tone: 'routine' },
  { button: 'Issue from media…', title: 'Issue from media', tone: 'routine' },
  { button: 'Export…', title: 'Export to removable media', tone: 'routine' },
  { button: 'Emergency rotation…', title: 'Emergency rotation ceremony', tone: 'danger' },
] as const;


test('every wizard at 1024x768 and 1280x720, light and dark', async ({ host, everyLook }) => {
  test.setTimeout(240_000);
  const { page } = host;
  await copyCaVault(host.vaultDir);
  await page.reload();
  await unlockWithPassphrase(page);
  for (const w of WIZARDS) {
    await page.setViewportSize(LAPTOP_SIZES[1]);
    await page.getByRole('button', { name: w.button }).click();
    await expect(page.getByRole('heading', { level: 1, name: w.title })).toBeVisible();
    // One close control, named and drawn the same in every wizard; the emergency ceremony alone has the red danger accent.
    const close = page.getByRole('button', { name: 'Close wizard' });
    await expect(close).toHaveCount(1);
    await expect(close).toHaveClass(/MuiButton-outlined/);
    await expect(page.getByRole('button', { name: /^(Close|Cancel|Stop the ceremony)$/ })).toHaveCount(0);
    await expect(page.getByTestId('wizard-frame')).toHaveAttribute('data-tone', w.tone);
    await expect(page.getByTestId('danger-band')).toHaveCount(w.tone === 'danger' ? 1 : 0);
    await everyLook(w.title, { each: () => expect(page.getByRole('heading', { level: 2, name: /^Step 1 of/ })).toBeInViewport() });
    await page.getByRole('button', { name: 'Close wizard' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
  }
});
