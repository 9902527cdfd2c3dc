import { randomBytes } from 'node:crypto';
import { openSync, readFileSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../../tests/support/tempVault';
import { VaultDatabase } from './database';
import type { ReadableDb, WritableDb } from './database';

let temp: ReturnType<typeof tempDir>;
beforeEach(() => {
  temp = tempDir();
});
afterEach(() => {
  temp.cleanup();
});

function withTable(): VaultDatabase {
  const database = VaultDatabase.open(join(temp.dir, 'v.db'), randomBytes(32));
  return database;
}

describe('VaultDatabase.open', () => {
  it('keeps temporary storage in memory (temporary files are not encrypted)', async () => {
    const database = withTable();
    expect(await database.read((db) => db.get('PRAGMA temp_store'))).toEqual({ temp_store: 2 });
    await database.close();
  });

  it('writes SQLCipher 4 pages: no SQLite header, and a wrong key is refused as wrong_key', async () => {
    const file = join(temp.dir, 'v.db');
    const key = randomBytes(32);
    const database = VaultDatabase.open(file, key);
    await database.transaction((db) => {
      db.exec('CREATE TABLE t (secret TEXT NOT NULL)');
      db.run('INSERT INTO t (secret) VALUES (?)', ['plaintext marker 7f3a']);
    });
    await database.close();
    const bytes = readFileSync(file);
    expect(bytes.subarray(0, 16).toString('latin1')).not.toBe('SQLite format 3\0');
    expect(bytes.includes(Buffer.from('plaintext marker 7f3a'))).toBe(false);
    expect(() => VaultDatabase.open(file, randomBytes(32))).toThrow(expect.objectContaining({ code: 'wrong_key' }) as Error);
    const reopened = VaultDatabase.open(file, key);
    expect(await reopened.read((db) => db.all('SELECT secret FROM t'))).toEqual([{ secret: 'plaintext marker 7f3a' }]);
    await reopened.close();
  });
});

describe('read and write handles', () => {
  it('a read handle refuses a statement that writes, at run time as well as in the type', async () => {
    const database = withTable();
    await database.transaction((db) => {
      db.exec('CREATE TABLE t (n INTEGER NOT NULL)');
    });
    await expect(database.read((db) => db.all('INSERT INTO t (n) VALUES (1) RETURNING n'))).rejects.toThrow('a read handle cannot run a statement that writes');
    await expect(database.read((db) => db.get('DELETE FROM t RETURNING n'))).rejects.toThrow('a read handle cannot run a statement that writes');
    await database.read((db) => {
      // @ts-expect-error a ReadableDb has no run method
      expect(typeof db.run).toBe('undefined');
      // @ts-expect-error nor an exec method
      expect(typeof db.exec).toBe('undefined');
    });
    expect(await database.read((db) => db.all('SELECT n FROM t'))).toEqual([]);
    await database.close();
  });

  it('a read handle refuses pragmas that change the connection or the file, even those SQLite calls read-only', async () => {
    const database = withTable();
    for (const sql of [
      'PRAGMA optimize',
      'PRAGMA secure_delete = OFF',
      "PRAGMA key = 'x'",
      "PRAGMA cipher = 'chacha20'",
      'PRAGMA main.secure_delete=0',
      'pragma foreign_keys = off',
    ]) {
      await expect(
        database.read((db) => db.all(sql)),
        sql,
      ).rejects.toThrow('a read handle cannot run a statement that writes');
    }
    expect(await database.read((db) => db.get('PRAGMA user_version'))).toEqual({ user_version: 0 });
    await database.transaction((db) => {
      expect(db.get('PRAGMA secure_delete')).toEqual({ secure_delete: 1 });
      expect(db.get('PRAGMA foreign_keys')).toEqual({ foreign_keys: 1 });
    });
    await database.close();
  });

  it('refuses a read or transaction started from inside another, which would wait for itself forever', async () => {
    const database = withTable();
    await expect(database.transaction(() => database.read((db) => db.all('SELECT 1')))).rejects.toThrow('started inside another');
    await expect(
      database.read(async () => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        return database.transaction((db) => db.exec('SELECT 1'));
      }),
    ).rejects.toThrow('started inside another');
    // The connection is still usable, and closing does not hang.
    expect(await database.read((db) => db.get('SELECT 2 AS n'))).toEqual({ n: 2 });
    await database.close();
  });

  it('refuses a handle used after its read or transaction ended', async () => {
    const database = withTable();
    let leakedWriter: WritableDb | undefined;
    let leakedReader: ReadableDb | undefined;
    await database.transaction((db) => {
      leakedWriter = db;
      db.exec('CREATE TABLE t (n INTEGER NOT NULL)');
      db.run('INSERT INTO t (n) VALUES (?)', [1]);
    });
    await database.read((db) => {
      leakedReader = db;
    });
    expect(() => leakedWriter?.run('INSERT INTO t (n) VALUES (?)', [2])).toThrow('has ended');
    expect(() => leakedReader?.all('SELECT n FROM t')).toThrow('has ended');
    expect(await database.read((db) => db.all('SELECT n FROM t'))).toEqual([{ n: 1 }]);
    await database.close();
  });
});

