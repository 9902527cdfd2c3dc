// The process boundaries of STYLE.md, as lint rules. Kept in its own module so that
// tests/lint/boundaries.test.ts can prove the rules fire on a forbidden import.
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

const layers = ['shared', 'core', 'main', 'preload', 'renderer', 'cli'];

/** Which layers each layer may import from (besides itself). */
const allowed = {
  shared: [],
  core: ['shared'],
  main: ['shared', 'core'],
  preload: ['shared'],
  renderer: ['shared'],
  cli: ['shared', 'core'],
};

const zones = layers.flatMap((target) =>
  layers
    .filter((from) => from !== target && !allowed[target].includes(from))
    .map((from) => ({
      target: `./src/${target}`,
      from: `./src/${from}`,
      message: `src/${target} may not import src/${from} (see STYLE.md, "Layout shows the process boundary").`,
    })),
);

const noElectron = {
  paths: [{ name: 'electron', message: 'Only src/main and src/preload may import electron.' }],
  patterns: [{ group: ['electron/*'], message: 'Only src/main and src/preload may import electron.' }],
};

export const boundaries = [
  {
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [
        createTypeScriptImportResolver({
          project: ['tsconfig.node.json', 'tsconfig.web.json', 'tsconfig.e2e.json'],
          noWarnOnMultipleProjects: true,
        }),
      ],
    },
    rules: {
      'import-x/no-restricted-paths': ['error', { zones }],
    },
  },
  {
    // Pure TypeScript and the sandboxed renderer/preload: no Node built-ins.
    files: ['src/shared/**', 'src/renderer/**', 'src/preload/**'],
    rules: { 'import-x/no-nodejs-modules': 'error' },
  },
  {
    files: ['src/shared/**', 'src/renderer/**', 'src/core/**', 'src/cli/**'],
    rules: { 'no-restricted-imports': ['error', noElectron] },
  },
];
