import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

// Three bundles: main (ESM, Node deps external), preload (ONE CommonJS file with every
// dependency inlined, because a sandboxed preload can neither be an ES module nor require
// node_modules), renderer (static files served at app://custodian/).
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rolldownOptions: { input: { index: resolve('src/main/index.ts') } },
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
    plugins: [react()],
    build: {
      outDir: 'out/renderer',
      // No inline scripts or eval: the CSP allows 'self' only.
      modulePreload: { polyfill: false },
      rolldownOptions: { input: { index: resolve('src/renderer/index.html') } },
    },
  },
});
