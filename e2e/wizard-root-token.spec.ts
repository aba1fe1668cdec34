/**
 * A root key made on a real SoftHSM2 token through the wizard: the worker's
 * SoftHSM2 folder (support/softhsm-tokens.ts: set before this process first
 * loads the module, the chromium host's dispatch runs here), the vault's
 * pkcs11Module setting pointing at SoftHSM2, a wrong PIN refused in officer
 * words, then the right PIN; the keys table and the dashboard say where the
 * key lives. Then the emergency ceremony's own new root, made on the same
 * token from its new-key step (the module is loaded once per process, so the
 * ceremony shares the worker's SoftHSM2 folder and this file's token).
 */
import type { AuditEventView, KeyView } from '../src-main/api/contract.ts';
import { test, expect } from './fixtures/test.ts';
import { acknowledgeAll, activateAndSkipExport, openCeremony, pressOn, typeInto } from './support/ceremony.ts';
import { must, openVaultService, seedEmergencyVault } from './support/emergency-seed.ts';
import { openSeeder } from './support/seed-keys.ts';
import { PASSPHRASE, openSection, unlockWithPassphrase } from './support/ui.ts';
import { SOFTHSM_MODULE } from '../src-main/testing/softhsm.ts';
import { e2eToken } from './support/softhsm-tokens.ts';
import { removeTempDirs } from '../src-main/testing/temp-dir.ts';

const TOKEN = e2eToken('officer-token');
test.afterAll(removeTempDirs);

test.use({ seedVault: { actor: 'Seed Officer', passphrase: PASSPHRASE } });

test('standalone root on a token: pick it by label and serial, a wrong PIN refused, the key on the keys table and the dashboard', async ({ host, everyLook }) => {
  // Twelve screens, each judged by axe at two sizes and two schemes: more than the default minute on a shared machine
  // (180 s ran out at load average 28 after the keys table).
  test.setTimeout(300_000);
  const { page } = host;
  const seeder = await openSeeder(host.vaultDir);
  await seeder.call('settings.update', { pkcs11Module: SOFTHSM_MODULE });
  seeder.close();

  await unlockWithPassphrase(page);
  await page.getByRole('button', { name: 'New standalone root…' }).click();
  await page.getByLabel('Key name').fill('Token Root 2026');
  await page.getByLabel('Subject DN').fill('CN=Acme Token Root 2026,O=Acme');
  await page.getByRole('radio', { name: /On a hardware token/ }).check();
  await page.getByRole('combobox', { name: 'Token' }).click();
  await page.getByRole('option', { name: `officer-token (serial ${TOKEN.serial})` }).click();
  const pin = page.getByLabel('Token PIN');
  await expect(pin).toHaveAttribute('type', 'password');
  await pin.fill('999999');
  await everyLook('token choice');
  // The token tries the PIN on Next: refused here, under the PIN field, the field emptied; nothing was created.
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(page.getByRole('heading', { name: /^Step 1 of \d: Algorithm and subject$/ })).toBeVisible();
  await expect(pin).toHaveValue('');
  await expect(pin).toHaveAttribute('aria-invalid', 'true');
  await expect(pin).toHaveAccessibleDescription('The token refused this PIN. Type its user PIN again and press Next; after a few wrong tries the token locks its PIN.');
  await expect(page.getByTestId('field-refusal')).toHaveAttribute('data-code', 'TOKEN_PIN_INCORRECT');
  await expect(page.getByTestId('token-refusal')).toHaveCount(0);
  await everyLook('token: wrong PIN at its field');
  expect(await page.evaluate(async () => {
    const r = await (globalThis as unknown as { airgap: Record<string, (i: unknown) => Promise<{ ok: boolean; value?: unknown[] }>> }).airgap['key.list']!({});
    return r.value?.length;
  })).toBe(0);
  // Typing again clears the refusal; the token choice stayed.
  await expect(page.getByRole('combobox', { name: 'Token' })).toContainText(`officer-token (serial ${TOKEN.serial})`);
  await pin.fill(TOKEN.pin);
  await expect(pin).toHaveAttribute('aria-invalid', 'false');
  await expect(page.getByTestId('field-refusal')).toHaveCount(0);
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(page.getByTestId('key-location')).toHaveText(`On token officer-token (serial ${TOKEN.serial}): generated there, it never leaves the token`);
  // Handed over, the PIN left the page: Back shows the field empty.
  await page.getByRole('button', { name: 'Back' }).click();
  await expect(pin).toHaveValue('');
  await expect(pin).toHaveAttribute('aria-invalid', 'false');
  await pin.fill(TOKEN.pin);
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('button', { name: 'Create key and self-sign' }).click();
  await expect(page.getByRole('heading', { name: /Review/ })).toBeVisible();
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('button', { name: 'Activate Token Root 2026' }).click();
  await page.getByRole('button', { name: 'Finish without exporting' }).click();

  await openSection(page, 'Signing keys');
  const row = page.getByTestId('key-row').filter({ hasText: 'Token Root 2026' });
  await expect(row.getByTestId('state-chip')).toHaveText('Active');
  await row.getByRole('button', { name: /Show the key id and dates/ }).click();
  await expect(page.getByTestId('key-where')).toHaveText(`On token officer-token (serial ${TOKEN.serial}): present, the key signs`);
  await everyLook('keys table');

  await openSection(page, 'Dashboard');
  await expect(page.getByTestId('active-where')).toHaveText(`On token officer-token (serial ${TOKEN.serial}): present, the key signs`);
  await everyLook('dashboard');
  // The PIN never reached the page's storage.
  expect(await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }))).not.toContain(TOKEN.pin);
});

