import { expect, test } from './fixtures/test.ts';
import { LAPTOP_SIZES } from './support/evidence.ts';
import { seedEveryState } from './support/seed-keys.ts';
import { OFFICER, PASSPHRASE, openSection, ui, unlockWithPassphrase } from './support/ui.ts';

test.use({ seedVault: { actor: 'Seed Officer', passphrase: PASSPHRASE } });

test('dashboard shows one key in every state, the right alerts, and resumes a draft', async ({ host, shots, a11y, everyLook }) => {
  test.setTimeout(180_000);
  const { page } = host;
  const seeded = await seedEveryState(host.vaultDir);
  await host.advanceClock(seeded.ahead);

  await unlockWithPassphrase(page);
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
  const active = page.getByTestId('key-card-active');
  await expect(active).toContainText('Root 2026');
  await expect(active.getByTestId('key-id')).toHaveAttribute('data-key-id', seeded.active);
  await expect(active.getByTestId('active-health')).toContainText('all checks pass');

  const trusted = page.getByTestId('key-card-trusted');
  await expect(trusted).toHaveCount(1);
  await expect(trusted).toContainText('Root 2025');
  // 30 days from the service's clock, which the seeding moved 2 days ahead; the page counts from its own (real) clock.
  await expect(trusted.getByTestId('trusted-window')).toContainText(/3[01] days left/);

  const drafts = page.getByTestId('key-card-draft');
  await expect(drafts).toHaveCount(2);
  await expect(drafts.filter({ hasText: 'Agents CA draft' })).toContainText('Waiting for its signed chain');
  await expect(drafts.filter({ hasText: 'Root 2027 draft' })).toContainText('Self-signed, waiting to be activated');

  const alerts = page.getByTestId('dashboard-alert');
  await expect(alerts.filter({ hasText: 'Root 2027 draft has its certificate but is not active yet' })).toHaveCount(1);
  await expect(alerts.filter({ hasText: 'No active signing key' })).toHaveCount(0);
  await expect(alerts.filter({ hasText: 'audit chain is broken' })).toHaveCount(0);
  await expect(alerts.filter({ hasText: 'No CRL published yet for Root 2026' })).toHaveCount(1);
  await expect(page.getByText('Nothing has been exported from this vault yet.')).toBeVisible();

  // Alerts ranked by severity: errors, then warnings, then the one-line notes below the active key.
  const rank = { error: 0, warning: 1, info: 2 } as const;
  const order = (await alerts.evaluateAll((ns) => ns.map((n) => n.getAttribute('data-severity')))) as (keyof typeof rank)[];
  expect(order.length).toBeGreaterThan(0);
  expect(order.map((x) => rank[x])).toEqual([...order.map((x) => rank[x])].sort((a, b) => a - b));
  // One primary button; the emergency rotation in its own danger area, apart from the routine ceremonies.
  const ceremonies = page.getByTestId('ceremonies');
  await expect(ceremonies.locator('.MuiButton-contained')).toHaveCount(1);
  await expect(ceremonies.getByRole('button', { name: 'Emergency rotation…' })).toHaveCount(0);
  await expect(page.getByRole('region', { name: 'Key compromised?' }).getByRole('button', { name: 'Emergency rotation…' })).toBeVisible();
  // No button breaks onto a second line at 1200 px (the default window) nor at the laptop sizes; the active key is above the fold.
  await everyLook('dashboard', {
    sizes: [{ width: 1200, height: 800 }, ...LAPTOP_SIZES],
    scrollTop: true,
    each: async ({ size }) => {
      const heights = await page.getByRole('main').getByRole('button').evaluateAll((bs) => bs.filter((b) => b.classList.contains('MuiButton-root')).map((b) => b.getBoundingClientRect().height));
      expect(Math.max(...heights), `buttons on one line at ${size.width} px`).toBeLessThan(48);
      const card = (await active.boundingBox())!;
      expect(card.y + card.height, `the active key above the fold at ${size.width}x${size.height}`).toBeLessThanOrEqual(size.height);
    },
  });

  // Retired keys are folded away until the officer opens them.
  const retiredCard = page.getByTestId('key-card-retired');
  await expect(retiredCard).toBeHidden();
  await a11y.check('dashboard');
  await shots.take('dashboard');
  await page.getByRole('button', { name: 'Retired keys (1)' }).click();
  await expect(retiredCard).toBeVisible();
  await expect(retiredCard).toContainText('Root 2024');
  await shots.take('dashboard, retired keys open');

  await page.getByRole('button', { name: 'Resume Agents CA draft' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'New sub-CA key' })).toBeVisible();
  await expect(page.getByRole('heading', { name: /Step 4 of 7: Import the signed chain/ })).toBeVisible();
  await expect(page.getByText('Chain for Agents CA draft')).toBeVisible();
  await a11y.check('sub-CA wizard resumed at chain import');
  await page.getByRole('button', { name: 'Close wizard' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
});

test('dashboard of an empty vault says there is no active key', async ({ host, a11y }, testInfo) => {
  const { page } = host;
  await unlockWithPassphrase(page);
  await expect(page.getByTestId('dashboard-alert').filter({ hasText: 'No active signing key' })).toBeVisible();
  // Window open -> unlock screen -> typed credentials -> dashboard with its data loaded (the test types instantly).
  testInfo.annotations.push({ type: 'window open to unlocked dashboard (ms, OWASP-minimum KDF)', description: (performance.now() - host.openStartedAt).toFixed(0) });
  await expect(page.getByTestId('key-card-active')).toHaveCount(0);
  await a11y.check('dashboard, empty vault');
});

test('signing keys table: only the actions each state allows; retire refused inside the window, forced with a reason; promote', async ({ host, shots, a11y }) => {
  const { page } = host;
  const seeded = await seedEveryState(host.vaultDir);
  await host.advanceClock(seeded.ahead);
  await unlockWithPassphrase(page);
  await openSection(page, 'Signing keys');

  const row = (name: string) => page.getByTestId('key-row').filter({ hasText: name });
  await expect(page.getByTestId('key-row')).toHaveCount(5);
  await expect(row('Root 2026').getByTestId('state-chip')).toHaveText('Active');
  await expect(row('Root 2025').getByTestId('state-chip')).toHaveText('Trusted');
  await expect(row('Root 2024').getByTestId('state-chip')).toHaveText('Retired');
  await expect(row('Agents CA draft').getByTestId('state-chip')).toHaveText('Draft');
  await expect(row('Root 2026').getByRole('button', { name: /Retire|Promote|Activate/ })).toHaveCount(0);
  await expect(row('Root 2025').getByRole('button', { name: 'Retire Root 2025' })).toBeVisible();
  await expect(row('Root 2025').getByRole('button', { name: /Promote|Activate/ })).toHaveCount(0);
  await expect(row('Root 2024').getByRole('button', { name: 'Promote Root 2024' })).toBeVisible();
  await expect(row('Agents CA draft').getByRole('button', { name: 'Activate Agents CA draft' })).toHaveCount(0);
  await expect(row('Root 2027 draft').getByRole('button', { name: 'Activate Root 2027 draft' })).toBeVisible();
  await expect(row('Root 2026').getByTestId('key-id')).toHaveAttribute('data-key-id', seeded.active);
  await a11y.check('signing keys');
  await shots.take('signing keys table');

  await row('Root 2025').getByRole('button', { name: 'Retire Root 2025' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText('Retire key: Root 2025');
  await dialog.getByRole('button', { name: 'Retire', exact: true }).click();
  await expect(dialog.getByTestId('api-error')).toContainText('RETIRE_REFUSED_WINDOW');
  await expect(dialog.getByTestId('api-error')).toContainText('is trusted until');
  await a11y.check('retire refused');
  await shots.take('retire refused inside the trusted window');
  const anyway = dialog.getByRole('button', { name: 'Retire anyway' });
  await expect(anyway).toBeDisabled();
  await dialog.getByLabel('Reason for retiring anyway').fill('Root 2025 moved to a new HSM; agents were updated by hand.');
  await anyway.click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('key-action-done')).toHaveText('Root 2025: retired.');
  await expect(row('Root 2025').getByTestId('state-chip')).toHaveText('Retired');

  await row('Root 2024').getByRole('button', { name: 'Promote Root 2024' }).click();
  await expect(dialog.getByLabel('Trusted for (days)')).toHaveValue('30');
  await dialog.getByLabel('Trusted for (days)').fill('7');
  await a11y.check('promote dialog');
  await dialog.getByRole('button', { name: 'Promote', exact: true }).click();
  await expect(dialog).toBeHidden();
  await expect(row('Root 2024').getByTestId('state-chip')).toHaveText('Trusted');
  await expect(row('Root 2024')).toContainText(/[78] days left/);
  await shots.take('after retire and promote');
});

test('settings: policies saved, the last slot cannot be removed, passphrase changed and used to unlock', async ({ host, shots, a11y }) => {
  const { page } = host;
  const u = ui(page);
  await unlockWithPassphrase(page);
  await openSection(page, 'Settings');
  await a11y.check('settings');
  await shots.take('settings');

  await expect(page.getByLabel('Trusted window (days)')).toHaveValue('30');
  await page.getByLabel('Trusted window (days)').fill('45');
  await page.getByLabel('CRL validity (days)').fill('10');
  await page.getByLabel('Auto-lock (minutes)').fill('7');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByTestId('settings-saved')).toHaveText('Saved.');
  await expect(page.getByText('after 7 minutes without activity')).toBeVisible();

  // A value the api refuses: its message, and the officer's input stays.
  await page.getByLabel('CRL validity (days)').fill('400');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByTestId('api-error')).toContainText('INVALID_INPUT');
  await expect(page.getByLabel('CRL validity (days)')).toHaveValue('400');
  await page.getByLabel('CRL validity (days)').fill('10');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByTestId('settings-saved')).toHaveText('Saved.');
  await expect(page.getByTestId('api-error')).toHaveCount(0);

  // The only slot offers no Remove (the api would refuse it with LAST_SLOT): it says why instead.
  await expect(page.getByTestId('key-slot')).toHaveCount(1);
  await expect(page.getByRole('button', { name: /^Remove slot/ })).toHaveCount(0);
  await expect(page.getByTestId('last-slot-note')).toHaveText('The only slot: add another to remove it');

  const next = 'a much longer new passphrase 2026';
  await page.getByRole('textbox', { name: 'New passphrase', exact: true }).fill(next);
  await page.getByRole('textbox', { name: 'Confirm new passphrase', exact: true }).fill(next.slice(0, -1));
  await expect(page.getByRole('button', { name: 'Change passphrase' })).toBeDisabled();
  await page.getByRole('textbox', { name: 'Confirm new passphrase', exact: true }).fill(next);
  await a11y.check('settings, new passphrase typed');
  await page.getByRole('button', { name: 'Change passphrase' }).click();
  await expect(page.getByTestId('passphrase-changed')).toContainText('Passphrase changed');
  await shots.take('settings saved and passphrase changed');

  await u.lockButton.click();
  await expect(u.unlockHeading).toBeVisible();
  await u.officerName.fill(OFFICER);
  await u.passphrase.fill(PASSPHRASE);
  await u.unlockButton.click();
  await expect(page.getByTestId('field-refusal')).toHaveAttribute('data-code', 'WRONG_PASSPHRASE');
  await unlockWithPassphrase(page, OFFICER, next);
  await openSection(page, 'Settings');
  await expect(page.getByLabel('Trusted window (days)')).toHaveValue('45');
  await expect(page.getByLabel('CRL validity (days)')).toHaveValue('10');
});
