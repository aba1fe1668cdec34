/**
 * Wizard 4, issue from media, end to end against the real core: a vault with
 * an active CA key (real dispatch), a temp folder listed in
 * AIRGAP_CA_MEDIA_ROOTS as the medium, OpenSSL-made CSRs plus one garbage file
 * in a folder on it. The certificates on the medium are checked with OpenSSL
 * against the trust bundle the vault answers through dispatch.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import type { BundleView } from '../src-main/api/contract.ts';
import { expect, test } from './fixtures/test.ts';
import { must, openVaultService, opensslCsr } from './support/emergency-seed.ts';
import { copyCaVault } from './support/seed-ca.ts';
import { ui, unlockWithPassphrase } from './support/ui.ts';

const AGENTS = ['agent-a', 'agent-b', 'agent-c'];

async function pressOn(page: Page, target: Locator, key = 'Enter'): Promise<void> {
  await target.focus();
  await page.keyboard.press(key);
}

const stepHeading = (page: Page, n: number, name: string) => page.getByRole('heading', { level: 2, name: `Step ${n} of 5: ${name}` });

test('issue from media: refused file previewed, profile and validity, progress to the total, per-file results, certificates on the medium verify with OpenSSL', async ({ host, shots, a11y }) => {
  const { page } = host;
  const usb = join(host.workDir, 'USB-REQUESTS');
  const requests = join(usb, 'requests');
  mkdirSync(requests, { recursive: true });
  const made = join(host.workDir, 'openssl');
  for (const cn of AGENTS) copyFileSync(opensslCsr(made, cn), join(requests, `${cn}.csr`));
  writeFileSync(join(requests, 'notes.csr'), 'this is not a certificate request\n');
  process.env.AIRGAP_CA_MEDIA_ROOTS = usb;

  await copyCaVault(host.vaultDir);
  const seeder = await openVaultService(host.vaultDir);
  const bundle = await must<BundleView>(seeder, 'bundle.preview', {});
  seeder.session.lock(null);
  const bundleFile = join(host.workDir, 'bundle.pem');
  writeFileSync(bundleFile, bundle.pem);

  await page.reload();
  await unlockWithPassphrase(page);
  await pressOn(page, page.getByRole('button', { name: 'Issue from media…' }));
  await expect(page.getByRole('heading', { level: 1, name: 'Issue from media' })).toBeVisible();
  await expect(stepHeading(page, 1, 'Requests folder')).toBeFocused();
  await expect(page.getByTestId('wizard-next')).toContainText('Nothing is issued yet');

  // Step 1: the medium, a folder on it, and the requests read and checked.
  const radio = page.getByRole('radio', { name: /USB-REQUESTS/ });
  await pressOn(page, radio, 'Space');
  await expect(radio).toBeChecked();
  await page.getByLabel('Folder on the medium (optional)').fill('requests');
  await pressOn(page, page.getByRole('button', { name: 'Read the requests' }));
  await expect(page.getByTestId('requests-count')).toHaveText('3 requests can be signed, 1 refused');
  await expect(page.getByTestId('request-row').filter({ hasText: 'notes.csr' })).toContainText('Refused');
  for (const cn of AGENTS) await expect(page.getByTestId('request-row').filter({ hasText: `${cn}.csr` })).toContainText('OK');
  await a11y.check('issue from media: requests folder');
  await shots.take('requests folder read, one refused');

  // Step 2: profile and validity; Back keeps the folder and its preview.
  await pressOn(page, page.getByRole('button', { name: 'Next: profile' }));
  await expect(stepHeading(page, 2, 'Profile and validity')).toBeVisible();
  await expect(page.getByRole('radio', { name: /^agent/ })).toBeChecked();
  await expect(page.getByLabel('Write the certificates to (an existing folder)')).toHaveValue(requests);
  await pressOn(page, page.getByRole('button', { name: 'Back' }));
  await expect(stepHeading(page, 1, 'Requests folder')).toBeVisible();
  await expect(page.getByTestId('requests-count')).toHaveText('3 requests can be signed, 1 refused');
  await pressOn(page, page.getByRole('button', { name: 'Next: profile' }));
  await expect(stepHeading(page, 2, 'Profile and validity')).toBeVisible();
  await page.getByLabel('Validity in days (optional)').fill('90');
  await a11y.check('issue from media: profile and validity');
  await shots.take('profile and validity');

  // Step 3: confirm; nothing issued yet. (The profiles load asynchronously: press only once enabled.)
  await expect(page.getByRole('button', { name: 'Next: confirm' })).toBeEnabled();
  await pressOn(page, page.getByRole('button', { name: 'Next: confirm' }));
  await expect(stepHeading(page, 3, 'Confirm')).toBeVisible();
  const summary = page.getByTestId('issue-summary');
  await expect(summary).toContainText('3 requests (1 refused file is skipped)');
  await expect(summary).toContainText('90 days');
  expect(readdirSync(requests).filter((f) => f.endsWith('.crt.pem'))).toEqual([]);
  await a11y.check('issue from media: confirm');
  await shots.take('confirm');

  // Step 4: issue, progress to the total, a result per file.
  await pressOn(page, page.getByRole('button', { name: 'Issue 3 certificates' }));
  await expect(stepHeading(page, 4, 'Issue')).toBeVisible();
  await expect(page.getByTestId('issue-result-count')).toHaveText('3 issued, 1 refused');
  await expect(page.getByTestId('operation-progress-text')).toContainText('3 of 3 (100%)');
  await expect(page.getByTestId('issue-result-row')).toHaveCount(4);
  await expect(page.getByTestId('issue-result-row').filter({ hasText: 'notes.csr' })).toContainText('Refused');
  for (const cn of AGENTS) await expect(page.getByTestId('issue-result-row').filter({ hasText: `${cn}.csr` })).toContainText(/Issued, serial [0-9a-f]+/);
  await a11y.check('issue from media: results');
  await shots.take('issued, per-file results');

  // Step 5: where the certificates went; they are on the medium and OpenSSL accepts them.
  await pressOn(page, page.getByRole('button', { name: 'Next: done' }));
  await expect(stepHeading(page, 5, 'Done')).toBeVisible();
  await expect(page.getByTestId('issue-out-dir')).toHaveText(requests);
  await expect(page.getByTestId('issue-done')).toContainText('3 certificates written to the medium; 1 file refused');
  for (const cn of AGENTS) expect(existsSync(join(requests, `${cn}.crt.pem`))).toBe(true);
  expect(existsSync(join(requests, 'notes.crt.pem'))).toBe(false);
  const verify = execFileSync('openssl', ['verify', '-CAfile', bundleFile, join(requests, 'agent-a.crt.pem')], { encoding: 'utf8' });
  expect(verify).toContain(': OK');
  const subject = execFileSync('openssl', ['x509', '-noout', '-subject', '-in', join(requests, 'agent-b.crt.pem')], { encoding: 'utf8' });
  expect(subject).toContain('agent-b');
  await a11y.check('issue from media: done');
  await shots.take('done');

  await pressOn(page, page.getByRole('button', { name: 'Done' }));
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
});

test('issue from media: an auto-lock in the middle keeps the folder, its preview, the profile and the validity', async ({ host, shots }) => {
  const { page } = host;
  const usb = join(host.workDir, 'USB-LOCKED');
  const requests = join(usb, 'requests');
  mkdirSync(requests, { recursive: true });
  copyFileSync(opensslCsr(join(host.workDir, 'openssl'), 'agent-a'), join(requests, 'agent-a.csr'));
  process.env.AIRGAP_CA_MEDIA_ROOTS = usb;
  await copyCaVault(host.vaultDir);
  await page.reload();
  await unlockWithPassphrase(page);
  await pressOn(page, page.getByRole('button', { name: 'Issue from media…' }));
  await pressOn(page, page.getByRole('radio', { name: /USB-LOCKED/ }), 'Space');
  await page.getByLabel('Folder on the medium (optional)').fill('requests');
  await pressOn(page, page.getByRole('button', { name: 'Read the requests' }));
  await expect(page.getByTestId('requests-count')).toHaveText('1 request can be signed, 0 refused');
  await pressOn(page, page.getByRole('button', { name: 'Next: profile' }));
  await expect(stepHeading(page, 2, 'Profile and validity')).toBeVisible();
  await page.getByLabel('Validity in days (optional)').fill('90');

  await host.advanceClock(5 * 60_000 + 1_000);
  await expect(ui(page).unlockHeading).toBeVisible();
  await unlockWithPassphrase(page);

  await expect(stepHeading(page, 2, 'Profile and validity')).toBeVisible();
  await expect(page.getByLabel('Validity in days (optional)')).toHaveValue('90');
  await expect(page.getByLabel('Write the certificates to (an existing folder)')).toHaveValue(requests);
  await shots.take('profile and validity kept after an auto-lock');
  await pressOn(page, page.getByRole('button', { name: 'Back' }));
  await expect(page.getByRole('radio', { name: /USB-LOCKED/ })).toBeChecked();
  await expect(page.getByLabel('Folder on the medium (optional)')).toHaveValue('requests');
  await expect(page.getByTestId('requests-count')).toHaveText('1 request can be signed, 0 refused');
});

/** The folder step and the results with a renewal request among plain CSRs, at both window sizes. */
async function renewalAmongRequests({ host, shots, a11y }: { host: { page: Page; workDir: string; vaultDir: string }; shots: { take(name: string): Promise<string> }; a11y: { check(screen: string): Promise<void> } }, theme: string): Promise<void> {
  const { page } = host;
  const usb = join(host.workDir, 'USB-RENEWALS');
  const requests = join(usb, 'requests');
  mkdirSync(requests, { recursive: true });
  const made = join(host.workDir, 'openssl');
  copyFileSync(opensslCsr(made, 'agent-new'), join(requests, 'agent-new.csr'));
  process.env.AIRGAP_CA_MEDIA_ROOTS = usb;

  // An enrolled agent: its certificate from the vault, then its renewal signed with it (OpenSSL as the agent).
  await copyCaVault(host.vaultDir);
  const seeder = await openVaultService(host.vaultDir);
  const current = await must<{ serial: string; pem: string }>(seeder, 'cert.issue', { source: { path: opensslCsr(made, 'agent-old') } });
  const bundle = await must<BundleView>(seeder, 'bundle.preview', {});
  seeder.session.lock(null);
  writeFileSync(join(made, 'agent-old.crt'), current.pem);
  const next = join(made, 'next.der');
  execFileSync('openssl', ['req', '-in', opensslCsr(join(made, 'next'), 'agent-old'), '-outform', 'DER', '-out', next], { stdio: 'ignore' });
  execFileSync('openssl', ['cms', '-sign', '-binary', '-nodetach', '-outform', 'DER', '-md', 'sha256', '-signer', join(made, 'agent-old.crt'), '-inkey', join(made, 'agent-old.key'), '-in', next, '-out', join(requests, 'agent-old.p7m')], { stdio: 'ignore' });
  const bundleFile = join(host.workDir, 'bundle.pem');
  writeFileSync(bundleFile, bundle.pem);

  await page.reload();
  await unlockWithPassphrase(page);
  await pressOn(page, page.getByRole('button', { name: 'Issue from media…' }));
  await pressOn(page, page.getByRole('radio', { name: /USB-RENEWALS/ }), 'Space');
  await page.getByLabel('Folder on the medium (optional)').fill('requests');
  await pressOn(page, page.getByRole('button', { name: 'Read the requests' }));
  await expect(page.getByTestId('requests-count')).toHaveText('1 request can be signed, 1 renewal request can be renewed, 0 refused');
  await expect(page.getByTestId('request-row').filter({ hasText: 'agent-old.p7m' })).toContainText('OK: a renewal request');
  await expect(page.getByTestId('request-row').filter({ hasText: 'agent-new.csr' })).toContainText('OK: a certificate request');
  await a11y.check(`issue from media: a renewal among requests (${theme})`);
  for (const [width, height] of [[1024, 768], [1280, 720]] as const) {
    await page.setViewportSize({ width, height });
    await shots.take(`renewal among requests ${width}x${height} ${theme}`);
  }

  await pressOn(page, page.getByRole('button', { name: 'Next: profile' }));
  await expect(page.getByRole('button', { name: 'Next: confirm' })).toBeEnabled();
  await pressOn(page, page.getByRole('button', { name: 'Next: confirm' }));
  await expect(page.getByTestId('issue-summary')).toContainText('1 renewal request: each checked against the certificate that signed it');
  await a11y.check(`issue from media: confirm with a renewal (${theme})`);
  await pressOn(page, page.getByRole('button', { name: 'Issue 2 certificates' }));
  await expect(page.getByTestId('issue-result-count')).toHaveText('2 issued, 0 refused');
  await expect(page.getByTestId('issue-result-row')).toHaveCount(2);
  for (const f of ['agent-old.p7m', 'agent-new.csr']) await expect(page.getByTestId('issue-result-row').filter({ hasText: f })).toContainText(/Issued, serial [0-9a-f]+/);
  await a11y.check(`issue from media: results with a renewal (${theme})`);
  for (const [width, height] of [[1024, 768], [1280, 720]] as const) {
    await page.setViewportSize({ width, height });
    await shots.take(`renewal results ${width}x${height} ${theme}`);
  }
  // The renewed certificate is the agent's, for its new key, and OpenSSL accepts it; the renewal's report is beside it.
  const renewed = join(requests, 'agent-old.crt.pem');
  expect(execFileSync('openssl', ['verify', '-CAfile', bundleFile, renewed], { encoding: 'utf8' })).toContain(': OK');
  expect(execFileSync('openssl', ['x509', '-noout', '-pubkey', '-in', renewed], { encoding: 'utf8' })).toBe(execFileSync('openssl', ['pkey', '-pubout', '-in', join(made, 'next', 'agent-old.key')], { encoding: 'utf8' }));
  expect(readdirSync(requests).filter((f) => f.startsWith('renewal-report-'))).toHaveLength(2);
}

test('issue from media: a renewal request among plain CSRs is recognised and renewed with the certificate that signed it (light)', async ({ host, shots, a11y }) => {
  await renewalAmongRequests({ host, shots, a11y }, 'light');
});

test.describe('dark', () => {
  test.use({ colorScheme: 'dark' });
  test('issue from media: a renewal request among plain CSRs is recognised and renewed (dark)', async ({ host, shots, a11y }) => {
    await renewalAmongRequests({ host, shots, a11y }, 'dark');
  });
});