describe('VaultDatabase.transaction', () => {
  it('rolls back everything when awaited work fails, and reports the statement error', async () => {
    const database = withTable();
    await database.transaction((db) => {
      db.exec('CREATE TABLE t (n INTEGER NOT NULL)');
    });
    await expect(
      database.transaction(async (db) => {
        db.run('INSERT INTO t (n) VALUES (?)', [1]);
        await new Promise((resolve) => setTimeout(resolve, 5));
        db.run('INSERT INTO t (n) VALUES (?)', [null]);
      }),
    ).rejects.toThrow(/NOT NULL/);
    expect(await database.read((db) => db.all('SELECT n FROM t'))).toEqual([]);
    await database.close();
  });

  it('lets nothing else run on the connection while a transaction awaits', async () => {
    const database = withTable();
    await database.transaction((db) => {
      db.exec('CREATE TABLE t (n INTEGER NOT NULL)');
    });
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const writing = database.transaction(async (db) => {
      db.run('INSERT INTO t (n) VALUES (1)');
      await gate;
      db.run('INSERT INTO t (n) VALUES (2)');
    });
    // Issued while the transaction is open: it must see both rows or neither, never one.
    const reading = database.read((db) => db.all<{ n: number }>('SELECT n FROM t ORDER BY n'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    release();
    await writing;
    expect((await reading).map((r) => r.n)).toEqual([1, 2]);
    await database.close();
  });

  it('binds numbered parameters (?1, ?2) from the array, reusing one value twice', async () => {
    const database = withTable();
    await database.transaction((db) => {
      db.exec('CREATE TABLE t (a TEXT NOT NULL, b TEXT NOT NULL)');
      db.run('INSERT INTO t (a, b) SELECT value, ?2 FROM json_each(?1)', ['["x","y"]', 'same']);
    });
    expect(await database.read((db) => db.all('SELECT a, b FROM t WHERE b = ?1 OR a = ?1 ORDER BY a', ['same']))).toEqual([
      { a: 'x', b: 'same' },
      { a: 'y', b: 'same' },
    ]);
    await database.close();
  });

  it('reuses prepared statements and still closes cleanly', async () => {
    const database = withTable();
    await database.transaction((db) => {
      db.exec('CREATE TABLE t (n INTEGER NOT NULL)');
      for (let n = 0; n < 1000; n++) db.run('INSERT INTO t (n) VALUES (?)', [n]);
    });
    expect(await database.read((db) => db.get('SELECT count(*) AS c, sum(n) AS s FROM t'))).toEqual({ c: 1000, s: 499500 });
    await expect(database.close()).resolves.toBeUndefined();
    await expect(database.read((db) => db.all('SELECT 1'))).rejects.toMatchObject({ code: 'vault_locked' });
  });
});

describe('integrity and copies', () => {
  it('checkIntegrity reports a flipped byte inside an encrypted page', async () => {
    const file = join(temp.dir, 'v.db');
    const key = randomBytes(32);
    const database = VaultDatabase.open(file, key);
    await database.transaction((db) => {
      db.exec('CREATE TABLE t (s TEXT NOT NULL)');
      for (let n = 0; n < 200; n++) db.run('INSERT INTO t (s) VALUES (?)', [`row ${String(n)} `.repeat(20)]);
    });
    expect(await database.checkIntegrity()).toBe('ok');
    await database.close();
    // Checkpoint the WAL into the file first, then flip one byte in the middle of page 3.
    const settle = VaultDatabase.open(file, key);
    await settle.close();
    const fd = openSync(file, 'r+');
    writeSync(fd, Buffer.from([0x5a]), 0, 1, 4096 * 2 + 1000);
    closeSync(fd);
    const damaged = VaultDatabase.open(file, key);
    expect(await damaged.checkIntegrity()).not.toBe('ok');
    await damaged.close();
  });

  it('rekey re-encrypts every page: the new key opens it, the old one no longer does', async () => {
    const file = join(temp.dir, 'v.db');
    const oldKey = randomBytes(32);
    const newKey = randomBytes(32);
    const database = VaultDatabase.open(file, oldKey);
    await database.transaction((db) => {
      db.exec('CREATE TABLE t (n INTEGER NOT NULL)');
      db.run('INSERT INTO t (n) VALUES (7)');
    });
    await database.rekey(newKey);
    // Still usable, and back in WAL mode, on the same connection.
    await database.transaction((db) => db.run('INSERT INTO t (n) VALUES (8)'));
    expect(await database.transaction((db) => db.get('PRAGMA journal_mode'))).toEqual({ journal_mode: 'wal' });
    await database.close();
    expect(() => VaultDatabase.open(file, oldKey)).toThrow(expect.objectContaining({ code: 'wrong_key' }) as Error);
    const reopened = VaultDatabase.open(file, newKey);
    expect(await reopened.read((db) => db.all('SELECT n FROM t ORDER BY n'))).toEqual([{ n: 7 }, { n: 8 }]);
    expect(await reopened.checkIntegrity()).toBe('ok');
    await reopened.close();
  });

  it('reclaimFreePages rebuilds a small file without its free pages, and leaves a file over the bound as it is', async () => {
    const database = VaultDatabase.open(join(temp.dir, 'v.db'), randomBytes(32));
    try {
      await database.transaction((db) => {
        db.exec('CREATE TABLE t (x BLOB NOT NULL)');
        for (let i = 0; i < 200; i++) db.run('INSERT INTO t (x) VALUES (?)', [randomBytes(1000)]);
        db.exec('DROP TABLE t');
      });
      const free = async () => (await database.read((db) => db.get<{ freelist_count: number }>('PRAGMA freelist_count')))?.freelist_count;
      const before = await free();
      expect(before).toBeGreaterThan(40);
      expect(await database.reclaimFreePages(4096)).toBe(0);
      expect(await free()).toBe(before);
      expect(await database.reclaimFreePages()).toBe(before);
      expect(await free()).toBe(0);
      expect(await database.checkIntegrity()).toBe('ok');
    } finally {
      await database.close();
    }
  });

  it('exportEncryptedCopy writes a copy that opens with the same key, schema version included', async () => {
    const key = randomBytes(32);
    const database = VaultDatabase.open(join(temp.dir, 'v.db'), key);
    await database.transaction((db) => {
      db.exec('CREATE TABLE t (n INTEGER NOT NULL); PRAGMA user_version = 70;');
      db.run('INSERT INTO t (n) VALUES (42)');
    });
    const copy = join(temp.dir, 'copy.db');
    await database.exportEncryptedCopy(copy);
    await expect(database.exportEncryptedCopy(copy)).rejects.toMatchObject({ code: 'conflict' });
    await database.close();
    expect(readFileSync(copy).includes(Buffer.from('SQLite format 3'))).toBe(false);
    const opened = VaultDatabase.open(copy, key);
    expect(await opened.read((db) => [db.get('PRAGMA user_version'), db.all('SELECT n FROM t')])).toEqual([{ user_version: 70 }, [{ n: 42 }]]);
    await opened.close();
  });
});
