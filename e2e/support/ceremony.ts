/**
 * The emergency ceremony driven by keyboard (focus + keys), shared by the
 * specs that walk it: wizard-emergency, ceremony-kit, witness-shares.
 */
import { expect, type Locator, type Page } from '@playwright/test';
import { STANDBY_ROOT } from './emergency-seed.ts';
import { unlockWithPassphrase } from './ui.ts';

export async function pressOn(page: Page, target: Locator, key = 'Enter'): Promise<void> {
  await target.focus();
  await page.keyboard.press(key);
}

export async function typeInto(page: Page, field: Locator, text: string): Promise<void> {
  await field.focus();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type(text);
}

/** Unlocks with the passphrase and opens the ceremony on its first step. */
export async function openCeremony(page: Page): Promise<void> {
  await unlockWithPassphrase(page);
  await pressOn(page, page.getByRole('button', { name: 'Emergency rotation…' }));
  await expect(page.getByRole('heading', { level: 1, name: 'Emergency rotation ceremony' })).toBeVisible();
  await expect(page.getByRole('heading', { level: 2, name: 'Participants' })).toBeFocused();
}

/** Names the witnesses on the Participants step (witness 1 is there; the others are added). */
export async function nameWitnesses(page: Page, witnesses: readonly string[]): Promise<void> {
  for (const [i, w] of witnesses.entries()) {
    if (i > 0) await pressOn(page, page.getByRole('button', { name: 'Add another witness' }));
    await typeInto(page, page.getByLabel(`Witness ${i + 1} name`), w);
  }
}

/** Ticks every checklist box: four items for each participant (the officer and each witness). */
export async function acknowledgeAll(page: Page, participants: number): Promise<void> {
  const boxes = page.getByRole('table', { name: 'Checklist acknowledgements' }).getByRole('checkbox');
  await expect(boxes).toHaveCount(4 * participants);
  for (let i = 0; i < 4 * participants; i += 1) await pressOn(page, boxes.nth(i), 'Space');
}

/** From the Participants step (witnesses named) through the checklist to the New key step with the prepared standby root chosen. */
export async function toStandbyKey(page: Page, witnesses: number): Promise<void> {
  await pressOn(page, page.getByRole('button', { name: 'Next: checklist' }));
  await acknowledgeAll(page, 1 + witnesses);
  await pressOn(page, page.getByRole('button', { name: 'Next: the new key' }));
  await pressOn(page, page.getByRole('radio', { name: `Use ${STANDBY_ROOT}` }), 'Space');
}

/**
 * From the key step with the keyboard: Next to the confirm step, the IN key's last two groups typed as
 * the witnesses read them, Retire & activate (one certificate revoked), then the export step skipped.
 */
export async function activateAndSkipExport(page: Page): Promise<void> {
  await pressOn(page, page.getByRole('button', { name: 'Next: confirm' }));
  const created = (await page.getByTestId('panel-in').getByTestId('panel-fingerprint').getAttribute('data-hex'))!;
  await typeInto(page, page.getByLabel('IN key: last 2 groups'), created.slice(-8));
  await pressOn(page, page.getByRole('button', { name: 'Retire & activate' }));
  await expect(page.getByTestId('revoked-count')).toHaveText('1 certificate revoked (keyCompromise).');
  await pressOn(page, page.getByRole('button', { name: 'Next: export package' }));
  await pressOn(page, page.getByRole('button', { name: 'Skip the export for now' }));
}
