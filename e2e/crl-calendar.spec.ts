/**
 * The CRL calendar on the dashboard: a root with a current CRL and six
 * pre-signed ones shows both on the timeline with its ceremony deadline; a
 * revocation after pre-signing raises the stale alert (and the timeline marks
 * the set stale) until an export signs the set again. At both laptop sizes,
 * light and dark, axe clean.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from './fixtures/test.ts';
import { writeCsrPem } from './support/seed-ca.ts';
import { activeRoot, openSeeder } from './support/seed-keys.ts';
import { PASSPHRASE, openSection, unlockWithPassphrase } from './support/ui.ts';

test.use({ seedVault: { actor: 'Seed Officer', passphrase: PASSPHRASE } });

type PageApi = Record<string, (i: unknown) => Promise<{ ok: boolean; code?: string }>>;

test('the dashboard shows the CRL calendar as a timeline and alerts on stale pre-signed CRLs until an export replaces them', async ({ host, everyLook }) => {
  // Eight screenshots with an axe run each, on a machine shared with other work.
  test.setTimeout(150_000);
  const { page } = host;
  const work = mkdtempSync(join(tmpdir(), 'airgap-crlcal-'));
  const seeder = await openSeeder(host.vaultDir);
  const root = await activeRoot(seeder, 'Fleet Root 2026');
  const serials: string[] = [];
  for (const cn of ['agent-1', 'agent-2']) {
    writeCsrPem(join(work, `${cn}.csr`), cn);
    serials.push((await seeder.call('cert.issue', { source: { path: join(work, `${cn}.csr`) }, profile: 'agent' })).serial);
  }
  await seeder.call('cert.revoke', { serial: serials[0]!, reason: 'keyCompromise' });
  await seeder.call('crl.generate', {});
  const set = await seeder.call('crl.presign', { issuer: root, count: 6 });
  seeder.close();

  await unlockWithPassphrase(page);
  const timeline = page.getByTestId('crl-timeline');
  const row = timeline.getByTestId('crl-timeline-row');
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('Fleet Root 2026');
  await expect(row.getByTestId('key-id')).toHaveAttribute('data-key-id', root);
  await expect(row).toContainText(`6 pre-signed (${set.crls[0]!.number}–${set.crls[5]!.number})`);
  await expect(row).toContainText('on time');
  await expect(row.getByTestId('crl-bar-current')).toHaveCount(1);
  await expect(row.getByTestId('crl-bar-presigned')).toHaveCount(1);
  // The deadline is the last pre-signed CRL's nextUpdate less the 2-day margin.
  const deadline = new Date(new Date(set.crls[5]!.nextUpdate).getTime() - 2 * 86_400_000).toISOString();
  await expect(row.getByTestId('crl-ceremony-by').locator('time')).toHaveAttribute('datetime', deadline);
  await expect(page.getByTestId('presigned-stale-alert')).toHaveCount(0);
  // From the top: a full-page shot taken scrolled down to the timeline drew the sticky app bar in the middle of the page.
  await everyLook('CRL timeline', { scrollTop: true, each: () => expect(timeline).toBeVisible() });

  // A revocation after pre-signing: the set no longer lists every revoked certificate.
  const revoked = await page.evaluate(async (serial) => {
    const api = (globalThis as unknown as { airgap: PageApi }).airgap;
    return (await api['cert.revoke']!({ serial, reason: 'superseded' })).ok;
  }, serials[1]!);
  expect(revoked).toBe(true);
  await openSection(page, 'Signing keys');
  await openSection(page, 'Dashboard');
  const alert = page.getByTestId('presigned-stale-alert');
  await expect(alert).toHaveCount(1);
  await expect(alert).toContainText('Pre-signed CRLs of Fleet Root 2026 are stale');
  await expect(alert).toContainText('a certificate was revoked after they were signed');
  await expect(alert.getByTestId('key-id')).toHaveAttribute('data-key-id', root);
  await expect(row).toContainText('— stale');
  await expect(row).toContainText('pre-signed CRLs stale');
  await expect(page.getByText('Nothing needs attention.')).toHaveCount(0);
  await everyLook('stale alert');

  // The next export signs the set again; the alert goes.
  const medium = mkdtempSync(join(tmpdir(), 'airgap-crlcal-usb-'));
  const exported = await page.evaluate(async (to) => {
    const api = (globalThis as unknown as { airgap: PageApi }).airgap;
    const r = await api['export.media']!({ to });
    return r.ok ? 'ok' : r.code;
  }, medium);
  expect(exported).toBe('ok');
  await openSection(page, 'Signing keys');
  await openSection(page, 'Dashboard');
  await expect(row).toContainText('on time');
  await expect(page.getByTestId('presigned-stale-alert')).toHaveCount(0);
  await expect(row).not.toContainText('stale');
});
