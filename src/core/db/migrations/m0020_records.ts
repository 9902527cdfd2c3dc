import type { Migration } from './migration';
import { versionedTableSql } from './versionedTable';

const PROVENANCE = `
  recorded_at TEXT NOT NULL,
  recorded_by TEXT NOT NULL,
  reason TEXT,
  source_sha256 TEXT,
  source_row INTEGER
`;

/**
 * Training records: people, org units, job roles, courses, completions, certifications, links
 * from evidence to them, and the imports they came from. Record tables are versioned (see
 * versionedTable.ts). Dates are ISO 8601 text (YYYY-MM-DD); data classes live in
 * src/shared/records/dataClasses.ts.
 */
export const m0020Records: Migration = {
  version: 20,
  name: 'records',
  up: (db) => {
    db.exec(`
      CREATE TABLE org_units (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        created_at TEXT NOT NULL
      ) STRICT;

      CREATE TABLE job_roles (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        created_at TEXT NOT NULL
      ) STRICT;

      CREATE TABLE people (
        row_id INTEGER PRIMARY KEY,
        person_id TEXT NOT NULL,
        version INTEGER NOT NULL CHECK (version >= 1),
        current INTEGER NOT NULL CHECK (current IN (0, 1)),
        employee_id TEXT,
        given_name TEXT NOT NULL,
        family_name TEXT NOT NULL,
        email TEXT,
        date_of_birth TEXT,
        site TEXT,
        org_unit_id TEXT REFERENCES org_units (id),
        job_role_id TEXT REFERENCES job_roles (id),
        manager_employee_id TEXT,
        hire_date TEXT,
        termination_date TEXT,
        -- "family given", lower case, diacritics removed: SQLite's NOCASE folds ASCII only, and
        -- Álvarez must sort with the A's.
        sort_name TEXT,
        ${PROVENANCE},
        UNIQUE (person_id, version)
      ) STRICT;
      CREATE INDEX people_current_sort ON people (sort_name) WHERE current = 1;
      CREATE UNIQUE INDEX people_current_employee ON people (employee_id) WHERE current = 1 AND employee_id IS NOT NULL;
      CREATE INDEX people_current_email ON people (lower(email)) WHERE current = 1;

      CREATE TABLE courses (
        row_id INTEGER PRIMARY KEY,
        course_id TEXT NOT NULL,
        version INTEGER NOT NULL CHECK (version >= 1),
        current INTEGER NOT NULL CHECK (current IN (0, 1)),
        code TEXT NOT NULL,
        title TEXT NOT NULL,
        course_version TEXT,
        provider TEXT,
        hours REAL,
        pass_mark REAL,
        ${PROVENANCE},
        UNIQUE (course_id, version)
      ) STRICT;
      CREATE UNIQUE INDEX courses_current_code ON courses (code COLLATE NOCASE) WHERE current = 1;

      CREATE TABLE completions (
        row_id INTEGER PRIMARY KEY,
        completion_id TEXT NOT NULL,
        version INTEGER NOT NULL CHECK (version >= 1),
        current INTEGER NOT NULL CHECK (current IN (0, 1)),
        person_id TEXT NOT NULL,
        course_id TEXT NOT NULL,
        completed_on TEXT NOT NULL,
        score REAL,
        passed INTEGER CHECK (passed IN (0, 1)),
        expires_on TEXT,
        trainer TEXT,
        delivery_method TEXT,
        certificate_number TEXT,
        ${PROVENANCE},
        UNIQUE (completion_id, version)
      ) STRICT;
      -- The natural key an import matches on: the same person, course and day is one completion.
      CREATE UNIQUE INDEX completions_current_key ON completions (person_id, course_id, completed_on) WHERE current = 1;

      CREATE TABLE certifications (
        row_id INTEGER PRIMARY KEY,
        certification_id TEXT NOT NULL,
        version INTEGER NOT NULL CHECK (version >= 1),
        current INTEGER NOT NULL CHECK (current IN (0, 1)),
        person_id TEXT NOT NULL,
        name TEXT NOT NULL,
        number TEXT,
        issued_on TEXT,
        expires_on TEXT,
        issuer TEXT,
        ${PROVENANCE},
        UNIQUE (certification_id, version)
      ) STRICT;

      CREATE TABLE evidence_links (
        evidence_id TEXT NOT NULL REFERENCES evidence (id) ON DELETE CASCADE,
        target_kind TEXT NOT NULL CHECK (target_kind IN ('person', 'completion', 'certification', 'requirement')),
        target_id TEXT NOT NULL,
        linked_at TEXT NOT NULL,
        PRIMARY KEY (evidence_id, target_kind, target_id)
      ) STRICT;

      CREATE TABLE imports (
        id TEXT PRIMARY KEY,
        file_sha256 TEXT NOT NULL,
        file_name TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('roster', 'completions')),
        rows INTEGER NOT NULL,
        inserted INTEGER NOT NULL,
        updated INTEGER NOT NULL,
        unchanged INTEGER NOT NULL,
        invalid INTEGER NOT NULL,
        imported_at TEXT NOT NULL,
        imported_by TEXT NOT NULL
      ) STRICT;

      ${versionedTableSql('people', 'person_id', ['employee_id', 'given_name', 'family_name', 'email', 'date_of_birth', 'site', 'org_unit_id', 'job_role_id', 'manager_employee_id', 'hire_date', 'termination_date'])}
      ${versionedTableSql('courses', 'course_id', ['code', 'title', 'course_version', 'provider', 'hours', 'pass_mark'])}
      ${versionedTableSql('completions', 'completion_id', ['person_id', 'course_id', 'completed_on', 'score', 'passed', 'expires_on', 'trainer', 'delivery_method', 'certificate_number'])}
      ${versionedTableSql('certifications', 'certification_id', ['person_id', 'name', 'number', 'issued_on', 'expires_on', 'issuer'])}
    `);
  },
};
