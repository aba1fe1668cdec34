/**
 * cert.issueBatch as the CLI runs it (blockingHost): the batch is recorded
 * inside one vault transaction as its chunks come back from the workers, and
 * that transaction commits only once the last chunk is in. On a real vault:
 * what it records, writes and audits is what the desktop app's path gives,
 * and a failure before the commit (a worker that stops mid-batch) leaves no
 * row, no audit event and no file, hidden or named.
 */
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../core/clock.ts';
import { toPem } from '../../core/asn1/pem.ts';
import { OWASP_MINIMUM } from '../../core/vault/kdf.ts';
import { makeCsr } from '../../testing/issuance-fixtures.ts';
import { dyingIssuanceWorkerUrl } from '../../testing/issuance-workers.ts';
import { removeTempDirs, tempDir } from '../../testing/temp-dir.ts';
import { FIXED_NOW, TEST_PASSPHRASE } from '../../testing/vault-fixtures.ts';
import type { BatchResult } from '../contract/certs.ts';
import { dispatch } from '../dispatch.ts';
import { createService, type Service } from '../service.ts';

afterAll(removeTempDirs);

async function value<T>(service: Service, name: string, input: unknown = {}): Promise<T> {
  const r = await dispatch(service, name, input);
  if (!r.ok) throw new Error(`${name}: ${r.code} ${r.message}`);
  return r.value as T;
}

async function vaultWithCa(opts: { blockingHost: boolean; issuanceWorkerUrl?: URL }): Promise<{ service: Service; inDir: string; root: string }> {
  const root = tempDir();
  const service = createService({ vaultDir: join(root, 'vault'), clock: fixedClock(FIXED_NOW), kdfCost: OWASP_MINIMUM, ...opts });
  expect((await dispatch(service, 'vault.create', { actor: 'alice', passphrase: TEST_PASSPHRASE })).ok).toBe(true);
  await value(service, 'key.create', { name: 'Fleet Root', algorithm: 'ecdsa-p256' });
  await value(service, 'key.selfSign', { key: 'Fleet Root', subject: 'CN=Fleet Root', days: 3650 });
  await value(service, 'key.activate', { key: 'Fleet Root' });
  const inDir = join(root, 'in');
  mkdirSync(inDir);
  for (let i = 0; i < 150; i++) writeFileSync(join(inDir, `agent-${String(i).padStart(3, '0')}.csr`), toPem(makeCsr('p256', `agent-${i}`), 'CERTIFICATE REQUEST'));
  writeFileSync(join(inDir, 'broken.csr'), 'not a request');
  return { service, inDir, root };
}

describe('cert.issueBatch recorded while the workers sign (the CLI)', () => {
  it('records, writes and audits what the desktop path does: every serial written once, recorded once, named in one audit event', async () => {
    const runs: Record<string, { results: string[]; recorded: string[]; audited: string[]; bundle: number }> = {};
    for (const blockingHost of [true, false]) {
      const { service, inDir, root } = await vaultWithCa({ blockingHost });
      const outDir = join(root, 'out');
      mkdirSync(outDir);
      const r = await value<BatchResult>(service, 'cert.issueBatch', { inDir, outDir, profile: 'agent', bundleOut: join(root, 'bundle.pem') });
      expect(r.issued).toBe(150);
      expect(r.results.filter((x) => !x.ok).map((x) => `${x.file} ${x.code}`)).toEqual(['broken.csr FILE_TYPE_UNKNOWN']);
      const serials = r.results.flatMap((x) => (x.serial ? [x.serial] : []));
      const listed = await value<{ items: Array<{ serial: string }>; total: number }>(service, 'cert.list', { limit: 1000 });
      const audit = await value<{ events: Array<{ action: string; details: { serials?: string[]; issued?: number } }> }>(service, 'audit.list', { action: 'cert.batch-issued' });
      expect(audit.events).toHaveLength(1);
      // Only the named certificates, no hidden temporary file left.
      expect(readdirSync(outDir).sort()).toEqual(r.results.flatMap((x) => (x.out ? [x.out.split('/').at(-1) as string] : [])).sort());
      runs[String(blockingHost)] = {
        results: r.results.map((x) => `${x.file} ${x.ok}`),
        recorded: listed.items.map((c) => c.serial).sort(),
        audited: [...(audit.events[0]?.details.serials ?? [])].sort(),
        bundle: readFileSync(join(root, 'bundle.pem'), 'utf8').split('-----BEGIN CERTIFICATE-----').length - 1,
      };
      expect(runs[String(blockingHost)]?.recorded).toEqual([...serials].sort());
      expect(runs[String(blockingHost)]?.audited).toEqual([...serials].sort());
      expect(runs[String(blockingHost)]?.bundle).toBe(150);
    }
    expect(runs.true?.results).toEqual(runs.false?.results);
  }, 60_000);

  it('a worker that stops mid-batch: the transaction is not committed, so no row, no audit event and no file (hidden or named)', async () => {
    const { service, inDir, root } = await vaultWithCa({ blockingHost: true, issuanceWorkerUrl: dyingIssuanceWorkerUrl() });
    const outDir = join(root, 'out');
    mkdirSync(outDir);
    const r = await dispatch(service, 'cert.issueBatch', { inDir, outDir, profile: 'agent' });
    expect(r).toMatchObject({ ok: false, code: 'INTERNAL' });
    expect(r.ok ? '' : r.message).toMatch(/nothing was changed/);
    expect((await value<{ total: number }>(service, 'cert.list', {})).total).toBe(0);
    expect((await value<{ events: unknown[] }>(service, 'audit.list', { action: 'cert.batch-issued' })).events).toHaveLength(0);
    expect(readdirSync(outDir)).toEqual([]);
  }, 60_000);
});
