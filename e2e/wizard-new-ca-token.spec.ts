/**
 * An issuing CA whose first key is generated on a real SoftHSM2 token, from
 * the New CA wizard: the same "where the key lives" choice as the new-key
 * wizards on its key step (token picked by label and serial, PIN field), a
 * wrong PIN refused in officer words with nothing created (no CA, nothing on
 * the token), then the right PIN; the vault records the token key, the token
 * holds it non-extractable. SoftHSM2 from the worker's folder
 * (support/softhsm-tokens.ts: SOFTHSM2_CONF set in this process before the
 * module loads; the chromium host's dispatch runs here, the Electron host
 * inherits it), and the vault's pkcs11Module setting seeded through the real
 * dispatch.
 */
import type { CaView, KeyView } from '../src-main/api/contract.ts';
import { test, expect } from './fixtures/test.ts';
import { must, openVaultService } from './support/emergency-seed.ts';
import { CA_KEY_NAME, copyCaVault } from './support/seed-ca.ts';
import { unlockWithPassphrase } from './support/ui.ts';
import { SOFTHSM_MODULE } from '../src-main/testing/softhsm.ts';
import { e2eToken } from './support/softhsm-tokens.ts';
import { removeTempDirs } from '../src-main/testing/temp-dir.ts';

const TOKEN = e2eToken('issuing-token');
test.afterAll(removeTempDirs);

test('New CA under a CA of the vault, its first key on a token: picked by label and serial, a wrong PIN refused with nothing made, then created there', async ({ host, everyLook }) => {
  // Three screens judged at two sizes and two schemes, axe on each: room for a loaded machine.
  test.setTimeout(300_000);
  const { page } = host;
  await copyCaVault(host.vaultDir);
  const seeder = await openVaultService(host.vaultDir);
  await must(seeder, 'settings.update', { pkcs11Module: SOFTHSM_MODULE });
  seeder.session.lock(null);
  await page.reload();
  await unlockWithPassphrase(page);

  await page.getByRole('button', { name: 'New CA…' }).click();
  await page.getByLabel('CA name').fill('Token Issuing');
  await page.getByRole('radio', { name: /A CA of this vault: an issuing CA under it/ }).check();
  await expect(page.getByRole('combobox', { name: 'Parent CA' })).toHaveText('default');
  await page.getByRole('button', { name: 'Next' }).click();

  await expect(page.getByRole('heading', { name: 'Step 2 of 4: Its first key' })).toBeVisible();
  await page.getByLabel('Key name').fill('Token Issuing 2026');
  await page.getByLabel('Subject DN').fill('CN=Acme Token Issuing CA 2026,O=Acme');
  const next = page.getByRole('button', { name: 'Next' });
  await page.getByRole('radio', { name: /On a hardware token/ }).check();
  // Until a token is chosen and its PIN typed, Next waits.
  await expect(next).toBeDisabled();
  await page.getByRole('combobox', { name: 'Token' }).click();
  await page.getByRole('option', { name: `issuing-token (serial ${TOKEN.serial})` }).click();
  const pin = page.getByLabel('Token PIN');
  await expect(pin).toHaveAttribute('type', 'password');
  await expect(next).toBeDisabled();
  await pin.fill('999999');
  await expect(next).toBeEnabled();
  await everyLook('new CA first key on a token');
  // The token tries the PIN on Next: refused here, under the PIN field, the field emptied; nothing was created.
  await next.click();
  await expect(page.getByRole('heading', { name: 'Step 2 of 4: Its first key' })).toBeVisible();
  await expect(pin).toHaveValue('');
  await expect(pin).toHaveAttribute('aria-invalid', 'true');
  await expect(pin).toHaveAccessibleDescription('The token refused this PIN. Type its user PIN again and press Next; after a few wrong tries the token locks its PIN.');
  await expect(page.getByTestId('field-refusal')).toHaveAttribute('data-code', 'TOKEN_PIN_INCORRECT');
  await everyLook('new CA token PIN refused under the PIN field');
  // Refused: no CA, no key, nothing on the token.
  expect(await page.evaluate(async () => {
    const r = await (globalThis as unknown as { airgap: Record<string, (i: unknown) => Promise<{ ok: boolean; value?: Array<{ name: string }> }>> }).airgap['ca.list']!({});
    return r.value?.map((c) => c.name);
  })).toEqual(['default']);
  expect(TOKEN.pkcs11Tool(['--list-objects']).trim()).toBe('');
  // The token choice stays; typing the PIN again clears the refusal.
  await expect(page.getByRole('combobox', { name: 'Token' })).toContainText(`issuing-token (serial ${TOKEN.serial})`);
  await expect(next).toBeDisabled();
  await pin.fill(TOKEN.pin);
  await expect(page.getByTestId('field-refusal')).toHaveCount(0);
  await next.click();

  await expect(page.getByRole('heading', { name: 'Step 3 of 4: Create' })).toBeVisible();
  await expect(page.getByTestId('key-location')).toHaveText(`On token issuing-token (serial ${TOKEN.serial}): generated there, it never leaves the token`);
  await expect(page.getByTestId('new-ca-summary').getByRole('row', { name: /Signed by/ })).toContainText(`${CA_KEY_NAME} (`);
  await expect(page.getByTestId('new-ca-changes')).toContainText('its key pair is generated on issuing-token first, and removed from it again if the vault refuses');
  await everyLook('new CA confirm key on a token');
  const create = page.getByRole('button', { name: 'Create Token Issuing under default' });
  await create.click();
  const created = page.getByTestId('new-ca-created');
  await expect(created).toContainText('The CA Token Issuing is in the vault');
  await expect(created).toContainText(`Its private key is on token issuing-token (serial ${TOKEN.serial}) and never leaves it`);
  await everyLook('new CA created on the token');

  await page.getByRole('button', { name: 'Stay in the current CA' }).click();
  const s = await openVaultService(host.vaultDir);
  try {
    const cas = await must<CaView[]>(s, 'ca.list', {});
    expect(cas.map((c) => [c.name, c.parentName])).toEqual([
      ['default', null],
      ['Token Issuing', 'default'],
    ]);
    const keys = await must<KeyView[]>(s, 'key.list', { ca: 'Token Issuing' });
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ name: 'Token Issuing 2026', state: 'draft', token: { label: 'issuing-token', serial: TOKEN.serial, origin: 'generated' } });
    const listing = TOKEN.pkcs11Tool(['--list-objects']);
    expect(listing).toContain(`ID:         ${keys[0]!.token!.ckaId}`);
    expect(listing).toMatch(/Access:\s+sensitive, always sensitive, never extractable, local/);
  } finally {
    s.session.lock(null);
  }
  expect(await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }))).not.toContain(TOKEN.pin);
});
