import { expect, test } from './fixtures/test.ts';
import { OFFICER, PASSPHRASE, ui, unlockWithPassphrase, vaultIdOnDisk } from './support/ui.ts';
import type { PageGlobals } from './page-globals.ts';

test.describe('unlock and lock', () => {
  test.use({ seedVault: { actor: 'Seed Officer', passphrase: PASSPHRASE } });

  test('unlock, lock, a wrong passphrase shows the error and keeps the name, the right one opens', async ({ host, shots, a11y }, testInfo) => {
    const { page } = host;
    const u = ui(page);

    await expect(u.unlockHeading).toBeVisible();
    await expect(page.getByTestId('locked-vault-id')).toHaveText(vaultIdOnDisk(host.vaultDir));
    await a11y.check('unlock');
    await shots.take('unlock screen');

    await unlockWithPassphrase(page);
    const openToConsoleMs = performance.now() - host.openStartedAt;
    testInfo.annotations.push({ type: 'window open to unlocked console (ms, OWASP-minimum KDF)', description: openToConsoleMs.toFixed(0) });
    await expect(u.vaultId).toHaveText(vaultIdOnDisk(host.vaultDir));

    await u.lockButton.click();
    await expect(u.unlockHeading).toBeVisible();
    await expect(u.lockedReason).toHaveCount(0);
    await shots.take('locked by the officer');

    await u.officerName.fill(OFFICER);
    await u.passphrase.fill('not the passphrase at all');
    await u.unlockButton.click();
    // Said under the passphrase field, and gone once the passphrase is edited.
    await expect(page.getByTestId('field-refusal')).toHaveAttribute('data-code', 'WRONG_PASSPHRASE');
    await expect(u.passphrase).toHaveAttribute('aria-invalid', 'true');
    await expect(u.apiError).toHaveCount(0);
    await expect(u.officerName).toHaveValue(OFFICER);
    await expect(u.unlockHeading).toBeVisible();
    await a11y.check('unlock, wrong passphrase');
    await shots.take('wrong passphrase');

    await u.passphrase.fill(PASSPHRASE);
    await expect(page.getByTestId('field-refusal')).toHaveCount(0);
    await expect(u.passphrase).not.toHaveAttribute('aria-invalid', 'true');
    await u.passphrase.press('Enter');
    await expect(u.consoleHeading).toBeVisible();
    await expect(page.getByTestId('actor')).toHaveText(OFFICER);
    await shots.take('unlocked again');
  });

  test('keyboard only: tab to each field and unlock with Enter', async ({ host }) => {
    const { page } = host;
    const u = ui(page);
    await expect(u.officerName).toBeFocused();
    await page.keyboard.type(OFFICER);
    await page.keyboard.press('Tab');
    await expect(u.passphrase).toBeFocused();
    await page.keyboard.type(PASSPHRASE);
    await page.keyboard.press('Enter');
    await expect(u.consoleHeading).toBeVisible();
    await u.lockButton.focus();
    await page.keyboard.press('Enter');
    await expect(u.unlockHeading).toBeVisible();
  });
});

test.describe('dark theme', () => {
  test.use({ seedVault: { actor: 'Seed Officer', passphrase: PASSPHRASE }, colorScheme: 'dark' });

  test('follows the OS colour scheme', async ({ host, shots, a11y }) => {
    const { page } = host;
    await expect(ui(page).unlockHeading).toBeVisible();
    const bg = await page.evaluate(() => {
      const g = globalThis as unknown as PageGlobals;
      return g.getComputedStyle(g.document.body).backgroundColor;
    });
    expect(bg).toBe('rgb(18, 18, 18)');
    await a11y.check('unlock, dark');
    await shots.take('unlock screen, dark');
    await unlockWithPassphrase(page);
    await a11y.check('console, dark');
    await shots.take('console, dark');
  });
});

test.describe('with the production KDF cost', () => {
  test.use({ seedVault: { actor: 'Seed Officer', passphrase: PASSPHRASE }, kdfCost: 'production' });

  test('time from window open to an unlocked console', async ({ host }, testInfo) => {
    const { page } = host;
    const u = ui(page);
    // waitFor() polls on every animation frame; expect() backs off up to 1 s between tries, too coarse for a timing.
    await u.unlockHeading.waitFor();
    const readyMs = performance.now() - host.openStartedAt;
    await u.officerName.fill(OFFICER);
    await u.passphrase.fill(PASSPHRASE);
    const clickedAt = performance.now();
    await u.unlockButton.click();
    await u.consoleHeading.waitFor();
    const unlockMs = performance.now() - clickedAt;
    const totalMs = performance.now() - host.openStartedAt;
    const line = `window open to unlock screen ${readyMs.toFixed(0)} ms; Unlock click to console ${unlockMs.toFixed(0)} ms; window open to unlocked console ${totalMs.toFixed(0)} ms`;
    testInfo.annotations.push({ type: `timing (${host.kind}, production Argon2id cost)`, description: line });
    console.log(`[timing] ${host.kind}: ${line}`);
  });
});
