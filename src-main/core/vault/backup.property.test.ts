/**
 * Property: a backup file is untrusted bytes. Whatever is done to a genuine
 * backup, parseBackupFile refuses it with BACKUP_CORRUPT (or a header code)
 * or parses it, and restoreBackup always refuses it with a DomainError: it
 * never creates the target folder, never leaves a staging folder behind and
 * never changes the vault the backup came from. (Restores use the custodian
 * shares, so each run costs no Argon2.)
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../clock.ts';
import { anyMutation, applyByteMutation, applyJsonMutation, byteMutation, refusalOf, refusalOfAsync, type Mutation } from '../../testing/mutations.ts';
import { createTestVault, FIXED_NOW } from '../../testing/vault-fixtures.ts';
import { hashDir, removeTempDirs, tempDir } from '../../testing/temp-dir.ts';
import { parseBackupFile, restoreBackup, writeBackup } from './backup.ts';

const clock = fixedClock(FIXED_NOW);
let root: string;
let vaultDir: string;
let genuine: Buffer;
let shares: Array<{ label: string; content: string }>;

beforeAll(async () => {
  root = tempDir('airgap-bak-');
  vaultDir = join(root, 'vault');
  const { vault, shareFiles } = await createTestVault(vaultDir, { quorum: { threshold: 2, total: 3 } });
  vault.transaction(() => vault.audit.append({ actor: 'alice', action: 'test.note', details: { n: 1 } }));
  const file = join(root, 'genuine.backup');
  writeBackup(vault, file, { actor: 'alice', clock });
  vault.close();
  genuine = readFileSync(file);
  shares = shareFiles.slice(1).map((content, i) => ({ label: `share-${i + 2}.json`, content }));
});
afterAll(removeTempDirs);

/** JSON mutations go to the description line (line 2); byte mutations anywhere in the file. */
function mutate(m: Mutation): Buffer {
  if (!m.kind.startsWith('json-')) return applyByteMutation(genuine, m as Exclude<Mutation, { kind: `json-${string}` }>);
  const first = genuine.indexOf(0x0a);
  const second = genuine.indexOf(0x0a, first + 1);
  const line = applyJsonMutation(genuine.subarray(first + 1, second).toString('utf8'), m as Extract<Mutation, { kind: `json-${string}` }>);
  return Buffer.concat([genuine.subarray(0, first + 1), Buffer.from(line), genuine.subarray(second)]);
}

describe('mutated backup files', () => {
  it('the genuine backup restores (with the shares), so refusals below are the mutations', async () => {
    const target = join(tempDir(), 'restored');
    const file = join(root, 'check.backup');
    writeFileSync(file, genuine);
    const v = await restoreBackup({ file, dir: target, credentials: { shares }, clock, actor: 'bob' });
    expect(v.audit.list().map((e) => e.action)).toEqual(['vault.created', 'test.note', 'vault.backup', 'vault.restored']);
    v.close();
  });

  it('parseBackupFile refuses with a code or parses (5000 mutations)', () => {
    let refused = 0;
    fc.assert(
      fc.property(anyMutation, (m) => {
        const r = refusalOf(() => parseBackupFile(mutate(m)));
        if (r.refused) {
          refused += 1;
          expect(r.code).toBe('BACKUP_CORRUPT');
        }
      }),
      { numRuns: 5000 },
    );
    expect(refused).toBeGreaterThan(1000);
  });

  it('restoreBackup refuses every mutated backup with a DomainError and changes nothing (1500 mutations)', async () => {
    const vaultBefore = hashDir(vaultDir);
    const work = tempDir('airgap-bak-restore-');
    const file = join(work, 'mutated.backup');
    const target = join(work, 'restored');
    const codes = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(fc.oneof(anyMutation, byteMutation), async (m) => {
        const bytes = mutate(m);
        fc.pre(!bytes.equals(genuine));
        writeFileSync(file, bytes);
        const r = await refusalOfAsync(() => restoreBackup({ file, dir: target, credentials: { shares }, clock, actor: 'mallory' }));
        expect(r.refused).toBe(true);
        if (r.refused) codes.set(r.code, (codes.get(r.code) ?? 0) + 1);
        expect(readdirSync(work)).toEqual(['mutated.backup']);
      }),
      { numRuns: 1500, timeout: 10_000 },
    );
    expect(hashDir(vaultDir)).toBe(vaultBefore);
    // Most mutations are caught by authentication; a few by the framing or a share check.
    expect(codes.get('BACKUP_CORRUPT')).toBeGreaterThan(1000);
    expect([...codes.keys()].every((c) => ['BACKUP_CORRUPT', 'HEADER_CORRUPT', 'HEADER_TAMPERED', 'SHARE_WRONG_VAULT', 'SHARE_MISMATCH', 'SHARE_CORRUPT', 'WRONG_PASSPHRASE', 'UNSUPPORTED_FORMAT'].includes(c))).toBe(true);
  });
});
