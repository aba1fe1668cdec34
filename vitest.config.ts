import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src-main/**/*.test.ts'],
    setupFiles: ['src-main/testing/setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Vitest's default is one worker fewer than the cores: on CI's 2 cores that is a single
    // worker, so the files ran one after another while much of each file's time is spent
    // waiting on its children (the CLI, OpenSSL, SoftHSM, fusefat). Files are independent
    // (each makes its own temporary folders, tokens and mounts), so two run at once there;
    // bigger machines keep the default.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]],
  },
});
