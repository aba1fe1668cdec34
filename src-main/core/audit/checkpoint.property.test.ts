/**
 * Property: a checkpoint file is untrusted input. For thousands of mutations
 * of a genuine one, parseCheckpointFile either refuses with CHECKPOINT_INVALID
 * (UNSUPPORTED_FORMAT for a newer format version) or — only when the signed
 * content is unchanged — returns the genuine head; read from disk, a mutated
 * file never changes the vault.
 */
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliWithMedium } from '../../testing/cli-in-process.ts';
import { anyMutation, applyByteMutation, applyJsonMutation, refusalOf, refusalOfAsync, type Mutation } from '../../testing/mutations.ts';
import { removeTempDirs } from '../../testing/temp-dir.ts';
import { SigningKeyStore } from '../store/signing-key-store.ts';
import { DATABASE_FILE } from '../vault/header.ts';
import { unlockVault, type Vault } from '../vault/vault.ts';
import { parseCheckpointFile, readCheckpoint, type VaultKeyLookup } from './checkpoint.ts';

let vaultDir: string;
let work: string;
let genuine: Buffer;
let head: { seq: number; hash: string };
let vault: Vault;
let lookup: VaultKeyLookup;
const ALLOWED = ['CHECKPOINT_INVALID', 'UNSUPPORTED_FORMAT'];

beforeAll(async () => {
  const { dir, clock, env, cli } = cliWithMedium();
  work = dir;
  vaultDir = join(dir, 'vault');
  await cli(['vault', 'init']);
  await cli(['key', 'create', '--name', 'ca']);
  await cli(['key', 'self-sign', 'ca', '--subject', 'CN=Agents CA']);
  await cli(['key', 'activate', 'ca']);
  const written = await cli(['--json', 'audit', 'checkpoint', '--out', join(dir, 'cp.json')]);
  expect(written.code).toBe(0);
  genuine = readFileSync(join(dir, 'cp.json'));
  head = { seq: (written.json as { seq: number }).seq, hash: (written.json as { hash: string }).hash };
  vault = await unlockVault(vaultDir, { passphrase: env.AIRGAP_CA_PASSPHRASE }, { clock, actor: 'mallory' });
  const keys = new SigningKeyStore(vault);
  lookup = (id) => keys.get(id);
});
afterAll(() => {
  vault?.close();
  removeTempDirs();
});

function mutate(m: Mutation): Buffer {
  return m.kind.startsWith('json-')
    ? Buffer.from(applyJsonMutation(genuine.toString('utf8'), m as Extract<Mutation, { kind: `json-${string}` }>))
    : applyByteMutation(genuine, m as Exclude<Mutation, { kind: `json-${string}` }>);
}

describe('mutated checkpoint files', () => {
  it('the genuine file gives its head', () => {
    expect(parseCheckpointFile(genuine, 'cp.json', vault.id, lookup)).toEqual({ source: 'cp.json', head });
  });

  it('parseCheckpointFile refuses with a checkpoint code or returns the genuine head (4000 mutations)', () => {
    let refused = 0;
    fc.assert(
      fc.property(anyMutation, (m) => {
        const r = refusalOf(() => parseCheckpointFile(mutate(m), 'cp.json', vault.id, lookup));
        if (r.refused) {
          refused += 1;
          expect(ALLOWED).toContain(r.code);
        } else {
          expect(r.value).toEqual({ source: 'cp.json', head });
        }
      }),
      { numRuns: 4000 },
    );
    // Only no-op mutations (JSON whitespace, a field set to its own value) can go through.
    expect(refused).toBeGreaterThan(3000);
  });

  it('a checkpoint re-signed by a key that is not the vault’s, or naming another vault, is refused', () => {
    const doc = JSON.parse(genuine.toString('utf8')) as Record<string, unknown>;
    const mallory = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const forge = (changes: Record<string, unknown>, keyId = doc.signing_key_id) => {
      const rest: Record<string, unknown> = { ...doc, ...changes, signing_key_id: keyId };
      delete rest.signature;
      const signature = sign('sha256', Buffer.from(canonicalize(rest)!), mallory.privateKey).toString('base64');
      return Buffer.from(JSON.stringify({ ...rest, signature }));
    };
    const malloryId = `sha256:${createHash('sha256').update(mallory.publicKey.export({ format: 'der', type: 'spki' })).digest('hex')}`;
    for (const bytes of [
      forge({ audit_head: { seq: 1, hash: 'a'.repeat(64) } }),
      forge({}, malloryId),
      forge({ vault_id: '00000000-0000-4000-8000-000000000000' }),
      Buffer.from(JSON.stringify({ ...doc, format_version: 2 })),
      Buffer.alloc(0),
      Buffer.from('null'),
      Buffer.from([0xff, 0xfe, 0x00]),
    ]) {
      const r = refusalOf(() => parseCheckpointFile(bytes, 'cp.json', vault.id, lookup));
      expect(r.refused).toBe(true);
      if (r.refused) expect(ALLOWED).toContain(r.code);
    }
  });

  it('read from disk, a mutated file is refused or gives the genuine head, and the vault does not change (600 mutations)', async () => {
    const path = join(work, 'mutated.json');
    const dbHash = () => createHash('sha256').update(readFileSync(join(vaultDir, DATABASE_FILE))).digest('hex');
    const before = { db: dbHash(), head: vault.audit.head(), count: vault.audit.count() };
    await fc.assert(
      fc.asyncProperty(anyMutation, async (m) => {
        writeFileSync(path, mutate(m));
        const r = await refusalOfAsync(() => readCheckpoint(path, vault.id, lookup));
        if (r.refused) expect([...ALLOWED, 'FILE_TOO_LARGE']).toContain(r.code);
        else expect((r.value as { head: unknown }).head).toEqual(head);
      }),
      { numRuns: 600 },
    );
    expect({ head: vault.audit.head(), count: vault.audit.count() }).toEqual({ head: before.head, count: before.count });
    expect(vault.audit.verify()).toMatchObject({ ok: true });
    expect(dbHash()).toBe(before.db);
  });
});
