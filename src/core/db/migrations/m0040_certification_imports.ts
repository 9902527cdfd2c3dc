import type { Migration } from './migration';

/**
 * Certification imports: `imports.kind` may now be 'certifications'. SQLite cannot alter a
 * CHECK constraint, so the table is rebuilt under a new name, its rows copied, and renamed
 * back (nothing else references `imports`). Also indexes current certifications by person,
 * which an import probes per person and the person page reads.
 */
export const m0040CertificationImports: Migration = {
  version: 40,
  name: 'certification imports',
  up: (db) => {
    db.exec(`
      CREATE TABLE imports_m0040 (
        id TEXT PRIMARY KEY,
        file_sha256 TEXT NOT NULL,
        file_name TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('roster', 'completions', 'certifications')),
        rows INTEGER NOT NULL,
        inserted INTEGER NOT NULL,
        updated INTEGER NOT NULL,
        unchanged INTEGER NOT NULL,
        invalid INTEGER NOT NULL,
        imported_at TEXT NOT NULL,
        imported_by TEXT NOT NULL
      ) STRICT;
      INSERT INTO imports_m0040 (id, file_sha256, file_name, kind, rows, inserted, updated, unchanged, invalid, imported_at, imported_by)
        SELECT id, file_sha256, file_name, kind, rows, inserted, updated, unchanged, invalid, imported_at, imported_by FROM imports;
      DROP TABLE imports;
      ALTER TABLE imports_m0040 RENAME TO imports;

      CREATE INDEX certifications_current_person ON certifications (person_id) WHERE current = 1;
    `);
  },
};
