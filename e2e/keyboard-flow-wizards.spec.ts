/**
 * Keyboard-only runs (Tab, Shift+Tab, Enter, Space, the arrows; no click, no
 * programmatic focus) of the wizards that carry media in and out, each on a
 * real FAT stick ejected through the platform; the 3 px ring checked wherever
 * focus lands, and judged (axe and screenshots, light and dark, both laptop
 * sizes) with the focus kept where the officer left it:
 *
 * - Issue from media: the requests read with Enter in the folder field, the
 *   request table's tick boxes toggled with Space (one left unticked: only
 *   the ticked are signed), the profile chosen with the arrows, confirmed,
 *   issued, the certificates on the stick, ejected. Escape closes the wizard
 *   before the confirmation, and is ignored from there on.
 * - Import receipts: the folder checked with Enter, imported, ejected; Escape
 *   closes on the folder step only.
 * - The emergency ceremony beyond the shares: participants, checklist, the
 *   prepared key, the typed confirmation read from the paper record,
 *   activated, the package written to a FAT stick and verified, ejected, the
 *   transcript recorded. Escape closes only while the transcript is empty.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import type { BundleView, ExportVerifyView, KeyView } from '../src-main/api/contract.ts';
import { mountFat, fsckFat, type FatMount } from '../src-main/testing/fat-testkit.ts';
import { expect, test } from './fixtures/test.ts';
import { must, OLD_ROOT, openVaultService, opensslCsr, seedEmergencyVault, STANDBY_ROOT } from './support/emergency-seed.ts';
import { mountFatSticks, unmountFatSticks } from './support/fat-sticks.ts';
import { expectFocusOn, expectRing, judgedWithRing, tabAndPress, tabAndType, tabTo, unlockByKeyboard } from './support/keyboard.ts';
import { copyCaVault } from './support/seed-ca.ts';
import { DAY_MS, openSeeder } from './support/seed-keys.ts';
import { receiptsOnMedium, seedRotation } from './support/seed-rotation.ts';
import { OFFICER, PASSPHRASE } from './support/ui.ts';

const stepHeading = (page: Page, n: number, of: number, name: string) => page.getByRole('heading', { level: 2, name: `Step ${n} of ${of}: ${name}` });
const dashboardHeading = (page: Page) => page.getByRole('heading', { level: 1, name: 'Dashboard' });

/** Ejected by the wizard: the stick's FUSE process has let go and the image is a consistent FAT file system; mounted again read-only to look at. */
async function remountedReadOnly(stick: FatMount): Promise<FatMount> {
  await stick.exited;
  expect((await fsckFat(stick.image)).code, 'the ejected image is a clean FAT file system').toBe(0);
  expect(readdirSync(stick.mountpoint), 'ejected: nothing mounted there any more').toEqual([]);
  return mountFat(stick.image, stick.mountpoint, { readOnly: true });
}

/**
 * From the section: opens a wizard that reads a folder on a medium, chooses the medium with Space, types the
 * folder and presses Enter in it: the folder is read (`count` says `read`) and the focus stays in the field.
 */
async function openAndReadByEnter(page: Page, w: { open: Locator; first: Locator; medium: Locator; folder: Locator; sub: string; count: Locator; read: string }): Promise<void> {
  await tabAndPress(page, w.open);
  await expect(w.first).toBeFocused();
  await tabAndPress(page, w.medium, 'Space');
  await expect(w.medium).toBeChecked();
  await tabAndType(page, w.folder, w.sub);
  await page.keyboard.press('Enter');
  await expect(w.count).toHaveText(w.read);
  await expect(w.folder).toBeFocused();
}

