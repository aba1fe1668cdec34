/**
 * Wizard 5, export to removable media, end to end against the real core: a
 * vault with an active CA key (real dispatch), a temp folder listed in
 * AIRGAP_CA_MEDIA_ROOTS as the medium. The package on the medium is checked
 * through dispatch (export.verify), not through the UI.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import type { ExportVerifyView } from '../src-main/api/contract.ts';
import { dispatch } from '../src-main/api/dispatch.ts';
import { createService } from '../src-main/api/service.ts';
import { systemClock } from '../src-main/core/clock.ts';
import { makeFatImage, mountFat, mtoolsList, mtoolsRead } from '../src-main/testing/fat-testkit.ts';
import { expect, test } from './fixtures/test.ts';
import { holdMedium } from './support/fat-sticks.ts';
import { CA_KEY_NAME, copyCaVault } from './support/seed-ca.ts';
import { ui, unlockWithPassphrase } from './support/ui.ts';

/** The preview loads asynchronously: press "Next: write" only once it is enabled. */
async function pressNextWrite(page: Page): Promise<void> {
  const next = page.getByRole('button', { name: 'Next: write' });
  await expect(next).toBeEnabled();
  await pressOn(page, next);
}

async function pressOn(page: Page, target: Locator, key = 'Enter'): Promise<void> {
  await target.focus();
  await page.keyboard.press(key);
}


const stepHeading = (page: Page, n: number, name: string) => page.getByRole('heading', { level: 2, name: `Step ${n} of 5: ${name}` });

async function openExportWizard(page: Page, vaultDir: string, usb: string): Promise<void> {
  if (!existsSync(usb)) mkdirSync(usb);
  process.env.AIRGAP_CA_MEDIA_ROOTS = usb;
  await copyCaVault(vaultDir);
  await page.reload();
  await unlockWithPassphrase(page);
  await pressOn(page, page.getByRole('button', { name: 'Export…' }));
  await expect(page.getByRole('heading', { level: 1, name: 'Export to removable media' })).toBeVisible();
  await expect(stepHeading(page, 1, 'Choose the medium')).toBeFocused();
}

const mediumRadio = (page: Page, usb: string) => page.getByRole('radio', { name: new RegExp(usb.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) });

async function chooseMediumAndPreview(page: Page, usb: string): Promise<void> {
  const radio = mediumRadio(page, usb);
  await expect(radio).toBeVisible();
  await expect(page.getByRole('radiogroup', { name: 'Removable medium to write to' })).toContainText(/free/);
  await pressOn(page, radio, 'Space');
  await expect(radio).toBeChecked();
  await pressOn(page, page.getByRole('button', { name: 'Next: preview' }));
  await expect(stepHeading(page, 2, 'Preview the package')).toBeVisible();
  await expect(page.getByTestId('export-preview-files')).toContainText('trust-bundle.pem');
}

