/**
 * A package of several CAs against an attacker who holds one CA's private key
 * and may rewrite anything on the medium: the manifest re-signed with that
 * key is refused for every other CA with EXPORT_SIGNER_WRONG_CA, however the
 * signatures, trust anchors and SHA256SUMS are rearranged around it.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeExportPackage } from './export-package.ts';
import { verifyExportPackage } from './export-verify.ts';
import { caFolderNames, serializeManifest, serializeSums, type MultiCaManifest } from './package-format.ts';
import { sha256Hex } from './package-files.ts';
import { anchorFor, makeSigner, packageFiles, type TestSigner } from '../../testing/export-fixtures.ts';
import { serializeTrustAnchor } from '../keys/trust-anchor.ts';
import { codeOfAsync } from '../../testing/refusals.ts';

const CREATED = new Date('2026-03-04T05:06:07.000Z');
const VAULT = '0123abcd-4567-89ef-0000-000000000000';

describe('verifying a package of several CAs', () => {
  let a: TestSigner;
  let b: TestSigner;
  beforeAll(async () => {
    a = await makeSigner('ecdsa-p256', 'Agents CA');
    b = await makeSigner('ed25519', 'Servers CA');
  });

  async function twoCaPackage(): Promise<string> {
    const root = await mkdtemp(join(tmpdir(), 'airgap-multi-'));
    const within = async (folder: string, s: TestSigner) => (await packageFiles(s)).map((f) => ({ name: `${folder}/${f.name}`, bytes: f.bytes }));
    const r = await writeExportPackage({
      mediaRoot: root,
      vaultId: VAULT,
      actor: 'alice',
      createdAt: CREATED,
      files: [...(await within('ca-agents', a)), ...(await within('ca-servers', b))],
      cas: [
        { id: 'default', name: 'agents', folder: 'ca-agents', signingKeyId: a.keyId, sign: a.sign },
        { id: 'b0b0b0b0-0000', name: 'servers', folder: 'ca-servers', signingKeyId: b.keyId, sign: b.sign },
      ],
    });
    return r.dir;
  }

  /** Mallory's edit: change the manifest (and what it lists), sign it with A's key into the signature files named, fix SHA256SUMS. */
  async function resign(dir: string, change: (m: MultiCaManifest) => Promise<void> | void, slots: string[]): Promise<void> {
    const m = JSON.parse(await readFile(join(dir, 'MANIFEST.json'), 'utf8')) as MultiCaManifest;
    await change(m);
    const bytes = serializeManifest(m);
    await writeFile(join(dir, 'MANIFEST.json'), bytes);
    const sig = await a.sign(bytes);
    for (const slot of slots) await writeFile(join(dir, slot), sig);
    const sigs = await Promise.all(m.cas.map(async (c) => ({ name: c.signature_file, sha256: sha256Hex(await readFile(join(dir, c.signature_file))) })));
    await writeFile(join(dir, 'SHA256SUMS'), serializeSums([...m.files, { name: 'MANIFEST.json', sha256: sha256Hex(bytes) }, ...sigs]));
  }

  /** Replace a file's content and make the manifest list the new one. */
  async function replaceListed(dir: string, m: MultiCaManifest, name: string, bytes: Uint8Array): Promise<void> {
    await writeFile(join(dir, name), bytes);
    const entry = m.files.find((f) => f.name === name)!;
    entry.size = bytes.length;
    entry.sha256 = sha256Hex(bytes);
  }

  it('accepts the package as written, each CA signed by its own key', async () => {
    const v = await verifyExportPackage(await twoCaPackage(), { trustedKeyIds: [a.keyId, b.keyId] });
    expect(v.problems).toEqual([]);
    expect(v.cas.map((c) => [c.name, c.ok, c.signingKey?.key_id])).toEqual([
      ['agents', true, a.keyId],
      ['servers', true, b.keyId],
    ]);
  });

  it("refuses the servers CA when Mallory, holding A's key, swaps its bundle and re-signs the manifest into both slots", async () => {
    const dir = await twoCaPackage();
    const evil = await makeSigner('ecdsa-p256', 'Servers CA');
    await resign(dir, (m) => replaceListed(dir, m, 'ca-servers/trust-bundle.pem', new TextEncoder().encode(evil.certPem)), ['ca-agents/MANIFEST.json.sig', 'ca-servers/MANIFEST.json.sig']);
    const v = await verifyExportPackage(dir);
    expect(v.ok).toBe(false);
    expect(v.code).toBe('EXPORT_SIGNER_WRONG_CA');
    expect(v.cas.map((c) => [c.name, c.code])).toEqual([
      ['agents', null],
      ['servers', 'EXPORT_SIGNER_WRONG_CA'],
    ]);
  });

  it("refuses a manifest that names A's key as the servers CA's signer, with servers' trust anchor rewritten to hold it", async () => {
    const dir = await twoCaPackage();
    await resign(
      dir,
      async (m) => {
        m.cas[1]!.signing_key_id = a.keyId;
        await replaceListed(dir, m, 'ca-servers/trust-anchor.json', serializeTrustAnchor(anchorFor(a)));
        await replaceListed(dir, m, 'ca-servers/trust-bundle.pem', new TextEncoder().encode(a.certPem));
      },
      ['ca-agents/MANIFEST.json.sig', 'ca-servers/MANIFEST.json.sig'],
    );
    const v = await verifyExportPackage(dir);
    // Every check of the servers CA passes on its own: only the comparison across CAs shows the key is the agents CA's.
    expect(v.code).toBe('EXPORT_SIGNER_WRONG_CA');
    expect(v.cas.find((c) => c.name === 'servers')?.code).toBe('EXPORT_SIGNER_WRONG_CA');
    // And a receiver of the servers CA that pins its real key refuses it whatever the package claims.
    const pinned = await verifyExportPackage(dir, { trustedKeyIds: [b.keyId], cas: ['servers'] });
    expect(pinned.cas.find((c) => c.name === 'servers')?.ok).toBe(false);
  });

  it('the writer refuses one key for two CAs, a file outside every CA folder, and fewer than two CAs', async () => {
    const root = await mkdtemp(join(tmpdir(), 'airgap-multi-'));
    const base = { mediaRoot: root, vaultId: VAULT, actor: 'alice', createdAt: CREATED };
    const files = (await packageFiles(a)).map((f) => ({ name: `ca-x/${f.name}`, bytes: f.bytes }));
    const ca = (folder: string, s: TestSigner) => ({ id: folder, name: folder, folder, signingKeyId: s.keyId, sign: s.sign });
    expect(await codeOfAsync(writeExportPackage({ ...base, files, cas: [ca('ca-x', a), ca('ca-y', a)] }))).toBe('INVALID_INPUT');
    expect(await codeOfAsync(writeExportPackage({ ...base, files: [...files, { name: 'loose.txt', bytes: new Uint8Array(1) }], cas: [ca('ca-x', a), ca('ca-y', b)] }))).toBe('INVALID_INPUT');
    expect(await codeOfAsync(writeExportPackage({ ...base, files, cas: [ca('ca-x', a)] }))).toBe('INVALID_INPUT');
  });

  it('names CA folders from the CA names, safe on FAT, the same whichever CAs come along; a clash gets the id', () => {
    const names = caFolderNames([
      { id: 'default', name: 'default' },
      { id: '5f2c9a10-aaaa', name: 'Servers (TLS) ünï' },
      { id: '77aa0b12-bbbb', name: 'servers-tls-uni' },
      { id: '0c0c0c0c-cccc', name: '***' },
    ]);
    expect([...names.values()]).toEqual(['ca-default', 'ca-servers-tls-uni', 'ca-servers-tls-uni-77aa0b12', 'ca-0c0c0c0c']);
  });
});

