import { randomBytes } from 'node:crypto';
import { copyFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../../tests/support/tempVault';
import { VaultDatabase, useNativeBinding } from './database';

// Electron's main process hands core the driver's addon built for Electron's ABI
// (scripts/electron-native.mjs). Electron cannot run here, so this proves the plumbing: the
// addon named is the one loaded.

let temp: ReturnType<typeof tempDir>;
beforeEach(() => {
  temp = tempDir();
});
afterEach(() => {
  temp.cleanup();
});

describe('useNativeBinding', () => {
  it('opens vaults with the addon it names, and fails with one that does not exist', async () => {
    const npmBuilt = join(
      dirname(createRequire(import.meta.url).resolve('better-sqlite3-multiple-ciphers/package.json')),
      'build',
      'Release',
      'better_sqlite3.node',
    );
    useNativeBinding(join(temp.dir, 'missing', 'better_sqlite3.node'));
    expect(() => VaultDatabase.open(join(temp.dir, 'a.db'), randomBytes(32))).toThrow(/Cannot find module|no such file/i);
    const copy = join(temp.dir, 'electron-abi-stand-in.node');
    copyFileSync(npmBuilt, copy);
    useNativeBinding(copy);
    const database = VaultDatabase.open(join(temp.dir, 'b.db'), randomBytes(32));
    expect(await database.read((db) => db.get('SELECT 1 AS one'))).toEqual({ one: 1 });
    await database.close();
  });
});
