import { describe, it, expect, beforeAll } from 'vitest';
import { mkdtemp, readFile, writeFile, rm, symlink, appendFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeExportPackage } from './export-package.ts';
import { assertExportPackage, verifyExportPackage } from './export-verify.ts';
import { makeSigner, packageFiles, pemOfPublicKey, anchorFor, type TestSigner } from '../../testing/export-fixtures.ts';
import { run } from '../../testing/fat-testkit.ts';
import { serializeManifest, serializeSums, type Manifest } from './package-format.ts';
import { serializeTrustAnchor } from '../keys/trust-anchor.ts';
import { sha256Hex } from './package-files.ts';
import { DomainError } from '../errors.ts';
import type { KeyAlgorithm } from '../pki/algorithms.ts';

const CREATED = new Date('2026-03-04T05:06:07.000Z');
const VAULT = '0123abcd-4567-89ef-0000-000000000000';

async function freshPackage(active: TestSigner, others: TestSigner[] = []): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'airgap-verify-'));
  const r = await writeExportPackage({
    mediaRoot: root,
    vaultId: VAULT,
    actor: 'alice',
    signingKeyId: active.keyId,
    createdAt: CREATED,
    files: await packageFiles(active, others),
    sign: active.sign,
  });
  return r.dir;
}

/** Rewrite MANIFEST.json, re-sign it with `signer` and fix SHA256SUMS: a well-formed package whose only fault is the one under test. */
async function rewriteManifest(dir: string, change: (m: Manifest) => void, signer: TestSigner): Promise<void> {
  const m = JSON.parse(await readFile(join(dir, 'MANIFEST.json'), 'utf8')) as Manifest;
  change(m);
  const bytes = serializeManifest(m);
  const sig = await signer.sign(bytes);
  await writeFile(join(dir, 'MANIFEST.json'), bytes);
  await writeFile(join(dir, 'MANIFEST.json.sig'), sig);
  await writeFile(
    join(dir, 'SHA256SUMS'),
    serializeSums([...m.files, { name: 'MANIFEST.json', sha256: sha256Hex(bytes) }, { name: 'MANIFEST.json.sig', sha256: sha256Hex(sig) }]),
  );
}