test('keyboard only: issue from media on a FAT stick — Space ticks two of three, the profile with the arrows, issued, ejected; Escape closes only before the confirmation', async ({ host, shots, a11y }) => {
  test.setTimeout(480_000);
  const { page } = host;
  const mounts: FatMount[] = [];
  try {
    const [stick] = await mountFatSticks(host.workDir, ['USB-REQUESTS']);
    mounts.push(stick!);
    const requests = join(stick!.mountpoint, 'requests');
    mkdirSync(requests);
    const made = join(host.workDir, 'openssl');
    for (const cn of ['agent-a', 'agent-b', 'agent-c']) writeFileSync(join(requests, `${cn}.csr`), readFileSync(opensslCsr(made, cn)));
    writeFileSync(join(requests, 'notes.csr'), 'this is not a certificate request\n');
    process.env.AIRGAP_CA_MEDIA_ROOTS = stick!.mountpoint;
    await copyCaVault(host.vaultDir);
    const seeder = await openVaultService(host.vaultDir);
    // Axe and screenshots at every look on a shared machine take longer than the default idle lock.
    await must(seeder, 'settings.update', { autoLockMinutes: 60 });
    const bundle = await must<BundleView>(seeder, 'bundle.preview', {});
    const issuedBefore = (await must<{ total: number }>(seeder, 'cert.list', {})).total;
    seeder.session.lock(null);
    const bundleFile = join(host.workDir, 'bundle.pem');
    writeFileSync(bundleFile, bundle.pem);

    await page.reload();
    await unlockByKeyboard(page);
    const title = page.getByRole('heading', { level: 1, name: 'Issue from media' });
    const open = page.getByRole('button', { name: 'Issue from media…' });
    const medium = page.getByRole('radio', { name: /USB-REQUESTS/ });
    const folder = page.getByLabel('Folder on the medium (optional)');
    const count = page.getByTestId('requests-count');
    const box = (file: string) => page.getByTestId('request-row').filter({ hasText: file }).getByRole('checkbox');
    const crts = () => readdirSync(requests).filter((f) => f.endsWith('.crt.pem')).sort();

    // Escape before anything is signed: the requests read with the button, one ticked, on the profile step.
    await tabAndPress(page, open);
    await expect(stepHeading(page, 1, 5, 'Requests folder')).toBeFocused();
    await tabAndPress(page, medium, 'Space');
    await expect(medium).toBeChecked();
    await tabAndType(page, folder, 'requests');
    const read = page.getByRole('button', { name: 'Read the requests' });
    await tabAndPress(page, read);
    await expect(count).toHaveText('3 requests can be signed, 1 refused');
    await expect(read, 'the button keeps the focus through its read').toBeFocused();
    await expectRing(page);
    await tabAndPress(page, box('agent-a.csr'), 'Space');
    await expect(box('agent-a.csr')).toBeChecked();
    await tabAndPress(page, page.getByRole('button', { name: 'Next: profile' }));
    await expect(stepHeading(page, 2, 5, 'Profile and validity')).toBeFocused();
    await page.keyboard.press('Escape');
    await expect(dashboardHeading(page)).toBeVisible();
    await expect(title).toHaveCount(0);
    await expect(page.getByRole('main'), 'closed: the keyboard goes on from the top of the dashboard, not of the window').toBeFocused();
    expect(crts(), 'closed with Escape: nothing signed').toEqual([]);

    // Again, to the end. Enter in the folder field reads the requests; the focus stays in the field.
    await openAndReadByEnter(page, { open, first: stepHeading(page, 1, 5, 'Requests folder'), medium, folder, sub: 'requests', count, read: '3 requests can be signed, 1 refused' });
    // Nothing ticked after a new reading; Space on the header ticks every request that can be signed, Space on agent-c unticks it.
    await expect(box('agent-a.csr')).not.toBeChecked();
    await tabAndPress(page, page.getByRole('checkbox', { name: 'Tick every request that can be signed (3)' }), 'Space');
    for (const f of ['agent-a.csr', 'agent-b.csr', 'agent-c.csr']) await expect(box(f)).toBeChecked();
    await tabAndPress(page, box('agent-c.csr'), 'Space');
    await expect(box('agent-c.csr')).not.toBeChecked();
    await expect(page.getByTestId('requests-ticked')).toHaveText('Ticked: 2 requests.');
    const toProfile = page.getByRole('button', { name: 'Next: profile' });
    await tabTo(page, toProfile);
    await judgedWithRing(page, a11y, shots, 'kbd issue-media 2 of 3 ticked, Next');
    await page.keyboard.press('Enter');

    // The profile with the arrows: Tab lands on the chosen one (agent), ArrowDown chooses the next (server).
    await expect(stepHeading(page, 2, 5, 'Profile and validity')).toBeFocused();
    await tabTo(page, page.getByRole('radio', { name: /^agent/ }));
    await page.keyboard.press('ArrowDown');
    const server = page.getByRole('radio', { name: /^server/ });
    await expect(server).toBeChecked();
    await expect(server).toBeFocused();
    await expectRing(page);
    await tabAndPress(page, page.getByRole('button', { name: 'Next: confirm' }));

    // The confirmation is the step that writes: Escape is ignored from here on.
    await expect(stepHeading(page, 3, 5, 'Confirm')).toBeFocused();
    await expect(page.getByTestId('issue-summary')).toContainText('server');
    await expect(page.getByTestId('chosen-row')).toHaveCount(2);
    await page.keyboard.press('Escape');
    await expect(title).toBeVisible();
    const issue = page.getByRole('button', { name: 'Issue 2 certificates' });
    await tabTo(page, issue);
    await judgedWithRing(page, a11y, shots, 'kbd issue-media confirm, Issue');
    await page.keyboard.press('Enter');
    await expect(stepHeading(page, 4, 5, 'Issue')).toBeFocused();
    await expect(page.getByTestId('issue-result-count')).toHaveText('2 issued, 0 refused', { timeout: 90_000 });
    await page.keyboard.press('Escape');
    await expect(title).toBeVisible();
    await tabAndPress(page, page.getByRole('button', { name: 'Next: done' }));

    // Done: Eject through the platform, amber until then; the focus goes on to Done, as in the export wizard.
    await expect(stepHeading(page, 5, 5, 'Done')).toBeFocused();
    await expect(page.getByTestId('issue-done')).toContainText('2 certificates written to the medium');
    await expect(page.getByTestId('eject-first')).toBeVisible();
    await tabAndPress(page, page.getByRole('button', { name: 'Eject', exact: true }));
    await expect(page.getByTestId('safe-to-remove')).toBeVisible();
    const done = page.getByRole('button', { name: 'Done', exact: true });
    await expectFocusOn(page, done);
    await page.keyboard.press('Escape');
    await expect(title).toBeVisible();
    await judgedWithRing(page, a11y, shots, 'kbd issue-media ejected, Done');
    await page.keyboard.press('Enter');
    await expect(dashboardHeading(page)).toBeVisible();

    // On the stick, read again after the eject: exactly the ticked requests got certificates, server certificates OpenSSL accepts.
    mounts[0] = await remountedReadOnly(stick!);
    expect(crts()).toEqual(['agent-a.crt.pem', 'agent-b.crt.pem']);
    for (const cn of ['agent-a', 'agent-b']) {
      const crt = join(requests, `${cn}.crt.pem`);
      expect(execFileSync('openssl', ['verify', '-CAfile', bundleFile, crt], { encoding: 'utf8' })).toContain(': OK');
      expect(execFileSync('openssl', ['x509', '-noout', '-subject', '-ext', 'extendedKeyUsage', '-in', crt], { encoding: 'utf8' })).toMatch(new RegExp(`CN ?= ?${cn}[\\s\\S]*TLS Web Server Authentication`));
    }
    const s = await openVaultService(host.vaultDir);
    try {
      expect((await must<{ total: number }>(s, 'cert.list', {})).total).toBe(issuedBefore + 2);
    } finally {
      s.session.lock(null);
    }
  } finally {
    await unmountFatSticks(mounts);
  }
});

