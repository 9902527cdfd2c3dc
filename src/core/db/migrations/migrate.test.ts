import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../../../tests/support/tempVault';
import { VaultDatabase } from '../database';
import { MIGRATIONS, SCHEMA_VERSION, migrate } from './migrate';

let temp: ReturnType<typeof tempDir>;
beforeEach(() => {
  temp = tempDir();
});
afterEach(() => {
  temp.cleanup();
});

async function freshDb() {
  return VaultDatabase.open(join(temp.dir, 'v.db'), randomBytes(32));
}

describe('migrations', () => {
  it('are numbered in steps of 10 and strictly increasing', () => {
    MIGRATIONS.forEach((m, i) => {
      expect(m.version).toBe((i + 1) * 10);
    });
  });

  it('m0010 creates STRICT tables and append-only triggers, and sets user_version', async () => {
    const db = await freshDb();
    try {
      expect(await migrate(db)).toEqual({ from: 0, to: SCHEMA_VERSION });
      const tables = await db.read((r) => r.all<{ name: string; sql: string }>("SELECT name, sql FROM sqlite_master WHERE type = 'table'"));
      for (const table of tables) expect(table.sql, table.name).toMatch(/STRICT$/);
      const triggers = await db.read((r) => r.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name"));
      expect(triggers.map((t) => t.name)).toEqual(['audit_log_no_delete', 'audit_log_no_update', 'checkpoints_no_delete', 'checkpoints_no_update']);
      await expect(db.transaction((tx) => tx.run("INSERT INTO users (id, name, kind, role, created_at) VALUES ('u', 'n', 'person', 'superuser', 'now')"))).rejects.toThrow(
        /CHECK constraint/,
      );
      // Idempotent.
      expect(await migrate(db)).toEqual({ from: SCHEMA_VERSION, to: SCHEMA_VERSION });
    } finally {
      await db.close();
    }
  });

  it('applies all steps in one transaction: a failing step leaves nothing behind', async () => {
    const db = await freshDb();
    try {
      const broken = [...MIGRATIONS, { version: 9990, name: 'broken', up: (tx: Parameters<(typeof MIGRATIONS)[number]['up']>[0]) => tx.exec('CREATE TABLE oops (x) STRICT; SELECT nonsense FROM nowhere;') }];
      await expect(migrate(db, broken)).rejects.toThrow();
      const version = await db.read((r) => r.get<{ user_version: number }>('PRAGMA user_version'));
      expect(version?.user_version).toBe(0);
      expect(await db.read((r) => r.all("SELECT name FROM sqlite_master WHERE type = 'table'"))).toEqual([]);
    } finally {
      await db.close();
    }
  });

  it('refuses a database newer than the code', async () => {
    const db = await freshDb();
    try {
      await db.transaction((tx) => tx.exec(`PRAGMA user_version = ${String(SCHEMA_VERSION + 10)}`));
      await expect(migrate(db)).rejects.toMatchObject({ code: 'unsupported_version' });
    } finally {
      await db.close();
    }
  });
});
