/**
 * A vault of several CAs in the console: the CA switcher under the vault id,
 * the overview of every CA above the selected CA's dashboard, a wizard started
 * inside the second CA that changes only that CA (checked afterwards through
 * the vault itself), the certificates table filtered by CA, and the new-CA
 * wizard creating an issuing CA under a CA of the vault, whose first key is
 * then activated inside the new CA. Screens at both laptop sizes, light and
 * dark, axe clean.
 */
import type { Page } from '@playwright/test';
import type { CertView, KeyView } from '../src-main/api/contract.ts';
import type { AppHost } from './fixtures/app-host.ts';
import { expect, test } from './fixtures/test.ts';
import { must, openVaultService } from './support/emergency-seed.ts';
import { CA_KEY_NAME } from './support/seed-ca.ts';
import { FIRST_CA_CERTS, SECOND_CA, SECOND_CA_CERTS, SECOND_KEY_NAME, copyTwoCaVault } from './support/seed-cas.ts';
import { openSection, ui, unlockWithPassphrase } from './support/ui.ts';

const switcher = (page: Page) => page.getByRole('navigation', { name: 'Console sections' }).getByRole('combobox', { name: 'Certificate authority' });

// Each test judges eight to twelve screens (four looks each, axe on every look): room for a loaded machine (the first ran past 180 s under load).
test.describe.configure({ timeout: 360_000 });

/** The two-CA vault in the window, unlocked: the switcher under the vault id starts in the vault's first CA. */
async function openTwoCas(host: AppHost): Promise<void> {
  await copyTwoCaVault(host.vaultDir);
  await host.page.reload();
  await unlockWithPassphrase(host.page);
  await expect(switcher(host.page)).toHaveText('default');
}

