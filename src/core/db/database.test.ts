import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../../tests/support/tempVault';
import { VaultDatabase } from './database';
import type { WritableDb } from './database';

let temp: ReturnType<typeof tempDir>;
beforeEach(() => {
  temp = tempDir();
});
afterEach(() => {
  temp.cleanup();
});

describe('VaultDatabase.open', () => {
  it('keeps temporary storage in memory (SQLCipher leaves temporary files unencrypted)', async () => {
    const database = await VaultDatabase.open(join(temp.dir, 'v.db'), randomBytes(32));
    expect(await database.read((db) => db.get('PRAGMA temp_store'))).toEqual({ temp_store: 2 });
    // The pragma only chooses among what the build allows: this build must not force files (0).
    const options = await database.read((db) => db.all<{ compile_options: string }>('PRAGMA compile_options'));
    expect(options.map((o) => o.compile_options)).toContainEqual(expect.stringMatching(/^TEMP_STORE=[23]$/));
    await database.close();
  });
});

describe('VaultDatabase.runCached', () => {
  it('reuses one statement within a transaction, reports a bad statement, and leaves nothing open at close', async () => {
    const database = await VaultDatabase.open(join(temp.dir, 'v.db'), randomBytes(32));
    await database.transaction((db) => db.exec('CREATE TABLE t (n INTEGER NOT NULL)'));
    const inserted = await database.transaction(async (db) => {
      // Issued together: the statement is prepared once and its runs queue on it.
      const runs = await Promise.all([1, 2, 3].map((n) => db.runCached('INSERT INTO t (n) VALUES (?)', [n])));
      await expect(db.runCached('INSERT INTO missing (n) VALUES (?)', [1])).rejects.toThrow(/no such table/);
      await expect(db.runCached('INSERT INTO t (n) VALUES (?)', [null])).rejects.toThrow(/NOT NULL/);
      await db.runCached('INSERT INTO t (n) VALUES (?)', [4]);
      return runs.map((r) => r.changes);
    });
    expect(inserted).toEqual([1, 1, 1]);
    expect(await database.read((db) => db.all('SELECT n FROM t ORDER BY n'))).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }]);
    // SQLite refuses to close a connection with statements not finalized: the transaction finalized them.
    await expect(database.close()).resolves.toBeUndefined();
  });

  it('waits for statements in flight before rolling back, so none lands afterwards in autocommit', async () => {
    const database = await VaultDatabase.open(join(temp.dir, 'v.db'), randomBytes(32));
    await database.transaction((db) => db.exec('CREATE TABLE t (n INTEGER NOT NULL)'));
    let late: Promise<unknown> = Promise.resolve();
    await expect(
      database.transaction((db) => {
        // Issued, not awaited (as a write pipeline's store may be when another batch fails).
        for (let n = 0; n < 20; n++) void db.runCached('INSERT INTO t (n) VALUES (?)', [n]).catch(() => undefined);
        late = db.runCached('INSERT INTO t (n) VALUES (?)', [99]);
        late.catch(() => undefined);
        return Promise.reject(new Error('a batch failed'));
      }),
    ).rejects.toThrow('a batch failed');
    await late;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await database.read((db) => db.all('SELECT n FROM t'))).toEqual([]);
    await database.close();
  });

  it('refuses a statement issued after its transaction ended', async () => {
    const database = await VaultDatabase.open(join(temp.dir, 'v.db'), randomBytes(32));
    await database.transaction((db) => db.exec('CREATE TABLE t (n INTEGER NOT NULL)'));
    let leaked: WritableDb | undefined;
    await database.transaction((db) => {
      leaked = db;
      return db.runCached('INSERT INTO t (n) VALUES (?)', [1]);
    });
    await expect(leaked?.runCached('INSERT INTO t (n) VALUES (?)', [2])).rejects.toThrow('the read or transaction it belongs to has ended');
    expect(await database.read((db) => db.all('SELECT n FROM t'))).toEqual([{ n: 1 }]);
    await database.close();
  });

  it('allCached reads ranges issued at once, in a read, and finalizes its statements when the read ends', async () => {
    const database = await VaultDatabase.open(join(temp.dir, 'v.db'), randomBytes(32));
    await database.transaction((db) => db.exec('CREATE TABLE t (n INTEGER NOT NULL); WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 100) INSERT INTO t SELECT n FROM s;'));
    const ranges = await database.read((db) =>
      Promise.all(
        [0, 25, 50, 75].map((from) => db.allCached<{ n: number }>('SELECT n FROM t WHERE n > ? AND n <= ? ORDER BY n', [from, from + 25]).then((rows) => rows.map((r) => r.n))),
      ),
    );
    expect(ranges.flat()).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    await expect(database.close()).resolves.toBeUndefined();
  });

  it('rolls back what cached statements wrote when the transaction fails', async () => {
    const database = await VaultDatabase.open(join(temp.dir, 'v.db'), randomBytes(32));
    await database.transaction((db) => db.exec('CREATE TABLE t (n INTEGER NOT NULL)'));
    await expect(
      database.transaction(async (db) => {
        await db.runCached('INSERT INTO t (n) VALUES (?)', [1]);
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(await database.read((db) => db.all('SELECT n FROM t'))).toEqual([]);
    await database.close();
  });
});
