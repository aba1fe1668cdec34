/**
 * `export.preview` lists what `export media` would write and signs nothing: a
 * CRL the write regenerates, and a stale pre-signed set it signs again, are
 * named (with the numbers they will carry) and have no size yet; the vault
 * holds the same CRLs before and after the preview.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OWASP_MINIMUM } from '../core/vault/kdf.ts';
import { cliWithMedium } from '../testing/cli-in-process.ts';
import { openRawDatabase, vaultKeyOf } from '../testing/vault-fixtures.ts';
import { removeTempDirs } from '../testing/temp-dir.ts';
import type { ExportPreview } from './contract.ts';
import { dispatch } from './dispatch.ts';
import { createService } from './service.ts';

afterAll(removeTempDirs);

describe('export.preview', () => {
  it('names the CRLs the write would sign (regenerated, pre-signed again) without signing them, and the write then writes exactly those names', async () => {
    const { dir, usb, clock, env, cli } = cliWithMedium();
    const ok = async (args: string[]) => {
      const r = await cli(args);
      expect(r.code, r.stdout + r.stderr).toBe(0);
      return r;
    };
    await ok(['vault', 'init']);
    await ok(['key', 'create', '--name', 'root']);
    await ok(['key', 'self-sign', 'root', '--subject', 'CN=Preview Root', '--days', '3650']);
    await ok(['key', 'activate', 'root']);
    await ok(['crl', 'presign', '--issuer', 'root', '--count', '2']);
    // The key has no regular CRL yet: the export regenerates it, which makes the pre-signed set go back in number: signed again.
    const vaultDir = join(dir, 'vault');
    const signed = async () => {
      const raw = openRawDatabase(vaultDir, await vaultKeyOf(vaultDir, { passphrase: env.AIRGAP_CA_PASSPHRASE }));
      try {
        return raw.prepare('SELECT (SELECT count(*) FROM crls), (SELECT count(*) FROM scheduled_crls), (SELECT group_concat(hex(der)) FROM scheduled_crls)').raw().get();
      } finally {
        raw.close();
      }
    };
    const before = await signed();

    const service = createService({ vaultDir, clock, kdfCost: OWASP_MINIMUM });
    expect((await dispatch(service, 'vault.unlock', { actor: 'officer', credentials: { passphrase: env.AIRGAP_CA_PASSPHRASE } })).ok).toBe(true);
    const r = await dispatch(service, 'export.preview', {});
    expect(r.ok).toBe(true);
    const preview = (r as { value: ExportPreview }).value;
    service.session.lock(null);
    expect(preview.crls).toEqual([expect.objectContaining({ willRegenerate: true })]);
    const pending = preview.files.filter((f) => f.size === null).map((f) => f.name);
    expect(pending.filter((n) => n.startsWith('crl/scheduled/') && n.endsWith('.crl'))).toHaveLength(2);
    expect(pending).toEqual(expect.arrayContaining([expect.stringMatching(/^crl\/[0-9a-f]{16}\.crl$/), 'crl/scheduled/SCHEDULE.json']));
    expect(preview.files.find((f) => f.name === 'trust-bundle.pem')?.size).toBeGreaterThan(0);
    expect(await signed()).toEqual(before);

    const written = (await ok(['--json', 'export', 'media', '--to', usb])).json as { files: Array<{ name: string }> };
    const names = written.files.map((f) => f.name);
    expect(names).toEqual(expect.arrayContaining(preview.files.map((f) => f.name)));
    expect(await signed()).not.toEqual(before);
  }, 120_000);
});
