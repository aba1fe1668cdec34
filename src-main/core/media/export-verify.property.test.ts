/**
 * Property: whatever is done to a sound package by someone without the active
 * key, verifyExportPackage never throws anything but a DomainError and never
 * says OK.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import fc from 'fast-check';
import { cp, mkdtemp, readFile, writeFile, rm, rename, symlink, mkdir, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { writeExportPackage } from './export-package.ts';
import { verifyExportPackage } from './export-verify.ts';
import { makeSigner, packageFiles, type TestSigner } from '../../testing/export-fixtures.ts';
import { DomainError } from '../errors.ts';
import { serializeManifest } from './package-format.ts';

let template: string;
let names: string[];
let mallory: TestSigner;
let work: string;

beforeAll(async () => {
  const a = await makeSigner('ecdsa-p256', 'Active CA');
  const b = await makeSigner('ed25519', 'Previous CA');
  mallory = await makeSigner('ecdsa-p256', 'Mallory');
  work = await mkdtemp(join(tmpdir(), 'airgap-prop-'));
  const r = await writeExportPackage({
    mediaRoot: work,
    vaultId: '11112222-3333-4444-5555-666677778888',
    actor: 'alice',
    signingKeyId: a.keyId,
    createdAt: new Date('2026-05-06T07:08:09Z'),
    files: await packageFiles(a, [b]),
    sign: a.sign,
  });
  template = r.dir;
  names = r.files.map((f) => f.name);
  expect((await verifyExportPackage(template)).ok).toBe(true);
});

type Mutation =
  | { kind: 'flip'; file: number; offset: number; xor: number }
  | { kind: 'truncate'; file: number; keep: number }
  | { kind: 'append'; file: number; bytes: Uint8Array }
  | { kind: 'delete'; file: number }
  | { kind: 'extra'; name: string; bytes: Uint8Array }
  | { kind: 'rename'; file: number; to: string }
  | { kind: 'symlink'; file: number }
  | { kind: 'folder'; name: string }
  | { kind: 'manifest-field'; path: readonly string[]; value: unknown }
  | { kind: 'manifest-resigned'; field: string; value: unknown; sumsToo: boolean };

const fileIdx = fc.nat({ max: 1000 });
const extraName = fc.constantFrom('x.txt', 'crl/extra.crl', '.hidden', 'INCOMPLETE', 'README.txt', 'crl/.x', 'SHA256SUMS.bak', 'trust-bundle.pem.partial');
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), file: fileIdx, offset: fc.nat(), xor: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ kind: fc.constant('truncate' as const), file: fileIdx, keep: fc.nat() }),
  fc.record({ kind: fc.constant('append' as const), file: fileIdx, bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
  fc.record({ kind: fc.constant('delete' as const), file: fileIdx }),
  fc.record({ kind: fc.constant('extra' as const), name: extraName, bytes: fc.uint8Array({ maxLength: 16 }) }),
  fc.record({ kind: fc.constant('rename' as const), file: fileIdx, to: fc.constantFrom('renamed.pem', 'MANIFEST.JSON', 'crl/moved.crl', 'Trust-Bundle.pem') }),
  fc.record({ kind: fc.constant('symlink' as const), file: fileIdx }),
  fc.record({ kind: fc.constant('folder' as const), name: fc.constantFrom('empty', 'crl/sub', 'MANIFEST') }),
  fc.record({
    kind: fc.constant('manifest-field' as const),
    path: fc.constantFrom(['format'], ['format_version'], ['created'], ['vault_id'], ['actor'], ['signing_key_id'], ['files'], ['files', '0', 'name'], ['files', '0', 'size'], ['files', '1', 'sha256'], ['extra']),
    value: fc.jsonValue({ maxDepth: 2 }),
  }),
  fc.record({
    kind: fc.constant('manifest-resigned' as const),
    field: fc.constantFrom('actor', 'vault_id', 'created', 'signing_key_id-mallory'),
    value: fc.string({ minLength: 1, maxLength: 12 }),
    sumsToo: fc.boolean(),
  }),
);

async function apply(dir: string, m: Mutation): Promise<boolean> {
  const pick = (i: number): string => names[i % names.length] as string;
  switch (m.kind) {
    case 'flip': {
      const p = join(dir, pick(m.file));
      const b = await readFile(p);
      if (b.length === 0) return false;
      const i = m.offset % b.length;
      b[i] = (b[i] as number) ^ m.xor;
      await writeFile(p, b);
      return true;
    }
    case 'truncate': {
      const p = join(dir, pick(m.file));
      const b = await readFile(p);
      if (b.length === 0) return false;
      await writeFile(p, b.subarray(0, m.keep % b.length));
      return true;
    }
    case 'append':
      await writeFile(join(dir, pick(m.file)), m.bytes, { flag: 'a' });
      return true;
    case 'delete':
      await rm(join(dir, pick(m.file)));
      return true;
    case 'extra':
      await mkdir(dirname(join(dir, m.name)), { recursive: true });
      await writeFile(join(dir, m.name), m.bytes);
      return true;
    case 'rename': {
      const from = pick(m.file);
      if (from === m.to) return false;
      await rm(join(dir, m.to), { force: true });
      await rename(join(dir, from), join(dir, m.to));
      return true;
    }
    case 'symlink': {
      // Same bytes, but behind a link: still refused.
      const p = join(dir, pick(m.file));
      await rename(p, join(dir, '..', 'moved-away'));
      await symlink(join(dir, '..', 'moved-away'), p);
      return true;
    }
    case 'folder':
      await mkdir(join(dir, m.name), { recursive: true });
      return true;
    case 'manifest-field': {
      const p = join(dir, 'MANIFEST.json');
      const before = await readFile(p, 'utf8');
      const obj = JSON.parse(before) as Record<string, unknown>;
      let node: Record<string, unknown> = obj;
      for (const k of m.path.slice(0, -1)) {
        const next = node[k];
        if (typeof next !== 'object' || next === null) return false;
        node = next as Record<string, unknown>;
      }
      node[m.path[m.path.length - 1] as string] = m.value;
      const after = JSON.stringify(obj, null, 2) + '\n';
      if (after === before) return false;
      await writeFile(p, after);
      return true;
    }
    case 'manifest-resigned': {
      // Mallory rewrites and re-signs the manifest with her own key (she doesn't have the CA's).
      const p = join(dir, 'MANIFEST.json');
      const obj = JSON.parse(await readFile(p, 'utf8')) as Record<string, unknown>;
      if (m.field === 'signing_key_id-mallory') obj['signing_key_id'] = mallory.keyId;
      else obj[m.field] = m.value;
      const bytes = serializeManifest(obj as never);
      await writeFile(p, bytes);
      const sig = await mallory.sign(bytes);
      await writeFile(join(dir, 'MANIFEST.json.sig'), sig);
      if (m.sumsToo) {
        const { sha256Hex } = await import('./package-files.ts');
        const sums = (await readFile(join(dir, 'SHA256SUMS'), 'utf8'))
          .split('\n')
          .map((l) => (l.endsWith('  MANIFEST.json') ? `${sha256Hex(bytes)}  MANIFEST.json` : l.endsWith('  MANIFEST.json.sig') ? `${sha256Hex(sig)}  MANIFEST.json.sig` : l))
          .join('\n');
        await writeFile(join(dir, 'SHA256SUMS'), sums);
      }
      return true;
    }
  }
}

describe('verifyExportPackage on mutated packages (property)', () => {
  it('never throws anything but DomainError and never verifies a mutated package', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), async (ms) => {
        const root = join(work, `run-${n++}`);
        const dir = join(root, 'pkg');
        await mkdir(root);
        await cp(template, dir, { recursive: true });
        let changed = false;
        for (const m of ms) {
          try {
            changed = (await apply(dir, m)) || changed;
          } catch {
            // a mutation that no longer applies (file already gone) changes nothing
          }
        }
        fc.pre(changed);
        try {
          const v = await verifyExportPackage(dir);
          expect(v.ok, JSON.stringify(ms)).toBe(false);
          expect(v.problems.length).toBeGreaterThan(0);
        } catch (e) {
          expect(e).toBeInstanceOf(DomainError);
        }
        await rm(root, { recursive: true, force: true });
      }),
      { numRuns: 300 },
    );
    expect((await readdir(work)).length).toBeGreaterThan(0);
  });
});
