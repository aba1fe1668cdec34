/**
 * Witnesses who prove they were there: in a vault with a 2-of-3 custodian
 * quorum, the emergency ceremony's Participants step offers "Confirm with
 * custodian shares". Each custodian's share is read from their own medium (a
 * real FAT stick: Read and check, the holder named, Eject through
 * fusermount -u, next); the activation checks them together against the
 * vault, and the holders are in key.emergency-activated and the transcript.
 * axe and screenshots at 1024x768 and 1280x720, light and dark.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { AuditEventView } from '../src-main/api/contract.ts';
import { expect, test } from './fixtures/test.ts';
import { must, openVaultService, seedEmergencyVault, STANDBY_ROOT } from './support/emergency-seed.ts';
import { mountFatSticks, unmountFatSticks, type FatStick } from './support/fat-sticks.ts';
import { acknowledgeAll, pressOn } from './support/ceremony.ts';
import { OFFICER, unlockWithPassphrase, ui } from './support/ui.ts';

const HOLDERS = ['Ada Lovelace', 'Grace Hopper', 'Edsger Dijkstra'];


test('emergency ceremony confirmed with 2 custodian shares, each read from its own medium and ejected; the holders are in the audit event and the transcript', async ({ host, shots, a11y, everyLook }) => {
  // Two real FAT mounts and ejects, axe plus screenshots at four looks for three states: minutes on a busy machine.
  test.setTimeout(480_000);
  const { page } = host;
  let sticks: FatStick[] = [];
  try {
    sticks = await mountFatSticks(host.workDir, ['CUSTODIAN-A', 'CUSTODIAN-B']);
    const third = join(host.workDir, 'CUSTODIAN-C');
    const seed = await seedEmergencyVault(host.vaultDir, host.workDir, 1, { threshold: 2, dirs: [sticks[0]!.mountpoint, sticks[1]!.mountpoint, third], holders: HOLDERS });
    await page.reload();
    await unlockWithPassphrase(page);
    await pressOn(page, page.getByRole('button', { name: 'Emergency rotation…' }));
    await expect(page.getByRole('heading', { level: 2, name: 'Participants' })).toBeFocused();
    await page.getByLabel('Witness 1 name').fill('Bob Witness');

    // The choice, on a quorum vault: off by default (the vault does not require it), then Next waits for the shares.
    const panel = page.getByTestId('witness-shares');
    const choice = panel.getByRole('checkbox', { name: /Confirm with custodian shares/ });
    await expect(choice).not.toBeChecked();
    await pressOn(page, choice, 'Space');
    await expect(choice).toBeChecked();
    const next = page.getByRole('button', { name: 'Next: checklist' });
    await expect(next).toBeDisabled();
    await expect(page.getByTestId('disabled-reason')).toHaveText('2 more custodian shares to present.');
    await expect(page.getByTestId('witness-share-step')).toHaveText('Insert custodian share medium 1 of 2');
    await everyLook('custodian shares chosen, none presented', { scrollTop: true });

    // A folder with no share is refused where it was typed; nothing is presented.
    const empty = join(host.workDir, 'NOT-A-SHARE-MEDIUM');
    mkdirSync(empty);
    const folder = page.getByLabel(/Folder on the custodian's medium/);
    await folder.fill(empty);
    await page.getByRole('button', { name: 'Read and check share' }).click();
    await expect(ui(page).apiError).toContainText('holds no custodian share file');
    await folder.fill(sticks[0]!.mountpoint);
    await expect(ui(page).apiError, 'the refusal is cleared when the folder is edited').toHaveCount(0);

    // Share 1 from stick A: checked, named by its holder; the next waits for the eject.
    await page.getByRole('button', { name: 'Read and check share' }).click();
    const rows = page.getByTestId('witness-share-row');
    await expect(rows.nth(0)).toContainText(`Share 1 of 3 — held by ${HOLDERS[0]}`);
    await expect(rows.nth(1)).toContainText('Custodian 2 of 2: not presented yet');
    await expect(page.getByTestId('eject-first')).toBeVisible();
    await expect(page.getByTestId('witness-share-step'), 'the next share waits for the eject').toHaveCount(0);
    await everyLook('share 1 presented, eject first', { scrollTop: true });
    await page.getByRole('button', { name: 'Eject', exact: true }).click();
    await expect(page.getByTestId('safe-to-remove')).toBeVisible();
    await sticks[0]!.exited;

    // Share 2 from stick B.
    await expect(page.getByTestId('witness-share-step')).toHaveText('Insert custodian share medium 2 of 2');
    await page.getByLabel(/Folder on the custodian's medium/).fill(sticks[1]!.mountpoint);
    await page.getByRole('button', { name: 'Read and check share' }).click();
    await expect(rows.nth(1)).toContainText(`Share 2 of 3 — held by ${HOLDERS[1]}`);
    await page.getByRole('button', { name: 'Eject', exact: true }).click();
    await expect(page.getByTestId('safe-to-remove')).toBeVisible();
    await sticks[1]!.exited;
    await expect(page.getByTestId('witness-shares-enough')).toContainText('2 custodian shares presented and checked');
    await expect(next).toBeEnabled();
    await everyLook('two custodian shares presented and ejected', { scrollTop: true });
    await pressOn(page, next);

    // Checklist (officer and one witness), the prepared draft, the confirmation naming the shares' holders.
    await acknowledgeAll(page, 2);
    await pressOn(page, page.getByRole('button', { name: 'Next: the new key' }));
    await pressOn(page, page.getByRole('radio', { name: `Use ${STANDBY_ROOT}` }), 'Space');
    await pressOn(page, page.getByRole('button', { name: 'Next: confirm' }));
    await expect(page.getByTestId('confirm-witness-shares')).toContainText(`share 1 (${HOLDERS[0]}), share 2 (${HOLDERS[1]})`);
    // Typed first, so the red "Retire & activate" is enabled and axe checks its contrast in both schemes.
    await page.getByLabel('IN key: last 2 groups').fill(seed.standbyKeyId.slice(-8));
    await expect(page.getByRole('button', { name: 'Retire & activate' })).toBeEnabled();
    await everyLook('confirm names the custodian shares', { scrollTop: true });
    await pressOn(page, page.getByRole('button', { name: 'Retire & activate' }));
    await expect(page.getByRole('heading', { level: 2, name: 'Activated' })).toBeFocused();
    await pressOn(page, page.getByRole('button', { name: 'Next: export package' }));
    await pressOn(page, page.getByRole('button', { name: 'Skip the export for now' }));
    await pressOn(page, page.getByRole('button', { name: 'Next: transcript' }));
    await expect(page.getByTestId('transcript-row').filter({ hasText: 'custodian shares' }).first()).toContainText(`share 1 (${HOLDERS[0]}), share 2 (${HOLDERS[1]})`);
    await a11y.check('transcript with the custodian shares');
    await shots.take('transcript with the custodian shares');
    await pressOn(page, page.getByRole('button', { name: 'Record the transcript in the audit log' }));
    await expect(page.getByTestId('transcript-recorded')).toBeVisible();

    // On the vault itself: the activation names the holders, the transcript has each share's step, no share is anywhere in the log.
    const s = await openVaultService(host.vaultDir);
    try {
      const activated = (await must<{ events: AuditEventView[] }>(s, 'audit.list', { action: 'key.emergency-activated' })).events[0]!;
      expect(activated).toMatchObject({ actor: OFFICER, witnesses: ['Bob Witness'], details: { keyId: seed.standbyKeyId, witnessShares: { threshold: 2, total: 3, shares: [{ index: 1, holder: HOLDERS[0] }, { index: 2, holder: HOLDERS[1] }] } } });
      const t = (await must<{ events: AuditEventView[] }>(s, 'audit.list', { action: 'ceremony.transcript' })).events[0]!;
      const steps = (t.details.steps as Array<{ step: string; detail: string }>).map((x) => x.step);
      expect(steps.filter((x) => x === 'custodian share presented')).toHaveLength(2);
      expect(steps).toContain('custodian shares');
      expect(await must<unknown>(s, 'vault.witnessShares', {}), 'the shares were given up after the activation').toBeNull();
    } finally {
      s.session.lock(null);
    }
  } finally {
    await unmountFatSticks(sticks);
  }
});
