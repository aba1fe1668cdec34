import { expect, test } from './fixtures/test.ts';
import { copyCaVault } from './support/seed-ca.ts';
import { openSection, ui, unlockWithPassphrase } from './support/ui.ts';

const COUNT = 100_000;

test.describe('certificates table', () => {
  // Issuing 100,000 real certificates for the worker's template takes 1-3 minutes (more on a loaded machine); the UI part is quick.
  test.describe.configure({ timeout: 600_000 });

  test('100,000 certificates: scroll to the end, search by serial and subject (latency), revoke from the drawer', async ({ host, shots, a11y }, testInfo) => {
    const { page } = host;
    const seedStarted = performance.now();
    await copyCaVault(host.vaultDir, COUNT);
    testInfo.annotations.push({ type: 'seed (issue 100,000 real certificates, or copy the template)', description: `${((performance.now() - seedStarted) / 1000).toFixed(1)} s` });
    await page.reload();
    await unlockWithPassphrase(page);
    await openSection(page, 'Certificates');
    const count = page.getByTestId('cert-count');
    await expect(count).toHaveText('100,000 certificates');
    const rows = page.getByTestId('cert-row');
    await expect(rows.first().getByRole('button')).toBeVisible();
    // Virtualized: only the rows in view (and a few more) are in the DOM.
    expect(await rows.count()).toBeLessThan(80);
    await a11y.check('certificates');
    await shots.take('certificates, 100,000 rows');

    // Scroll to the bottom: the last rows are fetched and rendered.
    const scroller = page.getByTestId('cert-scroll');
    await scroller.evaluate((el) => {
      const e = el as unknown as { scrollTop: number; scrollHeight: number };
      e.scrollTop = e.scrollHeight;
    });
    const lastRow = page.locator(`[role="row"][aria-rowindex="${COUNT + 1}"]`);
    await expect(lastRow.getByRole('button')).toHaveText(/^agent-\d{6}$/);
    await expect(lastRow).toBeInViewport();
    await shots.take('scrolled to the last row');
    // The table shows the serial shortened in the middle; the whole serial is the cell's title (on hover).
    await expect(lastRow.getByRole('cell').nth(1)).toHaveText(/^[0-9a-f]{4} … [0-9a-f]{4}$/);
    const lastSerial = (await lastRow.getByRole('cell').nth(1).getAttribute('title'))!.trim();
    const lastSubject = (await lastRow.getByRole('button').textContent())!.trim();
    expect(lastSerial).toMatch(/^[0-9a-f]+$/);

    // Search by serial: from typing to the row shown, looked for on every animation frame
    // (expect's own retries come 100, 250, 500 ms apart, coarser than what is measured).
    const search = page.getByTestId('cert-search');
    // A cell's text, or its title where the table shortens the value (the serial).
    const rowShown = (cell: number, text: string, by: 'text' | 'title' = 'text') =>
      page.waitForFunction(
        ([n, want, how]) => {
          interface El { textContent: string | null; getAttribute(name: string): string | null; querySelectorAll(q: string): ArrayLike<El> }
          const shownRows = (globalThis as unknown as { document: El }).document.querySelectorAll('[data-testid="cert-row"]');
          const el = shownRows.length === 1 ? shownRows[0]!.querySelectorAll('[role="cell"]')[n as number] : undefined;
          return (how === 'title' ? el?.getAttribute('title') : el?.textContent)?.trim() === want;
        },
        [cell, text, by] as const,
        { polling: 'raf' },
      );
    let t0 = performance.now();
    await search.fill(lastSerial);
    await rowShown(1, lastSerial, 'title');
    const serialMs = performance.now() - t0;
    await expect(rows).toHaveCount(1);
    await expect(rows.first().getByRole('cell').nth(1)).toHaveAttribute('title', lastSerial);
    await expect(count).toHaveText('1 certificate match');
    await expect(rows.first().getByRole('button')).toHaveText(lastSubject);
    await shots.take('search by serial');

    // Search by subject.
    t0 = performance.now();
    await search.fill('agent-054321');
    await rowShown(0, 'agent-054321');
    const subjectMs = performance.now() - t0;
    await expect(rows.first().getByRole('button')).toHaveText('agent-054321');
    await expect(rows).toHaveCount(1);

    // And by SAN (a part of it).
    await search.fill('agent-054321.fleet.exam');
    await expect(count).toHaveText('1 certificate match');
    await expect(rows.first().getByRole('button')).toHaveText('agent-054321');

    console.log(`[timing] search over ${COUNT} certificates, typing to row shown (debounce included: 40 ms for a serial, 150 ms otherwise): serial ${serialMs.toFixed(0)} ms, subject ${subjectMs.toFixed(0)} ms`);
    testInfo.annotations.push({ type: 'search latency, serial (ms, typing to row, debounce included)', description: serialMs.toFixed(0) });
    testInfo.annotations.push({ type: 'search latency, subject (ms, typing to row, debounce included)', description: subjectMs.toFixed(0) });

    // The detail drawer.
    await rows.first().getByRole('button', { name: 'agent-054321' }).click();
    const drawer = page.getByTestId('cert-drawer');
    await expect(drawer.getByTestId('cert-subject')).toHaveText(/CN=agent-054321/);
    await expect(drawer.getByTestId('cert-sans')).toContainText('DNS:agent-054321.fleet.example');
    await expect(drawer.getByLabel('Certificate PEM', { exact: true })).toContainText('-----BEGIN CERTIFICATE-----');
    await a11y.check('certificate drawer');
    await shots.take('certificate details');

    // Revoke with a reason: a confirm dialog first.
    const revokeButton = drawer.getByRole('button', { name: 'Revoke…' });
    await expect(revokeButton).toBeDisabled();
    await drawer.getByLabel('Revocation reason').click();
    await page.getByRole('option', { name: /^Key compromise/ }).click();
    await revokeButton.click();
    const dialog = page.getByRole('dialog', { name: 'Revoke this certificate?' });
    await expect(dialog).toContainText('Key compromise');
    await a11y.check('revoke confirmation');
    await shots.take('revoke confirmation');
    await dialog.getByRole('button', { name: 'Revoke certificate' }).click();
    await expect(dialog).toBeHidden();
    await expect(drawer.getByText('Revoked', { exact: true })).toBeVisible();
    await expect(drawer).toContainText('This certificate is revoked.');
    await shots.take('revoked');
    await drawer.getByRole('button', { name: 'Close the certificate details' }).click();
    await expect(rows.first().getByText('Revoked', { exact: true })).toBeVisible();

    // Status filter: the revoked one only.
    await search.fill('');
    // The combobox by role: while a MUI menu closes, its listbox still carries the same label.
    const statusFilter = page.getByRole('combobox', { name: 'Status' });
    await statusFilter.click();
    await page.getByRole('option', { name: 'Revoked' }).click();
    await expect(page.getByRole('listbox')).toBeHidden();
    await expect(count).toHaveText('1 certificate match');
    await expect(rows.first().getByRole('button')).toHaveText('agent-054321');

    // Revoked meanwhile by another path: the api's ALREADY_REVOKED message is shown, the drawer stays.
    await statusFilter.click();
    await page.getByRole('option', { name: 'Any status' }).click();
    await expect(page.getByRole('listbox')).toBeHidden();
    await search.fill('agent-000007');
    await rows.first().getByRole('button', { name: 'agent-000007' }).click();
    await expect(drawer.getByTestId('cert-serial')).toBeVisible();
    const serial7 = (await drawer.getByTestId('cert-serial').textContent())!;
    await drawer.getByLabel('Revocation reason').click();
    await page.getByRole('option', { name: /^Superseded/ }).click();
    const behind = await page.evaluate(async (serial) => {
      const api = (globalThis as unknown as { airgap: Record<string, (i: unknown) => Promise<{ ok: boolean }>> }).airgap;
      return (await api['cert.revoke']!({ serial, reason: 'superseded' })).ok;
    }, serial7);
    expect(behind).toBe(true);
    await drawer.getByRole('button', { name: 'Revoke…' }).click();
    await dialog.getByRole('button', { name: 'Revoke certificate' }).click();
    await expect(drawer.getByTestId('api-error')).toContainText('ALREADY_REVOKED');
    await expect(drawer.getByTestId('api-error')).toContainText('already revoked');
    await a11y.check('already revoked');
    await shots.take('already revoked error');
    await drawer.getByRole('button', { name: 'Close the certificate details' }).click();
    await expect(drawer).toBeHidden();
    await expect(ui(page).lockButton).toBeEnabled();
  });
});
