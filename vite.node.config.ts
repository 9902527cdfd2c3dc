import { builtinModules } from 'node:module';
import { resolve } from 'node:path';
import { defineConfig } from 'vite';
import pkg from './package.json' with { type: 'json' };

// Node programs outside Electron: the `custodian` CLI, the browser-test harness and the
// benchmarks. Runtime dependencies stay external (resolved from node_modules); our own code
// (shared + core) is bundled.
const external = [...builtinModules, ...builtinModules.map((name) => `node:${name}`), ...Object.keys(pkg.dependencies), ...Object.keys(pkg.devDependencies)];

export default defineConfig({
  build: {
    ssr: true,
    outDir: 'out',
    emptyOutDir: false,
    target: 'node20',
    sourcemap: true,
    rolldownOptions: {
      input: {
        'cli/custodian': resolve('src/cli/main.ts'),
        'harness/server': resolve('tests/harness/main.ts'),
        'core/coreWorker': resolve('src/core/host/coreWorker.ts'),
        'bench/run': resolve('bench/run.ts'),
        'test-support/crashChild': resolve('tests/support/crashChild.ts'),
      },
      external: (id) => external.some((name) => id === name || id.startsWith(`${name}/`)),
      output: { format: 'es', entryFileNames: '[name].js', chunkFileNames: 'node-chunks/[name]-[hash].js' },
    },
  },
});