test('two CAs: switcher, overview of every CA, a wizard inside the second CA changes only it, certificates filtered by CA', async ({ host, shots, everyLook }) => {
  const { page } = host;
  await openTwoCas(host);

  await expect(ui(page).vaultId).toBeVisible();
  await expect(page.getByTestId('ca-switcher')).toContainText('2 CAs in this vault');

  // The overview: one row per CA, each with its own active key, health, CRL and rotation.
  const overview = page.getByTestId('ca-overview');
  const rows = overview.getByTestId('ca-overview-row');
  await expect(rows).toHaveCount(2);
  const first = overview.locator('[data-ca="default"]');
  const second = overview.locator(`[data-ca="${SECOND_CA}"]`);
  await expect(first).toContainText(`${CA_KEY_NAME} (`);
  await expect(first).toContainText('All checks pass');
  await expect(first).toContainText('none published');
  await expect(first.getByTestId('ca-rotation')).toHaveText('Steady: one active key');
  await expect(first).toHaveAttribute('aria-current', 'true');
  await expect(second).toContainText(`${SECOND_KEY_NAME} (`);
  await expect(second.getByTestId('ca-rotation')).toHaveText('Steady: one active key');
  await expect(page.getByTestId('dashboard-ca')).toHaveText('CA default');
  // The emergency rotation at the top is the selected CA's, and says so.
  await expect(page.getByRole('region', { name: 'Key of the CA default compromised?' }).getByRole('button', { name: 'Emergency rotation…' })).toBeVisible();
  await expect(page.getByTestId('key-card-active')).toContainText(CA_KEY_NAME);
  await everyLook('overview of two CAs', { each: () => expect(page.getByRole('heading', { name: 'All certificate authorities (2)' })).toBeInViewport() });

  // Switch from the overview: the dashboard below is the second CA's.
  await page.getByRole('button', { name: `Switch to the CA ${SECOND_CA}` }).click();
  await expect(switcher(page)).toHaveText(SECOND_CA);
  await expect(page.getByTestId('dashboard-ca')).toHaveText(`CA ${SECOND_CA}`);
  await expect(page.getByRole('region', { name: `Key of the CA ${SECOND_CA} compromised?` })).toBeVisible();
  await expect(page.getByTestId('key-card-active')).toContainText(SECOND_KEY_NAME);
  await expect(second).toHaveAttribute('aria-current', 'true');

  // The certificates table lists the selected CA's certificates, and filters by CA.
  await openSection(page, 'Certificates');
  await expect(page.getByTestId('cert-count')).toHaveText(`${SECOND_CA_CERTS} certificates`);
  await expect(page.getByRole('row').filter({ hasText: 'server-1' })).toHaveCount(1);
  await expect(page.getByRole('row').filter({ hasText: 'agent-000000' })).toHaveCount(0);
  const caFilter = page.getByRole('main').getByRole('combobox', { name: 'Certificate authority' });
  await caFilter.click();
  await page.getByRole('option', { name: 'default' }).click();
  await expect(page.getByTestId('cert-count')).toHaveText(`${FIRST_CA_CERTS} certificates`);
  await expect(page.getByRole('row').filter({ hasText: 'agent-000000' })).toHaveCount(1);
  await expect(page.getByRole('row').filter({ hasText: 'server-1' })).toHaveCount(0);
  // The issuer filter names only the filtered CA's keys.
  await page.getByRole('combobox', { name: 'Issuer' }).click();
  await expect(page.getByRole('option', { name: new RegExp(CA_KEY_NAME) })).toHaveCount(1);
  await expect(page.getByRole('option', { name: new RegExp(SECOND_KEY_NAME) })).toHaveCount(0);
  await page.keyboard.press('Escape');
  await everyLook('certificates filtered by CA', { each: () => expect(page.getByRole('heading', { level: 1, name: 'Certificates' })).toBeInViewport() });
  // Its open certificate is that CA's: the drawer reads it in the filtered CA.
  await page.getByRole('row').filter({ hasText: 'agent-000000' }).click();
  await expect(page.getByTestId('cert-drawer')).toContainText('agent-000000');
  await page.getByRole('button', { name: 'Close the certificate details' }).click();
  await caFilter.click();
  await page.getByRole('option', { name: `${SECOND_CA} (the CA shown)` }).click();
  await expect(page.getByTestId('cert-count')).toHaveText(`${SECOND_CA_CERTS} certificates`);

  // A wizard started inside the second CA says so, keeps the switcher locked, and changes only that CA.
  await openSection(page, 'Dashboard');
  await page.getByRole('button', { name: 'New standalone root…' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'New standalone root' })).toBeVisible();
  await expect(page.getByTestId('wizard-ca')).toContainText(`In the CA ${SECOND_CA}: this wizard changes only this CA.`);
  await expect(switcher(page)).toHaveAttribute('aria-disabled', 'true');
  await page.getByLabel('Key name').fill('Servers Root 2027');
  await page.getByLabel('Subject DN').fill('CN=Servers Root 2027,O=Acme Fleet');
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('button', { name: 'Create key and self-sign' }).click();
  await expect(page.getByRole('heading', { name: 'Step 3 of 5: Review' })).toBeVisible();
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(page.getByTestId('bundle-before')).toContainText(SECOND_KEY_NAME);
  await expect(page.getByTestId('bundle-before')).not.toContainText(CA_KEY_NAME);
  await everyLook('root wizard inside the second CA', { each: () => expect(page.getByRole('heading', { name: 'Step 4 of 5: Activate' })).toBeInViewport() });
  await page.getByRole('button', { name: 'Activate Servers Root 2027' }).click();
  await expect(page.getByTestId('activation-previous')).toContainText(`${SECOND_KEY_NAME} is now trusted until`);
  await page.getByRole('button', { name: 'Finish without exporting' }).click();

  // The overview: the second CA rotates, the first is as it was.
  await openSection(page, 'Dashboard');
  await expect(second.getByTestId('ca-rotation')).toHaveText('Rotating: 1 previous key still trusted');
  await expect(second).toContainText('Servers Root 2027 (');
  await expect(second).toContainText('1 key; the first until');
  await expect(first.getByTestId('ca-rotation')).toHaveText('Steady: one active key');
  await expect(switcher(page)).not.toHaveAttribute('aria-disabled', 'true');
  await shots.take('overview after the rotation in the second CA');

  // And the vault itself agrees: read by a second service once the window has locked it.
  await ui(page).lockButton.click();
  await expect(ui(page).unlockHeading).toBeVisible();
  const service = await openVaultService(host.vaultDir);
  const defaultKeys = await must<KeyView[]>(service, 'key.list', { ca: 'default' });
  expect(defaultKeys.map((k) => [k.name, k.state])).toEqual([[CA_KEY_NAME, 'active']]);
  const serverKeys = await must<KeyView[]>(service, 'key.list', { ca: SECOND_CA });
  expect(serverKeys.map((k) => [k.name, k.state]).sort()).toEqual([
    [SECOND_KEY_NAME, 'trusted'],
    ['Servers Root 2027', 'active'],
  ]);
  service.session.lock(null);
});