test.describe('in mid-rotation', () => {
  test.use({ seedVault: { actor: 'Seed Officer', passphrase: PASSPHRASE } });

  test('keyboard only: receipts from a FAT stick checked with Enter, imported, ejected; Escape closes only on the folder step', async ({ host, shots, a11y }) => {
    test.setTimeout(360_000);
    const { page } = host;
    const mounts: FatMount[] = [];
    try {
      const seeded = await seedRotation(host.vaultDir);
      const settings = await openSeeder(host.vaultDir);
      await settings.call('settings.update', { autoLockMinutes: 60 });
      settings.close();
      const [stick] = await mountFatSticks(host.workDir, ['USB-RECEIPTS']);
      mounts.push(stick!);
      receiptsOnMedium(seeded, join(stick!.mountpoint, 'receipts'));
      process.env.AIRGAP_CA_MEDIA_ROOTS = stick!.mountpoint;
      // The window's service clock follows the seeder's, which moved a day ahead.
      await host.advanceClock(DAY_MS);
      await page.reload();
      await unlockByKeyboard(page);
      const panel = page.getByTestId('rotation-panel');
      await expect(panel).toContainText('2 known agents, 1 receipt imported; bundle version 1.');
      const title = page.getByRole('heading', { level: 1, name: 'Import receipts from a medium' });
      const open = panel.getByRole('button', { name: 'Import receipts…' });
      const medium = page.getByRole('radio', { name: /USB-RECEIPTS/ });
      const folder = page.getByLabel('Folder on the medium (optional)');
      const count = page.getByTestId('receipts-count');

      // Checked, then closed with Escape on the folder step: nothing stored.
      const reading = { open, first: stepHeading(page, 1, 3, 'Receipts folder'), medium, folder, sub: 'receipts', count, read: '1 new receipt, 1 already imported, 1 refused' };
      await openAndReadByEnter(page, reading);
      await page.keyboard.press('Escape');
      await expect(title).toHaveCount(0);
      await expect(page.getByRole('main')).toBeFocused();
      await expect(panel).toContainText('2 known agents, 1 receipt imported; bundle version 1.');

      await openAndReadByEnter(page, reading);
      await expect(page.getByTestId('receipt-row').filter({ hasText: 'forged.receipt.json' })).toContainText('RECEIPT_BAD_SIGNATURE');
      await tabTo(page, page.getByRole('button', { name: 'Next: import' }));
      await judgedWithRing(page, a11y, shots, 'kbd receipts checked, Next');
      await page.keyboard.press('Enter');

      // The import step writes: Escape is ignored from here on.
      await expect(stepHeading(page, 2, 3, 'Import')).toBeFocused();
      await page.keyboard.press('Escape');
      await expect(title).toBeVisible();
      await tabAndPress(page, page.getByRole('button', { name: 'Import the receipts' }));
      await expect(stepHeading(page, 3, 3, 'Done')).toBeFocused();
      await expect(page.getByTestId('receipts-done')).toContainText('1 receipt imported');
      await page.keyboard.press('Escape');
      await expect(title).toBeVisible();
      await tabAndPress(page, page.getByRole('button', { name: 'Eject', exact: true }));
      await expect(page.getByTestId('safe-to-remove')).toBeVisible();
      await expectFocusOn(page, page.getByRole('button', { name: 'Done', exact: true }));
      await judgedWithRing(page, a11y, shots, 'kbd receipts ejected, Done');
      await page.keyboard.press('Enter');
      await expect(title).toHaveCount(0);
      await expect(panel.getByTestId('rotation-key').filter({ hasText: 'Root B' })).toContainText('Trusted by 2 of 2 known agents (100%)');
      mounts[0] = await remountedReadOnly(stick!);
      expect(readdirSync(join(stick!.mountpoint, 'receipts')).sort(), 'the receipts are left on the medium as they came').toEqual([
        'agent-1.receipt.json',
        'agent-1.receipt.json.sig',
        'agent-2.receipt.json',
        'agent-2.receipt.json.sig',
        'forged.receipt.json',
        'forged.receipt.json.sig',
      ]);
    } finally {
      await unmountFatSticks(mounts);
    }
  });
});

