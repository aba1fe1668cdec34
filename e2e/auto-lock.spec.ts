import { expect, test } from './fixtures/test.ts';
import { OFFICER, PASSPHRASE, ui, unlockWithPassphrase } from './support/ui.ts';

const FIVE_MINUTES_AND_A_BIT = 5 * 60_000 + 1_000;

test.describe('auto-lock', () => {
  test.use({ seedVault: { actor: 'Seed Officer', passphrase: PASSPHRASE } });

  test("the shell's idle timer locks the vault and the window returns to Unlock with the reason", async ({ host, shots, a11y }) => {
    const { page } = host;
    const u = ui(page);
    await unlockWithPassphrase(page);
    await shots.take('unlocked');

    await host.advanceClock(FIVE_MINUTES_AND_A_BIT);
    await host.runIdleCheck();

    await expect(u.unlockHeading).toBeVisible();
    await expect(u.lockedReason).toHaveText('The vault was locked after 5 minutes without activity.');
    await expect(u.lockButton).toHaveCount(0);
    // The officer only retypes the passphrase: the name is offered again and the passphrase field has the focus.
    await expect(u.officerName).toHaveValue(OFFICER);
    await expect(u.passphrase).toBeFocused();
    await a11y.check('unlock after auto-lock');
    await shots.take('auto-locked, reason shown');

    await unlockWithPassphrase(page);
    await expect(u.lockedReason).toHaveCount(0);
  });

  test("the window's 10 s status poll notices an idle lock on its own", async ({ host, shots }) => {
    const { page } = host;
    const u = ui(page);
    await page.clock.install();
    await unlockWithPassphrase(page);

    await host.advanceClock(FIVE_MINUTES_AND_A_BIT);
    await page.clock.runFor(10_000);

    await expect(u.unlockHeading).toBeVisible();
    await expect(u.lockedReason).toHaveText('The vault was locked after 5 minutes without activity.');
    await shots.take('auto-locked by the poll');
  });
});
