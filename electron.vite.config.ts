import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';
import { contentSecurityPolicyMeta } from './src/shared/csp';

/** Writes the renderer's CSP into index.html from the one definition in src/shared/csp.ts. */
function cspMeta(): Plugin {
  return {
    name: 'custodian-csp-meta',
    transformIndexHtml: {
      order: 'pre',
      handler: (html) =>
        html.replace(
          '<meta charset="UTF-8" />',
          `<meta charset="UTF-8" />\n    <meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicyMeta()}" />`,
        ),
    },
  };
}

// Three bundles: main (ESM, Node deps external; with core's worker as a second entry), preload (ONE CommonJS file with every
// dependency inlined, because a sandboxed preload can neither be an ES module nor require
// node_modules), renderer (static files served at app://custodian/).
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rolldownOptions: { input: { index: resolve('src/main/index.ts'), coreWorker: resolve('src/core/host/coreWorker.ts') } },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: resolve('src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'src/renderer',
    base: './',
    plugins: [react(), cspMeta()],
    build: {
      outDir: 'out/renderer',
      // No inline scripts or eval: the CSP allows 'self' only.
      modulePreload: { polyfill: false },
      rolldownOptions: { input: { index: resolve('src/renderer/index.html') } },
    },
  },
});
