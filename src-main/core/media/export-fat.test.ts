/**
 * Exports onto a real FAT file system: an image made with mkfs.vfat, mounted
 * through FUSE with fusefat, read back afterwards with mtools (an independent
 * FAT implementation) and checked with fsck.fat, sha256sum and openssl.
 */
import { describe, it, expect, beforeAll, afterEach } from 'vitest';
import { mkdtemp, mkdir, writeFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeExportPackage, type ExportFile, type ExportProgress } from './export-package.ts';
import { verifyExportPackage } from './export-verify.ts';
import { makeSigner, packageFiles, pemOfPublicKey, type TestSigner } from '../../testing/export-fixtures.ts';
import { fillMedium, fsckFat, makeFatImage, mountFat, mtoolsList, mtoolsRead, run, type FatMount } from '../../testing/fat-testkit.ts';
import { DomainError } from '../errors.ts';
import { sha256Hex } from './package-files.ts';

const CREATED = new Date('2026-03-04T05:06:07.000Z');
const VAULT = 'fedcba98-7654-3210-0000-000000000000';
const FOLDER = 'airgap-ca-20260304T050607Z-fedcba98';

let signer: TestSigner;
let other: TestSigner;
const mounts: FatMount[] = [];
const workDirs: string[] = [];

beforeAll(async () => {
  signer = await makeSigner('ecdsa-p256', 'Active CA');
  other = await makeSigner('ed25519', 'Previous CA');
});

