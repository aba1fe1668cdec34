/**
 * Power-loss safety (docs/architecture.md, "Vault format"): a child process writes to a real
 * vault in a loop (one transaction = counter row + audit event) and is killed
 * with SIGKILL at random moments, again and again on the same vault. After
 * every kill the vault must open, pass PRAGMA integrity_check, verify its
 * audit chain, and hold either the last state the child reported committed
 * or the one after it (committed, killed before it could print) — never a mix:
 * the counter always equals the number of its audit events.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { fixedClock } from '../clock.ts';
import { addRawSigningKey, createTestVault, CRASH_COUNTER_KEY as COUNTER_KEY, everyPrivateKeySigns, CRASH_WRITE_ACTION as WRITE_ACTION, FIXED_NOW, OTHER_PASSPHRASE, TEST_PASSPHRASE, vaultKeyOf } from '../../testing/vault-fixtures.ts';
import { removeTempDirs, tempDir } from '../../testing/temp-dir.ts';
import { integrityCheck } from './database.ts';
import { DATABASE_FILE, HEADER_FILE, NEXT_DATABASE_FILE, parseHeader, PENDING_HEADER_FILE } from './header.ts';
import { openUnlocked, readVaultHeader, unlockVault, type Vault } from './vault.ts';

const WRITER = fileURLToPath(new URL('../../testing/crash-writer.ts', import.meta.url));
const KILLS = 220;

/** Small seeded PRNG (mulberry32), so a failing run can be replayed from the seed in its message. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface KillResult {
  printed: number[];
  sawOpen: boolean;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** A writer that has loaded its modules and waits for go(); go() starts it and SIGKILLs it after `delayMs`. */
interface Writer {
  go(delayMs: number, early: boolean): Promise<KillResult>;
}

function startWriter(dir: string, mode: string[] = []): Promise<Writer> {
  return new Promise((resolveLoaded, rejectLoaded) => {
    const child = spawn(process.execPath, [WRITER, dir, ...mode], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let stderr = '';
    let sawOpen = false;
    let early = false;
    let delayMs = 0;
    let timer: NodeJS.Timeout | undefined;
    let loaded = false;
    const kill = () => child.kill('SIGKILL');
    let resolveRun: (r: KillResult) => void = () => undefined;
    const run = new Promise<KillResult>((r) => (resolveRun = r));
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      if (!loaded && out.includes('loaded\n')) {
        loaded = true;
        resolveLoaded({
          go: (d, e) => {
            delayMs = d;
            early = e;
            if (early) timer = setTimeout(kill, delayMs);
            child.stdin.end('go\n');
            return run;
          },
        });
      }
      if (!sawOpen && out.includes('open ')) sawOpen = true;
      // A write-loop kill is timed from the first committed write, so it lands in the loop however busy the machine is.
      if (sawOpen && !early && timer === undefined && /\n\d+\n/.test(out.slice(out.indexOf('open ')))) timer = setTimeout(kill, delayMs);
    });
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', rejectLoaded);
    child.on('close', (_code, signal) => {
      clearTimeout(timer);
      if (!loaded) rejectLoaded(new Error(`the writer did not start: ${stderr}`));
      const printed = out
        .split('\n')
        .filter((l) => /^\d+$/.test(l))
        .map(Number);
      resolveRun({ printed, sawOpen, signal, stderr });
    });
  });
}

afterAll(removeTempDirs);

/** One vault, `kills` writer processes killed one after the other. */
async function killLoop(kills: number, seed: number) {
  const random = prng(seed);
  const dir = join(tempDir('airgap-crash-'), 'vault');
  (await createTestVault(dir)).vault.close();
  const clock = fixedClock(FIXED_NOW);
  const key = await vaultKeyOf(dir);

  let committed = 0; // the counter as of the last verified state
  let next: Promise<Writer> | null = startWriter(dir);
  const stats = { kills: 0, early: 0, midWrite: 0, committedUnprinted: 0, journalLeft: 0, writes: 0 };
  for (let i = 0; i < kills; i++) {
    const context = `kill ${i + 1} of ${kills} (seed ${seed})`;
    // One kill in six lands anywhere from the start of unlock through opening and the first writes;
    // the rest land in the write loop, a few milliseconds (a few transactions) after it opened.
    const early = random() < 1 / 6;
    const delay = early ? Math.floor(random() * 250) : Math.floor(random() * 25);
    const writer = await next!;
    // The next writer loads its modules while this one runs and the vault is checked.
    next = i + 1 < kills ? startWriter(dir) : null;
    const r = await writer.go(delay, early);
    expect(r.signal, `${context}: the writer exited by itself: ${r.stderr}`).toBe('SIGKILL');
    stats.kills += 1;
    if (!r.sawOpen) stats.early += 1;
    if (existsSync(join(dir, `${DATABASE_FILE}-journal`))) stats.journalLeft += 1;

    const lastPrinted = r.printed.length ? r.printed[r.printed.length - 1]! : committed;
    // Every tenth check unlocks from the passphrase; the others open with the key recovered once
    // (the same path after the slot: key commitment, header MAC, database open and recovery).
    const vault = i % 10 === 0 ? await unlockVault(dir, { passphrase: TEST_PASSPHRASE }, { clock, actor: 'verifier' }) : openUnlocked(dir, readVaultHeader(dir), Buffer.from(key), clock, 'verifier', 'verifier');
    try {
      expect(integrityCheck(vault.db), context).toEqual([]);
      expect(vault.audit.verify(), context).toMatchObject({ ok: true });
      const counter = Number(vault.getMeta(COUNTER_KEY) ?? '0');
      const writes = (vault.db.prepare('SELECT count(*) AS n FROM audit_events WHERE action = ?').get(WRITE_ACTION) as { n: number }).n;
      expect(writes, `${context}: counter row and audit events disagree`).toBe(counter);
      expect([lastPrinted, lastPrinted + 1], `${context}: state is neither the last committed one nor the next`).toContain(counter);
      if (counter === lastPrinted + 1) stats.committedUnprinted += 1;
      if (r.sawOpen) stats.midWrite += 1;
      committed = counter;
    } finally {
      vault.close();
    }
  }
  stats.writes = committed;
  return stats;
}

