/**
 * Wizard 3, the emergency rotation ceremony, end to end against the real core:
 * a vault whose active root issued certificates (OpenSSL-made CSRs through
 * cert.issue) and a prepared standby root. Driven by keyboard (focus + keys),
 * with an axe check and a screenshot on every step; the outcome is checked
 * through dispatch on the vault itself, not through the UI.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator } from '@playwright/test';
import type { AuditEventView, CompromiseView, ExportVerifyView, KeyView } from '../src-main/api/contract.ts';
import { expect, test } from './fixtures/test.ts';
import { must, OLD_ROOT, openVaultService, seedEmergencyVault, STANDBY_ROOT } from './support/emergency-seed.ts';
import { acknowledgeAll, activateAndSkipExport, openCeremony, pressOn, typeInto } from './support/ceremony.ts';
import { OFFICER, openSection, unlockWithPassphrase } from './support/ui.ts';

const CERTIFICATES = 3;
const WITNESSES = ['Bob Witness', 'Carol Witness'];

test.describe('emergency rotation ceremony', () => {
  test.describe.configure({ timeout: 360_000 });

  test('prepared draft: witnesses, checklist, typed confirmation, activation, export, transcript in the audit log', async ({ host, shots, a11y, everyLook }) => {
    const { page } = host;
    const seed = await seedEmergencyVault(host.vaultDir, host.workDir, CERTIFICATES);
    const usb = join(host.workDir, 'usb-stick');
    mkdirSync(usb);
    process.env.AIRGAP_CA_MEDIA_ROOTS = usb;
    await page.reload();
    await openCeremony(page);

    // Participants: the officer is prefilled and fixed; Next waits for a witness and says why.
    await expect(page.getByLabel('Officer (signed in)')).toHaveValue(OFFICER);
    const toChecklist = page.getByRole('button', { name: 'Next: checklist' });
    await expect(toChecklist).toBeDisabled();
    await expect(page.getByTestId('disabled-reason')).toHaveText('Name at least one witness to continue.');
    await a11y.check('emergency: participants, no witness');
    await shots.take('participants, no witness yet');
    await typeInto(page, page.getByLabel('Witness 1 name'), '   ');
    await expect(toChecklist).toBeDisabled();
    await typeInto(page, page.getByLabel('Witness 1 name'), WITNESSES[0]!);
    await pressOn(page, page.getByRole('button', { name: 'Add another witness' }));
    await typeInto(page, page.getByLabel('Witness 2 name'), WITNESSES[1]!);
    await expect(toChecklist).toBeEnabled();
    await shots.take('participants');
    await pressOn(page, toChecklist);

    // Checklist: one box per item per participant; Next counts what is missing.
    await expect(page.getByRole('heading', { level: 2, name: 'Checklist' })).toBeFocused();
    const toKey = page.getByRole('button', { name: 'Next: the new key' });
    await expect(toKey).toBeDisabled();
    await expect(page.getByTestId('disabled-reason')).toHaveText('12 acknowledgements still missing.');
    await a11y.check('emergency: checklist');
    await shots.take('checklist, nothing acknowledged');
    // Back keeps what was typed.
    await pressOn(page, page.getByRole('button', { name: 'Back' }));
    await expect(page.getByLabel('Witness 2 name')).toHaveValue(WITNESSES[1]!);
    await pressOn(page, toChecklist);
    await acknowledgeAll(page, 1 + WITNESSES.length);
    await expect(toKey).toBeEnabled();
    await shots.take('checklist acknowledged');
    await pressOn(page, toKey);

    // The new key: the prepared draft.
    await expect(page.getByRole('heading', { level: 2, name: 'The new key' })).toBeFocused();
    const toConfirm = page.getByRole('button', { name: 'Next: confirm' });
    await expect(toConfirm).toBeDisabled();
    await a11y.check('emergency: new key');
    await pressOn(page, page.getByRole('radio', { name: `Use ${STANDBY_ROOT}` }), 'Space');
    await expect(toConfirm).toBeEnabled();
    // What the witnesses write on the paper record: the whole fingerprint, in groups.
    await expect(page.getByTestId('paper-fingerprint')).toHaveText(`sha256:${seed.standbyKeyId.slice(7).match(/.{4}/g)!.join(' ')}`);
    await shots.take('new key, prepared draft chosen');
    await pressOn(page, toConfirm);

    // Typed confirmation: OUT (red) → IN (green) with full fingerprints, a pinned bar, and the new key's fingerprint ending read from the paper record.
    await expect(page.getByRole('heading', { level: 2, name: 'Confirm the emergency rotation' })).toBeFocused();
    const grouped = (id: string) => `sha256:${id.slice(7).match(/.{4}/g)!.join(' ')}`;
    const out = page.getByTestId('panel-out');
    const into = page.getByTestId('panel-in');
    await expect(out).toContainText('OUT — compromised');
    await expect(out).toContainText(OLD_ROOT);
    await expect(out.getByTestId('panel-fingerprint')).toHaveText(grouped(seed.oldKeyId));
    await expect(into).toContainText('IN — the new key');
    await expect(into).toContainText(STANDBY_ROOT);
    await expect(into.getByTestId('panel-fingerprint')).toHaveText(grouped(seed.standbyKeyId));
    // Red out, green in: the two panels never look alike.
    type StyleGlobals = { getComputedStyle(el: unknown): { borderTopColor: string } };
    const borderOf = (panel: Locator) => panel.evaluate((el) => (globalThis as unknown as StyleGlobals).getComputedStyle(el).borderTopColor);
    const outBorder = await borderOf(out);
    const inBorder = await borderOf(into);
    expect(outBorder).not.toBe(inBorder);
    expect(outBorder).toMatch(/^rgb\((\d+), (\d+), (\d+)\)$/);
    const [or, og] = outBorder.match(/\d+/g)!.map(Number);
    const [ir, ig] = inBorder.match(/\d+/g)!.map(Number);
    expect(or! > og!).toBe(true);
    expect(ig! > ir!).toBe(true);
    // Nothing to copy from just above the field: the step says where to read it, and the old short id is not offered.
    await expect(page.getByTestId('old-short-id')).toHaveCount(0);
    await expect(page.getByTestId('paper-where')).toContainText('paper record');
    await expect(page.getByTestId('revoke-count')).toContainText(`${CERTIFICATES} unexpired certificates it issued are revoked with reason keyCompromise`);
    await expect(page.getByTestId('bundle-after')).toContainText(`The trust bundle will hold only ${STANDBY_ROOT} (active).`);
    const activate = page.getByRole('button', { name: 'Retire & activate' });
    const bar = page.getByTestId('pinned-actions');
    await expect(activate).toBeDisabled();
    await a11y.check('emergency: confirm');
    const field = page.getByLabel('IN key: last 2 groups');
    const ending = seed.standbyKeyId.slice(-8);
    // The compromised key's short id (what the old step asked for) is refused, and so is a near miss.
    await typeInto(page, field, seed.oldKeyId.slice(7, 15));
    await expect(activate).toBeDisabled();
    await expect(page.getByTestId('disabled-reason')).toHaveText(`Not how the paper record ends for ${STANDBY_ROOT}: read it again.`);
    const wrong = `${ending.slice(0, 4)} ${ending[4] === 'f' ? '0' : 'f'}${ending.slice(5)}`;
    await typeInto(page, field, wrong);
    await expect(activate).toBeDisabled();
    await shots.take('confirm, wrong fingerprint ending');
    // The bar with Stop, the sentence and the button is in the window at both laptop sizes, light and dark, without scrolling.
    await everyLook('emergency: confirm', {
      scrollTop: true,
      fullPage: false,
      each: async ({ size }) => {
        for (const target of [activate, bar.getByRole('button', { name: 'Close wizard' }), page.getByTestId('changes-vault'), field]) {
          const box = (await target.boundingBox())!;
          expect(box.y).toBeGreaterThanOrEqual(0);
          expect(box.y + box.height).toBeLessThanOrEqual(size.height);
          expect(box.x + box.width).toBeLessThanOrEqual(size.width);
        }
      },
    });
    // As the paper shows it: in groups, upper case, with the prefix; all accepted.
    await typeInto(page, field, `${ending.slice(0, 4).toUpperCase()} ${ending.slice(4)}`);
    await expect(activate).toBeEnabled();
    await shots.take('confirm, fingerprint ending typed');
    await pressOn(page, activate);

    // Activated: what the api reports.
    await expect(page.getByRole('heading', { level: 2, name: 'Activated' })).toBeFocused();
    await expect(page.getByTestId('activation-result')).toContainText(`${STANDBY_ROOT} is the active key. ${OLD_ROOT} is retired.`);
    await expect(page.getByTestId('revoked-count')).toHaveText(`${CERTIFICATES} certificates revoked (keyCompromise).`);
    await expect(page.getByTestId('final-crl')).toContainText(`with ${CERTIFICATES} entries`);
    await expect(page.getByRole('button', { name: 'Back' })).toHaveCount(0);
    await a11y.check('emergency: activated');
    await shots.take('activated');
    await pressOn(page, page.getByRole('button', { name: 'Next: export package' }));

    // Export to the medium, verified.
    await expect(page.getByRole('heading', { level: 2, name: 'Export package' })).toBeFocused();
    await expect(page.getByRole('button', { name: 'Next: transcript' })).toBeDisabled();
    await pressOn(page, page.getByRole('radio', { name: /usb-stick/ }), 'Space');
    await a11y.check('emergency: export, medium chosen');
    await shots.take('export, medium chosen');
    await pressOn(page, page.getByRole('button', { name: 'Write the package to usb-stick' }));
    await expect(page.getByTestId('export-verified')).toContainText('files listed in the signed manifest match');
    await expect(page.getByTestId('export-verified')).toContainText('Eject the medium on the last step');
    const exportDir = (await page.getByTestId('export-result').locator('span').first().textContent())!.trim();
    await a11y.check('emergency: export verified');
    await shots.take('export verified');
    await pressOn(page, page.getByRole('button', { name: 'Next: transcript' }));

    // Transcript: every step with its time, recorded in the audit log.
    await expect(page.getByRole('heading', { level: 2, name: 'Transcript' })).toBeFocused();
    await expect(page.getByTestId('ceremony-outcome')).toHaveText('Completed: the new key is active');
    // The last step carries the medium: what was written, and amber "Eject first" until it is ejected.
    await expect(page.getByTestId('emergency-written')).toContainText(/\d+ written = \d+ files \+ manifest, signature, SHA256SUMS; all verified/);
    await expect(page.getByTestId('eject-first')).toContainText('Eject first');
    await expect(page.getByTestId('safe-to-remove')).toHaveCount(0);
    const rows = page.getByTestId('transcript-row');
    const shownSteps = await rows.evaluateAll((trs) => trs.map((tr) => ((tr as unknown as { cells: Array<{ textContent: string | null }> }).cells[1]?.textContent ?? '').trim()));
    await expect(rows.first().locator('time')).toHaveAttribute('title', / UTC$/);
    await a11y.check('emergency: transcript');
    await shots.take('transcript, before recording');
    await pressOn(page, page.getByRole('button', { name: 'Record the transcript in the audit log' }));
    await expect(page.getByTestId('transcript-recorded')).toContainText('Recorded as audit event #');
    const shownHash = (await page.getByTestId('transcript-hash').textContent())!.trim();
    await a11y.check('emergency: transcript recorded');
    await shots.take('transcript recorded');

    // The vault, through dispatch.
    const s = await openVaultService(host.vaultDir);
    try {
      const keys = await must<KeyView[]>(s, 'key.list', {});
      const old = keys.find((k) => k.id === seed.oldKeyId)!;
      expect(old.state).toBe('retired');
      expect(old.crl.lastNumber).not.toBeNull();
      expect(keys.find((k) => k.id === seed.standbyKeyId)!.state).toBe('active');
      expect((await must<{ total: number }>(s, 'cert.list', { issuer: seed.oldKeyId, status: 'revoked' })).total).toBe(CERTIFICATES);
      expect((await must<{ total: number }>(s, 'cert.list', { issuer: seed.oldKeyId, status: 'valid' })).total).toBe(0);
      const verified = await must<ExportVerifyView>(s, 'export.verify', { dir: exportDir });
      expect(verified).toMatchObject({ ok: true, problems: [], signingKeyId: seed.standbyKeyId });

      const activated = (await must<{ events: AuditEventView[] }>(s, 'audit.list', { action: 'key.emergency-activated' })).events;
      expect(activated).toHaveLength(1);
      expect(activated[0]).toMatchObject({ actor: OFFICER, witnesses: WITNESSES, details: { keyId: seed.standbyKeyId, revokedCertificates: CERTIFICATES, revokedIssuers: [seed.oldKeyId] } });
      const transcripts = (await must<{ events: AuditEventView[] }>(s, 'audit.list', { action: 'ceremony.transcript' })).events;
      expect(transcripts).toHaveLength(1);
      const t = transcripts[0]!;
      expect(t).toMatchObject({ actor: OFFICER, witnesses: WITNESSES, hash: shownHash, details: { kind: 'emergency-rotation', outcome: 'completed', participants: { officer: OFFICER, witnesses: WITNESSES } } });
      const steps = (t.details.steps as Array<{ step: string; by: string; at: string }>);
      // Back and forth on the participants step is recorded each time Next was pressed.
      expect(steps.map((x) => x.step)).toEqual([
        'participants',
        'participants',
        'checklist acknowledged',
        'checklist acknowledged',
        'checklist acknowledged',
        'new key chosen',
        'typed confirmation',
        'emergency activation',
        'export written',
        'export verified',
      ]);
      expect(shownSteps).toEqual(steps.map((x) => x.step));
      expect(steps.filter((x) => x.step === 'checklist acknowledged').map((x) => x.by)).toEqual([OFFICER, ...WITNESSES]);
      // The transcript comes after the activation in the chain, and its times run forward.
      expect(t.seq).toBeGreaterThan(activated[0]!.seq);
      expect([...steps.map((x) => x.at)].sort()).toEqual(steps.map((x) => x.at));
      expect((await must<{ ok: boolean }>(s, 'audit.verify', {})).ok).toBe(true);
    } finally {
      s.session.lock(null);
    }

    await pressOn(page, page.getByRole('button', { name: 'Finish' }));
    await expect(page.getByRole('heading', { level: 1, name: 'Emergency rotation ceremony' })).toHaveCount(0);
  });

  test('new root created on the key step; a refused step stays in the transcript; export skipped: the dashboard raises the alarm', async ({ host, shots, a11y }) => {
    const { page } = host;
    const seed = await seedEmergencyVault(host.vaultDir, host.workDir, 1);
    const usb = join(host.workDir, 'usb-stick');
    mkdirSync(usb);
    process.env.AIRGAP_CA_MEDIA_ROOTS = usb;
    await page.reload();
    await openCeremony(page);
    await typeInto(page, page.getByLabel('Witness 1 name'), WITNESSES[0]!);
    await pressOn(page, page.getByRole('button', { name: 'Next: checklist' }));
    await acknowledgeAll(page, 2);
    await pressOn(page, page.getByRole('button', { name: 'Next: the new key' }));

    await pressOn(page, page.getByRole('radio', { name: 'A new self-signed root, created now' }), 'Space');
    const create = page.getByRole('button', { name: 'Create the new root now' });
    await expect(create).toBeDisabled();
    // A name already taken: the api refuses, the form keeps what was typed.
    await typeInto(page, page.getByLabel('New root name'), OLD_ROOT);
    await typeInto(page, page.getByLabel('Subject'), 'CN=Emergency Root 2026,O=Acme Fleet');
    await pressOn(page, create);
    await expect(page.getByTestId('api-error')).toContainText('KEY_NAME_TAKEN');
    await expect(page.getByLabel('Subject')).toHaveValue('CN=Emergency Root 2026,O=Acme Fleet');
    await a11y.check('emergency: new root refused');
    await shots.take('new root, name taken');
    await typeInto(page, page.getByLabel('New root name'), 'Emergency Root 2026');
    await pressOn(page, create);
    await expect(page.getByText('The new root is in the vault as a draft with its certificate.')).toBeVisible();
    await a11y.check('emergency: new root created');
    await shots.take('new root created');
    // Witnesses take their time: the vault auto-locks mid-ceremony; after unlocking, the ceremony is where it was.
    await host.advanceClock(6 * 60_000);
    await host.runIdleCheck();
    await expect(page.getByRole('heading', { name: 'Unlock the vault' })).toBeVisible();
    await unlockWithPassphrase(page);
    await expect(page.getByRole('heading', { level: 2, name: 'The new key' })).toBeVisible();
    await expect(page.getByLabel('New root name')).toHaveValue('Emergency Root 2026');
    await expect(page.getByText('Officer Alice Officer, witnessed by Bob Witness')).toBeVisible();

    await activateAndSkipExport(page);
    await a11y.check('emergency: export skipped');
    await shots.take('export skipped');
    await pressOn(page, page.getByRole('button', { name: 'Next: transcript' }));
    await expect(page.getByTestId('ceremony-outcome')).toHaveText('Incomplete — not exported: the new key is active, but agents still trust the compromised key');
    await expect(page.getByTestId('transcript-row').filter({ hasText: 'new root: create failed' })).toContainText('Failed');
    await a11y.check('emergency: transcript with a failed step');
    await shots.take('transcript with a failed step');
    await pressOn(page, page.getByRole('button', { name: 'Record the transcript in the audit log' }));
    await expect(page.getByTestId('transcript-recorded')).toBeVisible();

    const s = await openVaultService(host.vaultDir);
    try {
      const t = (await must<{ events: AuditEventView[] }>(s, 'audit.list', { action: 'ceremony.transcript' })).events[0]!;
      const steps = t.details.steps as Array<{ step: string; detail: string }>;
      expect(steps.map((x) => x.step)).toEqual([
        'participants',
        'checklist acknowledged',
        'checklist acknowledged',
        'new root: create failed',
        'new root: key created',
        'new root: self-signed',
        'new key chosen',
        'typed confirmation',
        'emergency activation',
        'export skipped',
      ]);
      expect(steps[3]!.detail).toMatch(/^KEY_NAME_TAKEN: /);
      expect(t).toMatchObject({ witnesses: [WITNESSES[0]], details: { outcome: 'incomplete' } });
      const keys = await must<KeyView[]>(s, 'key.list', {});
      expect(keys.find((k) => k.name === 'Emergency Root 2026')).toMatchObject({ state: 'active', selfSigned: true });
      expect(keys.find((k) => k.id === seed.oldKeyId)).toMatchObject({ state: 'retired', retired: { by: OFFICER, reason: 'compromise' } });
      expect(await must<CompromiseView | null>(s, 'key.compromise', {})).toMatchObject({ key: { id: seed.oldKeyId }, exported: null });
    } finally {
      s.session.lock(null);
    }

    // Back on the dashboard: a red banner names the compromised key, and stays.
    await pressOn(page, page.getByRole('button', { name: 'Finish' }));
    const banner = page.getByTestId('compromise-banner');
    await expect(banner).toBeVisible();
    await expect(banner).toHaveClass(/MuiAlert-colorError/);
    await expect(banner).toContainText(`${OLD_ROOT} (sha256:`);
    await expect(banner).toContainText(`was retired for compromise on`);
    await expect(banner).toContainText(`by ${OFFICER}; the rotation has not been exported: agents still trust it. Export now.`);
    await expect(banner.getByTestId('key-id')).toHaveAttribute('data-key-id', seed.oldKeyId);
    await expect(page.getByText('Nothing needs attention.')).toHaveCount(0);
  });

  // The rotation as the walk above leaves it (export skipped), made through dispatch: what the console shows until an export carries it.
  test('an emergency rotation not exported: the dashboard alarms, the key is a red Compromised, until an export carries the rotation', async ({ host, shots, a11y, everyLook }) => {
    const { page } = host;
    const seed = await seedEmergencyVault(host.vaultDir, host.workDir, 1);
    const s = await openVaultService(host.vaultDir);
    try {
      await must(s, 'key.activate', { key: seed.standbyKeyId, emergency: true, witnesses: [WITNESSES[0]] });
    } finally {
      s.session.lock(null);
    }
    const usb = join(host.workDir, 'usb-stick');
    mkdirSync(usb);
    process.env.AIRGAP_CA_MEDIA_ROOTS = usb;
    await page.reload();
    await unlockWithPassphrase(page);
    const banner = page.getByTestId('compromise-banner');
    await expect(banner).toContainText(`${OLD_ROOT} (sha256:`);
    await expect(banner).toContainText(`by ${OFFICER}; the rotation has not been exported: agents still trust it. Export now.`);
    await expect(banner.getByTestId('key-id')).toHaveAttribute('data-key-id', seed.oldKeyId);
    await expect(page.getByText('Nothing needs attention.')).toHaveCount(0);
    await everyLook('dashboard, rotation not exported', { each: () => expect(banner.getByRole('button', { name: 'Export now…' })).toBeInViewport() });
    // The compromised key is a red "Compromised", not a grey "Retired".
    await openSection(page, 'Signing keys');
    const oldRow = page.getByTestId('key-row').filter({ has: page.getByTestId('key-row-name').getByText(OLD_ROOT, { exact: true }) });
    const chip = oldRow.getByTestId('state-chip');
    await expect(chip).toHaveText('Compromised');
    await expect(chip).toHaveClass(/MuiChip-colorError/);
    // ...and it is never offered back into the bundle.
    await expect(oldRow.getByRole('button', { name: /^Promote/ })).toHaveCount(0);
    await everyLook('keys table, compromised key');
    // The button opens the export wizard; closed without exporting, the alarm stays.
    await openSection(page, 'Dashboard');
    const exportNow = banner.getByRole('button', { name: 'Export now…' });
    await pressOn(page, exportNow);
    await expect(page.getByRole('heading', { level: 1, name: 'Export to removable media' })).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(banner).toBeVisible();

    // An export written after the rotation carries it: the banner is gone, the chip stays red.
    await pressOn(page, exportNow);
    await pressOn(page, page.getByRole('radio', { name: /usb-stick/ }), 'Space');
    await pressOn(page, page.getByRole('button', { name: 'Next: preview' }));
    const toWrite = page.getByRole('button', { name: 'Next: write' });
    await expect(toWrite).toBeEnabled();
    await pressOn(page, toWrite);
    await pressOn(page, page.getByRole('button', { name: 'Write the package' }));
    await expect(page.getByTestId('export-verification')).toContainText('Verification OK');
    await pressOn(page, page.getByRole('button', { name: 'Next: eject' }));
    await pressOn(page, page.getByRole('button', { name: 'Done' }));
    await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
    await expect(page.getByTestId('last-export')).toBeVisible();
    await expect(page.getByTestId('compromise-banner')).toHaveCount(0);
    await a11y.check('dashboard, rotation exported');
    await shots.take('dashboard, rotation exported');
    const e = await openVaultService(host.vaultDir);
    try {
      expect(await must<CompromiseView | null>(e, 'key.compromise', {})).toMatchObject({ key: { id: seed.oldKeyId }, exported: { at: expect.any(String) } });
    } finally {
      e.session.lock(null);
    }
    await openSection(page, 'Signing keys');
    await expect(oldRow.getByTestId('state-chip')).toHaveText('Compromised');
  });

  test('stopped before the confirmation: nothing changed in the vault, the transcript says so', async ({ host, shots, a11y }) => {
    const { page } = host;
    const seed = await seedEmergencyVault(host.vaultDir, host.workDir, 1);
    await page.reload();
    await openCeremony(page);
    await typeInto(page, page.getByLabel('Witness 1 name'), WITNESSES[1]!);
    await pressOn(page, page.getByRole('button', { name: 'Next: checklist' }));
    await acknowledgeAll(page, 2);
    await pressOn(page, page.getByRole('button', { name: 'Next: the new key' }));
    await pressOn(page, page.getByRole('radio', { name: `Use ${STANDBY_ROOT}` }), 'Space');
    await pressOn(page, page.getByRole('button', { name: 'Next: confirm' }));
    // On the confirmation, Stop is pinned next to the button (and only there).
    await expect(page.getByRole('button', { name: 'Close wizard' })).toHaveCount(1);
    await pressOn(page, page.getByTestId('pinned-actions').getByRole('button', { name: 'Close wizard' }));
    await expect(page.getByTestId('ceremony-outcome')).toHaveText('Stopped: the old key is still active');
    await pressOn(page, page.getByRole('button', { name: 'Record the transcript in the audit log' }));
    await expect(page.getByTestId('transcript-recorded')).toBeVisible();
    await a11y.check('emergency: stopped, transcript recorded');
    await shots.take('stopped before the confirmation');

    const s = await openVaultService(host.vaultDir);
    try {
      const keys = await must<KeyView[]>(s, 'key.list', {});
      expect(keys.find((k) => k.id === seed.oldKeyId)).toMatchObject({ state: 'active', unexpiredIssued: 1 });
      expect(keys.find((k) => k.id === seed.standbyKeyId)).toMatchObject({ state: 'draft' });
      expect((await must<{ total: number }>(s, 'cert.list', { status: 'revoked' })).total).toBe(0);
      expect((await must<{ events: AuditEventView[] }>(s, 'audit.list', { action: 'key.emergency-activated' })).events).toHaveLength(0);
      const t = (await must<{ events: AuditEventView[] }>(s, 'audit.list', { action: 'ceremony.transcript' })).events;
      expect(t).toHaveLength(1);
      expect(t[0]).toMatchObject({ witnesses: [WITNESSES[1]], details: { outcome: 'abandoned' } });
      expect((t[0]!.details.steps as Array<{ step: string }>).map((x) => x.step)).toEqual(['participants', 'checklist acknowledged', 'checklist acknowledged', 'new key chosen', 'ceremony stopped']);
    } finally {
      s.session.lock(null);
    }
  });
});