test('an issuing CA under a CA of the vault, from the console: the parent signs its first key here, it is activated inside the new CA', async ({ host, shots, everyLook }) => {
  const { page } = host;
  await openTwoCas(host);

  await page.getByRole('button', { name: 'New CA…' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'New certificate authority' })).toBeVisible();
  await expect(page.getByTestId('wizard-ca')).toHaveCount(0);
  // A name the vault has is refused next to the field, before anything is sent.
  await page.getByLabel('CA name').fill(SECOND_CA);
  await expect(page.getByText(`This vault already has a CA named “${SECOND_CA}”`)).toBeVisible();
  await expect(page.getByRole('button', { name: 'Next' })).toBeDisabled();
  await page.getByLabel('CA name').fill('Fleet Issuing');
  await page.getByLabel('Purpose (optional)').fill('Agents, signed under the fleet root');
  await page.getByRole('radio', { name: /A CA of this vault: an issuing CA under it/ }).check();
  await expect(page.getByRole('combobox', { name: 'Parent CA' })).toHaveText('default');
  await everyLook('new CA: name and parent', { each: () => expect(page.getByRole('heading', { name: 'Step 1 of 4: Name and parent' })).toBeInViewport() });
  await page.getByRole('button', { name: 'Next' }).click();

  await expect(page.getByRole('heading', { name: 'Step 2 of 4: Its first key' })).toBeVisible();
  await page.getByLabel('Key name').fill('Fleet Issuing 2026');
  await page.getByLabel('Subject DN').fill('CN=Fleet Issuing CA 2026,O=Acme Fleet');
  await page.getByLabel('Validity (days, optional)').fill('0');
  await expect(page.getByText('A whole number of days, 1 or more; or leave it empty.')).toBeVisible();
  await page.getByLabel('Validity (days, optional)').fill('730');
  await page.getByRole('button', { name: 'Next' }).click();

  await expect(page.getByRole('heading', { name: 'Step 3 of 4: Create' })).toBeVisible();
  const summary = page.getByTestId('new-ca-summary');
  await expect(summary).toContainText('Fleet Issuing');
  await expect(summary.getByRole('row', { name: /Signed by/ })).toContainText(`${CA_KEY_NAME} (`);
  await expect(summary).toContainText('730 days');
  await expect(page.getByTestId('new-ca-changes')).toContainText('This changes two CAs');
  await everyLook('new CA: confirm', { each: () => expect(page.getByRole('heading', { name: 'Step 3 of 4: Create' })).toBeInViewport() });
  await page.getByRole('button', { name: 'Create Fleet Issuing under default' }).click();

  await expect(page.getByTestId('new-ca-created')).toContainText('The CA Fleet Issuing is in the vault');
  await expect(page.getByTestId('new-ca-created')).toContainText('Fleet Issuing 2026 (sha256:');
  await expect(page.getByTestId('new-ca-created')).toContainText('signed by the active key of default');
  // The switcher stays locked while the wizard is open.
  await expect(page.getByTestId('ca-switcher')).toContainText('Close the wizard to switch CA.');
  await shots.take('new CA: created');
  await page.getByRole('button', { name: 'Switch to Fleet Issuing and activate its first key…' }).click();

  // The key wizard opens inside the new CA, at the stored chain.
  await expect(page.getByRole('heading', { level: 1, name: 'New sub-CA key' })).toBeVisible();
  await expect(switcher(page)).toHaveText('Fleet Issuing');
  await expect(page.getByTestId('wizard-ca')).toContainText('In the CA Fleet Issuing');
  await expect(page.getByRole('heading', { name: /Step 5 of 7: Review the chain/ })).toBeVisible();
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(page.getByTestId('bundle-before')).not.toContainText(CA_KEY_NAME);
  await page.getByRole('button', { name: 'Activate Fleet Issuing 2026' }).click();
  await expect(page.getByTestId('activation-result')).toContainText('Fleet Issuing 2026 is active');
  await page.getByRole('button', { name: 'Finish without exporting' }).click();
  await openSection(page, 'Dashboard');
  const issuing = page.getByTestId('ca-overview').locator('[data-ca="Fleet Issuing"]');
  await expect(issuing).toContainText('under default');
  await expect(issuing).toContainText('Fleet Issuing 2026 (');
  await expect(page.getByTestId('ca-parent')).toHaveText('Issuing CA under default');
  await expect(page.getByTestId('ca-switcher')).toContainText('3 CAs in this vault');
  await expect(page.getByTestId('ca-overview').getByTestId('ca-overview-row')).toHaveCount(3);
  await shots.take('overview of three CAs, the issuing CA shown');

  // The vault: the new CA under default, its key active with a chain up to default's root, the certificate among default's.
  await ui(page).lockButton.click();
  await expect(ui(page).unlockHeading).toBeVisible();
  const service = await openVaultService(host.vaultDir);
  const cas = await must<Array<{ id: string; name: string; parentId: string | null; purpose: string }>>(service, 'ca.list', {});
  const root = cas.find((c) => c.name === 'default')!;
  expect(cas.find((c) => c.name === 'Fleet Issuing')).toMatchObject({ parentId: root.id, purpose: 'Agents, signed under the fleet root' });
  const [key] = await must<KeyView[]>(service, 'key.list', { ca: 'Fleet Issuing' });
  expect(key).toMatchObject({ name: 'Fleet Issuing 2026', state: 'active', selfSigned: false, chainLength: 2, issuer: 'CN=Fleet CA 2026,O=Acme Fleet' });
  const parentCerts = await must<{ items: CertView[] }>(service, 'cert.list', { ca: 'default', search: 'Fleet Issuing' });
  expect(parentCerts.items.map((c) => c.profile)).toEqual(['sub-ca']);
  expect((await must<{ items: CertView[] }>(service, 'cert.list', { ca: SECOND_CA })).items).toHaveLength(SECOND_CA_CERTS);
  service.session.lock(null);
});
