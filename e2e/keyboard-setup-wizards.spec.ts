/**
 * Keyboard-only runs of the wizards that set a CA up and carry it out (Tab,
 * Shift+Tab, Enter, Space, the arrows; no click, no programmatic focus): the
 * focus ring shows wherever focus lands, and after every async step (a write,
 * a check, an eject) the focus is on the control that comes next, never lost
 * to the top of the page.
 *
 * - The sub-CA wizard from the dashboard to the activated key: the CSR
 *   written to a real FAT stick, signed there by OpenSSL's corporate root,
 *   the chain read back from the stick, the root's fingerprint compared,
 *   the ceremony kit written, activated. Escape closes it on its first step
 *   and does nothing from the confirm step on (as in the root wizard).
 * - The New CA wizard from the CA switcher to its Done step: an issuing CA
 *   under the vault's CA, its kind chosen with the arrows. Escape closes it
 *   before the create step; after the create the wizard keeps what it made.
 * - The export wizard onto a real FAT stick: medium, preview, write, verify,
 *   Eject (refused while a process holds the stick, the focus kept on it),
 *   safe to remove, Done. Escape closes it until it writes, and is ignored
 *   after.
 */
import { mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import type { CaView, KeyView } from '../src-main/api/contract.ts';
import { mtoolsList } from '../src-main/testing/fat-testkit.ts';
import { expect, test } from './fixtures/test.ts';
import { corporateRoot, corporateRootFingerprint, signCsr, writeChain } from './support/corporate-root.ts';
import { must, openVaultService } from './support/emergency-seed.ts';
import { holdMedium, mountFatSticks, unmountFatSticks, type FatStick } from './support/fat-sticks.ts';
import { expectFocusOn, judgeAndPress, judgedWithRing, tabAndPress, tabAndType, tabTo, unlockByKeyboard } from './support/keyboard.ts';
import { CA_KEY_NAME, copyCaVault } from './support/seed-ca.ts';
import { activeRoot, openSeeder } from './support/seed-keys.ts';
import { PASSPHRASE } from './support/ui.ts';

test.use({ seedVault: { actor: 'Seed Officer', passphrase: PASSPHRASE } });

const dashboardOf = (page: Page) => page.getByRole('heading', { level: 1, name: 'Dashboard' });
const stepHeading = (page: Page, n: number, of: number, name: string) => page.getByRole('heading', { level: 2, name: `Step ${n} of ${of}: ${name}` });
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A keyboard run with axe and screenshots at every look takes minutes on a shared machine: longer than the default idle lock. */
async function longIdleLock(vaultDir: string): Promise<void> {
  const seeder = await openSeeder(vaultDir);
  await seeder.call('settings.update', { autoLockMinutes: 60 });
  seeder.close();
}

/** The vault with an active CA key (seed-ca), unlocked by keyboard. */
async function unlockCaVault(page: Page, vaultDir: string): Promise<void> {
  await copyCaVault(vaultDir);
  await longIdleLock(vaultDir);
  await page.reload();
  await unlockByKeyboard(page);
}

async function keyList(vaultDir: string, ca?: string): Promise<KeyView[]> {
  const s = await openVaultService(vaultDir);
  try {
    return await must<KeyView[]>(s, 'key.list', ca ? { ca } : {});
  } finally {
    s.session.lock(null);
  }
}

test('keyboard only: the sub-CA wizard, CSR onto a FAT stick, the signed chain read back from it, fingerprint compared, activated; Escape only on the first step', async ({ host, shots, a11y }) => {
  test.setTimeout(420_000);
  const { page } = host;
  const seeder = await openSeeder(host.vaultDir);
  await activeRoot(seeder, 'Root 2026');
  await seeder.call('settings.update', { autoLockMinutes: 60 });
  seeder.close();
  const corp = join(host.workDir, 'corp');
  let sticks: FatStick[] = [];
  try {
    sticks = await mountFatSticks(host.workDir, ['CSR-STICK']);
    const stick = sticks[0]!;
    process.env.AIRGAP_CA_MEDIA_ROOTS = stick.mountpoint;
    await unlockByKeyboard(page);
    const title = page.getByRole('heading', { level: 1, name: 'New sub-CA key' });
    const step = (n: number, name: string) => stepHeading(page, n, 7, name);
    const open = page.getByRole('button', { name: 'New sub-CA key…' });

    // Typed choices are no change to the vault: Escape closes on the first step.
    await tabAndPress(page, open);
    await expect(step(1, 'Algorithm and subject')).toBeFocused();
    await tabAndType(page, page.getByRole('textbox', { name: 'Key name' }), 'Keyboard Agents CA');
    await page.keyboard.press('Escape');
    await expect(dashboardOf(page)).toBeVisible();
    await expect(title).toHaveCount(0);

    await tabAndPress(page, open, 'Enter', { back: true });
    await expect(step(1, 'Algorithm and subject')).toBeFocused();
    await tabAndType(page, page.getByRole('textbox', { name: 'Key name' }), 'Keyboard Agents CA');
    await tabAndType(page, page.getByRole('textbox', { name: 'Subject DN' }), 'CN=Acme Keyboard Agents CA,O=Acme');
    await tabAndPress(page, page.getByRole('button', { name: 'Next' }));

    // The confirm step: the same rule as the root wizard's — from the first step that writes on, Escape does nothing.
    await expect(step(2, 'Create the draft')).toBeFocused();
    await page.keyboard.press('Escape');
    await expect(step(2, 'Create the draft')).toBeVisible();
    await expect(page.getByRole('button', { name: 'Close wizard' })).not.toHaveAttribute('aria-keyshortcuts', 'Escape');
    await tabAndPress(page, page.getByRole('button', { name: 'Create draft key' }));

    await expect(step(3, 'Write the CSR')).toBeFocused();
    await page.keyboard.press('Escape');
    await expect(title).toBeVisible();
    // The stick is the one medium found: Tab lands on its radio, Space chooses it.
    const radio = page.getByRole('radio', { name: new RegExp(`CSR-STICK — ${escapeRe(stick.mountpoint)}`) });
    await tabAndPress(page, radio, 'Space');
    await expect(radio).toBeChecked();
    const csrFile = join(stick.mountpoint, 'Keyboard-Agents-CA.csr');
    await expect(page.getByTestId('csr-path')).toHaveText(csrFile);
    await tabAndPress(page, page.getByRole('button', { name: 'Write CSR to medium' }));
    await expect(page.getByTestId('csr-written')).toContainText(csrFile);
    expect(readFileSync(csrFile, 'utf8')).toContain('-----BEGIN CERTIFICATE REQUEST-----');
    // The write button is gone: the focus goes on to the ceremony kit, the next thing to do before the stick leaves.
    const kit = page.getByTestId('ceremony-kit');
    await expectFocusOn(page, kit.getByRole('button', { name: 'Write the ceremony kit' }));
    await judgedWithRing(page, a11y, shots, 'kbd sub-CA: CSR written, kit focused');
    await tabTo(page, kit.getByRole('button', { name: 'Write the ceremony kit' }));
    await page.keyboard.press('Enter');
    await expect(kit.getByTestId('kit-written')).toContainText('Ceremony kit written');
    const next = page.getByRole('button', { name: 'I have the signed chain' });
    await expectFocusOn(page, next);

    // The corporate root (OpenSSL) signs the CSR from the stick and puts the chain back on it.
    mkdirSync(corp);
    corporateRoot(corp);
    signCsr(corp, csrFile, 'agents.pem');
    const chainFile = join(stick.mountpoint, 'agents-chain.pem');
    writeChain(corp, 'agents.pem', chainFile);

    await page.keyboard.press('Enter');
    await expect(step(4, 'Import the signed chain')).toBeFocused();
    const chainPath = page.getByRole('textbox', { name: 'Chain file path on the medium' });
    await tabAndType(page, chainPath, chainFile);
    // The file chooser is on the way, with the ring round its button; back to the path, Enter checks the chain.
    await tabTo(page, page.getByLabel('Signed chain file'));
    await judgedWithRing(page, a11y, shots, 'kbd sub-CA: file chooser focused');
    await tabTo(page, chainPath, { back: true });
    await page.keyboard.press('Enter');
    await expect(step(5, 'Review the chain')).toBeFocused();
    await expect(page.getByTestId('chain-ok')).toContainText('Every check is green');
    const shown = (await page.getByTestId('chain-root-fingerprint').innerText()).split('\n').join(':');
    expect(shown).toBe(corporateRootFingerprint(corp));
    // The fingerprint compared: Space ticks the box, and only then does Import take Enter.
    const compared = page.getByRole('checkbox', { name: 'I compared this fingerprint with the one the corporate PKI published' });
    await tabAndPress(page, compared, 'Space');
    await expect(compared).toBeChecked();
    await judgeAndPress(page, a11y, shots, page.getByRole('button', { name: 'Import this chain' }), 'kbd sub-CA: fingerprint ticked, Import');

    await expect(step(6, 'Activate')).toBeFocused();
    await expect(page.getByTestId('bundle-after')).toContainText('Keyboard Agents CA (active)');
    await tabAndPress(page, kit.getByRole('button', { name: 'Write the ceremony kit' }));
    await expect(kit.getByTestId('kit-written')).toContainText('Ceremony kit written');
    const activate = page.getByRole('button', { name: 'Activate Keyboard Agents CA' });
    await expectFocusOn(page, activate);
    await judgeAndPress(page, a11y, shots, activate, 'kbd sub-CA: kit written, Activate');

    await expect(step(7, 'Export')).toBeFocused();
    await expect(page.getByTestId('activation-result')).toContainText('Keyboard Agents CA is active');
    await page.keyboard.press('Escape');
    await expect(title).toBeVisible();
    await tabAndPress(page, page.getByRole('button', { name: 'Finish without exporting' }));
    await expect(dashboardOf(page)).toBeVisible();

    const keys = await keyList(host.vaultDir);
    expect(keys.find((k) => k.name === 'Keyboard Agents CA')).toMatchObject({ state: 'active', subject: 'CN=Acme Keyboard Agents CA,O=Acme', chainLength: 2 });
    expect(keys.find((k) => k.name === 'Root 2026')?.state).toBe('trusted');
    // Both kits (before the chain, and with the corporate root pinned) are on the stick beside the CSR and the chain.
    expect(readdirSync(stick.mountpoint).filter((f) => f.startsWith('airgap-ca-ceremony-kit-sub-ca-'))).toHaveLength(2);
  } finally {
    await unmountFatSticks(sticks);
  }
});

test('keyboard only: the New CA wizard from the CA switcher, an issuing CA chosen with the arrows, created, then activated inside it; Escape only before the create', async ({ host, shots, a11y }) => {
  test.setTimeout(420_000);
  const { page } = host;
  await unlockCaVault(page, host.vaultDir);
  const title = page.getByRole('heading', { level: 1, name: 'New certificate authority' });
  const step = (n: number, name: string) => stepHeading(page, n, 4, name);
  const open = page.getByTestId('ca-switcher').getByRole('button', { name: 'New CA…' });

  // Opened from the switcher and closed with Escape: a typed name is no change to the vault.
  await tabAndPress(page, open);
  await expect(title).toBeVisible();
  await expect(stepHeading(page, 1, 3, 'Name and parent')).toBeFocused();
  await tabAndType(page, page.getByRole('textbox', { name: 'CA name' }), 'Keyboard Issuing');
  await page.keyboard.press('Escape');
  await expect(dashboardOf(page)).toBeVisible();
  await expect(title).toHaveCount(0);

  await tabAndPress(page, open, 'Enter', { back: true });
  await expect(stepHeading(page, 1, 3, 'Name and parent')).toBeFocused();
  await tabAndType(page, page.getByRole('textbox', { name: 'CA name' }), 'Keyboard Issuing');
  await tabAndType(page, page.getByRole('textbox', { name: 'Purpose (optional)' }), 'Agents, set up by keyboard');
  // The kind with the arrows: Tab lands on the chosen radio, ArrowDown moves to the issuing CA and chooses it.
  const own = page.getByRole('radio', { name: /Nothing yet: an empty CA/ });
  const issuing = page.getByRole('radio', { name: /A CA of this vault: an issuing CA under it/ });
  await tabTo(page, own);
  await page.keyboard.press('ArrowDown');
  await expect(issuing).toBeChecked();
  await expect(issuing).toBeFocused();
  await expect(step(1, 'Name and parent'), 'the step count follows the kind').toBeVisible();
  const parent = page.getByRole('combobox', { name: 'Parent CA' });
  await expect(parent).toHaveText('default');
  await tabTo(page, parent);
  await judgeAndPress(page, a11y, shots, page.getByRole('button', { name: 'Next' }), 'kbd new CA: name and parent, Next');

  await expect(step(2, 'Its first key')).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(dashboardOf(page), 'nothing is stored yet on the key step: Escape closes').toBeVisible();
  await tabAndPress(page, open, 'Enter', { back: true });
  await expect(stepHeading(page, 1, 3, 'Name and parent')).toBeFocused();
  // Closed before anything was written: the wizard starts afresh.
  await expect(page.getByRole('textbox', { name: 'CA name' })).toHaveValue('');
  await tabAndType(page, page.getByRole('textbox', { name: 'CA name' }), 'Keyboard Issuing');
  await tabTo(page, own);
  await page.keyboard.press('ArrowDown');
  await expect(issuing).toBeChecked();
  await tabAndPress(page, page.getByRole('button', { name: 'Next' }));

  await expect(step(2, 'Its first key')).toBeFocused();
  await tabAndType(page, page.getByRole('textbox', { name: 'Key name' }), 'Keyboard Issuing 2026');
  await tabAndType(page, page.getByRole('textbox', { name: 'Subject DN' }), 'CN=Keyboard Issuing CA 2026,O=Acme');
  await tabAndType(page, page.getByRole('spinbutton', { name: 'Validity (days, optional)' }), '730');
  // Next checks the subject and the validity in the main process: the focus goes with the step, to its heading.
  await tabAndPress(page, page.getByRole('button', { name: 'Next' }));

  await expect(step(3, 'Create')).toBeFocused();
  await expect(page.getByTestId('new-ca-summary')).toContainText('730 days');
  await expect(page.getByTestId('new-ca-summary').getByRole('row', { name: /Signed by/ })).toContainText(`${CA_KEY_NAME} (`);
  // The confirm step is the one that writes: from here Escape does nothing (the close button still closes).
  await page.keyboard.press('Escape');
  await expect(step(3, 'Create')).toBeVisible();
  await judgeAndPress(page, a11y, shots, page.getByRole('button', { name: 'Create Keyboard Issuing under default' }), 'kbd new CA: confirm, Create');

  await expect(step(4, 'Into the new CA')).toBeFocused();
  const created = page.getByTestId('new-ca-created');
  await expect(created).toContainText('The CA Keyboard Issuing is in the vault');
  // After the create Escape loses nothing: the wizard stays with what it made.
  await page.keyboard.press('Escape');
  await expect(created).toContainText('The CA Keyboard Issuing is in the vault');
  await judgeAndPress(page, a11y, shots, page.getByRole('button', { name: 'Switch to Keyboard Issuing and activate its first key…' }), 'kbd new CA: created, Switch focused');

  // Into the new CA: the sub-CA wizard at its stored chain, on by keyboard to the active key.
  await expect(page.getByRole('heading', { level: 1, name: 'New sub-CA key' })).toBeVisible();
  await expect(page.getByTestId('wizard-ca')).toContainText('In the CA Keyboard Issuing');
  await expect(stepHeading(page, 5, 7, 'Review the chain')).toBeFocused();
  await tabAndPress(page, page.getByRole('button', { name: 'Next' }));
  await expect(stepHeading(page, 6, 7, 'Activate')).toBeFocused();
  await tabAndPress(page, page.getByRole('button', { name: 'Activate Keyboard Issuing 2026' }));
  await expect(stepHeading(page, 7, 7, 'Export')).toBeFocused();
  await expect(page.getByTestId('activation-result')).toContainText('Keyboard Issuing 2026 is active');
  await tabAndPress(page, page.getByRole('button', { name: 'Finish without exporting' }));
  await expect(dashboardOf(page)).toBeVisible();

  const s = await openVaultService(host.vaultDir);
  try {
    const cas = await must<CaView[]>(s, 'ca.list', {});
    expect(cas.map((c) => [c.name, c.parentName, c.purpose])).toEqual([
      ['default', null, expect.anything()],
      ['Keyboard Issuing', 'default', ''],
    ]);
    const keys = await must<KeyView[]>(s, 'key.list', { ca: 'Keyboard Issuing' });
    expect(keys.map((k) => [k.name, k.state, k.subject])).toEqual([['Keyboard Issuing 2026', 'active', 'CN=Keyboard Issuing CA 2026,O=Acme']]);
  } finally {
    s.session.lock(null);
  }
});

test('keyboard only: the export wizard onto a FAT stick, medium, preview, write, verify, Eject, safe to remove; Escape only before the write', async ({ host, shots, a11y }) => {
  test.setTimeout(420_000);
  const { page } = host;
  let sticks: FatStick[] = [];
  try {
    sticks = await mountFatSticks(host.workDir, ['EXPORT-STICK'], 4096);
    const stick = sticks[0]!;
    process.env.AIRGAP_CA_MEDIA_ROOTS = stick.mountpoint;
    await unlockCaVault(page, host.vaultDir);
    const title = page.getByRole('heading', { level: 1, name: 'Export to removable media' });
    const step = (n: number, name: string) => stepHeading(page, n, 5, name);
    const open = page.getByRole('button', { name: 'Export…' });
    const radio = page.getByRole('radio', { name: new RegExp(`EXPORT-STICK — ${escapeRe(stick.mountpoint)}`) });

    // Escape on the first step and on the preview: nothing is written yet.
    await tabAndPress(page, open);
    await expect(step(1, 'Choose the medium')).toBeFocused();
    await page.keyboard.press('Escape');
    await expect(dashboardOf(page)).toBeVisible();
    await tabAndPress(page, open, 'Enter', { back: true });
    await expect(step(1, 'Choose the medium')).toBeFocused();
    await tabAndPress(page, radio, 'Space');
    await expect(radio).toBeChecked();
    await tabAndPress(page, page.getByRole('button', { name: 'Next: preview' }));
    await expect(step(2, 'Preview the package')).toBeFocused();
    await expect(page.getByTestId('export-preview-files')).toContainText('trust-bundle.pem');
    await page.keyboard.press('Escape');
    await expect(dashboardOf(page)).toBeVisible();
    expect(readdirSync(stick.mountpoint), 'nothing written').toEqual([]);

    await tabAndPress(page, open, 'Enter', { back: true });
    await expect(title).toBeVisible();
    await tabAndPress(page, radio, 'Space');
    await tabAndPress(page, page.getByRole('button', { name: 'Next: preview' }));
    await expect(step(2, 'Preview the package')).toBeFocused();
    await expect(page.getByTestId('export-preview-keys')).toContainText(CA_KEY_NAME);
    const nextWrite = page.getByRole('button', { name: 'Next: write' });
    await expect(nextWrite).toBeEnabled();
    await judgeAndPress(page, a11y, shots, nextWrite, 'kbd export: preview, Next focused');

    await expect(step(3, 'Write')).toBeFocused();
    await expect(page.getByTestId('export-target')).toHaveText(stick.mountpoint);
    await tabAndPress(page, page.getByRole('button', { name: 'Write the package' }));
    await expect(step(4, 'Verification')).toBeFocused();
    await expect(page.getByTestId('export-verification')).toContainText('Verification OK');
    // Written: Escape does nothing now, on this step and back on the first.
    await page.keyboard.press('Escape');
    await expect(step(4, 'Verification')).toBeVisible();
    await expect(page.getByRole('button', { name: 'Close wizard' })).not.toHaveAttribute('aria-keyshortcuts', 'Escape');
    await tabAndPress(page, page.getByRole('button', { name: 'Next: eject' }));

    await expect(step(5, 'Eject and remove')).toBeFocused();
    await expect(page.getByTestId('eject-first')).toContainText('Eject first');
    const folder = (await page.getByTestId('export-folder').textContent())!.trim();
    const eject = page.getByRole('button', { name: 'Eject', exact: true });
    await tabTo(page, eject);
    await judgedWithRing(page, a11y, shots, 'kbd export: verified, Eject focused');
    // A process holds the stick: the eject is refused, and the focus is back on Eject (disabled while it tried) for Enter to try again.
    const holder = await holdMedium(stick.mountpoint);
    try {
      await tabAndPress(page, eject);
      await expect(page.getByTestId('api-error')).toContainText(`sleep (process ${holder.pid})`);
      await expectFocusOn(page, eject);
      await expect(page.getByTestId('eject-first')).toBeVisible();
    } finally {
      await holder.release();
    }
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('safe-to-remove')).toContainText('Safe to remove');
    await stick.exited;
    // Eject is gone: the focus is on Done, not lost at the top of the page.
    const done = page.getByRole('button', { name: 'Done' });
    await expectFocusOn(page, done);
    await judgedWithRing(page, a11y, shots, 'kbd export: safe to remove, Done');
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('safe-to-remove')).toBeVisible();
    await tabAndPress(page, done);
    await expect(dashboardOf(page)).toBeVisible();
    // Read from the image by an independent FAT reader after the eject: the whole package is there.
    expect(await mtoolsList(stick.image, `/${folder}`)).toEqual(expect.arrayContaining(['MANIFEST.json', 'MANIFEST.json.sig', 'SHA256SUMS', 'trust-bundle.pem', 'trust-anchor.json']));
  } finally {
    await unmountFatSticks(sticks);
  }
});