describe('verifyExportPackage', () => {
  let a: TestSigner;
  let b: TestSigner;
  beforeAll(async () => {
    a = await makeSigner('ecdsa-p256', 'Active CA');
    b = await makeSigner('ecdsa-p384', 'Previous CA');
  });

  it.each<KeyAlgorithm>(['ecdsa-p256', 'ecdsa-p384', 'rsa-3072', 'ed25519'])('accepts a package signed with %s, and so do sha256sum and openssl', async (alg) => {
    const s = await makeSigner(alg);
    const dir = await freshPackage(s);
    const v = await verifyExportPackage(dir);
    expect(v.problems).toEqual([]);
    expect(v.ok).toBe(true);
    expect(v.signingKey?.key_id).toBe(s.keyId);

    const sums = await run('sha256sum', ['--strict', '-c', 'SHA256SUMS'], { cwd: dir });
    expect(sums.stderr).toBe('');
    expect(sums.code).toBe(0);

    const pub = join(dir, '..', 'pub.pem');
    await writeFile(pub, pemOfPublicKey(s));
    const ossl =
      alg === 'ed25519'
        ? await run('openssl', ['pkeyutl', '-verify', '-pubin', '-inkey', pub, '-rawin', '-in', join(dir, 'MANIFEST.json'), '-sigfile', join(dir, 'MANIFEST.json.sig')])
        : await run('openssl', ['dgst', alg === 'ecdsa-p384' ? '-sha384' : '-sha256', '-verify', pub, '-signature', join(dir, 'MANIFEST.json.sig'), join(dir, 'MANIFEST.json')]);
    expect(ossl.stdout + ossl.stderr).toMatch(/Verified OK|Signature Verified Successfully/);
    expect(ossl.code).toBe(0);
  });

  it('catches a changed byte and names the file', async () => {
    const dir = await freshPackage(a);
    const p = join(dir, 'trust-bundle.pem');
    const bytes = await readFile(p);
    bytes[10] = (bytes[10] as number) ^ 0x01;
    await writeFile(p, bytes);
    const v = await verifyExportPackage(dir);
    expect(v.ok).toBe(false);
    expect(v.problems).toContainEqual({ file: 'trust-bundle.pem', message: expect.stringMatching(/SHA-256/) });
    await expect(assertExportPackage(dir)).rejects.toMatchObject({ code: 'EXPORT_VERIFY_FAILED', message: expect.stringContaining('trust-bundle.pem') });
  });

  it('catches a missing file', async () => {
    const dir = await freshPackage(a, [b]);
    const m = JSON.parse(await readFile(join(dir, 'MANIFEST.json'), 'utf8')) as Manifest;
    const crl = m.files.find((f) => f.name.endsWith('.crl'))?.name as string;
    await rm(join(dir, crl));
    const v = await verifyExportPackage(dir);
    expect(v.ok).toBe(false);
    expect(v.problems).toContainEqual({ file: crl, message: 'is missing' });
  });

  it('catches an extra file and an extra folder', async () => {
    const dir = await freshPackage(a);
    await writeFile(join(dir, 'crl', 'extra.crl'), 'x');
    await mkdir(join(dir, 'more'));
    const v = await verifyExportPackage(dir);
    expect(v.ok).toBe(false);
    expect(v.problems).toContainEqual({ file: 'crl/extra.crl', message: 'is not listed in the manifest' });
    expect(v.problems).toContainEqual({ file: 'more', message: expect.stringMatching(/folder/) });
  });

  it('catches a bad signature', async () => {
    const dir = await freshPackage(a);
    const sig = await readFile(join(dir, 'MANIFEST.json.sig'));
    sig[sig.length - 3] = (sig[sig.length - 3] as number) ^ 0x40;
    await writeFile(join(dir, 'MANIFEST.json.sig'), sig);
    const v = await verifyExportPackage(dir);
    expect(v.ok).toBe(false);
    // SHA256SUMS catches the changed file; the signature check catches the forgery.
    expect(v.problems.map((p) => p.file)).toEqual(expect.arrayContaining(['SHA256SUMS', 'MANIFEST.json.sig']));
  });

  it('catches a manifest signed by one key but naming another (wrong signing key id)', async () => {
    const dir = await freshPackage(a, [b]);
    await rewriteManifest(dir, (m) => (m.signing_key_id = b.keyId), a);
    const v = await verifyExportPackage(dir);
    expect(v.ok).toBe(false);
    expect(v.problems).toContainEqual({ file: 'MANIFEST.json', message: expect.stringMatching(/names .* as the active key/) });
    expect(v.problems).toContainEqual({ file: 'MANIFEST.json.sig', message: expect.stringContaining(b.keyId) });
  });

  it('catches a manifest re-signed by a key the trust anchor does not hold', async () => {
    const dir = await freshPackage(a);
    const mallory = await makeSigner('ecdsa-p256', 'Mallory');
    await rewriteManifest(dir, (m) => (m.signing_key_id = mallory.keyId), mallory);
    const v = await verifyExportPackage(dir);
    expect(v.ok).toBe(false);
    expect(v.problems).toContainEqual({ file: 'MANIFEST.json', message: expect.stringMatching(/trust-anchor.json does not hold/) });
  });

  it('catches a trust anchor whose key id is not the hash of its key', async () => {
    const dir = await freshPackage(a);
    const anchor = anchorFor(a);
    const k0 = anchor.keys[0];
    if (!k0) throw new Error('no key');
    k0.public_key = Buffer.from(b.spki).toString('base64url');
    const bytes = serializeTrustAnchor(anchor);
    await writeFile(join(dir, 'trust-anchor.json'), bytes);
    await rewriteManifest(
      dir,
      (m) => {
        const f = m.files.find((x) => x.name === 'trust-anchor.json');
        if (f) Object.assign(f, { size: bytes.length, sha256: sha256Hex(bytes) });
      },
      a,
    );
    const v = await verifyExportPackage(dir);
    expect(v.problems).toEqual([{ file: 'trust-anchor.json', message: expect.stringMatching(/SHA-256 is not its key id/) }]);
  });

  it('refuses a signer the receiving side does not pin', async () => {
    const dir = await freshPackage(a);
    expect((await verifyExportPackage(dir, { trustedKeyIds: [a.keyId] })).ok).toBe(true);
    const v = await verifyExportPackage(dir, { trustedKeyIds: [b.keyId] });
    expect(v.problems).toEqual([{ file: 'MANIFEST.json', message: expect.stringMatching(/not one of the keys this side trusts/) }]);
  });

  it('refuses a folder still marked INCOMPLETE, a symbolic link and a missing folder', async () => {
    const dir = await freshPackage(a);
    await writeFile(join(dir, 'INCOMPLETE'), '');
    expect((await verifyExportPackage(dir)).problems).toContainEqual({ file: 'INCOMPLETE', message: expect.stringMatching(/did not finish/) });
    await rm(join(dir, 'INCOMPLETE'));
    await symlink('/etc/passwd', join(dir, 'passwd'));
    expect((await verifyExportPackage(dir)).problems).toContainEqual({ file: 'passwd', message: expect.stringMatching(/symbolic link/) });
    const v = await verifyExportPackage(join(dir, 'nope'));
    expect(v.ok).toBe(false);
    expect(v.problems[0]?.message).toMatch(/missing/);
  });

  it('catches a SHA256SUMS line that disagrees and a manifest that is not JSON', async () => {
    const dir = await freshPackage(a);
    await appendFile(join(dir, 'SHA256SUMS'), `${'0'.repeat(64)}  other.txt\n`);
    expect((await verifyExportPackage(dir)).problems).toContainEqual({ file: 'SHA256SUMS', message: expect.stringContaining('other.txt') });
    await writeFile(join(dir, 'MANIFEST.json'), '{not json');
    const v = await verifyExportPackage(dir);
    expect(v.ok).toBe(false);
    expect(v.problems).toContainEqual({ file: 'MANIFEST.json', message: 'is not valid UTF-8 JSON' });
  });

  it('throws only DomainError from assertExportPackage', async () => {
    const e = await assertExportPackage('/nonexistent/airgap').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(DomainError);
    expect((e as DomainError).code).toBe('EXPORT_VERIFY_FAILED');
  });
});
