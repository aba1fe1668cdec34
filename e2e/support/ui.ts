import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, type Page } from '@playwright/test';

export const OFFICER = 'Alice Officer';
export const PASSPHRASE = 'correct horse battery staple';

export const ui = (page: Page) => ({
  officerName: page.getByLabel('Officer name'),
  passphrase: page.getByRole('textbox', { name: 'Passphrase', exact: true }),
  confirm: page.getByRole('textbox', { name: 'Confirm passphrase', exact: true }),
  createButton: page.getByRole('button', { name: 'Create vault' }),
  unlockButton: page.getByRole('button', { name: 'Unlock', exact: true }),
  lockButton: page.getByRole('button', { name: 'Lock', exact: true }),
  createHeading: page.getByRole('heading', { name: 'Create the vault' }),
  unlockHeading: page.getByRole('heading', { name: 'Unlock the vault' }),
  consoleHeading: page.getByRole('navigation', { name: 'Console sections' }),
  apiError: page.getByTestId('api-error'),
  vaultId: page.getByTestId('vault-id'),
  sharesNeeded: page.getByTestId('shares-needed'),
  shareInput: page.getByTestId('share-file-input'),
  lockedReason: page.getByTestId('locked-reason'),
});

/** The vault id as the header on disk says: independent of the UI and of the host. */
export function vaultIdOnDisk(vaultDir: string): string {
  const header = JSON.parse(readFileSync(join(vaultDir, 'vault-header.json'), 'utf8')) as { vaultId: string };
  return header.vaultId;
}

export async function unlockWithPassphrase(page: Page, actor = OFFICER, passphrase = PASSPHRASE): Promise<void> {
  const u = ui(page);
  await expect(u.unlockHeading).toBeVisible();
  await u.officerName.fill(actor);
  await u.passphrase.fill(passphrase);
  await u.unlockButton.click();
  await expect(u.consoleHeading).toBeVisible();
}

/** Opens one section of the console from its navigation list. */
export async function openSection(page: Page, label: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Console sections' }).getByRole('button', { name: label, exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: label })).toBeVisible();
}
