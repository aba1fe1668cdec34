/**
 * Keys that are told apart by the end of their name or id: "Fleet Root 2025"
 * and "Fleet Root 2026", and a key with a very long name. At both laptop
 * sizes, light and dark: the keys table keeps every row's name and actions on
 * screen (the key id and dates fold into a row under it), and the
 * certificates table shows each issuer's whole name and serials shortened in
 * the middle.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { expect, test } from './fixtures/test.ts';
import { writeCsrPem } from './support/seed-ca.ts';
import { activeRoot, openSeeder, type Seeder } from './support/seed-keys.ts';
import { PASSPHRASE, openSection, unlockWithPassphrase } from './support/ui.ts';

test.use({ seedVault: { actor: 'Seed Officer', passphrase: PASSPHRASE } });

// As long as a key name may be, without a space to break it at.
const LONG_NAME = 'Regional-issuing-CA-for-the-northern-fleet-depots-the-field-maintenance-agents-and-the-cranes-2026';

async function issue(s: Seeder, dir: string, cn: string): Promise<string> {
  const path = join(dir, `${cn}.csr`);
  writeCsrPem(path, cn);
  return (await s.call('cert.issue', { source: { path }, profile: 'agent' })).serial;
}

/** The element's box lies inside the window (left, right and top; the page may scroll down). */
async function expectInsideViewport(page: Page, el: Locator, what: string): Promise<void> {
  const box = await el.boundingBox();
  const vp = page.viewportSize()!;
  expect(box, `${what} is laid out`).not.toBeNull();
  expect(box!.x, `${what} starts inside the window`).toBeGreaterThanOrEqual(0);
  expect(box!.x + box!.width, `${what} ends inside the window (${vp.width} px)`).toBeLessThanOrEqual(vp.width);
}

/** The text is drawn whole: nothing cut by overflow or an ellipsis. */
async function expectUncut(el: Locator, what: string): Promise<void> {
  const cut = await el.evaluate((n) => ({ h: n.scrollHeight - n.clientHeight, w: n.scrollWidth - n.clientWidth }));
  expect(cut, `${what} is not cut`).toEqual({ h: 0, w: 0 });
}

test('near names and a long name in the keys and certificates tables at 1024x768 and 1280x720, light and dark', async ({ host, shots, a11y, everyLook }) => {
  const { page } = host;
  const csrDir = mkdtempSync(join(tmpdir(), 'airgap-csr-'));
  const seeder = await openSeeder(host.vaultDir);
  const old = await activeRoot(seeder, 'Fleet Root 2025');
  const serials = [await issue(seeder, csrDir, 'agent-old-1')];
  const current = await activeRoot(seeder, 'Fleet Root 2026');
  serials.push(await issue(seeder, csrDir, 'agent-new-1'));
  await seeder.call('key.create', { name: LONG_NAME, algorithm: 'ecdsa-p256' });
  seeder.close();

  await unlockWithPassphrase(page);
  await openSection(page, 'Signing keys');
  const row = (name: string) => page.getByTestId('key-row').filter({ has: page.getByTestId('key-row-name').getByText(name, { exact: true }) });
  await expect(page.getByTestId('key-row')).toHaveCount(3);

  await everyLook('keys table', {
    each: async () => {
      for (const name of ['Fleet Root 2025', 'Fleet Root 2026', LONG_NAME]) {
        await expectInsideViewport(page, row(name).getByTestId('key-row-name'), `the name of ${name}`);
        await expectInsideViewport(page, row(name).getByRole('cell').last(), `the actions of ${name}`);
      }
      await expectInsideViewport(page, row('Fleet Root 2025').getByRole('button', { name: 'Retire Fleet Root 2025' }), 'Retire…');
      await expectInsideViewport(page, row(LONG_NAME).getByRole('button', { name: `Continue ${LONG_NAME} in its wizard` }), 'Continue');
    },
  });
  // The two roots differ on screen: by name and by the short form of their ids.
  const shortOld = await row('Fleet Root 2025').getByTestId('key-id').innerText();
  const shortNew = await row('Fleet Root 2026').getByTestId('key-id').innerText();
  expect(shortOld).toMatch(/^sha256:[0-9a-f]{4} [0-9a-f]{4} … [0-9a-f]{4} [0-9a-f]{4}$/);
  expect(shortOld).not.toBe(shortNew);
  await expect(row('Fleet Root 2025').getByTestId('key-id')).toHaveAttribute('data-key-id', old);
  await expect(row('Fleet Root 2025').getByTestId('key-id').locator('[title]').first()).toHaveAttribute('title', old);

  // The key id and dates are folded under the row, and open with its button.
  const details = page.getByTestId('key-details').filter({ hasText: current });
  await expect(details).toHaveCount(0);
  await row('Fleet Root 2026').getByRole('button', { name: 'Show the key id and dates of Fleet Root 2026' }).click();
  await expect(page.getByTestId('key-details').filter({ hasText: current })).toContainText('Not before / Not after');
  await expect(row('Fleet Root 2026').getByRole('button', { name: 'Hide the key id and dates of Fleet Root 2026' })).toHaveAttribute('aria-expanded', 'true');
  await a11y.check('keys table, one row opened');
  await shots.take('keys table with the details of Fleet Root 2026 opened');

  await openSection(page, 'Certificates');
  const certRows = page.getByTestId('cert-row');
  await expect(certRows).toHaveCount(2);
  await everyLook('certificates table', {
    each: async ({ size }) => {
      const issuers = certRows.getByTestId('cert-row-issuer');
      await expect(issuers).toHaveCount(2);
      const shownIssuers = (await issuers.allInnerTexts()).sort();
      expect(shownIssuers).toEqual(['Fleet Root 2025', 'Fleet Root 2026']);
      for (let i = 0; i < 2; i += 1) {
        await expectUncut(issuers.nth(i), `issuer ${i + 1} at ${size.width}x${size.height}`);
        // The issuer's width is not taken from a short subject: "agent-old-1" stays whole too.
        await expectUncut(certRows.nth(i).getByRole('button'), `subject ${i + 1} at ${size.width}x${size.height}`);
      }
      await expectInsideViewport(page, certRows.first().getByRole('cell').last(), 'the profile column');
    },
  });
  // Serials are shortened in the middle, whole on hover.
  for (const serial of serials) {
    const cell = page.getByTestId('cert-row-serial').and(page.locator(`[title="${serial}"]`));
    await expect(cell).toHaveCount(1);
    // Four characters of its start and four of its end, whatever the serial's length.
    await expect(cell).toHaveText(`${serial.slice(0, 4)} … ${serial.slice(-4)}`);
  }
  await a11y.check('certificates table with near issuer names');
});
