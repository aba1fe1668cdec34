// @peculiar/x509 (reached by the specs through src-main) needs the Reflect
// polyfill before it loads; the config loads first in the runner and in every
// worker, whatever a spec imports first.
import 'reflect-metadata';
import { defineConfig } from '@playwright/test';

/**
 * UI tests (e2e/*.spec.ts). The host fixture (e2e/fixtures/test.ts) picks the
 * real Electron app when a binary is installed, else Debian's Chromium on the
 * built renderer; `npm run test:e2e` builds first.
 */
export default defineConfig({
  testDir: './e2e',
  testMatch: '**/*.spec.ts',
  // The root tsconfig's "paths" points better-sqlite3-multiple-ciphers at a .d.ts for tsc; the runner must load the real module.
  tsconfig: './e2e/tsconfig.json',
  outputDir: './test-results/playwright',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: true,
  forbidOnly: true,
  retries: 0,
  workers: 2,
  reporter: [['list'], ['json', { outputFile: 'test-results/playwright.json' }]],
  use: {
    actionTimeout: 15_000,
    trace: 'retain-on-failure',
  },
});
