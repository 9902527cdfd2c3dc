import type { Migration } from './migration';

/** The columns of the `completions` view, in the order the table had them (SELECT * keeps its shape). */
const VIEW_COLUMNS = [
  'row_id',
  'completion_id',
  'version',
  'current',
  'person_id',
  'course_id',
  'completed_on',
  'score',
  'passed',
  'expires_on',
  'trainer',
  'delivery_method',
  'certificate_number',
  'recorded_at',
  'recorded_by',
  'reason',
  'source_sha256',
  'source_row',
] as const;

/** Columns stored as they are in `completion_versions`. */
const STORED = [
  'completion_id',
  'version',
  'current',
  'completed_on',
  'score',
  'passed',
  'expires_on',
  'trainer',
  'delivery_method',
  'certificate_number',
  'reason',
  'source_row',
];

/**
 * Completions stored compactly: the table that grows by a row per completion holds no value
 * that every row repeats. Before, each version carried its person's and course's ids (36
 * characters each, again in both 82-byte index keys), the import file's SHA-256 as 64 hex
 * characters, the time and the user: measured 857 bytes of vault per imported completion, of
 * which the repeats were about 400.
 *
 * - `record_writes`: one row per write (an import, the demo, a manual change): when, by whom,
 *   from which file (SHA-256, '' for none). Versions point at it with `write_id`.
 * - `completion_versions`: the versions, with `person_key` and `course_key`, the row id of the
 *   person's and course's first version (`version = 1`). Record ids never change and versions
 *   are never deleted (versionedTable.ts), so that row names the record for ever; the indexes
 *   then hold small integers instead of two UUIDs.
 * - `completions`: a view with the table's old columns, so readers that want ids (and tests)
 *   read as before; INSTEAD OF triggers map writes through it (the demo, small writes) and
 *   keep the versioning rules (retire only, never delete). Hot paths (import, the compliance
 *   engine, lists and counts) read and write `completion_versions` directly.
 *
 * One index fewer: UNIQUE (completion_id) WHERE current = 1 is gone; UNIQUE (completion_id,
 * version) serves lookups by id, and a trigger refuses a second current version. The key and
 * attempts indexes keep their names (bulk imports drop and rebuild them by name).
 *
 * Hazard: a completion whose person or course has no row fails the migration (NOT NULL); no
 * writer has ever made one (people are matched before, courses inserted before, completions).
 */
