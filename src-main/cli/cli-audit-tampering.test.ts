/**
 * `audit verify` and `vault verify` through the real command, on vaults whose
 * audit table an attacker edited with the database key: exit 1, and the
 * first broken sequence number in the output.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AUDIT_TAMPER_CASES, tamperAuditLog, vaultWithSixEvents } from '../testing/audit-tampering.ts';
import { runCli } from '../testing/cli-runner.ts';
import { removeTempDirs, tempDir } from '../testing/temp-dir.ts';
import { TEST_PASSPHRASE } from '../testing/vault-fixtures.ts';

let fixture: Awaited<ReturnType<typeof vaultWithSixEvents>>;
let passFile: string;

beforeAll(async () => {
  fixture = await vaultWithSixEvents();
  passFile = join(tempDir(), 'pass');
  writeFileSync(passFile, TEST_PASSPHRASE);
});
afterAll(removeTempDirs);

const cli = (dir: string, ...args: string[]) => runCli(['--vault', dir, '--passphrase-file', passFile, ...args]);

const chosen = ['details of event 3', 'event 3 deleted (from the middle)', 'hash of events 3 and 4 swapped (reordered)'];
const cases = AUDIT_TAMPER_CASES.filter((c) => chosen.includes(c.field));

it('the chosen cases exist', () => {
  expect(cases.map((c) => c.field)).toEqual(chosen);
});

it('a sound vault: audit verify and vault verify exit 0', async () => {
  const dir = fixture.copy();
  const [audit, vault] = await Promise.all([cli(dir, '--json', 'audit', 'verify'), cli(dir, '--json', 'vault', 'verify')]);
  expect(audit.code).toBe(0);
  expect(audit.json).toMatchObject({ ok: true, count: 6, brokenAt: null });
  expect(vault.code).toBe(0);
});

it.each(cases)('$field: audit verify and vault verify exit 1 naming event $brokenAt', async ({ sql, brokenAt }) => {
  const dir = fixture.copy();
  await tamperAuditLog(dir, sql);
  const [audit, auditText, vault] = await Promise.all([cli(dir, '--json', 'audit', 'verify'), cli(dir, 'audit', 'verify'), cli(dir, '--json', 'vault', 'verify')]);
  expect(audit.code).toBe(1);
  expect(audit.json).toMatchObject({ ok: false, brokenAt, reason: expect.stringContaining(`event ${brokenAt}`) });
  expect(auditText.code).toBe(1);
  expect(auditText.stdout).toMatch(new RegExp(`^Audit chain BROKEN at event ${brokenAt}:`));
  expect(vault.code).toBe(1);
  expect(vault.json).toMatchObject({ ok: false, integrity: [], audit: { ok: false, brokenAt } });
});
