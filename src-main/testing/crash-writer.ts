/**
 * Child process of the crash-safety test: unlocks a vault and writes in a
 * loop until it is killed. Each write is one transaction that bumps a counter
 * row and appends an audit event; after each commit it prints the committed
 * counter, so the parent knows the last state that was certainly durable.
 *
 *   node src-main/testing/crash-writer.ts VAULT_DIR
 *   node src-main/testing/crash-writer.ts VAULT_DIR change-passphrase
 *
 * The second form changes the passphrase back and forth between
 * TEST_PASSPHRASE and OTHER_PASSPHRASE in a loop (a slot change each time:
 * next header, commit, rename), printing "changed" after each.
 *
 * It loads its modules, prints "loaded", then waits for one line on stdin
 * before it unlocks: the parent starts the next writer while it checks the
 * vault after a kill, so module loading is not paid inside the kill loop.
 */
import { fixedClock } from '../core/clock.ts';
import { OWASP_MINIMUM } from '../core/vault/kdf.ts';
import { unlockVault } from '../core/vault/vault.ts';
import { CRASH_COUNTER_KEY as COUNTER_KEY, CRASH_WRITE_ACTION as WRITE_ACTION, FIXED_NOW, OTHER_PASSPHRASE, TEST_PASSPHRASE } from './vault-fixtures.ts';

const dir = process.argv[2];
if (!dir) {
  process.stderr.write('usage: crash-writer.ts VAULT_DIR\n');
  process.exit(2);
}
process.stdout.write('loaded\n');
await new Promise<void>((resolve) => {
  process.stdin.once('data', () => {
    process.stdin.pause();
    resolve();
  });
});
if (process.argv[3] === 'change-passphrase') {
  process.stdout.write('open 0\n');
  for (;;) {
    const clock = fixedClock(FIXED_NOW);
    const [from, to] = await unlockVault(dir, { passphrase: TEST_PASSPHRASE }, { clock, actor: 'crash-writer' })
      .then((v) => [v, OTHER_PASSPHRASE] as const)
      .catch(async () => [await unlockVault(dir, { passphrase: OTHER_PASSPHRASE }, { clock, actor: 'crash-writer' }), TEST_PASSPHRASE] as const);
    await from.changePassphrase({ newPassphrase: to, actor: 'crash-writer', cost: OWASP_MINIMUM });
    from.close();
    process.stdout.write('changed\n');
  }
}
const vault = await unlockVault(dir, { passphrase: TEST_PASSPHRASE }, { clock: fixedClock(FIXED_NOW), actor: 'crash-writer' });
process.stdout.write(`open ${vault.getMeta(COUNTER_KEY) ?? '0'}\n`);
for (;;) {
  const n = vault.transaction(() => {
    const next = Number(vault.getMeta(COUNTER_KEY) ?? '0') + 1;
    vault.setMeta(COUNTER_KEY, String(next));
    // A little bulk, so that a transaction spans several pages and the kill can land mid-write.
    vault.audit.append({ actor: 'crash-writer', action: WRITE_ACTION, details: { counter: next, padding: 'x'.repeat(1500 + (next % 7) * 700) } });
    return next;
  });
  // Pipes are written synchronously on POSIX: once this returns, the parent will see the line.
  process.stdout.write(`${n}\n`);
}
