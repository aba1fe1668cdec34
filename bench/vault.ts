/**
 * Vault figures for the issue-2 report: unlock time at the default Argon2id
 * cost (median of 5), the time of one audited write (median), and the vault's
 * size with 10,000 audit events. Prints figures; asserts nothing.
 *
 *   node bench/vault.ts
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { systemClock } from '../src-main/core/clock.ts';
import { DATABASE_FILE, HEADER_FILE } from '../src-main/core/vault/header.ts';
import { DEFAULT_KDF } from '../src-main/core/vault/kdf.ts';
import { createVault, unlockVault } from '../src-main/core/vault/vault.ts';

const PASSPHRASE = 'correct horse battery staple';
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

const root = mkdtempSync(join(tmpdir(), 'airgap-bench-vault-'));
try {
  const dir = join(root, 'vault');
  const created = await createVault({ dir, passphrase: PASSPHRASE, kdfCost: DEFAULT_KDF, clock: systemClock, actor: 'bench' });
  created.vault.close();

  const unlocks: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    const v = await unlockVault(dir, { passphrase: PASSPHRASE }, { clock: systemClock, actor: 'bench' });
    unlocks.push(performance.now() - t);
    v.close();
  }

  const vault = await unlockVault(dir, { passphrase: PASSPHRASE }, { clock: systemClock, actor: 'bench' });
  const EVENTS = 10_000;
  const writes: number[] = [];
  // Every event its own transaction, as every change is (journal_mode=DELETE, synchronous=EXTRA).
  for (let i = vault.audit.count(); i < EVENTS; i++) {
    const t = performance.now();
    vault.transaction(() =>
      vault.audit.append({
        actor: 'officer.name',
        witnesses: i % 10 === 0 ? ['witness.one'] : [],
        action: 'cert.issued',
        details: { keyId: `sha256:${randomBytes(32).toString('hex')}`, serial: randomBytes(16).toString('hex'), profile: 'agent', subject: `CN=agent-${i}.example.internal` },
      }),
    );
    writes.push(performance.now() - t);
  }
  const verifyStart = performance.now();
  const chain = vault.audit.verify();
  const verifyMs = performance.now() - verifyStart;
  vault.close();
  const dbBytes = statSync(join(dir, DATABASE_FILE)).size;
  const headerBytes = statSync(join(dir, HEADER_FILE)).size;

  console.log(`Argon2id default cost: m=${DEFAULT_KDF.memoryKiB} KiB, t=${DEFAULT_KDF.passes}, p=${DEFAULT_KDF.parallelism}`);
  console.log(`unlock (passphrase slot, default cost), median of 5: ${median(unlocks).toFixed(0)} ms  [${unlocks.map((u) => u.toFixed(0)).join(', ')}]`);
  console.log(`one audited write transaction, median of ${writes.length}: ${median(writes).toFixed(2)} ms`);
  console.log(`vault with ${chain.count} audit events: database ${(dbBytes / 1024 / 1024).toFixed(2)} MiB (${dbBytes} bytes, ${(dbBytes / chain.count).toFixed(0)} bytes/event), header ${headerBytes} bytes`);
  console.log(`audit verify over ${chain.count} events: ${verifyMs.toFixed(0)} ms (${chain.ok ? 'ok' : 'BROKEN'})`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
