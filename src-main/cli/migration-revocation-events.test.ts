/**
 * Migration 14 (revocation events) on a real vault file of schema 13, made by
 * the CLI of that version (src-main/testing/golden/vault-schema13/README.md):
 * the revocations keep their serials, issuers, times, reasons and order, the
 * CRLs list the same entries as the ones signed before, a pre-signed set keeps
 * its staleness mark, and new revocations record who revoked.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openRawDatabase, vaultKeyOf } from '../testing/vault-fixtures.ts';
import { removeTempDirs } from '../testing/temp-dir.ts';
import { copyOfSchema13Vault, openUnmigrated, SCHEMA13_FIXTURE, SCHEMA13_PASS } from '../testing/schema13-vault.ts';

afterAll(removeTempDirs);

const PASS = SCHEMA13_PASS;

/** The revoked certificates of a CRL as OpenSSL prints them: serial, date and reason, in the CRL's order. */
function crlEntries(file: string): string[] {
  const text = execFileSync('openssl', ['crl', '-inform', 'DER', '-noout', '-text', '-in', file]).toString();
  return [...text.matchAll(/Serial Number: ([0-9A-F]+)\n\s+Revocation Date: ([^\n]+)(?:\n\s+CRL entry extensions:\n\s+X509v3 CRL Reason Code: ?\n\s+([A-Za-z ]+))?/g)].map((m) => `${m[1]} ${m[2]!.trim()} ${(m[3] ?? '').trim()}`);
}

describe('a vault of schema 13 (revocations with their own time and reason)', () => {
  it('migrates to revocation events with the same revocations in the same order, the same CRL entries and the same schedule marks', async () => {
    const { dir, vault, cli } = copyOfSchema13Vault();
    const key = await vaultKeyOf(vault, { passphrase: PASS });
    let raw = openUnmigrated(vault, key);
    expect(raw.pragma('user_version', { simple: true })).toBe(13);
    const before = raw.prepare('SELECT r.id, r.serial, i.issuer_key_id, r.revoked_at, r.reason FROM revocations r JOIN revocation_issuers i ON i.id = r.issuer ORDER BY r.id').raw().all();
    const countsBefore = raw.prepare('SELECT * FROM certificate_counts ORDER BY issuer_key_id').all();
    const marksBefore = raw.prepare('SELECT issuer_key_id, revocations_through FROM crl_schedules ORDER BY id').raw().all();
    raw.close();
    expect(before).toHaveLength(7);

    // Opening it through the CLI migrates it; the chain and the database check out.
    const verify = await cli(['--json', 'vault', 'verify']);
    expect(verify.code, verify.stdout).toBe(0);
    expect(verify.json).toMatchObject({ ok: true, integrity: [], audit: { ok: true } });

    raw = openRawDatabase(vault, key);
    try {
      expect(raw.pragma('user_version', { simple: true })).toBeGreaterThanOrEqual(14);
      expect(raw.prepare('SELECT r.id, r.serial, i.issuer_key_id, e.revoked_at, e.reason FROM revocations r JOIN revocation_issuers i ON i.id = r.issuer JOIN revocation_events e ON e.id = r.event ORDER BY r.id').raw().all()).toEqual(before);
      // One event per time and reason (the revoke-all's three rows share one), none with an actor (the audit log names who).
      expect(raw.prepare('SELECT count(*), count(actor) FROM revocation_events').raw().get()).toEqual([5, 0]);
      expect(raw.prepare('SELECT count(*) FROM revocations GROUP BY event ORDER BY 1 DESC LIMIT 1').pluck().get()).toBe(3);
      expect(raw.prepare('SELECT * FROM certificate_counts ORDER BY issuer_key_id').all()).toEqual(countsBefore);
      expect(raw.prepare('SELECT issuer_key_id, revocations_through FROM crl_schedules ORDER BY id').raw().all()).toEqual(marksBefore);
    } finally {
      raw.close();
    }

    // The statuses the CLI shows are the ones revoked.
    const list = (await cli(['--json', 'cert', 'list'])).json as { items: Array<{ serial: string; status: string; revokedAt: string | null; revocationReason: string | null }> };
    const revoked = list.items.filter((c) => c.status === 'revoked').map((c) => [c.serial, c.revokedAt, c.revocationReason]);
    expect(revoked.sort()).toEqual(before.map((r) => { const [, serial, , at, reason] = r as [number, string, string, string, string]; return [serial, at, reason]; }).sort());

    // New CRLs list the same entries, in the same order, as the ones signed at schema 13.
    for (const [issuer, file] of [['root-a', 'a.crl'], ['root-b', 'b.crl']] as const) {
      const out = join(dir, `new-${file}`);
      const r = await cli(['--json', 'crl', 'generate', '--issuer', issuer, '--out', out]);
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(crlEntries(out)).toEqual(crlEntries(join(SCHEMA13_FIXTURE, file)));
      expect(crlEntries(out).length).toBeGreaterThan(0);
    }
    expect(crlEntries(join(SCHEMA13_FIXTURE, 'a.crl'))).toHaveLength(5);
  }, 120_000);

  it('a revocation after the migration makes the pre-signed set stale, and its event names who revoked', async () => {
    const { vault, cli } = copyOfSchema13Vault();
    const calendar = async () => ((await cli(['--json', 'crl', 'calendar'])).json as { entries: Array<{ keyName: string; scheduled: { stale: boolean } | null }> }).entries.find((e) => e.keyName === 'root-b')!;
    expect((await calendar()).scheduled).toMatchObject({ stale: false });
    const list = (await cli(['--json', 'cert', 'list', '--status', 'valid'])).json as { items: Array<{ serial: string; subject: string }> };
    const b3 = list.items.find((c) => c.subject === 'CN=agent-b3')!;
    const r = await cli(['--json', 'cert', 'revoke', b3.serial, '--reason', 'superseded']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect((await calendar()).scheduled).toMatchObject({ stale: true });
    const raw = openRawDatabase(vault, await vaultKeyOf(vault, { passphrase: PASS }));
    try {
      expect(raw.prepare('SELECT e.reason, e.actor FROM revocations r JOIN revocation_events e ON e.id = r.event WHERE r.serial = ?').raw().get(b3.serial)).toEqual(['superseded', 'officer']);
      // It follows the migrated rows.
      expect(raw.prepare('SELECT serial FROM revocations ORDER BY id DESC LIMIT 1').pluck().get()).toBe(b3.serial);
    } finally {
      raw.close();
    }
  }, 120_000);
});
