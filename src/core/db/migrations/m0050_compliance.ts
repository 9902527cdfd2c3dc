import type { Migration } from './migration';
import { versionedTableSql } from './versionedTable';

/**
 * The compliance engine's data: frameworks enabled in this vault, their requirements (and the
 * officer's own), versioned like records so adapting a pack never overwrites, and reviews of
 * evidence (append-only; the latest review of a file is its state).
 *
 * A requirement's `rule` is the canonical JSON of a RequirementRule (src/core/compliance/
 * requirementRule.ts), validated when written and when read.
 */
export const m0050Compliance: Migration = {
  version: 50,
  name: 'compliance',
  up: (db) => {
    db.exec(`
      CREATE TABLE frameworks (
        id TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        pack_version TEXT,
        source TEXT,
        enabled INTEGER NOT NULL CHECK (enabled IN (0, 1)),
        changed_at TEXT NOT NULL,
        changed_by TEXT NOT NULL
      ) STRICT;

      CREATE TABLE requirements (
        row_id INTEGER PRIMARY KEY,
        requirement_id TEXT NOT NULL,
        version INTEGER NOT NULL CHECK (version >= 1),
        current INTEGER NOT NULL CHECK (current IN (0, 1)),
        framework_id TEXT NOT NULL REFERENCES frameworks (id),
        title TEXT NOT NULL,
        clause TEXT,
        summary TEXT,
        rule TEXT NOT NULL CHECK (json_valid(rule)),
        -- 'pack': as shipped; 'adapted': a pack requirement the officer changed; 'custom': the officer's own.
        origin TEXT NOT NULL CHECK (origin IN ('pack', 'adapted', 'custom')),
        -- Withdrawn requirements keep their versions; their last version says so.
        withdrawn INTEGER NOT NULL DEFAULT 0 CHECK (withdrawn IN (0, 1)),
        recorded_at TEXT NOT NULL,
        recorded_by TEXT NOT NULL,
        reason TEXT,
        source_sha256 TEXT,
        source_row INTEGER,
        UNIQUE (requirement_id, version)
      ) STRICT;
      ${versionedTableSql('requirements', 'requirement_id', ['framework_id', 'title', 'clause', 'summary', 'rule', 'origin', 'withdrawn'])}

      CREATE TABLE evidence_reviews (
        row_id INTEGER PRIMARY KEY,
        evidence_id TEXT NOT NULL REFERENCES evidence (id) ON DELETE CASCADE,
        state TEXT NOT NULL CHECK (state IN ('accepted', 'rejected')),
        reason TEXT,
        reviewed_by TEXT NOT NULL,
        reviewed_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX evidence_reviews_by_evidence ON evidence_reviews (evidence_id, row_id);
      CREATE TRIGGER evidence_reviews_no_update BEFORE UPDATE ON evidence_reviews
        BEGIN SELECT RAISE(ABORT, 'reviews are never changed: add a new review'); END;

      -- The engine finds a completion's evidence. (No new index on completions: each one slows
      -- every import of a million rows; the engine reads completions in one pass instead.)
      CREATE INDEX evidence_links_target ON evidence_links (target_kind, target_id);
    `);
  },
};
