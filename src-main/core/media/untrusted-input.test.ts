import { describe, it, expect, beforeAll } from 'vitest';
import fc from 'fast-check';
import { mkdtemp, mkdir, readFile, writeFile, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileInFolder, readRequestFolder, readRequestFolderAhead, readMediaFile, sniffFile, type UntrustedFile } from './untrusted-input.ts';
import { run } from '../../testing/fat-testkit.ts';
import { makeCrl, makeSigner, derToPem } from '../../testing/export-fixtures.ts';
import { DomainError } from '../errors.ts';

let dir: string;
const f = (name: string): string => join(dir, name);

async function openssl(args: string[]): Promise<void> {
  const r = await run('openssl', args);
  if (r.code !== 0) throw new Error(`openssl ${args.join(' ')}: ${r.stderr}`);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'airgap-untrusted-'));
  // Independent producer: OpenSSL makes the requests, certificates and bundles.
  await openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', f('key.pem')]);
  await openssl(['req', '-new', '-key', f('key.pem'), '-subj', '/CN=agent-1', '-out', f('req.pem')]);
  await openssl(['req', '-in', f('req.pem'), '-outform', 'DER', '-out', f('req.der')]);
  await openssl(['req', '-x509', '-key', f('key.pem'), '-subj', '/CN=Corp Root', '-days', '30', '-out', f('cert.pem')]);
  await openssl(['x509', '-in', f('cert.pem'), '-outform', 'DER', '-out', f('cert.der')]);
  await openssl(['crl2pkcs7', '-nocrl', '-certfile', f('cert.pem'), '-out', f('chain.p7b.pem')]);
  await openssl(['crl2pkcs7', '-nocrl', '-certfile', f('cert.pem'), '-outform', 'DER', '-out', f('chain.p7b')]);
  const s = await makeSigner('ecdsa-p256');
  const crl = await makeCrl(s, 2);
  await writeFile(f('issuer.crl'), crl);
  await writeFile(f('issuer.crl.pem'), derToPem(crl, 'X509 CRL'));
});