export const m0080CompactCompletions: Migration = {
  version: 80,
  name: 'compact completions',
  up: (db) => {
    const orphans = db.get<{ n: number }>(
      `SELECT count(*) AS n FROM completions c
       WHERE NOT EXISTS (SELECT 1 FROM people p WHERE p.person_id = c.person_id AND p.version = 1)
          OR NOT EXISTS (SELECT 1 FROM courses k WHERE k.course_id = c.course_id AND k.version = 1)`,
    );
    if ((orphans?.n ?? 0) > 0) throw new Error(`${String(orphans?.n)} completion versions name a person or course the vault does not hold`);
    const unchanged = VIEW_COLUMNS.map((column) => `NEW.${column} IS OLD.${column}`).join(' AND ');
    db.exec(`
      CREATE TABLE record_writes (
        id INTEGER PRIMARY KEY,
        recorded_at TEXT NOT NULL,
        recorded_by TEXT NOT NULL,
        source_sha256 TEXT NOT NULL,
        UNIQUE (recorded_at, recorded_by, source_sha256)
      ) STRICT;

      -- Provenance is part of every version it names: as immutable as the versions.
      CREATE TRIGGER record_writes_immutable BEFORE UPDATE ON record_writes
        BEGIN SELECT RAISE(ABORT, 'record_writes are immutable'); END;
      CREATE TRIGGER record_writes_kept BEFORE DELETE ON record_writes
        BEGIN SELECT RAISE(ABORT, 'record_writes are never deleted'); END;

      CREATE TABLE completion_versions (
        row_id INTEGER PRIMARY KEY,
        completion_id TEXT NOT NULL,
        version INTEGER NOT NULL CHECK (version >= 1),
        current INTEGER NOT NULL CHECK (current IN (0, 1)),
        person_key INTEGER NOT NULL,
        course_key INTEGER NOT NULL,
        completed_on TEXT NOT NULL,
        score REAL,
        passed INTEGER CHECK (passed IN (0, 1)),
        expires_on TEXT,
        trainer TEXT,
        delivery_method TEXT,
        certificate_number TEXT,
        reason TEXT,
        write_id INTEGER NOT NULL REFERENCES record_writes (id),
        source_row INTEGER,
        UNIQUE (completion_id, version)
      ) STRICT;

      INSERT INTO record_writes (recorded_at, recorded_by, source_sha256)
        SELECT recorded_at, recorded_by, coalesce(source_sha256, '') FROM completions GROUP BY 1, 2, 3 ORDER BY min(row_id);

      INSERT INTO completion_versions (row_id, ${STORED.join(', ')}, person_key, course_key, write_id)
        SELECT c.row_id, ${STORED.map((column) => `c.${column}`).join(', ')},
          (SELECT p.row_id FROM people p WHERE p.person_id = c.person_id AND p.version = 1),
          (SELECT k.row_id FROM courses k WHERE k.course_id = c.course_id AND k.version = 1),
          (SELECT w.id FROM record_writes w WHERE w.recorded_at = c.recorded_at AND w.recorded_by = c.recorded_by AND w.source_sha256 = coalesce(c.source_sha256, ''))
        FROM completions c ORDER BY c.row_id;

      DROP TABLE completions;

      -- The natural key an import matches on: the same person, course and day is one completion.
      CREATE UNIQUE INDEX completions_current_key ON completion_versions (person_key, course_key, completed_on) WHERE current = 1;
      -- The compliance engine's covering index (migration 70): every column it reads.
      CREATE INDEX completions_current_attempts
        ON completion_versions (person_key, course_key, completed_on, passed, score, expires_on) WHERE current = 1;

      CREATE TRIGGER completion_versions_one_current BEFORE INSERT ON completion_versions
        WHEN NEW.current = 1 AND EXISTS (SELECT 1 FROM completion_versions WHERE completion_id = NEW.completion_id AND current = 1)
        BEGIN SELECT RAISE(ABORT, 'UNIQUE constraint failed: one current version per completion'); END;
      CREATE TRIGGER completion_versions_immutable BEFORE UPDATE ON completion_versions
        WHEN NOT (OLD.current = 1 AND NEW.current = 0 AND ${['row_id', 'completion_id', 'version', 'person_key', 'course_key', 'write_id', ...STORED.slice(3)].map((c) => `NEW.${c} IS OLD.${c}`).join(' AND ')})
        BEGIN SELECT RAISE(ABORT, 'completions versions are immutable: add a new version instead'); END;
      CREATE TRIGGER completion_versions_kept BEFORE DELETE ON completion_versions
        BEGIN SELECT RAISE(ABORT, 'completions versions are never deleted'); END;

      CREATE VIEW completions AS
        SELECT v.row_id, v.completion_id, v.version, v.current, p.person_id, k.course_id, v.completed_on, v.score, v.passed, v.expires_on,
               v.trainer, v.delivery_method, v.certificate_number, w.recorded_at, w.recorded_by, v.reason, nullif(w.source_sha256, '') AS source_sha256, v.source_row
        FROM completion_versions v
        JOIN people p ON p.row_id = v.person_key
        JOIN courses k ON k.row_id = v.course_key
        JOIN record_writes w ON w.id = v.write_id;

      CREATE TRIGGER completions_insert INSTEAD OF INSERT ON completions BEGIN
        INSERT OR IGNORE INTO record_writes (recorded_at, recorded_by, source_sha256) VALUES (NEW.recorded_at, NEW.recorded_by, coalesce(NEW.source_sha256, ''));
        INSERT INTO completion_versions (row_id, ${STORED.join(', ')}, person_key, course_key, write_id)
          VALUES (NEW.row_id, ${STORED.map((column) => `NEW.${column}`).join(', ')},
            (SELECT row_id FROM people WHERE person_id = NEW.person_id AND version = 1),
            (SELECT row_id FROM courses WHERE course_id = NEW.course_id AND version = 1),
            (SELECT id FROM record_writes WHERE recorded_at = NEW.recorded_at AND recorded_by = NEW.recorded_by AND source_sha256 = coalesce(NEW.source_sha256, '')));
      END;
      CREATE TRIGGER completions_retire INSTEAD OF UPDATE ON completions BEGIN
        SELECT RAISE(ABORT, 'completions versions are immutable: add a new version instead')
          WHERE NOT (OLD.current = 1 AND NEW.current = 0 AND ${unchanged.replace('NEW.current IS OLD.current AND ', '')});
        UPDATE completion_versions SET current = 0 WHERE row_id = OLD.row_id;
      END;
      CREATE TRIGGER completions_delete INSTEAD OF DELETE ON completions
        BEGIN SELECT RAISE(ABORT, 'completions versions are never deleted'); END;
    `);
  },
};
