/**
 * A CA's name and own settings in the console (issue 15), what `ca rename`
 * and `ca set` do in the CLI: opened from the CA's card in the overview (and
 * from the switcher), a name another CA has refused at the name field
 * (CA_NAME_TAKEN from the api), a value out of range refused at its field, a
 * rename and a changed setting reflected in the overview and the switcher,
 * and the vault's own record of both: the CA renamed, its settings, and the
 * audit events with the values before and after. Screens at both laptop
 * sizes, light and dark, axe clean.
 */
import type { Page } from '@playwright/test';
import type { AuditEventView, CaView } from '../src-main/api/contract.ts';
import { expect, test } from './fixtures/test.ts';
import { must, openVaultService } from './support/emergency-seed.ts';
import { SECOND_CA, copyTwoCaVault } from './support/seed-cas.ts';
import { ui, unlockWithPassphrase } from './support/ui.ts';

const switcher = (page: Page) => page.getByRole('navigation', { name: 'Console sections' }).getByRole('combobox', { name: 'Certificate authority' });

test.describe.configure({ timeout: 360_000 });

test("a CA's name and own settings from the console: refusals at their field, the change reflected and audited", async ({ host, shots, everyLook }) => {
  const { page } = host;
  await copyTwoCaVault(host.vaultDir);
  await page.reload();
  await unlockWithPassphrase(page);
  await expect(switcher(page)).toHaveText('default');

  const overview = page.getByTestId('ca-overview');
  await expect(overview.locator(`[data-ca="${SECOND_CA}"]`).getByTestId('ca-own-settings')).toHaveText("none (the vault's)");
  await page.getByRole('button', { name: `Name and settings of the CA ${SECOND_CA}…` }).click();
  await expect(page.getByRole('dialog', { name: `Settings of the CA ${SECOND_CA}` })).toBeVisible();
  // The same dialog under whatever name the CA has.
  const dialog = page.getByTestId('ca-settings-dialog');

  // A name another CA has: the api's refusal at the name field, nothing renamed.
  const name = dialog.getByRole('textbox', { name: 'CA name' });
  await name.fill('default');
  await dialog.getByRole('button', { name: 'Rename' }).click();
  await expect(name).toHaveAttribute('aria-invalid', 'true');
  await expect(dialog.getByText('A CA named "default" already exists in this vault. CA names are unique: choose another.')).toBeVisible();
  await expect(dialog.getByRole('heading', { name: `Settings of the CA ${SECOND_CA}` })).toBeVisible();

  // A CRL validity out of range: refused at its field, before anything is sent.
  await dialog.getByRole('checkbox', { name: "Follow the vault's CRL validity (7 days)" }).uncheck();
  const crl = dialog.getByRole('textbox', { name: 'CRL validity (days)' });
  await crl.fill('400');
  await dialog.getByRole('button', { name: 'Save settings' }).click();
  await expect(crl).toHaveAttribute('aria-invalid', 'true');
  await expect(dialog.getByText('Enter whole days from 1 to 366.')).toBeVisible();
  // No profile ticked: refused at the profiles.
  await dialog.getByRole('checkbox', { name: 'Every profile' }).uncheck();
  for (const p of ['agent', 'server', 'sub-ca', 'ocsp-signer', 'bootstrap']) await dialog.getByRole('checkbox', { name: p, exact: true }).uncheck();
  await dialog.getByRole('button', { name: 'Save settings' }).click();
  await expect(dialog.getByText('Tick at least one profile, or let the CA issue every profile.')).toBeVisible();
  await expect(dialog.getByTestId('ca-settings-status')).toHaveText('');
  await everyLook('CA settings refused at the fields', { each: () => expect(name).toBeInViewport() });

  // Corrected: renamed, then the settings saved.
  await name.fill('Server CA');
  await dialog.getByRole('button', { name: 'Rename' }).click();
  await expect(dialog.getByTestId('ca-settings-status')).toHaveText('Renamed to Server CA.');
  await expect(page.getByRole('dialog', { name: 'Settings of the CA Server CA' })).toBeVisible();
  await expect(name).not.toHaveAttribute('aria-invalid', 'true');
  await crl.fill('3');
  await dialog.getByRole('checkbox', { name: 'agent', exact: true }).check();
  await dialog.getByRole('checkbox', { name: 'bootstrap', exact: true }).check();
  await dialog.getByRole('button', { name: 'Save settings' }).click();
  await expect(dialog.getByTestId('ca-settings-status')).toHaveText('Settings saved.');
  await expect(crl).not.toHaveAttribute('aria-invalid', 'true');
  await shots.take('CA settings saved');
  await dialog.getByRole('button', { name: 'Close' }).click();

  // Reflected: the card under its new name with its own settings, the switcher offering the new name.
  const renamed = overview.locator('[data-ca="Server CA"]');
  await expect(renamed.getByTestId('ca-own-settings')).toHaveText('CRL validity 3 days; profiles agent, bootstrap');
  await expect(overview.locator(`[data-ca="${SECOND_CA}"]`)).toHaveCount(0);
  await expect(switcher(page)).toHaveText('default');
  await switcher(page).click();
  await expect(page.getByRole('option', { name: 'Server CA' })).toBeVisible();
  await page.getByRole('option', { name: 'Server CA' }).click();
  await expect(page.getByTestId('dashboard-ca')).toHaveText('CA Server CA');
  await everyLook('overview after the rename', { each: () => expect(renamed).toBeInViewport() });

  // From the switcher: the dialog of the CA shown, here following the vault back for its CRL validity.
  await page.getByTestId('ca-switcher').getByRole('button', { name: 'CA settings…' }).click();
  await expect(page.getByRole('dialog', { name: 'Settings of the CA Server CA' })).toBeVisible();
  const again = page.getByTestId('ca-settings-dialog');
  await again.getByRole('checkbox', { name: "Follow the vault's trusted window (30 days)" }).uncheck();
  await again.getByRole('textbox', { name: 'Trusted window (days)' }).fill('60');
  await again.getByRole('button', { name: 'Save settings' }).click();
  await expect(again.getByTestId('ca-settings-status')).toHaveText('Settings saved.');
  await again.getByRole('button', { name: 'Close' }).click();
  await expect(renamed.getByTestId('ca-own-settings')).toHaveText('trusted window 60 days; CRL validity 3 days; profiles agent, bootstrap');

  // The vault agrees, and its audit log has each change with the values before and after.
  await ui(page).lockButton.click();
  await expect(ui(page).unlockHeading).toBeVisible();
  const service = await openVaultService(host.vaultDir);
  const cas = await must<CaView[]>(service, 'ca.list', {});
  expect(cas.map((c) => c.name)).toEqual(['default', 'Server CA']);
  expect(cas[1]!.settings).toEqual({ trustedWindowDays: 60, crlValidityDays: 3, allowedProfiles: ['agent', 'bootstrap'], defaultValidityDays: null });
  expect(cas[0]!.settings).toEqual({ trustedWindowDays: null, crlValidityDays: null, allowedProfiles: null, defaultValidityDays: null });
  const renames = (await must<{ events: AuditEventView[] }>(service, 'audit.list', { action: 'ca.renamed' })).events;
  expect(renames.map((e) => e.details)).toEqual([expect.objectContaining({ ca: 'Server CA', from: SECOND_CA })]);
  const changes = (await must<{ events: AuditEventView[] }>(service, 'audit.list', { action: 'ca.settings-changed' })).events;
  expect(changes.map((e) => [e.details.from, e.details.to])).toEqual([
    [
      { trustedWindowDays: null, crlValidityDays: null, allowedProfiles: null, defaultValidityDays: null },
      { trustedWindowDays: null, crlValidityDays: 3, allowedProfiles: ['agent', 'bootstrap'], defaultValidityDays: null },
    ],
    [
      { trustedWindowDays: null, crlValidityDays: 3, allowedProfiles: ['agent', 'bootstrap'], defaultValidityDays: null },
      { trustedWindowDays: 60, crlValidityDays: 3, allowedProfiles: ['agent', 'bootstrap'], defaultValidityDays: null },
    ],
  ]);
  service.session.lock(null);
});
