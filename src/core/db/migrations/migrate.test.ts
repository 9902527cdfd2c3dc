import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../../../tests/support/tempVault';
import type { VaultUpgrade } from '../../../shared/vault/vaultUpgrade';
import { VaultDatabase } from '../database';
import { m0010Initial } from './m0010_initial';
import { MIGRATIONS, SCHEMA_VERSION, migrate } from './migrate';

let temp: ReturnType<typeof tempDir>;
beforeEach(() => {
  temp = tempDir();
});
afterEach(() => {
  temp.cleanup();
});

function freshDb() {
  return VaultDatabase.open(join(temp.dir, 'v.db'), randomBytes(32));
}

describe('migrations', () => {
  it('are numbered in steps of 10 and strictly increasing', () => {
    MIGRATIONS.forEach((m, i) => {
      expect(m.version).toBe((i + 1) * 10);
    });
  });

  it('m0010 creates STRICT tables and append-only triggers, and sets user_version', async () => {
    const db = freshDb();
    try {
      expect(await migrate(db, [m0010Initial])).toEqual({ from: 0, to: 10 });
      const tables = await db.read((r) => r.all<{ name: string; sql: string }>("SELECT name, sql FROM sqlite_master WHERE type = 'table'"));
      for (const table of tables) expect(table.sql, table.name).toMatch(/STRICT$/);
      const triggers = await db.read((r) => r.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name"));
      expect(triggers.map((t) => t.name)).toEqual(['audit_log_no_delete', 'audit_log_no_update', 'checkpoints_no_delete', 'checkpoints_no_update']);
      await expect(
        db.transaction((tx) => tx.run("INSERT INTO users (id, name, kind, role, created_at) VALUES ('u', 'n', 'person', 'superuser', 'now')")),
      ).rejects.toThrow(/CHECK constraint/);
      // Idempotent.
      expect(await migrate(db, [m0010Initial])).toEqual({ from: 10, to: 10 });
    } finally {
      await db.close();
    }
  });

  it('m0020 keeps record versions immutable: only retiring the current version is allowed', async () => {
    const db = freshDb();
    try {
      expect(await migrate(db)).toEqual({ from: 0, to: SCHEMA_VERSION });
      const insert = "INSERT INTO courses (course_id, version, current, code, title, recorded_at, recorded_by) VALUES ('c1', ?, ?, 'BBP', ?, 'now', 'alice')";
      await db.transaction((tx) => tx.run(insert, [1, 1, 'Bloodborne pathogens']));
      await expect(db.transaction((tx) => tx.run("UPDATE courses SET title = 'Renamed' WHERE course_id = 'c1'"))).rejects.toThrow(/immutable/);
      await expect(db.transaction((tx) => tx.run(insert, [2, 1, 'Two current versions']))).rejects.toThrow(/UNIQUE/);
      await db.transaction((tx) => {
        tx.run("UPDATE courses SET current = 0 WHERE course_id = 'c1' AND current = 1");
        tx.run(insert, [2, 1, 'Bloodborne pathogens (2025)']);
      });
      await expect(db.transaction((tx) => tx.run('UPDATE courses SET current = 1 WHERE version = 1'))).rejects.toThrow(/immutable/);
      await expect(db.transaction((tx) => tx.run('DELETE FROM courses WHERE version = 1'))).rejects.toThrow(/never deleted/);
      const versions = await db.read((r) =>
        r.all<{ version: number; current: number; title: string }>('SELECT version, current, title FROM courses ORDER BY version'),
      );
      expect(versions).toEqual([
        { version: 1, current: 0, title: 'Bloodborne pathogens' },
        { version: 2, current: 1, title: 'Bloodborne pathogens (2025)' },
      ]);
    } finally {
      await db.close();
    }
  });

  it('m0040 upgrades a version-30 database: imports keep their rows and may now be certifications', async () => {
    const db = freshDb();
    try {
      expect(
        await migrate(
          db,
          MIGRATIONS.filter((m) => m.version <= 30),
        ),
      ).toEqual({ from: 0, to: 30 });
      const insert =
        "INSERT INTO imports (id, file_sha256, file_name, kind, rows, inserted, updated, unchanged, invalid, imported_at, imported_by) VALUES (?, 'ab', ?, ?, 3, 3, 0, 0, 0, '2025-01-01T00:00:00Z', 'alice')";
      await db.transaction((tx) => {
        tx.run(insert, ['i1', 'hris.csv', 'roster']);
        tx.run(insert, ['i2', 'moodle.csv', 'completions']);
      });
      await expect(db.transaction((tx) => tx.run(insert, ['i3', 'licences.csv', 'certifications']))).rejects.toThrow(/CHECK constraint/);

      expect(
        await migrate(
          db,
          MIGRATIONS.filter((m) => m.version <= 40),
        ),
      ).toEqual({ from: 30, to: 40 });
      const rows = await db.read((r) => r.all<{ id: string; file_name: string; kind: string }>('SELECT id, file_name, kind FROM imports ORDER BY id'));
      expect(rows).toEqual([
        { id: 'i1', file_name: 'hris.csv', kind: 'roster' },
        { id: 'i2', file_name: 'moodle.csv', kind: 'completions' },
      ]);
      await db.transaction((tx) => tx.run(insert, ['i3', 'licences.csv', 'certifications']));
      await expect(db.transaction((tx) => tx.run(insert, ['i4', 'x.csv', 'evidence']))).rejects.toThrow(/CHECK constraint/);
      const schema = await db.read((r) =>
        r.all<{ name: string; sql: string }>("SELECT name, sql FROM sqlite_master WHERE name LIKE 'imports%' OR name = 'certifications_current_person'"),
      );
      expect(schema.map((t) => t.name).sort()).toEqual(['certifications_current_person', 'imports']);
      expect(schema.find((t) => t.name === 'imports')?.sql).toMatch(/STRICT$/);
      expect(await db.read((r) => r.get<{ user_version: number }>('PRAGMA user_version'))).toEqual({ user_version: 40 });
    } finally {
      await db.close();
    }
  });

  it('m0080 moves version-70 completions to compact rows: every column reads back the same, and the versioning rules still hold', async () => {
    const db = freshDb();
    try {
      await migrate(
        db,
        MIGRATIONS.filter((m) => m.version <= 70),
      );
      const person =
        "INSERT INTO people (person_id, version, current, given_name, family_name, recorded_at, recorded_by) VALUES (?, ?, ?, 'G', 'F', ?, 'alice')";
      const course = "INSERT INTO courses (course_id, version, current, code, title, recorded_at, recorded_by) VALUES (?, 1, 1, ?, 'T', 'now', 'alice')";
      const completion = `INSERT INTO completions (completion_id, version, current, person_id, course_id, completed_on, score, passed, expires_on, trainer, delivery_method,
        certificate_number, recorded_at, recorded_by, reason, source_sha256, source_row) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;
      const sha = 'ab'.repeat(32);
      await db.transaction((tx) => {
        tx.run(person, ['p1', 1, 0, 't1']);
        tx.run(person, ['p1', 2, 1, 't2']);
        tx.run(person, ['p2', 1, 1, 't1']);
        tx.run(course, ['k1', 'BBP']);
        tx.run(course, ['k2', 'HIPAA']);
        tx.run(completion, ['c1', 1, 0, 'p1', 'k1', '2024-01-02', 81.5, 1, '2025-01-02', 'Dr Ä', 'online', 'N-1', 't1', 'alice', null, sha, 2]);
        tx.run(completion, ['c1', 2, 1, 'p1', 'k1', '2024-01-02', 90, 1, null, null, null, null, 't2', 'bob', 'corrected by import', sha, 7]);
        tx.run(completion, ['c2', 1, 1, 'p2', 'k2', '2023-05-06', null, null, null, null, null, null, 't1', 'alice', 'manual', null, null]);
      });
      const before = await db.read((r) => r.all('SELECT * FROM completions ORDER BY row_id'));
      expect(before).toHaveLength(3);

      expect(await migrate(db)).toEqual({ from: 70, to: SCHEMA_VERSION });
      // The dropped table's pages were reclaimed: the integrity check reads every page there is.
      expect(await db.read((r) => r.get('PRAGMA freelist_count'))).toEqual({ freelist_count: 0 });
      expect(await db.read((r) => r.all('SELECT * FROM completions ORDER BY row_id'))).toEqual(before);
      const stored = await db.read((r) => r.all('SELECT row_id, person_key, course_key, write_id FROM completion_versions ORDER BY row_id'));
      // Keys are the first versions' row ids (p1's first row is 1, p2's 3; k1 1, k2 2); three distinct writes.
      expect(stored).toEqual([
        { row_id: 1, person_key: 1, course_key: 1, write_id: 1 },
        { row_id: 2, person_key: 1, course_key: 1, write_id: 2 },
        { row_id: 3, person_key: 3, course_key: 2, write_id: 3 },
      ]);

      // Through the view as through the table: retire only, never delete, one current version.
      await expect(db.transaction((tx) => tx.run("UPDATE completions SET score = 1 WHERE completion_id = 'c2'"))).rejects.toThrow(/immutable/);
      await expect(db.transaction((tx) => tx.run("UPDATE completion_versions SET score = 1 WHERE completion_id = 'c2'"))).rejects.toThrow(/immutable/);
      await expect(db.transaction((tx) => tx.run('UPDATE completions SET current = 1 WHERE row_id = 1'))).rejects.toThrow(/immutable/);
      await expect(db.transaction((tx) => tx.run("DELETE FROM completions WHERE completion_id = 'c1'"))).rejects.toThrow(/never deleted/);
      await expect(db.transaction((tx) => tx.run("DELETE FROM completion_versions WHERE completion_id = 'c1'"))).rejects.toThrow(/never deleted/);
      // Provenance moved out of the rows stays as fixed as it was in them.
      await expect(db.transaction((tx) => tx.run("UPDATE record_writes SET recorded_by = 'mallory', recorded_at = '1999-01-01'"))).rejects.toThrow(/immutable/);
      await expect(db.transaction((tx) => tx.run('DELETE FROM record_writes'))).rejects.toThrow(/never deleted/);
      const again = ['c2', 2, 1, 'p2', 'k2', '2023-05-07', null, null, null, null, null, null, 't3', 'alice', null, null, null];
      await expect(db.transaction((tx) => tx.run(completion, again))).rejects.toThrow(/one current version/);
      await expect(
        db.transaction((tx) =>
          tx.run(completion, ['c3', 1, 1, 'nobody', 'k2', '2023-05-07', null, null, null, null, null, null, 't3', 'alice', null, null, null]),
        ),
      ).rejects.toThrow(/NOT NULL/);
      await db.transaction((tx) => {
        tx.run('UPDATE completions SET current = 0 WHERE row_id = 3');
        tx.run(completion, again);
      });
      const c2 = await db.read((r) =>
        r.all("SELECT version, current, completed_on, recorded_at, source_sha256 FROM completions WHERE completion_id = 'c2' ORDER BY version"),
      );
      expect(c2).toEqual([
        { version: 1, current: 0, completed_on: '2023-05-06', recorded_at: 't1', source_sha256: null },
        { version: 2, current: 1, completed_on: '2023-05-07', recorded_at: 't3', source_sha256: null },
      ]);
      // A write already known (t3, alice, no file) is found again rather than repeated.
      expect(await db.read((r) => r.get('SELECT count(*) AS n FROM record_writes'))).toEqual({ n: 4 });
      await db.transaction((tx) =>
        tx.run(completion, ['c4', 1, 1, 'p1', 'k2', '2023-05-07', null, null, null, null, null, null, 't3', 'alice', null, null, null]),
      );
      expect(await db.read((r) => r.get('SELECT count(*) AS n FROM record_writes'))).toEqual({ n: 4 });
    } finally {
      await db.close();
    }
  });

  it('applies all steps in one transaction: a failing step leaves nothing behind', async () => {
    const db = freshDb();
    try {
      const broken = [
        ...MIGRATIONS,
        {
          version: 9990,
          name: 'broken',
          up: (tx: Parameters<(typeof MIGRATIONS)[number]['up']>[0]) => tx.exec('CREATE TABLE oops (x) STRICT; SELECT nonsense FROM nowhere;'),
        },
      ];
      await expect(migrate(db, broken)).rejects.toThrow();
      const version = await db.read((r) => r.get<{ user_version: number }>('PRAGMA user_version'));
      expect(version?.user_version).toBe(0);
      expect(await db.read((r) => r.all("SELECT name FROM sqlite_master WHERE type = 'table'"))).toEqual([]);
    } finally {
      await db.close();
    }
  });

  it('reports each step before it runs, in order, then the reclaim when a step freed pages; nothing when already current', async () => {
    const db = freshDb();
    try {
      await migrate(db, MIGRATIONS.slice(0, 7));
      // A table for a last (test-only) step to drop: the pages it frees are reclaimed after.
      await db.transaction((tx) =>
        tx.exec(
          "CREATE TABLE filler (x TEXT) STRICT; WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000) INSERT INTO filler SELECT printf('%0500d', i) FROM n;",
        ),
      );
      const withDrop = [
        ...MIGRATIONS,
        { version: SCHEMA_VERSION + 10, name: 'drop filler', up: (tx: Parameters<(typeof MIGRATIONS)[number]['up']>[0]) => tx.exec('DROP TABLE filler') },
      ];
      // Reports and step runs in one list, so "before it runs" is what is checked.
      const events: string[] = [];
      const reported: VaultUpgrade[] = [];
      const observed = withDrop.map((migration) => ({
        ...migration,
        up: (tx: Parameters<typeof migration.up>[0]) => {
          events.push(`ran ${String(migration.version)} at schema ${String(tx.get<{ user_version: number }>('PRAGMA user_version')?.user_version)}`);
          migration.up(tx);
        },
      }));
      await migrate(db, observed, (upgrade) => {
        reported.push(upgrade);
        events.push(`${upgrade.phase} ${String(upgrade.step)}/${String(upgrade.steps)} ${upgrade.name}`);
      });
      const pending = withDrop.slice(7);
      expect(events).toEqual([
        ...pending.flatMap((migration, index) => [
          `migrating ${String(index + 1)}/${String(pending.length)} ${migration.name}`,
          `ran ${String(migration.version)} at schema ${String(migration.version - 10)}`,
        ]),
        `compacting ${String(pending.length)}/${String(pending.length)} reclaim free space`,
      ]);
      for (const upgrade of reported) expect(upgrade).toMatchObject({ fromVersion: 70, toVersion: SCHEMA_VERSION + 10, startedAt: reported[0]?.startedAt });
      expect(await db.read((r) => r.get<{ n: number }>('SELECT freelist_count AS n FROM pragma_freelist_count')?.n)).toBe(0);
      const again: VaultUpgrade[] = [];
      await migrate(db, withDrop, (upgrade) => again.push(upgrade));
      expect(again).toEqual([]);
    } finally {
      await db.close();
    }
  });

  it('reports no reclaim when no step freed a page', async () => {
    const db = freshDb();
    try {
      await migrate(db, MIGRATIONS.slice(0, 8));
      const phases: string[] = [];
      // Migrations after 80 only add tables, indexes and triggers.
      await migrate(db, MIGRATIONS, (upgrade) => phases.push(upgrade.phase));
      expect(phases).toEqual(MIGRATIONS.slice(8).map(() => 'migrating'));
    } finally {
      await db.close();
    }
  });

  it('refuses a database newer than the code', async () => {
    const db = freshDb();
    try {
      await db.transaction((tx) => tx.exec(`PRAGMA user_version = ${String(SCHEMA_VERSION + 10)}`));
      await expect(migrate(db)).rejects.toMatchObject({ code: 'unsupported_version' });
    } finally {
      await db.close();
    }
  });
});
