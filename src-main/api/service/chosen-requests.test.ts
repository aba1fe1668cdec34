/**
 * Issue from media, the api side, on a real vault with OpenSSL-made requests:
 * media.readRequests describes each request (subject, SANs, key, requested
 * extensions) and names the signer; cert.issueBatch with `files` signs exactly
 * the ticked files, and refuses the whole batch, changing nothing, when a
 * ticked file changed on the medium or the signer is not the one shown.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../core/clock.ts';
import { OWASP_MINIMUM } from '../../core/vault/kdf.ts';
import { removeTempDirs, tempDir } from '../../testing/temp-dir.ts';
import { FIXED_NOW, TEST_PASSPHRASE } from '../../testing/vault-fixtures.ts';
import type { RequestFolderView } from '../contract/media.ts';
import type { BatchResult } from '../contract/certs.ts';
import { dispatch } from '../dispatch.ts';
import { createService, type Service } from '../service.ts';

afterAll(removeTempDirs);

let service: Service;
let dir: string;

async function value<T>(name: string, input: unknown): Promise<T> {
  const r = await dispatch(service, name, input);
  if (!r.ok) throw new Error(`${name}: ${r.code} ${r.message}`);
  return r.value as T;
}

function csr(name: string, args: string[]): void {
  execFileSync('openssl', ['req', '-new', '-newkey', ...args, '-nodes', '-keyout', join(dir, `${name}.key`), '-out', join(dir, `${name}.csr`)], { stdio: 'ignore' });
}

beforeEach(async () => {
  service = createService({ vaultDir: join(tempDir(), 'vault'), clock: fixedClock(FIXED_NOW), kdfCost: OWASP_MINIMUM });
  expect((await dispatch(service, 'vault.create', { actor: 'alice', passphrase: TEST_PASSPHRASE })).ok).toBe(true);
  await value('key.create', { name: 'Fleet Root', algorithm: 'ecdsa-p256' });
  await value('key.selfSign', { key: 'Fleet Root', subject: 'CN=Fleet Root', days: 3650 });
  await value('key.activate', { key: 'Fleet Root' });
  dir = join(tempDir(), 'requests');
  mkdirSync(dir);
  csr('web', ['ec', '-pkeyopt', 'ec_paramgen_curve:P-384', '-subj', '/CN=web-1/O=Acme', '-addext', 'subjectAltName=DNS:web-1.example,IP:10.0.0.7', '-addext', 'extendedKeyUsage=serverAuth']);
  csr('rogue', ['rsa:3072', '-subj', '/CN=rogue', '-addext', 'basicConstraints=critical,CA:TRUE,pathlen:0', '-addext', 'keyUsage=keyCertSign,cRLSign']);
  csr('plain', ['ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-subj', '/CN=plain']);
  execFileSync('rm', [join(dir, 'web.key'), join(dir, 'rogue.key'), join(dir, 'plain.key')]);
});

const certsIssued = async () => (await value<{ total: number }>('cert.list', {})).total;

describe('issue from media: what is shown is what is signed', () => {
  it('media.readRequests shows each request: subject, SANs, key, requested extensions (CA asked for), its SHA-256, and the active key that signs', async () => {
    const r = await value<RequestFolderView>('media.readRequests', { dir });
    const keys = await value<Array<{ id: string; name: string }>>('key.list', {});
    expect(r.signer).toMatchObject({ keyId: keys[0]!.id, name: 'Fleet Root', ca: 'default' });
    const web = r.files.find((f) => f.name === 'web.csr')!;
    expect(web).toMatchObject({ ok: true, kind: 'csr', request: { subject: 'O=Acme,CN=web-1', sans: ['DNS:web-1.example', 'IP:10.0.0.7'], key: { type: 'ec', curve: 'P-384', bits: 384 }, asksForCa: false } });
    expect(web.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(web.request!.extensions).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'extendedKeyUsage', detail: 'serverAuth', critical: false }), expect.objectContaining({ name: 'subjectAltName' })]));
    const rogue = r.files.find((f) => f.name === 'rogue.csr')!;
    expect(rogue.request).toMatchObject({ asksForCa: true, key: { type: 'rsa', bits: 3072 } });
    expect(rogue.request!.extensions).toEqual(expect.arrayContaining([{ oid: '2.5.29.19', name: 'basicConstraints', critical: true, detail: 'CA: yes, path length 0' }, expect.objectContaining({ name: 'keyUsage', detail: 'keyCertSign, cRLSign' })]));
    expect(r.files.find((f) => f.name === 'plain.csr')!.request!.extensions).toEqual([]);
  });

  it('cert.issueBatch with files signs exactly the ticked requests; the others get no certificate and no result', async () => {
    const r = await value<RequestFolderView>('media.readRequests', { dir });
    const pick = r.files.filter((f) => f.name !== 'rogue.csr').map((f) => ({ name: f.name, sha256: f.sha256! }));
    const out = await value<BatchResult>('cert.issueBatch', { inDir: dir, outDir: dir, files: pick, signingKeyId: r.signer!.keyId });
    expect(out.results.map((x) => [x.file, x.ok])).toEqual([['plain.csr', true], ['web.csr', true]]);
    expect(existsSync(join(dir, 'rogue.crt.pem'))).toBe(false);
    expect(await certsIssued()).toBe(2);
  });

  it('refuses the whole batch, signing nothing, when a ticked file changed, vanished or is named twice, or the signer is not the one shown', async () => {
    const r = await value<RequestFolderView>('media.readRequests', { dir });
    const pick = r.files.map((f) => ({ name: f.name, sha256: f.sha256! }));
    const before = await certsIssued();
    // Another request swapped in under the same name after the officer looked.
    csr('swap', ['ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-subj', '/CN=evil']);
    writeFileSync(join(dir, 'plain.csr'), execFileSync('cat', [join(dir, 'swap.csr')]));
    const changed = await dispatch(service, 'cert.issueBatch', { inDir: dir, outDir: dir, files: pick });
    expect(changed).toMatchObject({ ok: false, code: 'REQUEST_CHANGED' });
    expect(changed.ok ? '' : changed.message).toContain('plain.csr changed on the medium');
    expect(await dispatch(service, 'cert.issueBatch', { inDir: dir, outDir: dir, files: [{ name: 'gone.csr', sha256: 'a'.repeat(64) }] })).toMatchObject({ ok: false, code: 'REQUEST_CHANGED' });
    expect(await dispatch(service, 'cert.issueBatch', { inDir: dir, outDir: dir, files: [pick[0], pick[0]] })).toMatchObject({ ok: false, code: 'INVALID_INPUT' });
    expect(await dispatch(service, 'cert.issueBatch', { inDir: dir, outDir: dir, files: [] })).toMatchObject({ ok: false, code: 'INVALID_INPUT' });
    expect(await dispatch(service, 'cert.issueBatch', { inDir: dir, outDir: dir, files: [{ name: '../x.csr', sha256: 'a'.repeat(64) }] })).toMatchObject({ ok: false, code: 'INVALID_INPUT' });
    const web = pick.find((f) => f.name === 'web.csr')!;
    expect(await dispatch(service, 'cert.issueBatch', { inDir: dir, outDir: dir, files: [web], signingKeyId: `sha256:${'0'.repeat(64)}` })).toMatchObject({ ok: false, code: 'SIGNER_CHANGED' });
    expect(await certsIssued()).toBe(before);
    expect(existsSync(join(dir, 'web.crt.pem'))).toBe(false);
  });
});
