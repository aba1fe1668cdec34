import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from './fixtures/test.ts';
import { corporateRoot, corporateRootFingerprint, openssl, signCsr, writeChain } from './support/corporate-root.ts';
import { everyLook } from './support/evidence.ts';
import { activeRoot, openSeeder } from './support/seed-keys.ts';
import { PASSPHRASE, openSection, unlockWithPassphrase } from './support/ui.ts';

test.use({ seedVault: { actor: 'Seed Officer', passphrase: PASSPHRASE } });

test('new sub-CA key: CSR to a medium, OpenSSL signs it, a wrong chain is refused, the right one is reviewed and activated', async ({ host, shots, a11y }) => {
  // The kit after the import is judged at both sizes and schemes: more than two minutes on a shared machine.
  test.setTimeout(300_000);
  const { page } = host;
  const seeder = await openSeeder(host.vaultDir);
  const previousId = await activeRoot(seeder, 'Root 2026');
  seeder.close();
  const corp = join(host.workDir, 'corp');
  mkdirSync(corp);
  corporateRoot(corp);
  const usb = join(host.workDir, 'USB-STICK');
  mkdirSync(usb);
  process.env.AIRGAP_CA_MEDIA_ROOTS = usb;

  await unlockWithPassphrase(page);
  await page.getByRole('button', { name: 'New sub-CA key…' }).click();
  const stepHeading = (n: number, name: string) => page.getByRole('heading', { name: `Step ${n} of 7: ${name}` });
  await expect(stepHeading(1, 'Algorithm and subject')).toBeVisible();
  await expect(page.getByTestId('wizard-next')).toContainText('Nothing is stored yet');
  await page.getByLabel('Key name').fill('Agents CA 2026');
  await page.getByLabel('Subject DN').fill('CN=Acme Agents CA 2026,O=Acme');
  await a11y.check('sub-CA: algorithm and subject');
  await shots.take('algorithm and subject');
  await page.getByRole('button', { name: 'Next' }).click();

  await expect(stepHeading(2, 'Create the draft')).toBeVisible();
  // Back keeps what was typed; nothing was created yet.
  await page.getByRole('button', { name: 'Back' }).click();
  await expect(page.getByLabel('Key name')).toHaveValue('Agents CA 2026');
  await page.getByRole('button', { name: 'Next' }).click();
  await a11y.check('sub-CA: confirm draft');
  await shots.take('confirm the draft');
  await page.getByRole('button', { name: 'Create draft key' }).click();

  await expect(stepHeading(3, 'Write the CSR')).toBeVisible();
  await page.getByRole('radio', { name: new RegExp(`USB-STICK — ${usb.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`) }).check();
  const csrFile = join(usb, 'Agents-CA-2026.csr');
  await expect(page.getByTestId('csr-path')).toHaveText(csrFile);
  await a11y.check('sub-CA: write CSR');
  await page.getByRole('button', { name: 'Write CSR to medium' }).click();
  await expect(page.getByTestId('csr-written')).toContainText(csrFile);
  expect(readFileSync(csrFile, 'utf8')).toContain('-----BEGIN CERTIFICATE REQUEST-----');
  await shots.take('CSR written to the medium');

  // The corporate root signs: first, by mistake, a request from another key.
  openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'other.key', '-out', 'other.csr', '-subj', '/CN=Someone Else CA'], corp);
  signCsr(corp, 'other.csr', 'other.pem');
  writeChain(corp, 'other.pem', join(usb, 'wrong-chain.pem'));
  signCsr(corp, csrFile, 'agents.pem');
  writeChain(corp, 'agents.pem', join(usb, 'agents-chain.pem'));

  await page.getByRole('button', { name: 'I have the signed chain' }).click();
  await expect(stepHeading(4, 'Import the signed chain')).toBeVisible();
  await page.getByLabel('Chain file path on the medium').fill(join(usb, 'wrong-chain.pem'));
  await a11y.check('sub-CA: import chain');
  await page.getByRole('button', { name: 'Check the chain' }).click();
  await expect(stepHeading(5, 'Review the chain')).toBeVisible();
  const refused = page.getByTestId('chain-refused');
  await expect(refused).toContainText('CHAIN_KEY_MISMATCH');
  await expect(refused).toContainText('issued for a different key');
  await expect(page.getByRole('button', { name: 'Import this chain' })).toHaveCount(0);
  await a11y.check('sub-CA: chain refused');
  await shots.take('wrong chain refused at review');

  // Nothing was stored: the draft still has no certificate. Leave and resume from the dashboard later.
  await page.getByRole('button', { name: 'Close wizard' }).click();
  await openSection(page, 'Signing keys');
  await expect(page.getByTestId('key-row').filter({ hasText: 'Agents CA 2026' })).toContainText('no certificate yet');
  await openSection(page, 'Dashboard');
  await page.getByRole('button', { name: 'Resume Agents CA 2026' }).click();
  await expect(stepHeading(4, 'Import the signed chain')).toBeVisible();
  await page.getByTestId('chain-file-input').setInputFiles(join(usb, 'agents-chain.pem'));
  await expect(page.getByTestId('chain-picked')).toHaveText('Chosen: agents-chain.pem');
  await page.getByRole('button', { name: 'Check the chain' }).click();

  await expect(stepHeading(5, 'Review the chain')).toBeVisible();
  await expect(page.getByTestId('chain-ok')).toContainText('Every check is green');
  const certs = page.getByTestId('chain-cert');
  await expect(certs).toHaveCount(2);
  await expect(certs.nth(0)).toContainText('This key (leaf of the chain): CN=Acme Agents CA 2026,O=Acme');
  await expect(certs.nth(1)).toContainText('Root: O=Corp,CN=Corp Root CA');
  await a11y.check('sub-CA: review all green');
  await shots.take('chain review, all green');
  // The root is not pinned yet: the review shows its SHA-256 fingerprint as OpenSSL prints it, and
  // storing the chain waits until the officer says it was compared with the published one.
  const opensslFingerprint = corporateRootFingerprint(corp);
  const shown = (await page.getByTestId('chain-root-fingerprint').innerText()).split('\n').join(':');
  expect(shown).toBe(opensslFingerprint);
  await expect(page.getByTestId('chain-root')).toContainText('O=Corp,CN=Corp Root CA');
  const importButton = page.getByRole('button', { name: 'Import this chain' });
  await expect(importButton).toBeDisabled();
  await page.getByLabel('I compared this fingerprint with the one the corporate PKI published').check();
  await importButton.click();

  await expect(stepHeading(6, 'Activate')).toBeVisible();
  const effect = page.getByTestId('activation-effect');
  await expect(effect).toContainText('Root 2026, active now, becomes trusted until about');
  await expect(effect).toContainText('30 days');
  await expect(page.getByTestId('bundle-before')).toContainText('Root 2026 (active)');
  await expect(page.getByTestId('bundle-before')).not.toContainText('Agents CA 2026');
  await expect(page.getByTestId('bundle-after')).toContainText('Root 2026 (trusted)');
  await expect(page.getByTestId('bundle-after')).toContainText('Agents CA 2026 (active)');
  await a11y.check('sub-CA: activate');
  await shots.take('activation effect');

  // The chain is in: the printed kit is offered again, now with the corporate root's pinned fingerprint on it (final only now).
  const kit = page.getByTestId('ceremony-kit');
  await expect(kit).toContainText('the new key’s fingerprint and the corporate root certificate’s, pinned with the chain just imported');
  // Resumed from the dashboard, this session did not write the CSR: the kit asks for its medium first.
  const writeKit = kit.getByRole('button', { name: 'Write the ceremony kit' });
  await expect(writeKit).toBeDisabled();
  await expect(kit).toContainText('Choose the medium first.');
  await kit.getByRole('radio', { name: /USB-STICK/ }).check();
  await writeKit.click();
  await expect(kit.getByTestId('kit-written')).toContainText('Ceremony kit written — print it now');
  const kitFile = (await kit.getByTestId('kit-file').textContent())!.trim();
  expect(kitFile.startsWith(join(usb, 'airgap-ca-ceremony-kit-sub-ca-'))).toBe(true);
  const sheet = readFileSync(kitFile, 'utf8');
  expect(sheet).toContain('class="key role-new-sub-ca"');
  expect(sheet).toContain('class="key role-corporate-root"');
  // Every group of the corporate root's fingerprint (as OpenSSL computes it) is on the sheet; no blank line to fill in by hand.
  for (const group of opensslFingerprint.replace(/:/g, '').toLowerCase().match(/.{4}/g)!) expect(sheet.toLowerCase()).toContain(group);
  expect(sheet).not.toContain('When the chain comes back');
  await everyLook(page, a11y, shots, 'kit written after the chain import');
  await page.getByRole('button', { name: 'Activate Agents CA 2026' }).click();

  await expect(stepHeading(7, 'Export')).toBeVisible();
  await expect(page.getByTestId('activation-result')).toContainText('Agents CA 2026 is active');
  await expect(page.getByTestId('activation-previous')).toContainText('Root 2026 is now trusted until');
  await expect(page.getByTestId('bundle-count')).toHaveText('The trust bundle now holds 2 keys.');
  await a11y.check('sub-CA: activated');
  await shots.take('activated, export offered');
  expect(existsSync(join(usb, 'agents-chain.pem'))).toBe(true);

  await page.getByRole('button', { name: 'Export to removable media…' }).click();
  await expect(page.getByRole('heading', { level: 1, name: /Export to removable media/ })).toBeVisible();
  await openSection(page, 'Signing keys');
  await expect(page.getByTestId('key-row').filter({ hasText: 'Agents CA 2026' }).getByTestId('state-chip')).toHaveText('Active');
  await expect(page.getByTestId('key-row').filter({ hasText: 'Root 2026' }).getByTestId('key-id')).toHaveAttribute('data-key-id', previousId);
});
