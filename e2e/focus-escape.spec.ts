/**
 * Keyboard-only officers: Tab shows a 3 px ring on whatever has focus (MUI
 * removes the browser's outline), light and dark; Escape closes a wizard
 * while nothing has been written yet, and does nothing once something has
 * (even after going Back to the first step).
 */
import type { Locator, Page } from '@playwright/test';
import { expect, test } from './fixtures/test.ts';
import { LAPTOP_SIZES, SCHEMES } from './support/evidence.ts';
import type { PageGlobals } from './page-globals.ts';
import { PASSPHRASE, unlockWithPassphrase } from './support/ui.ts';

test.use({ seedVault: { actor: 'Seed Officer', passphrase: PASSPHRASE } });

const SIZES = LAPTOP_SIZES;

/** The ring as computed on `el` (or, for a text field, on its box): an outline of 3 px in a visible style. */
async function ringOf(el: Locator): Promise<{ style: string; width: string; color: string; shadow: string }> {
  return el.evaluate((node) => {
    const box = node.closest('.MuiInputBase-root') ?? node;
    const s = (globalThis as unknown as PageGlobals).getComputedStyle(box);
    return { style: s.outlineStyle, width: s.outlineWidth, color: s.outlineColor, shadow: s.boxShadow };
  });
}

async function expectRing(page: Page): Promise<void> {
  const focused = page.locator(':focus');
  await expect(focused).toHaveCount(1);
  const ring = await ringOf(focused);
  expect(ring.style, 'the focused element draws an outline').not.toBe('none');
  expect(ring.width).toBe('3px');
}

/** Tabs until the element matching `target` has focus (at most `max` presses). */
async function tabTo(page: Page, target: Locator, max = 40): Promise<void> {
  for (let i = 0; i < max; i += 1) {
    await page.keyboard.press('Tab');
    if (await target.evaluate((n) => n === (globalThis as unknown as PageGlobals).document.activeElement)) return;
  }
  throw new Error('Tab never reached the element');
}

test('Tab shows a visible focus ring on buttons, list items, text fields and checkboxes, light and dark', async ({ host, shots, a11y }) => {
  // Eight screenshots, axe twice and some eighty Tab presses: near a minute alone, more beside other specs.
  test.setTimeout(300_000);
  const { page } = host;
  await unlockWithPassphrase(page);
  const rings = new Set<string>();
  for (const colorScheme of SCHEMES) {
    await page.emulateMedia({ colorScheme });
    await page.setViewportSize(SIZES[1]);
    // A contained primary button on the dashboard, a section in the navigation list.
    await tabTo(page, page.getByRole('button', { name: 'New standalone root…' }));
    await expectRing(page);
    rings.add((await ringOf(page.locator(':focus'))).color);
    for (const size of SIZES) {
      await page.setViewportSize(size);
      await shots.take(`dashboard button focused ${size.width}x${size.height} ${colorScheme}`);
    }
    await tabTo(page, page.getByRole('navigation', { name: 'Console sections' }).getByRole('button', { name: 'Signing keys', exact: true }));
    await expectRing(page);
    // A text field inside a wizard: the ring goes round its box.
    await page.getByRole('button', { name: 'New standalone root…' }).click();
    await tabTo(page, page.getByLabel('Key name'));
    await expectRing(page);
    await page.keyboard.type('Ring Root');
    await tabTo(page, page.getByLabel('Subject DN'));
    await page.keyboard.type('CN=Ring Root');
    await tabTo(page, page.getByRole('button', { name: 'Next' }));
    await expectRing(page);
    for (const size of SIZES) {
      await page.setViewportSize(size);
      await shots.take(`wizard Next focused ${size.width}x${size.height} ${colorScheme}`);
    }
    await a11y.check(`wizard with a focused button, ${colorScheme}`);
    await page.getByRole('button', { name: 'Close wizard' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
  }
  // The emergency checklist's checkboxes: the ring is on the visible box round the hidden input.
  await page.getByRole('button', { name: 'Emergency rotation…' }).click();
  await page.getByLabel('Witness 1 name').fill('Bob Witness');
  await page.getByRole('button', { name: 'Next: checklist' }).click();
  const checkbox = page.getByRole('table', { name: 'Checklist acknowledgements' }).getByRole('checkbox').first();
  await tabTo(page, checkbox);
  const boxRing = await checkbox.evaluate((n) => (globalThis as unknown as PageGlobals).getComputedStyle(n.closest('.MuiButtonBase-root') ?? n).outlineWidth);
  expect(boxRing).toBe('3px');
  await shots.take('checklist checkbox focused dark');
  expect(rings.size, 'the ring has its own colour in light and in dark').toBe(2);
});

test('Escape closes an unchanged wizard, and does nothing once the wizard has written to the vault', async ({ host, shots }) => {
  const { page } = host;
  await unlockWithPassphrase(page);
  const dashboard = page.getByRole('heading', { level: 1, name: 'Dashboard' });
  const rootTitle = page.getByRole('heading', { level: 1, name: 'New standalone root' });

  // Typed choices are not a change to the vault: Escape closes.
  await page.getByRole('button', { name: 'New standalone root…' }).click();
  await expect(rootTitle).toBeVisible();
  await expect(page.getByRole('button', { name: 'Close wizard' })).toHaveAttribute('aria-keyshortcuts', 'Escape');
  await page.getByLabel('Key name').fill('Escape Root');
  await page.keyboard.press('Escape');
  await expect(dashboard).toBeVisible();
  await expect(rootTitle).toHaveCount(0);

  // The export wizard on its first step (nothing written to a medium yet): Escape closes.
  await page.getByRole('button', { name: 'Export…' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Export to removable media' })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(dashboard).toBeVisible();

  // An open menu takes its own Escape: the wizard stays.
  await page.getByRole('button', { name: 'New standalone root…' }).click();
  await page.getByRole('combobox', { name: 'Algorithm' }).click();
  await expect(page.getByRole('listbox')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('listbox')).toHaveCount(0);
  await expect(rootTitle).toBeVisible();

  // Create the key: the vault has changed, Escape does nothing, on this step and back on the first.
  await page.getByLabel('Key name').fill('Escape Root');
  await page.getByLabel('Subject DN').fill('CN=Escape Root,O=Acme');
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('button', { name: 'Create key and self-sign' }).click();
  await expect(page.getByRole('heading', { name: 'Step 3 of 5: Review' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Close wizard' })).not.toHaveAttribute('aria-keyshortcuts', 'Escape');
  await page.keyboard.press('Escape');
  await expect(page.getByRole('heading', { name: 'Step 3 of 5: Review' })).toBeVisible();
  await page.getByRole('button', { name: 'Back' }).click();
  await page.getByRole('button', { name: 'Back' }).click();
  await expect(page.getByRole('heading', { name: 'Step 1 of 5: Algorithm and subject' })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(rootTitle).toBeVisible();
  await shots.take('escape ignored after the key was created');
  await page.getByRole('button', { name: 'Close wizard' }).click();
  await expect(dashboard).toBeVisible();
});
