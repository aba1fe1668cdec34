import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import layers from './eslint-rules/layers.js';

// Layers (docs/architecture.md, "Layers"): each layer lists what it may import;
// whatever is not on its list is reported by layers/allowed-imports, which
// resolves relative imports to repository paths first. Arrows point down only:
// renderer -> (types of) contract; cli, electron -> api -> core.
const CORE_PACKAGES = [
  '@peculiar/x509', '@peculiar/asn1-*', 'asn1js', 'zod', 'canonicalize', 'better-sqlite3-multiple-ciphers',
  'reflect-metadata', 'shamir-secret-sharing', 'pkcs11js',
];
const CONTRACT = ['src-main/api/contract.ts', 'src-main/api/contract/**'];
const layer = (name, allow, allowTypes = []) => ({ 'layers/allowed-imports': ['error', { layer: name, allow, allowTypes }] });

const LAYERS = {
  // The domain: Node built-ins, its own folders and the listed npm packages. No Electron, no UI, no shells.
  core: layer('core/', ['node:**', 'src-main/core/**', ...CORE_PACKAGES]),
  // The contract is loaded by the renderer too: zod and the Node-free core modules that define its unions.
  contract: layer('api/contract', [
    'zod', ...CONTRACT, 'src-main/core/errors.ts', 'src-main/core/issuance/profile-names.ts',
    'src-main/core/issuance/revocation-reasons.ts', 'src-main/core/pki/key-algorithm-names.ts', 'src-main/core/keys/key-state.ts', 'src-main/core/ceremony/kit-kinds.ts',
    // The views it shares with core, declared once there (docs/architecture.md, "Contract views and core types").
    'src-main/core/store/certificate-summary.ts', 'src-main/core/store/ca-summary.ts', 'src-main/core/vault/slot-summary.ts', 'src-main/core/media/medium.ts',
    'src-main/core/fleet/fleet-views.ts',
    'src-main/core/token/token-binding.ts',
    'src-main/core/media/package-verdict.ts',
  ]),
  api: layer('api/', ['node:**', 'zod', 'src-main/api/**', 'src-main/core/**']),
  // The shells reach the domain through dispatch; the few core modules they name are listed one by one.
  cli: layer('cli/', [
    'node:**', 'commander', 'zod', 'src-main/cli/**', ...CONTRACT, 'src-main/api/dispatch.ts', 'src-main/api/service.ts',
    'src-main/api/session.ts', 'src-main/api/vault-location.ts', 'src-main/core/errors.ts', 'src-main/core/clock.ts',
    'src-main/core/pki/crypto-provider.ts', 'src-main/core/pki/algorithms.ts', 'src-main/core/media/detect.ts',
    'src-main/core/media/media-errors.ts', 'src-main/core/issuance/profiles.ts', 'src-main/core/issuance/revocation-reasons.ts',
    'src-main/core/fs/untrusted-read.ts', 'src-main/core/safe-text.ts', 'src-main/core/issuance/issuance-pool.ts',
    'src-main/core/fs/distinct-folders.ts',
    // cert issue-batch reads its folder of requests ahead, while the vault unlocks; the batches start Argon2id first thing.
    'src-main/core/media/untrusted-input.ts', 'src-main/core/vault/unlock-ahead.ts',
  ]),
  electron: layer('electron/', [
    'node:**', 'electron', 'src-main/electron/**', ...CONTRACT, 'src-main/api/dispatch.ts', 'src-main/api/service.ts',
    'src-main/api/vault-location.ts', 'src-main/core/clock.ts', 'src-main/core/pki/crypto-provider.ts',
  ]),
  // The renderer talks only to window.airgap: UI packages, its own files, and the contract's types;
  // and the pure, Node-free modules the window shares with the terminal and the printed kit: text escaping, the read-back of a fingerprint.
  renderer: layer('the renderer', [
    'src-renderer/**', 'src-main/core/safe-text.ts', 'src-main/core/ceremony/read-back.ts', 'src-main/core/ceremony/pgp-words.ts', 'react', 'react/**', 'react-dom', 'react-dom/**', '@mui/**', '@emotion/**', 'zustand', 'zustand/**',
    '@tanstack/react-virtual',
  ], CONTRACT),
  // Tests and the test kits in src-main/testing/ may reach every layer of src-main; nothing else may import a kit.
  tests: layer('a test', ['node:**', 'vitest', 'fast-check', 'eslint', 'commander', 'src-main/**', 'src-renderer/src/components/shown.ts', 'src-renderer/src/components/officer-words.ts', ...CORE_PACKAGES]),
};

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'e2e/artifacts/**', 'test-results/**', 'playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node }, ecmaVersion: 2024, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  { files: ['src-main/core/**'], plugins: { layers }, rules: LAYERS.core },
  { files: ['src-main/api/**'], plugins: { layers }, rules: LAYERS.api },
  { files: ['src-main/api/contract.ts', 'src-main/api/contract/**'], plugins: { layers }, rules: LAYERS.contract },
  { files: ['src-main/cli/**'], plugins: { layers }, rules: LAYERS.cli },
  { files: ['src-main/electron/**'], plugins: { layers }, rules: LAYERS.electron },
  {
    files: ['src-renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
    },
  },
  { files: ['src-renderer/**'], plugins: { layers }, rules: LAYERS.renderer },
  { files: ['src-main/**/*.test.ts', 'src-main/testing/**'], plugins: { layers }, rules: LAYERS.tests },
);