afterEach(async () => {
  for (const m of mounts.splice(0)) await m.cleanup();
  for (const d of workDirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function fatVolume(sizeKiB: number, opts: { readOnly?: boolean } = {}): Promise<{ image: string; mnt: string; fat: FatMount }> {
  const work = await mkdtemp(join(tmpdir(), 'airgap-fat-'));
  workDirs.push(work);
  const image = join(work, 'stick.img');
  const mnt = join(work, 'mnt');
  await mkdir(mnt);
  // No volume label: fusefat lists the label entry as if it were a file.
  await makeFatImage(image, sizeKiB);
  const fat = await mountFat(image, mnt, opts);
  mounts.push(fat);
  return { image, mnt, fat };
}

async function exportTo(mediaRoot: string, onProgress?: (p: ExportProgress) => void | Promise<void>, crlEntries = 3, files?: ExportFile[]) {
  return await writeExportPackage({
    mediaRoot,
    vaultId: VAULT,
    actor: 'alice',
    signingKeyId: signer.keyId,
    createdAt: CREATED,
    files: files ?? (await packageFiles(signer, [other], crlEntries)),
    sign: signer.sign,
    ...(onProgress ? { onProgress } : {}),
  });
}

/** After a failed export: mount the image again and make sure nothing on it verifies. */
async function nothingVerifies(image: string, mnt: string): Promise<string[]> {
  const fat = await mountFat(image, mnt, { readOnly: true });
  mounts.push(fat);
  const names = await readdir(mnt);
  for (const n of names.filter((x) => x.startsWith('airgap-ca-'))) {
    expect((await verifyExportPackage(join(mnt, n))).ok).toBe(false);
  }
  await fat.unmount();
  return names;
}

describe('export onto a real FAT file system (fusefat)', () => {
  it('writes a package that verifies, passes sha256sum -c and openssl, and reads back identically with mtools', async () => {
    const { image, mnt, fat } = await fatVolume(4096);
    const phases: string[] = [];
    const written = await packageFiles(signer, [other]);
    const r = await exportTo(
      mnt,
      (p) => {
        phases.push(`${p.phase}:${p.file ?? ''}`);
      },
      3,
      written,
    );
    expect(r.folderName).toBe(FOLDER);
    expect(phases[0]).toBe('write:trust-bundle.pem');
    expect(phases.slice(-4)).toEqual(['read-back:SHA256SUMS', 'read-back:MANIFEST.json', 'read-back:MANIFEST.json.sig', 'done:']);
    // Manifest and signature are written last.
    expect(phases.filter((p) => p.startsWith('write:')).slice(-2)).toEqual(['write:MANIFEST.json', 'write:MANIFEST.json.sig']);

    const v = await verifyExportPackage(r.dir);
    expect(v.problems).toEqual([]);
    expect(v.manifestSha256).toBe(r.manifestSha256);
    expect((await readdir(r.dir)).sort()).toEqual(['MANIFEST.json', 'MANIFEST.json.sig', 'SHA256SUMS', 'crl', 'trust-anchor.json', 'trust-bundle.pem']);

    const sums = await run('sha256sum', ['--strict', '-c', 'SHA256SUMS'], { cwd: r.dir });
    expect(sums.code).toBe(0);
    expect(sums.stdout.trim().split('\n')).toHaveLength(r.files.length - 1);
    const pub = join(mnt, '..', 'pub.pem');
    await writeFile(pub, pemOfPublicKey(signer));
    const ossl = await run('openssl', ['dgst', '-sha256', '-verify', pub, '-signature', join(r.dir, 'MANIFEST.json.sig'), join(r.dir, 'MANIFEST.json')]);
    expect(ossl.stdout.trim()).toBe('Verified OK');

    await fat.unmount();
    // An independent FAT reader sees exactly what we meant to write.
    for (const f of written) expect(Buffer.compare(await mtoolsRead(image, `/${FOLDER}/${f.name}`), Buffer.from(f.bytes)), f.name).toBe(0);
    for (const f of r.files) expect(sha256Hex(await mtoolsRead(image, `/${FOLDER}/${f.name}`)), f.name).toBe(f.sha256);
    expect((await mtoolsList(image, `/${FOLDER}`)).sort()).toEqual(['MANIFEST.json', 'MANIFEST.json.sig', 'SHA256SUMS', 'crl', 'trust-anchor.json', 'trust-bundle.pem']);
    const fsck = await fsckFat(image);
    expect(fsck.stdout + fsck.stderr).not.toMatch(/differ|corrupt|invalid|lost/i);
    expect(fsck.code).toBe(0);
  });

  it('writes onto FAT32, where fusefat reports no size at all (free space unknown, not full)', async () => {
    const work = await mkdtemp(join(tmpdir(), 'airgap-fat32-'));
    workDirs.push(work);
    const image = join(work, 'stick.img');
    const mnt = join(work, 'mnt');
    await mkdir(mnt);
    await makeFatImage(image, 40 * 1024, { fatBits: 32 });
    const fat = await mountFat(image, mnt);
    mounts.push(fat);
    const r = await exportTo(mnt);
    expect((await verifyExportPackage(r.dir)).ok).toBe(true);
    await fat.unmount();
    for (const f of r.files) expect(sha256Hex(await mtoolsRead(image, `/${FOLDER}/${f.name}`)), f.name).toBe(f.sha256);
    expect((await fsckFat(image)).code).toBe(0);
  });

  it('refuses to overwrite an existing package (EXPORT_EXISTS) and leaves it intact', async () => {
    const { mnt } = await fatVolume(2048);
    const first = await exportTo(mnt);
    await expect(exportTo(mnt)).rejects.toMatchObject({ code: 'EXPORT_EXISTS', message: expect.stringContaining(FOLDER) });
    expect((await verifyExportPackage(first.dir)).ok).toBe(true);
  });

  it('reports a full medium up front (MEDIA_FULL) and writes nothing', async () => {
    const { image, mnt, fat } = await fatVolume(256);
    // Fill the stick with someone else's file.
    await fillMedium(mnt);
    const e = await exportTo(mnt).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(DomainError);
    expect((e as DomainError).code).toBe('MEDIA_FULL');
    expect((e as DomainError).message).toContain(mnt);
    expect((e as DomainError).message).toMatch(/larger medium/);
    await fat.unmount();
    expect(await mtoolsList(image, '/')).toEqual(['filler.bin']);
  });

  it('reports a medium that fills up mid-write (MEDIA_FULL) and removes what it wrote', async () => {
    const { image, mnt, fat } = await fatVolume(1024);
    const e = await exportTo(mnt, async (p) => {
      if (p.phase === 'write' && p.filesDone === 2) {
        // Another program fills the medium while the export is running.
        await fillMedium(mnt);
      }
    }, 2000).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(DomainError);
    expect((e as DomainError).code).toBe('MEDIA_FULL');
    expect((e as DomainError).message).toContain(mnt);
    expect(await readdir(mnt)).toEqual(['filler.bin']);
    await fat.unmount();
    expect(await mtoolsList(image, '/')).toEqual(['filler.bin']);
    expect(await nothingVerifies(image, mnt)).toEqual(['filler.bin']);
  });

  it('reports a read-only medium (MEDIA_READ_ONLY)', async () => {
    const { image, mnt } = await fatVolume(1024, { readOnly: true });
    const e = await exportTo(mnt).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(DomainError);
    expect((e as DomainError).code).toBe('MEDIA_READ_ONLY');
    expect((e as DomainError).message).toContain(mnt);
    expect((e as DomainError).message).toMatch(/write-protect/);
    expect(await mtoolsList(image, '/')).toEqual([]);
  });

  it.each([1, 3, 6])('reports a medium pulled before file %i (MEDIA_REMOVED); nothing left verifies', async (at) => {
    const { image, mnt, fat } = await fatVolume(2048);
    const e = await exportTo(mnt, async (p) => {
      if (p.phase === 'write' && p.filesDone === at) await fat.yank();
    }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(DomainError);
    expect((e as DomainError).code).toBe('MEDIA_REMOVED');
    expect((e as DomainError).message).toContain(mnt);
    expect((e as DomainError).message).toMatch(/reinsert/);
    await fat.cleanup();
    const names = await nothingVerifies(image, mnt);
    // What the stick holds after the pull is marked: the INCOMPLETE file was written and synced first.
    for (const n of names) expect(await mtoolsList(image, `/${n}`)).toContain('INCOMPLETE');
  });

  it('reports a medium pulled during the read-back (MEDIA_REMOVED); the complete-looking folder still never verifies', async () => {
    const { image, mnt, fat } = await fatVolume(2048);
    const e = await exportTo(mnt, async (p) => {
      if (p.phase === 'read-back' && p.file === 'MANIFEST.json') await fat.yank();
    }).catch((x: unknown) => x);
    expect((e as DomainError).code).toBe('MEDIA_REMOVED');
    await fat.cleanup();
    expect(await nothingVerifies(image, mnt)).toEqual([FOLDER]);
    expect(await mtoolsList(image, `/${FOLDER}`)).toEqual(expect.arrayContaining(['INCOMPLETE', 'MANIFEST.json.sig']));
  });

  it('reports a medium unmounted under it (lazy unmount: paths vanish, ENOENT) as MEDIA_REMOVED', async () => {
    const { image, mnt, fat } = await fatVolume(2048);
    const e = await exportTo(mnt, async (p) => {
      if (p.phase === 'write' && p.filesDone === 2) {
        const r = await run('fusermount', ['-u', '-z', mnt]);
        expect(r.code).toBe(0);
      }
    }).catch((x: unknown) => x);
    expect((e as DomainError).code).toBe('MEDIA_REMOVED');
    await fat.cleanup();
    // The mount point is an empty local folder again: nothing was written to the internal disk instead.
    expect(await readdir(mnt)).toEqual([]);
    await nothingVerifies(image, mnt);
  });
});
