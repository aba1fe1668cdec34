/**
 * Property: the key-slot header is untrusted until its MAC is checked. For
 * thousands of mutations of a genuine header, parseHeader either refuses with
 * HEADER_CORRUPT / UNSUPPORTED_FORMAT or returns a header; and a vault whose
 * header file was so mutated either refuses to unlock with a DomainError or —
 * only when the content is unchanged — opens, and its database is never
 * changed either way. (Unlocking uses the custodian shares: no Argon2 per run,
 * and no work factor an attacker could raise.)
 */
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../clock.ts';
import { anyMutation, applyByteMutation, applyJsonMutation, refusalOf, refusalOfAsync, type Mutation } from '../../testing/mutations.ts';
import { downgradeToLegacyHeader } from '../../testing/legacy-vault.ts';
import { createTestVault, FIXED_NOW, TEST_PASSPHRASE } from '../../testing/vault-fixtures.ts';
import { hashDir, removeTempDirs, tempDir } from '../../testing/temp-dir.ts';
import { DATABASE_FILE, HEADER_FILE, parseHeader, PENDING_HEADER_FILE, type VaultHeader } from './header.ts';
import { unlockVault, type Vault } from './vault.ts';

let dir: string;
let genuine: Buffer;
/** The header before the last slot change (one generation behind the database). */
let previous: Buffer;
let original: VaultHeader;
let shares: Array<{ label: string; content: string }>;

beforeAll(async () => {
  dir = join(tempDir('airgap-hdr-'), 'vault');
  const { vault, shareFiles } = await createTestVault(dir, { quorum: { threshold: 2, total: 3 } });
  previous = readFileSync(join(dir, HEADER_FILE));
  await vault.addQuorumSlot({ threshold: 3, total: 5, label: 'board', actor: 'alice' });
  vault.close();
  genuine = readFileSync(join(dir, HEADER_FILE));
  original = parseHeader(genuine);
  shares = shareFiles.slice(0, 2).map((content, i) => ({ label: `share-${i + 1}.json`, content }));
});
afterAll(removeTempDirs);

function mutate(m: Mutation, of: Buffer = genuine): Buffer {
  return m.kind.startsWith('json-')
    ? Buffer.from(applyJsonMutation(of.toString('utf8'), m as Extract<Mutation, { kind: `json-${string}` }>))
    : applyByteMutation(of, m as Exclude<Mutation, { kind: `json-${string}` }>);
}

/** A vault whose passphrase slot was removed (a rekey): its header from before and after, and its credential, the quorum that was kept. */
let rekeyed: { dir: string; before: Buffer; after: Buffer; parsed: VaultHeader; shares: Array<{ label: string; content: string }> };
/** A version 1 header, as vaults made before recipient slots have. */
let legacy: Buffer;

beforeAll(async () => {
  const dir = join(tempDir('airgap-hdr-rekey-'), 'vault');
  const { vault, shareFiles } = await createTestVault(dir, { quorum: { threshold: 2, total: 3 } });
  const before = readFileSync(join(dir, HEADER_FILE));
  await vault.removeSlot({ slotId: vault.header.slots.find((s) => s.type === 'passphrase')!.id, actor: 'alice' });
  vault.close();
  const after = readFileSync(join(dir, HEADER_FILE));
  rekeyed = { dir, before, after, parsed: parseHeader(after), shares: shareFiles.slice(1, 3).map((content, i) => ({ label: `share-${i + 2}.json`, content })) };
  const legacyDir = join(tempDir('airgap-hdr-legacy-'), 'vault');
  const made = await createTestVault(legacyDir, { quorum: { threshold: 2, total: 3 } });
  made.vault.close();
  await downgradeToLegacyHeader(legacyDir, { passphrase: TEST_PASSPHRASE, shares: made.shareFiles });
  legacy = readFileSync(join(legacyDir, HEADER_FILE));
});

/**
 * The state after a slot change's commit, before its rename — the header from
 * before in place, the next one (mutated) beside it — unlocked with the
 * custodians' shares, 1000 times. Returns how often it finished (the genuine
 * content); every other run must be a clean refusal that leaves the old header
 * and the database as they were.
 */
