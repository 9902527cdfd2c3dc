import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import { boundaries } from '../../eslint.boundaries.js';

// Proves the import matrix of STYLE.md is enforced: the same rule objects the repository's
// eslint.config.js uses are run over probe files placed (virtually) in each layer. Paths are
// resolved against the real tree, so `../../core/handlers` really is core.

const eslint = new ESLint({
  cwd: process.cwd(),
  overrideConfigFile: true,
  overrideConfig: [{ files: ['**/*.ts', '**/*.tsx'], languageOptions: { parser: tseslint.parser } }, ...boundaries],
});

async function ruleIds(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  if (!result) throw new Error('no lint result');
  const fatal = result.messages.filter((m) => m.fatal);
  if (fatal.length) throw new Error(fatal.map((m) => m.message).join('; '));
  return result.messages.map((m) => m.ruleId ?? 'unknown');
}

describe('import boundaries', () => {
  it.each([
    ['renderer imports node:fs', 'src/renderer/src/probe.tsx', "import { readFileSync } from 'node:fs';\nreadFileSync('x');", 'import-x/no-nodejs-modules'],
    ['renderer imports fs', 'src/renderer/src/probe.ts', "import fs from 'fs';\nvoid fs;", 'import-x/no-nodejs-modules'],
    ['renderer imports electron', 'src/renderer/src/probe.ts', "import { ipcRenderer } from 'electron';\nvoid ipcRenderer;", 'no-restricted-imports'],
    [
      'renderer imports core',
      'src/renderer/src/probe.ts',
      "import { createCoreHandlers } from '../../core/handlers';\nvoid createCoreHandlers;",
      'import-x/no-restricted-paths',
    ],
    ['renderer imports main', 'src/renderer/src/probe.ts', "import { log } from '../../main/log';\nvoid log;", 'import-x/no-restricted-paths'],
    ['core imports electron', 'src/core/probe.ts', "import { app } from 'electron';\nvoid app;", 'no-restricted-imports'],
    ['core imports main', 'src/core/probe.ts', "import { log } from '../main/log';\nvoid log;", 'import-x/no-restricted-paths'],
    ['shared imports node:crypto', 'src/shared/probe.ts', "import { randomBytes } from 'node:crypto';\nvoid randomBytes;", 'import-x/no-nodejs-modules'],
    ['shared imports core', 'src/shared/probe.ts', "import { APP_VERSION } from '../core/version';\nvoid APP_VERSION;", 'import-x/no-restricted-paths'],
    ['preload imports node:fs', 'src/preload/probe.ts', "import { readFileSync } from 'node:fs';\nvoid readFileSync;", 'import-x/no-nodejs-modules'],
    ['preload imports core', 'src/preload/probe.ts', "import { APP_VERSION } from '../core/version';\nvoid APP_VERSION;", 'import-x/no-restricted-paths'],
    ['cli imports electron', 'src/cli/probe.ts', "import { app } from 'electron';\nvoid app;", 'no-restricted-imports'],
  ])('fails when %s', async (_name, filePath, code, rule) => {
    expect(await ruleIds(filePath, code)).toContain(rule);
  });

  it.each([
    ['renderer imports shared', 'src/renderer/src/probe.ts', "import { contract } from '../../shared/ipc/contract';\nvoid contract;"],
    [
      'core imports shared and node',
      'src/core/probe.ts',
      "import { readFileSync } from 'node:fs';\nimport { contract } from '../shared/ipc/contract';\nvoid readFileSync; void contract;",
    ],
    [
      'main imports core and electron',
      'src/main/probe.ts',
      "import { app } from 'electron';\nimport { APP_VERSION } from '../core/version';\nvoid app; void APP_VERSION;",
    ],
    [
      'preload imports electron and shared',
      'src/preload/probe.ts',
      "import { contextBridge } from 'electron';\nimport { buildApi } from '../shared/ipc/api';\nvoid contextBridge; void buildApi;",
    ],
  ])('allows %s', async (_name, filePath, code) => {
    expect(await ruleIds(filePath, code)).toEqual([]);
  });
});

describe('the repository lint config', () => {
  it('rejects a renderer file importing node:fs (full config, type-aware)', async () => {
    const full = new ESLint({ cwd: process.cwd() });
    // An existing renderer file's path, with forbidden content: the project service lints the
    // given text, so the real config (not only the boundary module) is exercised.
    const [result] = await full.lintText("import { readFileSync } from 'node:fs';\nexport const read = readFileSync;\n", {
      filePath: 'src/renderer/src/App.tsx',
    });
    expect(result?.messages.map((m) => m.ruleId)).toContain('import-x/no-nodejs-modules');
  });
});
