import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tamperAuditLog } from '../src-main/testing/audit-tampering.ts';
import { expect, test } from './fixtures/test.ts';
import { copyCaVault } from './support/seed-ca.ts';
import { openSection, PASSPHRASE, ui, unlockWithPassphrase } from './support/ui.ts';

test('audit log: events, filters, verified chain, export; a tampered event shows "broken at N"', async ({ host, shots, a11y }) => {
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
  await a11y.check('audit log');
  await shots.take('audit log, verified');

  // Filter by action.
  await page.getByLabel('Action').fill('key.activated');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('key.activated');
  await shots.take('filtered by action');
  await page.getByRole('button', { name: 'Clear' }).click();
  await expect(rows.filter({ hasText: 'vault.created' })).toHaveCount(1);

  // Export to a file; the same path again is refused and the path stays.
  const out = join(host.workDir, 'audit-export.jsonl');
  await page.getByLabel('Export to file (full path)').fill(out);
  await page.getByRole('button', { name: 'Export audit log' }).click();
  await expect(page.getByTestId('audit-exported')).toContainText(out);
  expect(existsSync(out)).toBe(true);
  expect(readFileSync(out, 'utf8')).toContain('"audit.exported"');
  await expect(rows.filter({ hasText: 'audit.exported' })).toHaveCount(1);
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
