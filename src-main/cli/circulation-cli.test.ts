/**
 * What is out in the field (`export list`, `export collect`) on a real vault:
 * an export onto a real FAT file system (mkfs.vfat image mounted with
 * fusefat) is recorded with what the platform says of that medium, its
 * manifest hash, bundle version and keys; after an emergency rotation the
 * medium is flagged as still trusting the compromised key until it is marked
 * collected or destroyed (audited, once).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../core/clock.ts';
import type { CirculationExportView, CirculationListView } from '../api/contract.ts';
import { inProcessCli, type CliRun } from '../testing/cli-in-process.ts';
import { makeFatImage, mountFat, type FatMount } from '../testing/fat-testkit.ts';
import { removeTempDirs, tempDir } from '../testing/temp-dir.ts';

const DAY_MS = 86_400_000;
const errorOf = (r: CliRun) => (r.json as { error?: { code: string; message: string } }).error;

describe('export list and export collect', () => {
  const mounts: FatMount[] = [];
  afterEach(async () => {
    for (const m of mounts.splice(0)) await m.cleanup();
  });
  afterAll(removeTempDirs);

  it('records each package with its medium, manifest, bundle and keys, flags the one still trusting a compromised key, and takes it out once collected', async () => {
    const dir = tempDir();
    const stick = join(dir, 'stick');
    const folder = join(dir, 'plain-folder');
    mkdirSync(stick);
    mkdirSync(folder);
    const clock = fixedClock('2026-12-01T09:00:00Z');
    const cli = inProcessCli({ vault: join(dir, 'vault'), clock, env: { AIRGAP_CA_PASSPHRASE: 'correct horse battery staple', AIRGAP_CA_ACTOR: 'Alice Officer', AIRGAP_CA_MEDIA_ROOTS: `${stick}:${folder}` } });
    const ok = async (args: string[]) => {
      const r = await cli(args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}${r.stdout}`).toBe(0);
      return r;
    };
    await ok(['vault', 'init']);
    for (const name of ['Fleet Root 2025', 'Fleet Root 2026']) {
      await ok(['key', 'create', '--name', name]);
      await ok(['key', 'self-sign', name, '--subject', `CN=${name},O=Acme`]);
    }
    await ok(['key', 'activate', 'Fleet Root 2025']);
    const keys = (await ok(['--json', 'key', 'list'])).json as Array<{ id: string; name: string }>;
    const id2025 = keys.find((k) => k.name === 'Fleet Root 2025')!.id;

    expect(((await ok(['--json', 'export', 'list'])).json as CirculationListView)).toEqual({ exports: [], out: 0, atRisk: 0 });
    expect((await ok(['export', 'list'])).stdout).toContain('No medium is out in the field');

    // Export 1: onto a real FAT volume.
    const image = join(dir, 'fleet-07.img');
    await makeFatImage(image, 4096, { label: 'FLEET-07' });
    mounts.push(await mountFat(image, stick));
    const written = (await ok(['--json', 'export', 'media', '--to', stick])).json as { dir: string; manifestSha256: string };
    await mounts[0]!.unmount();

    let list = (await ok(['--json', 'export', 'list'])).json as CirculationListView;
    expect(list.out).toBe(1);
    expect(list.atRisk).toBe(0);
    const first = list.exports[0]!;
    expect(first).toMatchObject({ id: 1, kind: 'export', at: '2026-12-01T09:00:00.000Z', actor: 'Alice Officer', folder: written.dir, manifestSha256: written.manifestSha256, out: true, withdrawn: null, risk: null, untrustedKeys: [] });
    // fusefat mounts a FAT image with no device behind it: the mount and its file system are known, its label, UUID and serial honestly not.
    expect(first.medium).toMatchObject({ path: stick, mountpoint: stick, fsType: 'fuse.fusefat', device: null, label: null, uuid: null, serial: null });
    expect(first.medium.note).toMatch(/names no device .*label, UUID, serial/);
    expect(first.cas).toHaveLength(1);
    expect(first.cas[0]).toMatchObject({ caName: expect.any(String), bundleVersion: 1 });
    // A draft key is in no bundle.
    expect(first.cas[0]!.keys.map((k) => k.name)).toEqual(['Fleet Root 2025']);
    expect(first.cas[0]!.keys.find((k) => k.id === id2025)).toMatchObject({ state: 'active', retiredReason: null });

    // The next day Fleet Root 2025 is compromised: the stick still trusts it.
    clock.advance(DAY_MS);
    await ok(['--witness', 'Bob Witness', 'key', 'activate', 'Fleet Root 2026', '--emergency']);
    list = (await ok(['--json', 'export', 'list'])).json as CirculationListView;
    expect(list.atRisk).toBe(1);
    expect(list.exports[0]).toMatchObject({ risk: 'compromised', untrustedKeys: [{ keyId: id2025, keyName: 'Fleet Root 2025', reason: 'compromise', retiredAt: '2026-12-02T09:00:00.000Z' }] });
    const text = (await ok(['export', 'list'])).stdout;
    expect(text).toContain('Export 1: OUT IN THE FIELD');
    expect(text).toContain(`DANGER: this medium still trusts a compromised key: Fleet Root 2025 (${id2025}). Collect or destroy it (export collect 1).`);
    expect(text).toContain(`Fleet Root 2025 (${id2025}) COMPROMISED`);
    expect(text).toContain('UUID unknown, serial unknown');

    // Export 2: the emergency files onto a plain folder; export 3: the rotation itself. Neither carries the compromised key.
    await ok(['export', 'emergency', '--to', folder]);
    await ok(['export', 'media', '--to', folder]);
    list = (await ok(['--json', 'export', 'list'])).json as CirculationListView;
    expect(list.exports.map((e) => [e.id, e.kind, e.risk])).toEqual([
      [1, 'export', 'compromised'],
      [2, 'emergency', null],
      [3, 'export', null],
    ]);
    expect(list.exports[2]!.cas[0]!.bundleVersion).toBe(2);
    expect(list.exports[2]!.cas[0]!.keys.map((k) => k.name)).toEqual(['Fleet Root 2026']);
    for (const e of list.exports.slice(1)) {
      expect(e.medium).toMatchObject({ path: folder, label: null, uuid: null, serial: null });
      expect(e.medium.note).not.toBeNull();
    }

    // Bad input changes nothing.
    const missing = await cli(['--json', 'export', 'collect', '99']);
    expect([missing.code, errorOf(missing)?.code]).toEqual([1, 'NOT_FOUND']);
    expect(errorOf(missing)?.message).toContain('See "export list"');
    expect((await cli(['export', 'collect', 'one'])).code).toBe(2);

    const destroyed = (await ok(['--json', 'export', 'collect', '1', '--destroyed', '--note', 'shredded by Bob'])).json as CirculationExportView;
    expect(destroyed).toMatchObject({ id: 1, out: false, withdrawn: 'destroyed', withdrawnBy: 'Alice Officer', withdrawnNote: 'shredded by Bob', withdrawnAt: '2026-12-02T09:00:00.000Z', risk: null });
    const again = await cli(['--json', 'export', 'collect', '1']);
    expect([again.code, errorOf(again)?.code]).toEqual([1, 'INVALID_TRANSITION']);
    expect(errorOf(again)?.message).toContain('already marked destroyed');

    list = (await ok(['--json', 'export', 'list'])).json as CirculationListView;
    expect([list.out, list.atRisk, list.exports.map((e) => e.id)]).toEqual([2, 0, [2, 3]]);
    const all = (await ok(['--json', 'export', 'list', '--all'])).json as CirculationListView;
    expect(all.exports.map((e) => [e.id, e.withdrawn])).toEqual([
      [1, 'destroyed'],
      [2, null],
      [3, null],
    ]);
    // The destroyed one still says what it carried.
    expect(all.exports[0]!.untrustedKeys.map((u) => u.keyName)).toEqual(['Fleet Root 2025']);

    const audit = (await ok(['--json', 'audit', 'list'])).json as { events: Array<{ action: string; actor: string; details: Record<string, unknown> }> };
    const events = audit.events.filter((e) => e.action.startsWith('export.'));
    expect(events.map((e) => e.action)).toEqual(['export.written', 'export.emergency-written', 'export.written', 'export.medium-destroyed']);
    expect(events[0]!.details['circulation']).toMatchObject({ id: 1, label: null, bundles: [{ version: 1 }] });
    expect(events[3]).toMatchObject({ actor: 'Alice Officer', details: { id: 1, manifestSha256: written.manifestSha256, note: 'shredded by Bob' } });
    expect((await ok(['--json', 'audit', 'verify'])).json).toMatchObject({ ok: true });
  });
});
