/**
 * The printed ceremony kit in the emergency ceremony: written to the medium
 * from the New key step, rendered in Chromium as the officer prints it (A4,
 * print media: a screenshot and a PDF to judge), and then the confirmation
 * takes what the witnesses read off that paper — the boxed last two groups of
 * IN — and nothing else. The kit is written to a real FAT stick and the
 * panel ends with Eject: amber before, green only after the real unmount,
 * the focus on Eject after the write and on Next after the eject. The
 * vault's record is checked through dispatch.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { createHash } from 'node:crypto';
import { chromium } from 'playwright-core';
import type { AuditEventView } from '../src-main/api/contract.ts';
import { expect, test } from './fixtures/test.ts';
import { ARTIFACTS_DIR, DEBIAN_CHROMIUM } from './fixtures/paths.ts';
import { mountFatSticks, unmountFatSticks, type FatStick } from './support/fat-sticks.ts';
import { must, OLD_ROOT, openVaultService, seedEmergencyVault, STANDBY_ROOT } from './support/emergency-seed.ts';
import { nameWitnesses, openCeremony, pressOn, toStandbyKey, typeInto } from './support/ceremony.ts';
import { OFFICER } from './support/ui.ts';

const WITNESSES = ['Bob Witness', 'Carol Witness'];

test.describe('ceremony kit', () => {
  test.describe.configure({ timeout: 300_000 });

  test('emergency: the kit is written from the New key step, prints OUT and IN, and the confirmation takes its boxed groups', async ({ host, shots, a11y, everyLook }) => {
    const { page } = host;
    const seed = await seedEmergencyVault(host.vaultDir, host.workDir, 1);
    let sticks: FatStick[] = [];
    try {
    sticks = await mountFatSticks(host.workDir, ['usb-stick']);
    const usb = sticks[0]!.mountpoint;
    process.env.AIRGAP_CA_MEDIA_ROOTS = usb;
    await page.reload();
    await openCeremony(page);
    await nameWitnesses(page, WITNESSES);
    await toStandbyKey(page, WITNESSES.length);

    // The kit panel: the medium first, then one button; nothing written yet.
    const kit = page.getByTestId('ceremony-kit');
    const write = kit.getByRole('button', { name: 'Write the ceremony kit' });
    await expect(write).toBeDisabled();
    await expect(kit).toContainText('Choose the medium first.');
    await a11y.check('emergency: new key, kit not written');
    await shots.take('new key, kit panel');
    await pressOn(page, kit.getByRole('radio', { name: /usb-stick/ }), 'Space');
    await expect(write).toBeEnabled();
    await pressOn(page, write);
    await expect(kit.getByTestId('kit-written')).toContainText('Ceremony kit written — print it now');
    const file = (await kit.getByTestId('kit-file').textContent())!.trim();
    expect(file.startsWith(join(usb, 'airgap-ca-ceremony-kit-emergency-'))).toBe(true);
    await everyLook('emergency: new key, kit written', { scrollTop: true });

    // The sheet as it prints, in Chromium: nothing but its own markup, and the boxed read-back.
    const browser = await chromium.launch({ executablePath: DEBIAN_CHROMIUM });
    const readBack = await (async () => {
    try {
      const sheet = await browser.newPage({ viewport: { width: 794, height: 1123 } });
      const blocked: string[] = [];
      sheet.on('console', (m) => blocked.push(m.text()));
      const requests: string[] = [];
      sheet.on('request', (r) => requests.push(r.url()));
      await sheet.goto(`file://${file}`);
      await sheet.emulateMedia({ media: 'print' });
      await expect(sheet.locator('h1')).toHaveText('Emergency rotation ceremony');
      await expect(sheet.locator('script, link, img, iframe, object, embed, form')).toHaveCount(0);
      await expect(sheet.locator('section.role-out h3')).toContainText(OLD_ROOT);
      await expect(sheet.locator('section.role-in h3')).toContainText(STANDBY_ROOT);
      const groups = (id: string) => id.slice(7).match(/.{4}/g)!;
      await expect(sheet.locator('section.role-in table.fp .hex')).toHaveText(groups(seed.standbyKeyId));
      await expect(sheet.locator('section.role-out table.fp .hex')).toHaveText(groups(seed.oldKeyId));
      await expect(sheet.locator('.sig p:not(.small)')).toHaveText([`Officer: ${OFFICER}`, `Witness: ${WITNESSES[0]}`, `Witness: ${WITNESSES[1]}`]);
      const boxed = (await sheet.locator('.readback .mono').textContent())!.trim();
      expect(boxed).toBe(groups(seed.standbyKeyId).slice(-2).join(' '));
      // The style is allowed by its hash: it applies (the OUT block's label is white on black).
      await expect(sheet.locator('section.role-out .role')).toHaveCSS('background-color', 'rgb(0, 0, 0)');
      const dir = join(ARTIFACTS_DIR, 'ceremony-kit');
      mkdirSync(dir, { recursive: true });
      await sheet.screenshot({ path: join(dir, 'emergency-kit-a4-print.png'), fullPage: true });
      await sheet.pdf({ path: join(dir, 'emergency-kit-a4.pdf'), format: 'A4', printBackground: true, preferCSSPageSize: true });
      expect(blocked.filter((t) => /Content Security Policy|Refused/i.test(t))).toEqual([]);
      expect(requests).toEqual([`file://${file}`]);
      return boxed;
    } finally {
      await browser.close();
    }
    })();
    const sheetBytes = readFileSync(file);

    // Printed: the panel ends with Eject, which has the focus; amber until the system let go of the stick, then green, and the focus on Next.
    await expect(kit.getByTestId('eject-first')).toContainText('Eject first');
    await expect(kit.getByTestId('eject-first')).toContainText('Print the sheet first');
    const eject = kit.getByRole('button', { name: 'Eject', exact: true });
    await expect(eject).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(kit.getByTestId('safe-to-remove')).toContainText('Safe to remove');
    await expect(kit.getByTestId('eject-first')).toHaveCount(0);
    await sticks[0]!.exited;
    await expect(page.getByRole('button', { name: 'Next: confirm' })).toBeFocused();
    await everyLook('emergency: new key, kit medium ejected', { scrollTop: true });

    // The confirmation: what the witnesses read off the paper unlocks it.
    await pressOn(page, page.getByRole('button', { name: 'Next: confirm' }));
    await expect(page.getByTestId('paper-where')).toContainText('printed ceremony kit');
    const activate = page.getByRole('button', { name: 'Retire & activate' });
    await expect(activate).toBeDisabled();
    await typeInto(page, page.getByLabel('IN key: last 2 groups'), readBack);
    await expect(activate).toBeEnabled();
    await shots.take('confirm, typed from the printed kit');

    // The vault recorded the sheet, with its SHA-256, right after the head it printed.
    const s = await openVaultService(host.vaultDir);
    try {
      const events = (await must<{ events: AuditEventView[] }>(s, 'audit.list', {})).events;
      const written = events.filter((e) => e.action === 'ceremony.kit-written');
      expect(written).toHaveLength(1);
      const ev = written[0]!;
      expect(ev).toMatchObject({ actor: OFFICER, witnesses: WITNESSES, details: { ceremony: 'emergency', file, keyIds: [seed.oldKeyId, seed.standbyKeyId] } });
      expect(ev.details.sha256).toBe(createHash('sha256').update(sheetBytes).digest('hex'));
      const before = events[events.indexOf(ev) - 1]!;
      expect(sheetBytes.toString('utf8')).toContain(`event <span class="mono big">#${before.seq}</span>`);
      expect(basename(file)).toMatch(/^airgap-ca-ceremony-kit-emergency-\d{8}T\d{6}Z\.html$/);
    } finally {
      s.session.lock(null);
    }
    } finally {
      await unmountFatSticks(sticks);
    }
  });
});
