import { resolve } from 'node:path';
import { defineConfig } from 'vite';

// The harness's stand-in for the preload: one classic script, loaded before the renderer,
// that defines `window.custodian` over the loopback bridge. Never shipped in the app.
export default defineConfig({
  build: {
    outDir: 'out/harness',
    emptyOutDir: false,
    target: 'chrome120',
    minify: false,
    lib: {
      entry: resolve('tests/harness/bridge.client.ts'),
      formats: ['iife'],
      name: 'custodianBridge',
      fileName: () => 'bridge.js',
    },
  },
});