test('keyboard only: the emergency ceremony from the checklist to the recorded transcript, the package on a FAT stick, ejected; Escape closes only while the transcript is empty', async ({ host, shots, a11y }) => {
  test.setTimeout(600_000);
  const { page } = host;
  const mounts: FatMount[] = [];
  try {
    const seed = await seedEmergencyVault(host.vaultDir, host.workDir, 2);
    const settings = await openVaultService(host.vaultDir);
    await must(settings, 'settings.update', { autoLockMinutes: 60 });
    settings.session.lock(null);
    const [stick] = await mountFatSticks(host.workDir, ['EXPORT-STICK'], 8192);
    mounts.push(stick!);
    process.env.AIRGAP_CA_MEDIA_ROOTS = stick!.mountpoint;
    await page.reload();
    await unlockByKeyboard(page);
    const title = page.getByRole('heading', { level: 1, name: 'Emergency rotation ceremony' });
    const open = page.getByRole('button', { name: 'Emergency rotation…' });
    const participants = page.getByRole('heading', { level: 2, name: 'Participants' });

    // Escape while nothing is in the transcript: a witness typed, closed without a trace.
    await tabAndPress(page, open);
    await expect(participants).toBeFocused();
    await tabAndType(page, page.getByLabel('Witness 1 name'), 'Bob Witness');
    await page.keyboard.press('Escape');
    await expect(title).toHaveCount(0);
    await expect(dashboardHeading(page)).toBeVisible();
    await expect(page.getByRole('main')).toBeFocused();

    await tabAndPress(page, open);
    await expect(participants).toBeFocused();
    await expect(page.getByLabel('Witness 1 name'), 'closed with Escape: the ceremony starts afresh').toHaveValue('');
    await tabAndType(page, page.getByLabel('Witness 1 name'), 'Bob Witness');
    await tabAndPress(page, page.getByRole('button', { name: 'Add another witness' }));
    // The new field is before the button: Shift+Tab reaches it.
    await tabAndType(page, page.getByLabel('Witness 2 name'), 'Carol Witness', { back: true });
    await tabAndPress(page, page.getByRole('button', { name: 'Next: checklist' }));

    // The transcript has its first entry: Escape is ignored from here on.
    const checklist = page.getByRole('heading', { level: 2, name: 'Checklist' });
    await expect(checklist).toBeFocused();
    await page.keyboard.press('Escape');
    await expect(checklist).toBeVisible();
    const boxes = page.getByRole('table', { name: 'Checklist acknowledgements' }).getByRole('checkbox');
    await expect(boxes).toHaveCount(12);
    for (let i = 0; i < 12; i += 1) {
      await tabAndPress(page, boxes.nth(i), 'Space');
      await expect(boxes.nth(i)).toBeChecked();
    }
    const toKey = page.getByRole('button', { name: 'Next: the new key' });
    await tabTo(page, toKey);
    await judgedWithRing(page, a11y, shots, 'kbd emergency checklist, Next');
    await page.keyboard.press('Enter');

    // The prepared draft: Tab passes the chosen kind of key (a prepared draft) and lands on the draft's radio; Space chooses it.
    await expect(page.getByRole('heading', { level: 2, name: 'The new key' })).toBeFocused();
    await tabTo(page, page.getByRole('radio', { name: /^A prepared draft/ }));
    await expect(page.getByRole('radio', { name: /^A prepared draft/ })).toBeChecked();
    const draft = page.getByRole('radio', { name: `Use ${STANDBY_ROOT}` });
    await tabAndPress(page, draft, 'Space');
    await expect(draft).toBeChecked();
    // What the witnesses write on the paper record, and read back at the confirmation: its last two groups.
    const paper = (await page.getByTestId('paper-fingerprint').textContent())!.trim();
    expect(paper).toBe(`sha256:${seed.standbyKeyId.slice(7).match(/.{4}/g)!.join(' ')}`);
    const readBack = paper.split(' ').slice(-2).join(' ');
    await tabAndPress(page, page.getByRole('button', { name: 'Next: confirm' }));

    // The typed confirmation, then Retire & activate.
    await expect(page.getByRole('heading', { level: 2, name: 'Confirm the emergency rotation' })).toBeFocused();
    const activate = page.getByRole('button', { name: 'Retire & activate' });
    await expect(activate).toBeDisabled();
    await tabAndType(page, page.getByLabel('IN key: last 2 groups'), readBack);
    await expect(activate).toBeEnabled();
    await tabTo(page, activate);
    await judgedWithRing(page, a11y, shots, 'kbd emergency confirm, Retire focused', { fullPage: false });
    await page.keyboard.press('Enter');
    await expect(page.getByRole('heading', { level: 2, name: 'Activated' })).toBeFocused();
    await expect(page.getByTestId('revoked-count')).toHaveText('2 certificates revoked (keyCompromise).');
    await page.keyboard.press('Escape');
    await expect(title).toBeVisible();
    await tabAndPress(page, page.getByRole('button', { name: 'Next: export package' }));

    // The package written to the stick and verified; the focus goes on to the verified line, and Tab to Next.
    await expect(page.getByRole('heading', { level: 2, name: 'Export package' })).toBeFocused();
    const stickRadio = page.getByRole('radio', { name: /EXPORT-STICK/ });
    await tabAndPress(page, stickRadio, 'Space');
    await expect(stickRadio).toBeChecked();
    await tabAndPress(page, page.getByRole('button', { name: 'Write the package to EXPORT-STICK' }));
    const verified = page.getByTestId('export-verified');
    await expect(verified).toContainText('files listed in the signed manifest match', { timeout: 90_000 });
    await expect(verified, 'after writing, the focus is on the verified line, not lost at the top of the page').toBeFocused();
    const exportDir = (await page.getByTestId('export-result').locator('span').first().textContent())!.trim();
    await tabAndPress(page, page.getByRole('button', { name: 'Next: transcript' }));

    // The last step: Eject (amber until then), then record the transcript, then Finish.
    await expect(page.getByRole('heading', { level: 2, name: 'Transcript' })).toBeFocused();
    await expect(page.getByTestId('ceremony-outcome')).toHaveText('Completed: the new key is active');
    await tabAndPress(page, page.getByRole('button', { name: 'Eject', exact: true }));
    await expect(page.getByTestId('safe-to-remove'), 'after the eject the focus is on "Safe to remove", from where Tab reaches Record').toBeFocused();
    const record = page.getByRole('button', { name: 'Record the transcript in the audit log' });
    await tabAndPress(page, record);
    await expect(page.getByTestId('transcript-recorded')).toContainText('Recorded as audit event #');
    const finish = page.getByRole('button', { name: 'Finish' });
    await expect(finish, 'the same button, now Finish, keeps the focus').toBeFocused();
    await judgedWithRing(page, a11y, shots, 'kbd emergency transcript, Finish');
    await page.keyboard.press('Enter');
    await expect(title).toHaveCount(0);

    // The vault and the stick, read again after the eject.
    mounts[0] = await remountedReadOnly(stick!);
    const s = await openVaultService(host.vaultDir);
    try {
      const keys = await must<KeyView[]>(s, 'key.list', {});
      expect(keys.find((k) => k.id === seed.oldKeyId)).toMatchObject({ name: OLD_ROOT, state: 'retired', retired: { by: OFFICER, reason: 'compromise' } });
      expect(keys.find((k) => k.id === seed.standbyKeyId)).toMatchObject({ state: 'active' });
      expect(await must<ExportVerifyView>(s, 'export.verify', { dir: exportDir })).toMatchObject({ ok: true, problems: [], signingKeyId: seed.standbyKeyId });
      const t = (await must<{ events: Array<{ witnesses: string[]; details: { outcome: string; steps: Array<{ step: string }> } }> }>(s, 'audit.list', { action: 'ceremony.transcript' })).events;
      expect(t).toHaveLength(1);
      expect(t[0]).toMatchObject({ witnesses: ['Bob Witness', 'Carol Witness'], details: { outcome: 'completed' } });
      expect(t[0]!.details.steps.map((x) => x.step)).toEqual([
        'participants',
        'checklist acknowledged',
        'checklist acknowledged',
        'checklist acknowledged',
        'new key chosen',
        'typed confirmation',
        'emergency activation',
        'export written',
        'export verified',
        'medium ejected',
      ]);
    } finally {
      s.session.lock(null);
    }
  } finally {
    await unmountFatSticks(mounts);
  }
});
