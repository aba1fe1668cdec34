import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tamperAuditLog } from '../src-main/testing/audit-tampering.ts';
import type { Locator, Page } from '@playwright/test';
import { expect, test } from './fixtures/test.ts';
import { copyCaVault } from './support/seed-ca.ts';
import { openSection, PASSPHRASE, ui, unlockWithPassphrase } from './support/ui.ts';

async function pressOn(page: Page, target: Locator, key = 'Enter'): Promise<void> {
  await target.focus();
  await page.keyboard.press(key);
}

/** Chooses an option of an MUI select by keyboard: open it, then the option's name. */
async function choose(page: Page, select: Locator, option: string): Promise<void> {
  await pressOn(page, select);
  const item = page.getByRole('option', { name: option, exact: true });
  await item.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('listbox')).toHaveCount(0);
}

test('audit log: events, filters, verified chain, export; a tampered event shows "broken at N"', async ({ host, shots, a11y, everyLook }) => {
  test.setTimeout(180_000);
  const { page } = host;
  await copyCaVault(host.vaultDir);
  await page.reload();
  await unlockWithPassphrase(page);
  await openSection(page, 'Audit log');

  const status = page.getByTestId('audit-verification');
  await expect(status).toContainText(/Audit chain verified: \d+ events, unbroken/);
  await expect(status).toContainText(/Head hash \S+/);
  const rows = page.getByTestId('audit-row');
  await expect(rows.filter({ hasText: 'vault.created' })).toHaveCount(1);
  await expect(rows.filter({ hasText: 'key.activated' })).toHaveCount(1);
  // Each row reads at a glance: the action whole on one line, the details on one line.
  await everyLook('audit log, verified', {
    each: async () => {
      const action = rows.filter({ hasText: 'key.activated' }).getByTestId('audit-action');
      const box = (await action.boundingBox())!;
      const line = await action.evaluate((n) => parseFloat((globalThis as unknown as { getComputedStyle(e: unknown): { lineHeight: string } }).getComputedStyle(n.firstElementChild ?? n).lineHeight));
      expect(box.height, 'the action name stays on one line').toBeLessThan(2 * line + 12);
    },
  });

  // A row opens to its event's JSON, by keyboard, and closes again.
  const activated = rows.filter({ hasText: 'key.activated' });
  const expand = activated.getByRole('button', { name: /show its JSON/ });
  await pressOn(page, expand);
  const json = page.getByTestId('audit-json');
  await expect(json).toHaveCount(1);
  const parsed = JSON.parse((await json.textContent()) ?? '') as { action: string; seq: number; hash: string; details: unknown };
  expect(parsed.action).toBe('key.activated');
  expect(parsed.hash).toMatch(/^[0-9a-f]{64}$/);
  await expect(activated.getByRole('button', { name: /hide its JSON/ })).toHaveAttribute('aria-expanded', 'true');
  await a11y.check('audit log, a row open');
  await shots.take('audit row open to its JSON');
  await pressOn(page, activated.getByRole('button', { name: /hide its JSON/ }));
  await expect(json).toHaveCount(0);

  // The action filter offers the actions the log holds, once each, and nothing typed.
  const actionSelect = page.getByRole('combobox', { name: 'Action' });
  await pressOn(page, actionSelect);
  const offered = await page.getByRole('option').allTextContents();
  await page.keyboard.press('Escape');
  expect(offered[0]).toBe('Every action');
  expect(offered).toContain('vault.created');
  expect(offered).toContain('key.activated');
  expect(offered).not.toContain('audit.exported');
  expect(new Set(offered).size).toBe(offered.length);
  expect(offered.slice(1)).toEqual([...offered.slice(1)].sort());
  await choose(page, actionSelect, 'key.activated');
  await pressOn(page, page.getByRole('button', { name: 'Apply filters' }));
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('key.activated');
  await shots.take('filtered by action');
  await page.getByRole('button', { name: 'Clear' }).click();
  await expect(rows.filter({ hasText: 'vault.created' })).toHaveCount(1);
  await expect(actionSelect).toHaveText('Every action');

  // "Since" is picked in the log's own date format: from the start of the newest event's day, local time.
  const newest = new Date((await rows.first().locator('time').getAttribute('datetime'))!);
  const all = await rows.count();
  await choose(page, page.getByRole('combobox', { name: 'Day' }), String(newest.getDate()));
  await choose(page, page.getByRole('combobox', { name: 'Month' }), new Intl.DateTimeFormat(undefined, { month: 'short' }).format(newest));
  await choose(page, page.getByRole('combobox', { name: 'Year' }), String(newest.getFullYear()));
  await pressOn(page, page.getByRole('button', { name: 'Apply filters' }));
  const dayStart = new Date(newest.getFullYear(), newest.getMonth(), newest.getDate()).getTime();
  await expect.poll(async () => (await rows.locator('time').evaluateAll((ts) => ts.map((t) => t.getAttribute('datetime')))).every((d) => new Date(d!).getTime() >= dayStart)).toBe(true);
  expect(await rows.count()).toBeGreaterThan(0);
  expect(await rows.count()).toBeLessThanOrEqual(all);
  await a11y.check('audit log, since a day');
  await shots.take('filtered since a day');
  await page.getByRole('button', { name: 'Clear' }).click();
  await expect(rows).toHaveCount(all);

  // Export to a file; the same path again is refused and the path stays.
  const out = join(host.workDir, 'audit-export.jsonl');
  await page.getByLabel('Export to file (full path)').fill(out);
  await page.getByRole('button', { name: 'Export audit log' }).click();
  await expect(page.getByTestId('audit-exported')).toContainText(out);
  expect(existsSync(out)).toBe(true);
  expect(readFileSync(out, 'utf8')).toContain('"audit.exported"');
  await expect(rows.filter({ hasText: 'audit.exported' })).toHaveCount(1);
  // The export's own action joins the filter's list.
  await pressOn(page, actionSelect);
  await expect(page.getByRole('option', { name: 'audit.exported', exact: true })).toHaveCount(1);
  await page.keyboard.press('Escape');
  await page.getByRole('button', { name: 'Export audit log' }).click();
  await expect(ui(page).apiError).toContainText('OUTPUT_EXISTS');
  await expect(page.getByLabel('Export to file (full path)')).toHaveValue(out);
  await a11y.check('audit export refused');
  await shots.take('export refused, path kept');

  // Someone with the vault key alters event 2 behind the app's back.
  await ui(page).lockButton.click();
  await expect(ui(page).unlockHeading).toBeVisible();
  await tamperAuditLog(host.vaultDir, [`UPDATE audit_events SET actor = 'mallory' WHERE seq = 2`]);
  await unlockWithPassphrase(page, undefined, PASSPHRASE);
  await openSection(page, 'Audit log');
  await expect(status).toContainText('Audit chain BROKEN at event 2');
  await a11y.check('audit log, broken');
  await shots.take('audit chain broken at 2');
});