it(`survives ${KILLS} SIGKILLs at random moments of a write loop: old state or new, never a mix`, async () => {
  const seed = Date.now() % 1_000_000;
  const stats = await killLoop(KILLS, seed);
  expect(stats.kills).toBeGreaterThanOrEqual(200);
  // The kills really did land in the write loop, and many of them inside a transaction.
  expect(stats.midWrite).toBeGreaterThan(stats.kills / 2);
  expect(stats.writes).toBeGreaterThanOrEqual(stats.midWrite);
  expect(stats.journalLeft).toBeGreaterThan(0);
  console.log(
    `crash safety: ${stats.kills} kills survived (seed ${seed}); ${stats.early} before the vault opened, ${stats.midWrite} in the write loop, ` +
      `${stats.journalLeft} left a hot journal, ${stats.committedUnprinted} committed but unprinted; ${stats.writes} writes in all`,
  );
  // About 85 s alone on 2 cores; the margin is for a full parallel run on a busy machine (fsync-bound).
}, 300_000);

const PASSPHRASE_KILLS = 40;

it(`survives ${PASSPHRASE_KILLS} SIGKILLs at random moments of change-passphrase (a rekey): the old passphrase or the new one opens, never neither, and every private key signs`, async () => {
  const seed = Date.now() % 1_000_000;
  const random = prng(seed);
  const dir = join(tempDir('airgap-crash-pp-'), 'vault');
  const created = (await createTestVault(dir)).vault;
  // Private keys to wrap again on every change: a kill between their rewrap and the commit must leave them usable.
  created.transaction(() => {
    addRawSigningKey(created, 'crash-a');
    addRawSigningKey(created, 'crash-b');
  });
  created.close();
  const clock = fixedClock(FIXED_NOW);
  let next: Promise<Writer> | null = startWriter(dir, ['change-passphrase']);
  let pendingLeft = 0;
  let copyLeft = 0;
  const generations = new Set<number>();
  const opened = { old: 0, new: 0 };
  for (let i = 0; i < PASSPHRASE_KILLS; i++) {
    const context = `kill ${i + 1} of ${PASSPHRASE_KILLS} (seed ${seed})`;
    const writer = await next!;
    next = i + 1 < PASSPHRASE_KILLS ? startWriter(dir, ['change-passphrase']) : null;
    // An unlock and a change (two Argon2id runs, a copy of the database, its rekey, the fsyncs) take 0.4-0.8 s here:
    // up to 1.2 s lands anywhere in the first cycle or the next.
    const r = await writer.go(Math.floor(random() * 1200), true);
    expect(r.signal, `${context}: the writer exited by itself: ${r.stderr}`).toBe('SIGKILL');
    if (existsSync(join(dir, PENDING_HEADER_FILE))) pendingLeft += 1;
    if (existsSync(join(dir, NEXT_DATABASE_FILE))) copyLeft += 1;
    let vault: Vault | null = null;
    for (const [name, passphrase] of [['old', TEST_PASSPHRASE], ['new', OTHER_PASSPHRASE]] as const) {
      vault = await unlockVault(dir, { passphrase }, { clock, actor: 'verifier' }).catch(() => null);
      if (vault) {
        opened[name] += 1;
        break;
      }
    }
    expect(vault, `${context}: neither passphrase opens the vault`).not.toBeNull();
    try {
      expect(integrityCheck(vault!.db), context).toEqual([]);
      expect(vault!.audit.verify(), context).toMatchObject({ ok: true });
      expect(everyPrivateKeySigns(vault!), context).toBe(2);
      // The open finished or dropped whatever the kill left: one header, one database, nothing beside them.
      expect(existsSync(join(dir, PENDING_HEADER_FILE)) || existsSync(join(dir, NEXT_DATABASE_FILE)), context).toBe(false);
      generations.add(parseHeader(readFileSync(join(dir, HEADER_FILE))).generation ?? 0);
    } finally {
      vault!.close();
    }
  }
  // The changes really happened between kills: each passphrase was the one in force at some check.
  expect(opened.old).toBeGreaterThan(0);
  expect(opened.new).toBeGreaterThan(0);
  // Each committed change is a new vault key: many generations, each reached by a rekey.
  expect(generations.size).toBeGreaterThan(2);
  console.log(
    `change-passphrase crash safety: ${PASSPHRASE_KILLS} kills survived (seed ${seed}); opened ${opened.old} times with the first passphrase, ${opened.new} with the second; ` +
      `${copyLeft} kills left a rekeyed database copy behind (before the commit), ${pendingLeft} a next header (before the commit, or between it and the rename); ${generations.size} generations seen`,
  );
}, 300_000);
