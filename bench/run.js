// Runs every benchmark in bench/ one after the other (`npm run bench`).
// Extra arguments are passed to each, e.g. `npm run bench -- --runs 5`.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// cli-batch.ts and vault-search.ts are the end-to-end section: the real CLI against OpenSSL, and a vault of a million certificates.
const benches = ['issue.ts', 'crl.ts', 'vault-revocation.ts', 'vault.ts', 'cli-batch.ts', 'renewal-batch.ts', 'vault-search.ts'];
const started = Date.now();
let failed = 0;
for (const b of benches) {
  console.log(`\n=== bench/${b} ===`);
  const r = spawnSync(process.execPath, [fileURLToPath(new URL(b, import.meta.url)), ...process.argv.slice(2)], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
console.log(`\nbenchmarks done in ${((Date.now() - started) / 1000).toFixed(0)} s${failed ? `, ${failed} failed` : ''}`);
process.exit(failed ? 1 : 0);