async function interruptedChange(c: { dir: string; before: Buffer; after: Buffer; parsed: VaultHeader; shares: Array<{ label: string; content: string }> }): Promise<number> {
  const headerPath = join(c.dir, HEADER_FILE);
  const pendingPath = join(c.dir, PENDING_HEADER_FILE);
  const genuineDir = hashDir(c.dir);
  let finished = 0;
  await fc.assert(
    fc.asyncProperty(anyMutation, async (m) => {
      writeFileSync(headerPath, c.before);
      writeFileSync(pendingPath, mutate(m, c.after));
      const dbBefore = readFileSync(join(c.dir, DATABASE_FILE));
      const r = await refusalOfAsync(() => unlockVault(c.dir, { shares: c.shares }, { clock: fixedClock(FIXED_NOW), actor: 'mallory' }));
      if (r.refused) {
        expect(['HEADER_GENERATION_MISMATCH', 'CREDENTIAL_REVOKED', 'HEADER_TAMPERED', 'SHARE_MISMATCH', 'SHARE_CORRUPT', 'WRONG_PASSPHRASE', 'NOT_ENOUGH_SHARES']).toContain(r.code);
        expect(readFileSync(headerPath).equals(c.before)).toBe(true);
      } else {
        finished += 1;
        (r.value as Vault).close();
        expect(isDeepStrictEqual(parseHeader(readFileSync(headerPath)), c.parsed)).toBe(true);
        expect(readdirSync(c.dir).sort()).toEqual([HEADER_FILE, DATABASE_FILE].sort());
      }
      expect(readFileSync(join(c.dir, DATABASE_FILE)).equals(dbBefore)).toBe(true);
      rmSync(pendingPath, { force: true });
      writeFileSync(headerPath, c.after);
    }),
    { numRuns: 1000, timeout: 10_000 },
  );
  expect(hashDir(c.dir)).toBe(genuineDir);
  return finished;
}

describe('mutated key-slot headers', () => {
  it('parseHeader refuses with a header code or parses (5000 mutations)', () => {
    let refused = 0;
    fc.assert(
      fc.property(anyMutation, (m) => {
        const r = refusalOf(() => parseHeader(mutate(m)));
        if (r.refused) {
          refused += 1;
          expect(['HEADER_CORRUPT', 'UNSUPPORTED_FORMAT']).toContain(r.code);
        }
      }),
      { numRuns: 5000 },
    );
    expect(refused).toBeGreaterThan(2500);
  });

  it('parseHeader refuses inputs that are not a header at all', () => {
    for (const bytes of [Buffer.alloc(0), Buffer.from('null'), Buffer.from('"airgap"'), Buffer.from('[]'), Buffer.from('{}'), Buffer.alloc(300_000, 0x20), Buffer.from([0xff, 0xfe, 0x00])]) {
      expect(refusalOf(() => parseHeader(bytes))).toMatchObject({ refused: true, code: 'HEADER_CORRUPT' });
    }
  });

  it('a vault with a mutated header never opens unless the content is unchanged, and its database never changes (1500 mutations)', async () => {
    const headerPath = join(dir, HEADER_FILE);
    const before = hashDir(dir);
    let opened = 0;
    await fc.assert(
      fc.asyncProperty(anyMutation, async (m) => {
        const bytes = mutate(m);
        writeFileSync(headerPath, bytes);
        const dbBefore = readFileSync(join(dir, DATABASE_FILE));
        const r = await refusalOfAsync(() => unlockVault(dir, { shares }, { clock: fixedClock(FIXED_NOW), actor: 'mallory' }));
        if (!r.refused) {
          opened += 1;
          (r.value as Vault).close();
          expect(isDeepStrictEqual(parseHeader(bytes), original)).toBe(true);
        }
        expect(readFileSync(join(dir, DATABASE_FILE)).equals(dbBefore)).toBe(true);
        expect(readdirSync(dir).sort()).toEqual([HEADER_FILE, DATABASE_FILE].sort());
        writeFileSync(headerPath, genuine);
      }),
      { numRuns: 1500, timeout: 10_000 },
    );
    expect(hashDir(dir)).toBe(before);
    // Only no-op mutations (JSON whitespace, a field set to its own value) can open it.
    expect(opened).toBeLessThan(1500 / 4);
  });

  it('an interrupted slot change whose next header was mutated finishes only with the genuine content; otherwise it refuses and changes nothing (1000 mutations)', async () => {
    const finished = await interruptedChange({ dir, before: previous, after: genuine, parsed: original, shares });
    expect(finished).toBeLessThan(1000 / 4);
  });

  it('a version 1 (legacy) header: parseHeader refuses with a header code or parses (2000 mutations)', () => {
    expect(parseHeader(legacy).version).toBe(1);
    let refused = 0;
    fc.assert(
      fc.property(anyMutation, (m) => {
        const r = refusalOf(() => parseHeader(mutate(m, legacy)));
        if (r.refused) {
          refused += 1;
          expect(['HEADER_CORRUPT', 'UNSUPPORTED_FORMAT']).toContain(r.code);
        }
      }),
      { numRuns: 2000 },
    );
    expect(refused).toBeGreaterThan(1000);
  });

  it('a rekey committed but not renamed, its next header mutated: it finishes only with the genuine content; otherwise a clean refusal, the old header and the database unchanged (1000 mutations)', async () => {
    const finished = await interruptedChange(rekeyed);
    expect(finished).toBeGreaterThan(0);
    expect(finished).toBeLessThan(1000 / 4);
  });
});