test.describe('export wizard', () => {
  test('medium, preview, write with verification, eject (busy, then done), safe to remove; the manifest hash matches export verify', async ({ host, shots, a11y, everyLook }) => {
    // A real FAT mount, two ejects and axe plus screenshots at four sizes and schemes: more than the default minute on a busy machine.
    test.setTimeout(150_000);
    const { page } = host;
    const usb = join(host.workDir, 'USB-EXPORT');
    // A real FAT volume mounted through FUSE: Eject is the real fusermount -u.
    const image = join(host.workDir, 'usb-export.img');
    await makeFatImage(image, 4096);
    mkdirSync(usb);
    const fat = await mountFat(image, usb);
    try {
    await openExportWizard(page, host.vaultDir, usb);
    await expect(page.getByTestId('wizard-next')).toContainText('Nothing is written yet');
    await a11y.check('export: choose the medium');
    await shots.take('choose the medium');

    await chooseMediumAndPreview(page, usb);
    await expect(page.getByTestId('export-preview-files')).toContainText('trust-anchor.json');
    await expect(page.getByTestId('export-preview-keys')).toContainText(CA_KEY_NAME);
    await expect(page.getByTestId('export-preview-crls')).toContainText(/Regenerated|copied/);
    await a11y.check('export: preview');
    await shots.take('preview the package');

    // Back keeps the choice; nothing was written.
    await pressOn(page, page.getByRole('button', { name: 'Back' }));
    await expect(stepHeading(page, 1, 'Choose the medium')).toBeVisible();
    await expect(page.getByRole('radio', { checked: true })).toHaveAccessibleName(new RegExp('USB-EXPORT'));
    expect(readdirSync(usb)).toEqual([]);
    await pressOn(page, page.getByRole('button', { name: 'Next: preview' }));
    await expect(stepHeading(page, 2, 'Preview the package')).toBeVisible();
    await expect(page.getByTestId('export-preview-files')).toContainText('trust-bundle.pem');
    await pressNextWrite(page);
    await expect(stepHeading(page, 3, 'Write')).toBeVisible();
    await expect(page.getByTestId('export-target')).toHaveText(usb);
    expect(readdirSync(usb)).toEqual([]);
    await a11y.check('export: write');
    await shots.take('write');

    await pressOn(page, page.getByRole('button', { name: 'Write the package' }));
    await expect(stepHeading(page, 4, 'Verification')).toBeVisible();
    await expect(page.getByTestId('export-verification')).toContainText('Verification OK');
    const dir = (await page.getByTestId('export-dir').textContent())!.trim();
    await a11y.check('export: verification');
    await shots.take('verification OK');

    await expect(page.getByTestId('export-written')).toContainText(/^Written: 7 written = 4 files \+ manifest, signature, SHA256SUMS; all verified/);
    await expect(page.getByTestId('export-verification')).toContainText('the 4 files listed in the signed manifest match');

    await pressOn(page, page.getByRole('button', { name: 'Next: eject' }));
    await expect(stepHeading(page, 5, 'Eject and remove')).toBeVisible();
    await expect(page.getByTestId('eject-first')).toContainText('Eject first');
    await expect(page.getByTestId('safe-to-remove')).toHaveCount(0);
    await expect(page.getByTestId('export-count')).toHaveText('7 written = 4 files + manifest, signature, SHA256SUMS; all verified');
    await everyLook('export: eject first');
    const folder = (await page.getByTestId('export-folder').textContent())!.trim();
    const hash = (await page.getByTestId('export-manifest-hash').textContent())!.trim();
    expect(readdirSync(usb)).toEqual([folder]);
    expect(join(usb, folder)).toBe(dir);
    expect(existsSync(join(dir, 'MANIFEST.json'))).toBe(true);
    // What the officer is told to check with sha256sum.
    expect(createHash('sha256').update(readFileSync(join(dir, 'MANIFEST.json'))).digest('hex')).toBe(hash);
    const verified = await dispatch(createService({ vaultDir: host.vaultDir, clock: systemClock }), 'export.verify', { dir });
    expect(verified.ok).toBe(true);
    const v = (verified as { ok: true; value: ExportVerifyView }).value;
    expect(v.ok).toBe(true);
    expect(v.manifestSha256).toBe(hash);

    // A process whose folder is on the medium holds it: Eject is refused, the step stays amber.
    const holder = await holdMedium(usb);
    try {
      await pressOn(page, page.getByRole('button', { name: 'Eject', exact: true }));
      await expect(page.getByTestId('api-error')).toContainText('Not ejected: the medium is in use');
      await expect(page.getByTestId('api-error')).toContainText(`sleep (process ${holder.pid})`);
      await expect(page.getByTestId('api-error')).toContainText('MEDIA_BUSY');
      await expect(page.getByTestId('eject-first')).toBeVisible();
      await expect(page.getByTestId('safe-to-remove')).toHaveCount(0);
      await everyLook('export: eject refused, medium busy');
    } finally {
      await holder.release();
    }

    await pressOn(page, page.getByRole('button', { name: 'Eject', exact: true }));
    await expect(page.getByTestId('safe-to-remove')).toContainText('Safe to remove');
    await expect(page.getByTestId('eject-first')).toHaveCount(0);
    await expect(page.getByTestId('api-error')).toHaveCount(0);
    await fat.exited;
    expect(readFileSync('/proc/self/mounts', 'utf8').split('\n').some((l) => l.split(' ')[1] === usb)).toBe(false);
    // The package is complete on the image, read by an independent FAT reader after the eject.
    expect(await mtoolsList(image, `/${folder}`)).toEqual(expect.arrayContaining(['MANIFEST.json', 'MANIFEST.json.sig', 'SHA256SUMS', 'trust-bundle.pem', 'trust-anchor.json']));
    expect(createHash('sha256').update(await mtoolsRead(image, `/${folder}/MANIFEST.json`)).digest('hex')).toBe(hash);
    await everyLook('export: safe to remove');

    await pressOn(page, page.getByRole('button', { name: 'Done' }));
    await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
    } finally {
      await fat.cleanup();
    }
  });

  test('the medium disappears before writing: the api error is shown on the write step, Retry succeeds once it is back', async ({ host, shots, a11y }) => {
    const { page } = host;
    const usb = join(host.workDir, 'USB-GONE');
    await openExportWizard(page, host.vaultDir, usb);
    await chooseMediumAndPreview(page, usb);
    await pressNextWrite(page);
    await expect(stepHeading(page, 3, 'Write')).toBeVisible();

    rmSync(usb, { recursive: true });
    await pressOn(page, page.getByRole('button', { name: 'Write the package' }));
    const error = page.getByTestId('api-error');
    await expect(error).toContainText('The package was not written');
    await expect(error).toContainText(/MEDIA_[A-Z_]+/);
    await expect(stepHeading(page, 3, 'Write')).toBeVisible();
    await expect(page.getByTestId('export-target')).toHaveText(usb);
    await a11y.check('export: write refused');
    await shots.take('medium gone, write refused');

    mkdirSync(usb);
    await pressOn(page, page.getByRole('button', { name: 'Retry' }));
    await expect(stepHeading(page, 4, 'Verification')).toBeVisible();
    await expect(page.getByTestId('export-verification')).toContainText('Verification OK');
    expect(readdirSync(usb)).toHaveLength(1);
    await shots.take('retry verified');
  });

  test('an auto-lock in the middle keeps the chosen medium and the preview: after unlocking the wizard is where it was', async ({ host, shots }) => {
    const { page } = host;
    const usb = join(host.workDir, 'USB-LOCKED');
    await openExportWizard(page, host.vaultDir, usb);
    await chooseMediumAndPreview(page, usb);

    await host.advanceClock(5 * 60_000 + 1_000);
    await expect(ui(page).unlockHeading).toBeVisible();
    await unlockWithPassphrase(page);

    await expect(stepHeading(page, 2, 'Preview the package')).toBeVisible();
    await expect(page.getByTestId('export-preview-files')).toContainText('trust-bundle.pem');
    await shots.take('preview kept after an auto-lock');
    await pressOn(page, page.getByRole('button', { name: 'Back' }));
    await expect(stepHeading(page, 1, 'Choose the medium')).toBeVisible();
    await expect(mediumRadio(page, usb)).toBeChecked();
  });
});