describe('sniffing files from media', () => {
  it.each([
    ['req.pem', 'csr', 'pem'],
    ['req.der', 'csr', 'der'],
    ['cert.pem', 'certificate', 'pem'],
    ['cert.der', 'certificate', 'der'],
    ['chain.p7b.pem', 'pkcs7', 'pem'],
    ['chain.p7b', 'pkcs7', 'der'],
    ['issuer.crl', 'crl', 'der'],
    ['issuer.crl.pem', 'crl', 'pem'],
  ])('%s is %s (%s)', async (name, kind, encoding) => {
    const r = await readMediaFile(f(name));
    expect(r.kind).toBe(kind);
    expect(r.encoding).toBe(encoding);
    expect(r.ders.length).toBe(1);
  });

  it('reads a PEM chain of several certificates, with text around the blocks', async () => {
    const pem = await readFile(f('cert.pem'), 'utf8');
    await writeFile(f('bundle.pem'), `subject=CN = Corp Root\n${pem}\nissuer: me\n${pem}`);
    const r = await readMediaFile(f('bundle.pem'));
    expect(r).toMatchObject({ kind: 'certificate', encoding: 'pem', pemLabels: ['CERTIFICATE', 'CERTIFICATE'] });
    expect(r.ders).toHaveLength(2);
  });

  it('reads a text list of serials, normalising case, colons and 0x', async () => {
    await writeFile(f('serials.txt'), '# revoked at the branch office\n0A1B2C\n0x7fFF\n\n01:02:03  # laptop\r\n');
    const r = await readMediaFile(f('serials.txt'), { accept: ['serial-list'] });
    expect(r.serials).toEqual(['0a1b2c', '7fff', '010203']);
  });

  it.each([
    ['random.bin', new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x05, 0x00, 0xff]), /binary data|neither/],
    ['prose.txt', new TextEncoder().encode('Please sign this for me, thanks!\n'), /neither PEM nor a list/],
    ['key-as-cert.pem', null, /labelled "CERTIFICATE" whose content is a certificate request/],
    ['odd-label.pem', new TextEncoder().encode('-----BEGIN PUBLIC KEY-----\nMAA=\n-----END PUBLIC KEY-----\n'), /labelled "PUBLIC KEY"/],
    ['mixed.pem', null, /mixes/],
    ['empty.csr', new Uint8Array(), /is empty/],
    ['truncated.der', null, /binary|neither/],
  ])('refuses %s as FILE_TYPE_UNKNOWN', async (name, bytes, why) => {
    let content = bytes;
    if (name === 'key-as-cert.pem') content = new TextEncoder().encode((await readFile(f('req.pem'), 'utf8')).replace(/CERTIFICATE REQUEST/g, 'CERTIFICATE'));
    if (name === 'mixed.pem') content = new TextEncoder().encode((await readFile(f('cert.pem'), 'utf8')) + (await readFile(f('req.pem'), 'utf8')));
    if (name === 'truncated.der') content = (await readFile(f('cert.der'))).subarray(0, 100);
    await writeFile(f(name), content as Uint8Array);
    await expect(readMediaFile(f(name))).rejects.toMatchObject({ code: 'FILE_TYPE_UNKNOWN', message: expect.stringMatching(why) });
  });

  it('refuses a private key on the medium without reading it as anything', async () => {
    await expect(readMediaFile(f('key.pem'))).rejects.toMatchObject({ code: 'FILE_REFUSED', message: expect.stringContaining('private key') });
  });

  it('refuses a kind the caller did not ask for, naming what it is', async () => {
    await expect(readMediaFile(f('cert.der'), { accept: ['csr'] })).rejects.toMatchObject({
      code: 'FILE_TYPE_UNKNOWN',
      message: expect.stringMatching(/cert\.der is a certificate, but a certificate request \(CSR\) was expected/),
    });
  });

  it('refuses a file over the limit (FILE_TOO_LARGE), default 1 MB', async () => {
    await writeFile(f('huge.pem'), new Uint8Array(1024 * 1024 + 1));
    await expect(readMediaFile(f('huge.pem'))).rejects.toMatchObject({ code: 'FILE_TOO_LARGE', message: expect.stringContaining('huge.pem') });
    await expect(readMediaFile(f('req.der'), { maxBytes: 10 })).rejects.toMatchObject({ code: 'FILE_TOO_LARGE' });
  });

  it('refuses a symbolic link, even to a valid request', async () => {
    await symlink(f('req.pem'), f('link.pem'));
    await expect(readMediaFile(f('link.pem'))).rejects.toMatchObject({ code: 'FILE_REFUSED', message: expect.stringContaining('symbolic link') });
  });

  it('refuses a FIFO without blocking on it', async () => {
    const r = await run('mkfifo', [f('pipe.csr')]);
    expect(r.code).toBe(0);
    await expect(readMediaFile(f('pipe.csr'))).rejects.toMatchObject({ code: 'FILE_REFUSED', message: expect.stringContaining('named pipe') });
  });

  it('refuses a device file', async () => {
    await expect(readMediaFile('/dev/zero')).rejects.toMatchObject({ code: 'FILE_REFUSED' });
  });

  it.each(['../etc/passwd', '/etc/passwd', 'sub/req.pem', '..', 'a\\..\\b', 'C:req.pem'])('refuses the name %j (no path traversal)', async (name) => {
    await expect(readFileInFolder(dir, name)).rejects.toMatchObject({ code: 'FILE_REFUSED' });
  });

  it('sniffing arbitrary bytes only ever fails with a DomainError', () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 200 }), fc.string().map((s) => new TextEncoder().encode(s))), (bytes) => {
        try {
          sniffFile('x', bytes);
        } catch (e) {
          expect(e).toBeInstanceOf(DomainError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

// The CLI reads with blocking calls, the desktop app asynchronously: the same files, refusals and cap either way.
describe.each([false, true])('readRequestFolder (blocking: %s)', (blocking) => {
  it('reads each file on its own: one bad file does not stop the others', async () => {
    const root = await mkdtemp(join(tmpdir(), 'airgap-requests-'));
    const g = (n: string): string => join(root, n);
    await writeFile(g('a.csr'), await readFile(f('req.pem')));
    await writeFile(g('b.csr'), await readFile(f('req.der')));
    await writeFile(g('c.csr'), 'not a request\n');
    await writeFile(g('d.csr'), await readFile(f('cert.pem')));
    await writeFile(g('e.csr'), new Uint8Array(2048));
    await symlink('/etc/hostname', g('f.csr'));
    await run('mkfifo', [g('g.csr')]);
    await writeFile(g('._a.csr'), 'AppleDouble');
    await writeFile(g('.DS_Store'), 'x');
    await mkdir(g('System Volume Information'));
    await mkdir(g('more'));
    await writeFile(g('more/h.csr'), await readFile(f('req.pem')));
    await mkdir(join(tmpdir(), 'airgap-outside'), { recursive: true });
    await writeFile(join(tmpdir(), 'airgap-outside', 'x.csr'), await readFile(f('req.pem')));
    await symlink(join(tmpdir(), 'airgap-outside'), g('outside'));

    const r = await readRequestFolder(root, { blocking, accept: ['csr'], maxBytes: 1024 });
    const byName = Object.fromEntries(r.files.map((x) => [x.name, x.ok ? `ok:${x.file.kind}` : x.code]));
    expect(byName).toEqual({
      'a.csr': 'ok:csr',
      'b.csr': 'ok:csr',
      'c.csr': 'FILE_TYPE_UNKNOWN',
      'd.csr': 'FILE_TYPE_UNKNOWN',
      'e.csr': 'FILE_TOO_LARGE',
      'f.csr': 'FILE_REFUSED',
      'g.csr': 'FILE_REFUSED',
      outside: 'FILE_REFUSED',
    });
    expect(r.skipped).toEqual([
      { name: '.DS_Store', reason: 'hidden file or folder' },
      { name: '._a.csr', reason: 'hidden file or folder' },
      { name: 'System Volume Information', reason: 'system folder' },
      { name: 'more', reason: 'subfolder (not read unless asked)' },
    ]);
    const failed = r.files.find((x) => x.name === 'c.csr');
    expect(failed && !failed.ok && failed.message).toMatch(/^c\.csr /);

    const deep = await readRequestFolder(root, { blocking, accept: ['csr'], maxBytes: 1024, recursive: true });
    const ok = deep.files.filter((x): x is { name: string; ok: true; file: UntrustedFile } => x.ok).map((x) => x.name);
    expect(ok).toEqual(['a.csr', 'b.csr', 'more/h.csr']);
    // The symlinked folder is never entered.
    expect(deep.files.some((x) => x.name.startsWith('outside/'))).toBe(false);
  });

  it('refuses a folder that is a symbolic link or missing', async () => {
    const root = await mkdtemp(join(tmpdir(), 'airgap-requests-'));
    await symlink(dir, join(root, 'link'));
    await expect(readRequestFolder(join(root, 'link'), { blocking })).rejects.toMatchObject({ code: 'FILE_REFUSED' });
    await expect(readRequestFolder(join(root, 'nope'), { blocking })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('stops the whole read with BATCH_TOO_LARGE when the files together pass the total cap, naming the first file in name order that passes it', async () => {
    const root = await mkdtemp(join(tmpdir(), 'airgap-requests-'));
    const pem = await readFile(f('req.pem'));
    for (const n of ['a', 'b', 'c', 'd']) await writeFile(join(root, `${n}.csr`), pem);
    const all = await readRequestFolder(root, { blocking, accept: ['csr'], maxTotalBytes: pem.length * 4 });
    expect(all.files.map((x) => x.ok)).toEqual([true, true, true, true]);
    await expect(readRequestFolder(root, { blocking, accept: ['csr'], maxTotalBytes: pem.length * 4 - 1 })).rejects.toMatchObject({
      code: 'BATCH_TOO_LARGE',
      message: expect.stringMatching(/d\.csr .*Split the files/),
    });
    // A file refused on its own (too large, not a request) is not charged: the others still fit.
    await writeFile(join(root, 'big.csr'), new Uint8Array(2048));
    const mixed = await readRequestFolder(root, { blocking, accept: ['csr'], maxBytes: 1024, maxTotalBytes: pem.length * 4 });
    expect(mixed.files.map((x) => (x.ok ? 'ok' : x.code))).toEqual(['ok', 'ok', 'FILE_TOO_LARGE', 'ok', 'ok']);
  });
});

describe('readRequestFolderAhead (the CLI reads a batch while the vault unlocks)', () => {
  const names = (r: Awaited<ReturnType<typeof readRequestFolder>>) => r.files.map((x) => x.name);

  it('the next read of the same folder with the same options is that read; another read is its own', async () => {
    const root = await mkdtemp(join(tmpdir(), 'airgap-ahead-'));
    const pem = await readFile(f('req.pem'));
    await writeFile(join(root, 'a.csr'), pem);
    readRequestFolderAhead(root, { accept: ['csr'], maxFiles: 10, blocking: true });
    // Written after the read ahead has read the folder: only a fresh read sees it.
    await new Promise((r) => setTimeout(r, 20));
    await writeFile(join(root, 'b.csr'), pem);
    expect(names(await readRequestFolder(root, { accept: ['csr'], maxFiles: 10, blocking: true }))).toEqual(['a.csr']);
    // Taken once: the next read is a read of the folder as it is now.
    expect(names(await readRequestFolder(root, { accept: ['csr'], maxFiles: 10, blocking: true }))).toEqual(['a.csr', 'b.csr']);

    // Other options (here the file cap) are not served the read ahead.
    readRequestFolderAhead(root, { accept: ['csr'], maxFiles: 10, blocking: true });
    await new Promise((r) => setTimeout(r, 20));
    await writeFile(join(root, 'c.csr'), pem);
    expect(names(await readRequestFolder(root, { accept: ['csr'], maxFiles: 11, blocking: true }))).toEqual(['a.csr', 'b.csr', 'c.csr']);
  });

  it('a read ahead that failed is done again: the folder made since is read', async () => {
    const root = join(await mkdtemp(join(tmpdir(), 'airgap-ahead-')), 'later');
    readRequestFolderAhead(root, { accept: ['csr'] });
    await new Promise((r) => setTimeout(r, 20));
    await mkdir(root);
    await writeFile(join(root, 'a.csr'), await readFile(f('req.pem')));
    expect(names(await readRequestFolder(root, { accept: ['csr'] }))).toEqual(['a.csr']);
  });
});
