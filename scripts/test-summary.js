// Prints one closing line "N passed, N failed" over every test runner's JSON
// report (vitest, Playwright), so CI can read the totals whatever ran.
import { existsSync, readFileSync } from 'node:fs';

let passed = 0;
let failed = 0;
let skipped = 0;
const seen = [];

if (existsSync('test-results/vitest.json')) {
  const r = JSON.parse(readFileSync('test-results/vitest.json', 'utf8'));
  passed += r.numPassedTests ?? 0;
  failed += r.numFailedTests ?? 0;
  skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  seen.push('vitest');
}
if (existsSync('test-results/playwright.json')) {
  const r = JSON.parse(readFileSync('test-results/playwright.json', 'utf8'));
  passed += r.stats?.expected ?? 0;
  failed += (r.stats?.unexpected ?? 0) + (r.stats?.flaky ?? 0);
  skipped += r.stats?.skipped ?? 0;
  seen.push('playwright');
}
console.log(`test summary (${seen.join(' + ') || 'no reports found'}):`);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || seen.length === 0 ? 1 : 0);
