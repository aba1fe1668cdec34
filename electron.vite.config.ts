import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';
import { CA_SCOPED_OPERATION_NAMES, OPERATION_NAMES } from './src-main/api/contract.ts';
import { metaContentSecurityPolicy } from './src-main/electron/content-security-policy.ts';

const root = import.meta.dirname;

// One nonce per build, shared by the <meta> CSP, the CSP header main.ts sends
// and the <meta property="csp-nonce"> emotion reads (content-security-policy.ts says why).
const styleNonce = randomBytes(18).toString('base64');

/** Writes the policy into index.html's <meta http-equiv="Content-Security-Policy" content="%AIRGAP_CSP%">. */
function cspMetaPlugin(devServerOrigin: string | null): Plugin {
  return {
    name: 'airgap-ca:csp-meta',
    transformIndexHtml: {
      order: 'pre',
      handler: (html) => {
        if (!html.includes('%AIRGAP_CSP%')) throw new Error('src-renderer/index.html lost its CSP <meta> placeholder (%AIRGAP_CSP%).');
        return html.replace('%AIRGAP_CSP%', metaContentSecurityPolicy({ styleNonce, devServerOrigin }));
      },
    },
  };
}

export default defineConfig(({ command }) => {
  // `electron-vite dev` serves the renderer from here; main.ts gets it as ELECTRON_RENDERER_URL.
  const devOrigin = command === 'serve' ? 'http://localhost:5173' : null;
  return {
    main: {
      build: {
        rolldownOptions: {
          input: {
            index: resolve(root, 'src-main/electron/main.ts'),
            // Batch issuance runs on worker threads; the worker is its own entry so main can point at it.
            'batch-issuance-worker': resolve(root, 'src-main/core/issuance/batch-issuance-worker.ts'),
          },
          // Native module with N-API prebuilds: loaded from node_modules at run time, never bundled.
          external: ['better-sqlite3-multiple-ciphers'],
        },
      },
      define: {
        __AIRGAP_STYLE_NONCE__: JSON.stringify(styleNonce),
      },
    },
    preload: {
      build: {
        // Sandboxed preloads run as CommonJS in a restricted context: no ESM, no
        // require() of node_modules, so everything is bundled into one file.
        externalizeDeps: false,
        rolldownOptions: {
          input: { index: resolve(root, 'src-main/electron/preload.ts') },
          output: { format: 'cjs', entryFileNames: '[name].cjs' },
        },
      },
      define: {
        // The operation names, taken from the contract at build time, so the
        // preload bundle carries no zod schemas (window.airgap is built from these).
        __AIRGAP_OPERATION_NAMES__: JSON.stringify(OPERATION_NAMES),
      },
    },
    renderer: {
      root: resolve(root, 'src-renderer'),
      base: './',
      html: { cspNonce: styleNonce },
      define: {
        // The operations of one CA, from the contract at build time: the console adds the CA it shows
        // to exactly these calls, as the CLI adds --ca (src-renderer/src/api.ts).
        __AIRGAP_CA_SCOPED_OPERATIONS__: JSON.stringify(CA_SCOPED_OPERATION_NAMES),
      },
      build: {
        outDir: resolve(root, 'out/renderer'),
        // A smaller bundle parses faster at every start; sources stay readable in the repo.
        minify: true,
        rolldownOptions: { input: { index: resolve(root, 'src-renderer/index.html') } },
      },
      plugins: [
        react(),
        cspMetaPlugin(devOrigin),
      ],
      server: command === 'serve' ? { strictPort: true, port: 5173 } : undefined,
    },
  };
});
