/**
 * Wizard 4, issue from media, end to end against the real core: a vault with
 * an active CA key (real dispatch), a temp folder listed in
 * AIRGAP_CA_MEDIA_ROOTS as the medium, OpenSSL-made CSRs plus one garbage file
 * in a folder on it. The certificates on the medium are checked with OpenSSL
 * against the trust bundle the vault answers through dispatch. The first run
 * uses a real FAT stick: its Done step ends with Eject (refused while a process
 * holds the stick, then the real unmount).
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import type { BundleView } from '../src-main/api/contract.ts';
import { expect, test } from './fixtures/test.ts';
import { must, openVaultService, opensslCsr } from './support/emergency-seed.ts';
import { holdMedium, mountFatSticks, unmountFatSticks, type FatStick } from './support/fat-sticks.ts';
import { LAPTOP_SIZES } from './support/evidence.ts';
import { copyCaVault } from './support/seed-ca.ts';
import { ui, unlockWithPassphrase } from './support/ui.ts';

const AGENTS = ['agent-a', 'agent-b', 'agent-c'];

async function pressOn(page: Page, target: Locator, key = 'Enter'): Promise<void> {
  await target.focus();
  await page.keyboard.press(key);
}

const stepHeading = (page: Page, n: number, name: string) => page.getByRole('heading', { level: 2, name: `Step ${n} of 5: ${name}` });


/** A request made by OpenSSL that asks to be a CA (basicConstraints CA:TRUE, keyCertSign), RSA 3072. */
function caAskingCsr(dir: string, cn: string): string {
  mkdirSync(dir, { recursive: true });
  const csr = join(dir, `${cn}.csr`);
  execFileSync('openssl', ['req', '-new', '-newkey', 'rsa:3072', '-nodes', '-keyout', join(dir, `${cn}.key`), '-out', csr, '-subj', `/O=Acme Fleet/CN=${cn}`, '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], { stdio: 'ignore' });
  return csr;
}

test('issue from media: one row per request with a tick box, only ticked requests signed, the signer named, CA requests kept out; certificates verify with OpenSSL', async ({ host, shots, a11y, everyLook }) => {
  test.setTimeout(600_000);
  const { page } = host;
  let sticks: FatStick[] = [];
  try {
  sticks = await mountFatSticks(host.workDir, ['USB-REQUESTS']);
  const usb = sticks[0]!.mountpoint;
  const requests = join(usb, 'requests');
  mkdirSync(requests, { recursive: true });
  const made = join(host.workDir, 'openssl');
  // Copied by reading and writing: fusefat has no copy_file_range.
  const copyOnto = (from: string, to: string) => writeFileSync(to, readFileSync(from));
  for (const cn of AGENTS) copyOnto(opensslCsr(made, cn), join(requests, `${cn}.csr`));
  copyOnto(caAskingCsr(made, 'rogue-ca'), join(requests, 'rogue-ca.csr'));
  writeFileSync(join(requests, 'notes.csr'), 'this is not a certificate request\n');
  process.env.AIRGAP_CA_MEDIA_ROOTS = usb;

  await copyCaVault(host.vaultDir);
  const seeder = await openVaultService(host.vaultDir);
  const bundle = await must<BundleView>(seeder, 'bundle.preview', {});
  const activeKey = (await must<Array<{ id: string; name: string; state: string }>>(seeder, 'key.list', {})).find((k) => k.state === 'active')!;
  seeder.session.lock(null);
  const bundleFile = join(host.workDir, 'bundle.pem');
  writeFileSync(bundleFile, bundle.pem);

  await page.reload();
  await unlockWithPassphrase(page);
  await pressOn(page, page.getByRole('button', { name: 'Issue from media…' }));
  await expect(page.getByRole('heading', { level: 1, name: 'Issue from media' })).toBeVisible();
  await expect(stepHeading(page, 1, 'Requests folder')).toBeFocused();
  await expect(page.getByTestId('wizard-next')).toContainText('Nothing is issued yet');

  // Step 1: the medium, a folder on it, and one row per request: subject, SANs, key, requested extensions.
  const radio = page.getByRole('radio', { name: /USB-REQUESTS/ });
  await pressOn(page, radio, 'Space');
  await expect(radio).toBeChecked();
  await page.getByLabel('Folder on the medium (optional)').fill('requests');
  await pressOn(page, page.getByRole('button', { name: 'Read the requests' }));
  await expect(page.getByTestId('requests-count')).toHaveText('3 requests can be signed, 1 refused, 1 asking to be a CA');
  const signer = page.getByTestId('issue-signer');
  await expect(signer).toContainText(`Signed by ${activeKey.name} (sha256:`);
  await expect(signer.getByTestId('key-id')).toHaveAttribute('data-key-id', activeKey.id);
  // Shortened in the middle in groups of four; the full id on hover.
  const hex = activeKey.id.slice('sha256:'.length);
  await expect(signer.locator(`[title="${activeKey.id}"]`)).toHaveText(`sha256:${hex.slice(0, 4)} ${hex.slice(4, 8)} … ${hex.slice(-8, -4)} ${hex.slice(-4)}`);
  const row = (file: string) => page.getByTestId('request-row').filter({ hasText: file });
  await expect(row('notes.csr')).toContainText('Refused');
  await expect(row('notes.csr').getByRole('checkbox')).toBeDisabled();
  for (const cn of AGENTS) {
    await expect(row(`${cn}.csr`)).toContainText(`CN=${cn},O=Acme Fleet`);
    await expect(row(`${cn}.csr`).getByTestId('request-sans')).toHaveText(`DNS:${cn}.fleet.example`);
    await expect(row(`${cn}.csr`).getByTestId('request-key')).toHaveText('ECDSA P-256');
    await expect(row(`${cn}.csr`).getByTestId('request-extensions')).toHaveText('none');
    await expect(row(`${cn}.csr`).getByRole('checkbox')).not.toBeChecked();
  }
  await expect(row('rogue-ca.csr').getByTestId('request-key')).toHaveText('RSA 3072-bit');
  // The key column never wraps "ECDSA P-256" or "RSA 3072-bit" over two lines, also at 1024 px.
  type RangeGlobals = { document: { createRange(): { selectNodeContents(n: unknown): void; getClientRects(): { length: number } } } };
  await page.setViewportSize(LAPTOP_SIZES[0]!);
  for (const cell of await page.getByTestId('request-key').all()) {
    const lines = await cell.evaluate((el) => {
      const r = (globalThis as unknown as RangeGlobals).document.createRange();
      r.selectNodeContents(el);
      return r.getClientRects().length;
    });
    expect(lines, `"${await cell.textContent()}" on one line`).toBe(1);
  }
  await expect(row('rogue-ca.csr').getByTestId('request-extensions')).toContainText('basicConstraints (critical): CA: yes; keyUsage (critical): keyCertSign, cRLSign');
  await expect(row('rogue-ca.csr').getByRole('checkbox')).toBeDisabled();
  await expect(page.getByTestId('requests-ca-elsewhere')).toContainText('New certificate authority');
  // Nothing ticked yet: nothing can go on.
  await expect(page.getByRole('button', { name: 'Next: profile' })).toBeDisabled();
  await everyLook('issue from media: requests read, none ticked');

  // Tick all, then untick agent-c, by keyboard.
  await pressOn(page, page.getByRole('checkbox', { name: 'Tick every request that can be signed (3)' }), 'Space');
  for (const cn of AGENTS) await expect(row(`${cn}.csr`).getByRole('checkbox')).toBeChecked();
  await pressOn(page, page.getByRole('checkbox', { name: 'Sign agent-c.csr (CN=agent-c,O=Acme Fleet)' }), 'Space');
  await expect(row('agent-c.csr').getByRole('checkbox')).not.toBeChecked();
  await expect(page.getByTestId('requests-ticked')).toHaveText('Ticked: 2 requests.');
  await a11y.check('issue from media: two of three ticked');
  await shots.take('two of three ticked');

  // Step 2: end-entity profiles only, with where a CA request goes; Back keeps the folder, its rows and the ticks.
  await pressOn(page, page.getByRole('button', { name: 'Next: profile' }));
  await expect(stepHeading(page, 2, 'Profile and validity')).toBeVisible();
  await expect(page.getByRole('radio', { name: /^agent/ })).toBeChecked();
  await expect(page.getByRole('radio', { name: /^sub-ca/ })).toHaveCount(0);
  await expect(page.getByRole('radio', { name: /^server/ })).toHaveCount(1);
  await expect(page.getByTestId('profile-ca-elsewhere')).toContainText('Requests for a certificate authority (sub-CA) are not signed here');
  await expect(page.getByLabel('Write the certificates to (an existing folder)')).toHaveValue(requests);
  await pressOn(page, page.getByRole('button', { name: 'Back' }));
  await expect(stepHeading(page, 1, 'Requests folder')).toBeVisible();
  await expect(page.getByTestId('requests-ticked')).toHaveText('Ticked: 2 requests.');
  await pressOn(page, page.getByRole('button', { name: 'Next: profile' }));
  await expect(stepHeading(page, 2, 'Profile and validity')).toBeVisible();
  // A validity beyond the profile's limit is refused here, under the field, by the main process's own check; edited, it goes.
  const validity = page.getByLabel('Validity in days (optional)');
  await validity.fill('900');
  await pressOn(page, page.getByRole('button', { name: 'Next: confirm' }));
  await expect(stepHeading(page, 2, 'Profile and validity')).toBeVisible();
  await expect(validity).toHaveAttribute('aria-invalid', 'true');
  await expect(validity).toHaveAccessibleDescription('Validity for the agent profile must be a whole number of days from 1 to 825.');
  await expect(page.getByRole('button', { name: 'Next: confirm' })).toBeDisabled();
  await a11y.check('issue from media: validity refused at its field');
  await shots.take('validity refused at its field');
  await validity.fill('90');
  await expect(validity).toHaveAttribute('aria-invalid', 'false');
  await expect(page.getByTestId('field-refusal')).toHaveCount(0);
  await a11y.check('issue from media: profile and validity');
  await shots.take('profile and validity');

  // Step 3: confirm: the signer, the ticked requests one per row; nothing issued yet.
  await expect(page.getByRole('button', { name: 'Next: confirm' })).toBeEnabled();
  await pressOn(page, page.getByRole('button', { name: 'Next: confirm' }));
  await expect(stepHeading(page, 3, 'Confirm')).toBeVisible();
  await expect(page.getByTestId('issue-signer')).toContainText(`Signed by ${activeKey.name} (sha256:`);
  const summary = page.getByTestId('issue-summary');
  await expect(summary).toContainText('2 ticked requests (3 other files are not signed)');
  await expect(summary).toContainText('90 days');
  await expect(page.getByTestId('chosen-row')).toHaveCount(2);
  for (const cn of ['agent-a', 'agent-b']) await expect(page.getByTestId('chosen-row').filter({ hasText: `${cn}.csr` })).toContainText(`DNS:${cn}.fleet.example`);
  expect(readdirSync(requests).filter((f) => f.endsWith('.crt.pem'))).toEqual([]);
  await everyLook('issue from media: confirm');

  // Step 4: issue exactly the ticked ones.
  await pressOn(page, page.getByRole('button', { name: 'Issue 2 certificates' }));
  await expect(stepHeading(page, 4, 'Issue')).toBeVisible();
  await expect(page.getByTestId('issue-result-count')).toHaveText('2 issued, 0 refused', { timeout: 90_000 });
  await expect(page.getByTestId('operation-progress-text')).toContainText('2 of 2 (100%)');
  await expect(page.getByTestId('issue-result-row')).toHaveCount(2);
  for (const cn of ['agent-a', 'agent-b']) await expect(page.getByTestId('issue-result-row').filter({ hasText: `${cn}.csr` })).toContainText(/Issued, serial [0-9a-f]+/);
  await a11y.check('issue from media: results');
  await shots.take('issued, per-file results');

  // Step 5: only the ticked requests got certificates, and OpenSSL accepts them.
  await pressOn(page, page.getByRole('button', { name: 'Next: done' }));
  await expect(stepHeading(page, 5, 'Done')).toBeVisible();
  await expect(page.getByTestId('issue-out-dir')).toHaveText(requests);
  await expect(page.getByTestId('issue-done')).toContainText('2 certificates written to the medium');
  expect(readdirSync(requests).filter((f) => f.endsWith('.crt.pem')).sort()).toEqual(['agent-a.crt.pem', 'agent-b.crt.pem']);
  const verify = execFileSync('openssl', ['verify', '-CAfile', bundleFile, join(requests, 'agent-a.crt.pem')], { encoding: 'utf8' });
  expect(verify).toContain(': OK');
  const subject = execFileSync('openssl', ['x509', '-noout', '-subject', '-in', join(requests, 'agent-b.crt.pem')], { encoding: 'utf8' });
  expect(subject).toContain('agent-b');
  // The medium is still mounted: amber "Eject first" (the keyboard's way to Eject is keyboard-flow-wizards.spec.ts's).
  const eject = page.getByRole('button', { name: 'Eject', exact: true });
  await expect(page.getByTestId('eject-first')).toContainText('Eject first');
  await expect(page.getByTestId('safe-to-remove')).toHaveCount(0);
  await eject.focus();
  await everyLook('issue from media: done, eject first');
  // A process holds the stick: the eject is refused with the platform's answer, still amber, the focus back on Eject.
  const holder = await holdMedium(usb);
  try {
    await page.keyboard.press('Enter');
    await expect(page.getByText('Not ejected: the medium is in use')).toBeVisible();
    await expect(page.getByTestId('eject-first')).toBeVisible();
    await expect(eject).toBeFocused();
  } finally {
    await holder.release();
  }
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('safe-to-remove')).toContainText('Safe to remove');
  await sticks[0]!.exited;
  await expect(page.getByRole('button', { name: 'Done' })).toBeFocused();
  await everyLook('issue from media: done, safe to remove');

  await pressOn(page, page.getByRole('button', { name: 'Done' }));
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
  } finally {
    await unmountFatSticks(sticks);
  }
});

test('issue from media: a ticked request swapped on the medium after it was shown is refused by the main process, nothing signed', async ({ host }) => {
  test.setTimeout(180_000);
  const { page } = host;
  const usb = join(host.workDir, 'USB-SWAP');
  const requests = join(usb, 'requests');
  mkdirSync(requests, { recursive: true });
  const made = join(host.workDir, 'openssl');
  copyFileSync(opensslCsr(made, 'agent-a'), join(requests, 'agent-a.csr'));
  process.env.AIRGAP_CA_MEDIA_ROOTS = usb;
  await copyCaVault(host.vaultDir);
  await page.reload();
  await unlockWithPassphrase(page);
  await pressOn(page, page.getByRole('button', { name: 'Issue from media…' }));
  await pressOn(page, page.getByRole('radio', { name: /USB-SWAP/ }), 'Space');
  await page.getByLabel('Folder on the medium (optional)').fill('requests');
  await pressOn(page, page.getByRole('button', { name: 'Read the requests' }));
  await pressOn(page, page.getByRole('checkbox', { name: /^Sign agent-a\.csr/ }), 'Space');
  await pressOn(page, page.getByRole('button', { name: 'Next: profile' }));
  await expect(page.getByRole('button', { name: 'Next: confirm' })).toBeEnabled();
  await pressOn(page, page.getByRole('button', { name: 'Next: confirm' }));
  await expect(page.getByTestId('chosen-row')).toContainText('CN=agent-a');
  // Someone swaps the file for another request under the same name.
  copyFileSync(opensslCsr(join(made, 'evil'), 'intruder'), join(requests, 'agent-a.csr'));
  await pressOn(page, page.getByRole('button', { name: 'Issue 1 certificate' }));
  await expect(stepHeading(page, 3, 'Confirm')).toBeVisible();
  await expect(page.getByText('Nothing was issued', { exact: true })).toBeVisible();
  await expect(page.getByText(/agent-a\.csr changed on the medium since it was shown to you/)).toBeVisible();
  expect(readdirSync(requests).filter((f) => f.endsWith('.crt.pem'))).toEqual([]);
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
  await pressOn(page, page.getByRole('checkbox', { name: /^Sign agent-a\.csr/ }), 'Space');
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
  await expect(page.getByRole('checkbox', { name: /^Sign agent-a\.csr/ })).toBeChecked();
});

/** The folder step and the results with a renewal request among plain CSRs, at both window sizes. */
async function renewalAmongRequests({ host, shots, a11y }: { host: { page: Page; workDir: string; vaultDir: string }; shots: { take(name: string): Promise<string> }; a11y: { check(screen: string): Promise<void> } }, theme: string): Promise<void> {
  // Four requests (a replay served first), six screenshots and three axe runs, on a machine shared with other work.
  test.setTimeout(480_000);
  const { page } = host;
  const usb = join(host.workDir, 'USB-RENEWALS');
  const requests = join(usb, 'requests');
  mkdirSync(requests, { recursive: true });
  const made = join(host.workDir, 'openssl');
  copyFileSync(opensslCsr(made, 'agent-new'), join(requests, 'agent-new.csr'));
  process.env.AIRGAP_CA_MEDIA_ROOTS = usb;

  // Enrolled agents: each its certificate from the vault, then its renewal signed with it (OpenSSL as the agent).
  await copyCaVault(host.vaultDir);
  const seeder = await openVaultService(host.vaultDir);
  /** The agent's current certificate (from the vault) and its renewal request for `cn` in `to` (a new key and request, signed with the current certificate). */
  const enrolled = async (agent: string, cn: string, to: string) => {
    const issued = await must<{ serial: string; pem: string }>(seeder, 'cert.issue', { source: { path: opensslCsr(made, agent) } });
    writeFileSync(join(made, `${agent}.crt`), issued.pem);
    const next = join(made, `${agent}-next.der`);
    execFileSync('openssl', ['req', '-in', opensslCsr(join(made, `next-${agent}`), cn), '-outform', 'DER', '-out', next], { stdio: 'ignore' });
    mkdirSync(to, { recursive: true });
    execFileSync('openssl', ['cms', '-sign', '-binary', '-nodetach', '-outform', 'DER', '-md', 'sha256', '-signer', join(made, `${agent}.crt`), '-inkey', join(made, `${agent}.key`), '-in', next, '-out', join(to, `${agent}.p7m`)], { stdio: 'ignore' });
    return issued.serial;
  };
  const current = await enrolled('agent-old', 'agent-old', requests);
  // Signed by agent-moved's certificate, but for another name: refused (a renewal cannot change identity).
  await enrolled('agent-moved', 'agent-elsewhere', requests);
  // agent-replay's renewal was served once already (an earlier medium); the same request again gets that certificate.
  const earlier = join(host.workDir, 'earlier-medium');
  const replayed = await enrolled('agent-replay', 'agent-replay', earlier);
  const served = await must<{ requests: Array<{ newSerial: string | null }> }>(seeder, 'cert.renewBatch', { inDir: earlier, outDir: earlier });
  copyFileSync(join(earlier, 'agent-replay.p7m'), join(requests, 'agent-replay.p7m'));
  const bundle = await must<BundleView>(seeder, 'bundle.preview', {});
  seeder.session.lock(null);
  const bundleFile = join(host.workDir, 'bundle.pem');
  writeFileSync(bundleFile, bundle.pem);

  await page.reload();
  await unlockWithPassphrase(page);
  await pressOn(page, page.getByRole('button', { name: 'Issue from media…' }));
  await pressOn(page, page.getByRole('radio', { name: /USB-RENEWALS/ }), 'Space');
  await page.getByLabel('Folder on the medium (optional)').fill('requests');
  await pressOn(page, page.getByRole('button', { name: 'Read the requests' }));
  await expect(page.getByTestId('requests-count')).toHaveText('4 requests can be signed, 0 refused');
  // The renewal's row shows the request inside it: the agent's subject and SANs, its new key.
  await expect(page.getByTestId('request-row').filter({ hasText: 'agent-old.p7m' })).toContainText('Renewal request: checked against the certificate that signed it');
  await expect(page.getByTestId('request-row').filter({ hasText: 'agent-old.p7m' })).toContainText('DNS:agent-old.fleet.example');
  await expect(page.getByTestId('request-row').filter({ hasText: 'agent-new.csr' })).toContainText('CN=agent-new,O=Acme Fleet');
  await pressOn(page, page.getByRole('checkbox', { name: /^Tick every request/ }), 'Space');
  await expect(page.getByTestId('requests-ticked')).toHaveText('Ticked: 1 request and 3 renewal requests.');
  await a11y.check(`issue from media: a renewal among requests (${theme})`);
  for (const [width, height] of [[1024, 768], [1280, 720]] as const) {
    await page.setViewportSize({ width, height });
    await shots.take(`renewal among requests ${width}x${height} ${theme}`);
  }

  await pressOn(page, page.getByRole('button', { name: 'Next: profile' }));
  await expect(page.getByRole('button', { name: 'Next: confirm' })).toBeEnabled();
  await pressOn(page, page.getByRole('button', { name: 'Next: confirm' }));
  await expect(page.getByTestId('issue-summary')).toContainText('3 renewal requests: each checked against the certificate that signed it');
  await pressOn(page, page.getByRole('checkbox', { name: /^Revoke each renewed certificate \(reason superseded\)/ }), 'Space');
  await expect(page.getByRole('checkbox', { name: /^Revoke each renewed certificate/ })).toBeChecked();
  await a11y.check(`issue from media: confirm with a renewal (${theme})`);
  for (const [width, height] of [[1024, 768], [1280, 720]] as const) {
    await page.setViewportSize({ width, height });
    await shots.take(`renewal confirm ${width}x${height} ${theme}`);
  }
  await pressOn(page, page.getByRole('button', { name: 'Issue 4 certificates' }));
  await expect(page.getByTestId('issue-result-count')).toHaveText('3 issued, 1 refused', { timeout: 90_000 });
  await expect(page.getByTestId('issue-result-row')).toHaveCount(4);
  for (const f of ['agent-old.p7m', 'agent-new.csr']) await expect(page.getByTestId('issue-result-row').filter({ hasText: f })).toContainText(/Issued, serial [0-9a-f]+/);
  await expect(page.getByTestId('issue-result-row').filter({ hasText: 'agent-replay.p7m' })).toContainText('Already issued (the same request served before), serial');
  await expect(page.getByTestId('issue-result-row').filter({ hasText: 'agent-replay.p7m' }).locator('[data-hex]')).toHaveAttribute('data-hex', served.requests[0]!.newSerial!);
  await expect(page.getByTestId('issue-result-row').filter({ hasText: 'agent-moved.p7m' })).toContainText('Refused (RENEWAL_IDENTITY_CHANGED)');
  // The renewal report, as the CLI prints it: counts, refusals by code, what was superseded, its two files.
  const report = page.getByTestId('renewal-report');
  await expect(report.getByTestId('renewal-received')).toHaveText('3 renewal requests');
  await expect(report.getByTestId('renewal-validated')).toHaveText('2');
  await expect(report.getByTestId('renewal-issued')).toHaveText('1');
  await expect(report.getByTestId('renewal-already-issued')).toHaveText('1');
  await expect(report.getByTestId('renewal-refused')).toHaveText('1 (RENEWAL_IDENTITY_CHANGED: 1)');
  await expect(report.getByTestId('renewal-superseded')).toHaveText('2 renewed certificates: publish a CRL');
  await expect(report.getByTestId('renewal-report-file')).toHaveCount(2);
  await expect(report.getByTestId('renewal-report-file').nth(1)).toHaveText(/renewal-report-\d{8}T\d{6}Z\.csv$/);
  await a11y.check(`issue from media: results with a renewal (${theme})`);
  for (const [width, height] of [[1024, 768], [1280, 720]] as const) {
    await page.setViewportSize({ width, height });
    await shots.take(`renewal results ${width}x${height} ${theme}`);
  }
  // The renewed certificate is the agent's, for its new key, and OpenSSL accepts it; the renewal's report is beside it.
  const renewed = join(requests, 'agent-old.crt.pem');
  expect(execFileSync('openssl', ['verify', '-CAfile', bundleFile, renewed], { encoding: 'utf8' })).toContain(': OK');
  expect(execFileSync('openssl', ['x509', '-noout', '-pubkey', '-in', renewed], { encoding: 'utf8' })).toBe(execFileSync('openssl', ['pkey', '-pubout', '-in', join(made, 'next-agent-old', 'agent-old.key')], { encoding: 'utf8' }));
  const reports = readdirSync(requests).filter((f) => f.startsWith('renewal-report-'));
  expect(reports).toHaveLength(2);
  // The CSV: one line per renewal request; both renewed certificates superseded in the JSON.
  const csvFile = join(requests, reports.find((f) => f.endsWith('.csv'))!);
  const csv = readFileSync(csvFile, 'utf8').split('\r\n').filter((l) => l !== '');
  expect(csv[0]).toBe('file,agent_serial,new_serial,status,code');
  expect(csv.slice(1).map((l) => l.split(',')).map(([file, , , status, code]) => `${file} ${status} ${code}`).sort()).toEqual(['agent-moved.p7m refused RENEWAL_IDENTITY_CHANGED', 'agent-old.p7m issued ', 'agent-replay.p7m already-issued ']);
  const json = JSON.parse(readFileSync(csvFile.replace(/\.csv$/, '.json'), 'utf8')) as { superseded: string[] };
  expect([...json.superseded].sort()).toEqual([current, replayed].sort());
  await pressOn(page, page.getByRole('button', { name: 'Next: done' }));
  await expect(page.getByTestId('done-renewal-report')).toHaveText(csvFile);
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
