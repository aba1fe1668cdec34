import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

// Layering (DESIGN.md section 1): arrows point down only.
const coreForbidden = {
  paths: [
    { name: 'electron', message: 'core/ is Electron-free: take what you need as a parameter.' },
    { name: 'react', message: 'core/ is the domain: no UI code here.' },
  ],
  patterns: [
    { group: ['**/api/**', '**/api', '**/cli/**', '**/electron/**'], message: 'core/ never imports from api/, cli/ or electron/ (DESIGN.md section 1).' },
    { group: ['react-dom', 'react/*', '@mui/*', 'zustand'], message: 'core/ is the domain: no UI code here.' },
  ],
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
      'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'Only src-main/electron/ may import electron.' }] }],
    },
  },
  { files: ['src-main/electron/**', 'e2e/**', 'electron.vite.config.ts', 'scripts/**'], rules: { 'no-restricted-imports': 'off' } },
  { files: ['src-main/core/**'], rules: { 'no-restricted-imports': ['error', coreForbidden] } },
  {
    files: ['src-main/api/**'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'electron', message: 'api/ is shared by the CLI and the app: no electron here.' }],
        patterns: [{ group: ['**/cli/**', '**/electron/**'], message: 'api/ never imports the shells (DESIGN.md section 1).' }],
      }],
    },
  },
  {
    files: ['src-renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': ['error', {
        paths: [{ name: 'electron', message: 'The renderer talks only to window.airgap.' }],
        patterns: [{ group: ['**/src-main/core/**', '**/src-main/api/service*', '**/src-main/api/dispatch*', '**/src-main/cli/**', '**/src-main/electron/**', 'node:*'], message: 'The renderer may import only the api contract types; everything else goes through window.airgap.' }],
      }],
    },
  },
);