test.describe('emergency ceremony', () => {
  // The ceremony seeds its own vault (an active root that issued a certificate).
  test.use({ seedVault: null });

  test('new root made on the token from the new-key step: a wrong PIN refused in place, the root on the token takes over', async ({ host, everyLook }) => {
    test.setTimeout(300_000);
    const { page } = host;
    const seed = await seedEmergencyVault(host.vaultDir, host.workDir, 1);
    const s0 = await openVaultService(host.vaultDir);
    await must(s0, 'settings.update', { pkcs11Module: SOFTHSM_MODULE });
    s0.session.lock(null);
    await page.reload();
    await openCeremony(page);
    await typeInto(page, page.getByLabel('Witness 1 name'), 'Bob Witness');
    await pressOn(page, page.getByRole('button', { name: 'Next: checklist' }));
    await acknowledgeAll(page, 2);
    await pressOn(page, page.getByRole('button', { name: 'Next: the new key' }));

    await pressOn(page, page.getByRole('radio', { name: 'A new self-signed root, created now' }), 'Space');
    await typeInto(page, page.getByLabel('New root name'), 'Emergency Token Root');
    await typeInto(page, page.getByLabel('Subject'), 'CN=Acme Emergency Token Root,O=Acme');
    const create = page.getByRole('button', { name: 'Create the new root now' });
    await page.getByRole('radio', { name: /On a hardware token/ }).check();
    // Until a token is chosen and its PIN typed, the button waits and says why.
    await expect(create).toBeDisabled();
    await expect(page.locator('#em-root-why')).toHaveText('Choose the token the new root is made on.');
    await page.getByRole('combobox', { name: 'Token' }).click();
    await page.getByRole('option', { name: `officer-token (serial ${TOKEN.serial})` }).click();
    await expect(page.locator('#em-root-why')).toHaveText('Enter the token’s PIN.');
    const pin = page.getByLabel('Token PIN');
    await expect(pin).toHaveAttribute('type', 'password');
    await pin.fill('999999');
    await expect(create).toBeEnabled();
    await everyLook('emergency: new root on a token');

    await pressOn(page, create);
    const refusal = page.getByTestId('token-refusal');
    await expect(refusal).toContainText('The token refused the PIN');
    await expect(refusal).toContainText('Type the token’s user PIN again and press “Create the new root now” again');
    // The PIN was cleared; the token choice and the form stay; nothing was created.
    await expect(pin).toHaveValue('');
    await expect(page.getByRole('combobox', { name: 'Token' })).toContainText(`officer-token (serial ${TOKEN.serial})`);
    await expect(page.getByLabel('New root name')).toHaveValue('Emergency Token Root');
    await everyLook('emergency: token PIN refused');
    expect(await page.evaluate(async () => {
      const r = await (globalThis as unknown as { airgap: Record<string, (i: unknown) => Promise<{ ok: boolean; value?: Array<{ name: string }> }>> }).airgap['key.list']!({});
      return r.value?.map((k) => k.name);
    })).not.toContain('Emergency Token Root');

    await pin.fill(TOKEN.pin);
    await pressOn(page, create);
    await expect(page.getByText('The new root is recorded in the vault as a draft with its certificate; its private key is on the token and never leaves it.', { exact: false })).toBeVisible();
    await expect(page.getByTestId('key-summary-where').first()).toHaveText(`On token officer-token (serial ${TOKEN.serial}): present, the key signs`);
    await expect(page.getByRole('radio', { name: /On a hardware token/ })).toBeDisabled();
    await everyLook('emergency: new root made on the token');

    await activateAndSkipExport(page);
    await pressOn(page, page.getByRole('button', { name: 'Next: transcript' }));
    await pressOn(page, page.getByRole('button', { name: 'Record the transcript in the audit log' }));
    await expect(page.getByTestId('transcript-recorded')).toBeVisible();

    const s = await openVaultService(host.vaultDir);
    try {
      const keys = await must<KeyView[]>(s, 'key.list', {});
      const root = keys.find((k) => k.name === 'Emergency Token Root');
      // Active, self-signed, and bound to the token: the vault holds its public key and the token's identity, not a wrapped private key.
      expect(root).toMatchObject({ state: 'active', selfSigned: true, token: { serial: TOKEN.serial, label: 'officer-token' } });
      expect(keys.find((k) => k.id === seed.oldKeyId)).toMatchObject({ state: 'retired', retired: { reason: 'compromise' } });
      const t = (await must<{ events: AuditEventView[] }>(s, 'audit.list', { action: 'ceremony.transcript' })).events[0]!;
      const steps = t.details.steps as Array<{ step: string; detail: string }>;
      // The token tried the PIN before anything was made: the refusal is the PIN's, not a failed create.
      const failed = steps.find((x) => x.step === `new root: token officer-token (serial ${TOKEN.serial}) refused the PIN`);
      expect(failed?.detail).toMatch(/^TOKEN_PIN_INCORRECT: /);
      expect(steps.find((x) => x.step === 'new root: key created')?.detail).toContain(`on token officer-token (serial ${TOKEN.serial}), not extractable`);
    } finally {
      s.session.lock(null);
    }
    expect(await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }))).not.toContain(TOKEN.pin);
  });
});
