import type { Migration } from './migration';

/**
 * Redacted versions of evidence.
 *
 * - `evidence.redacted_from`: a redacted version names the evidence it was made from. It is a
 *   file of its own (its own blob and age identity) but not evidence of anything by itself: it
 *   has no links, is not reviewed, is not listed apart from its original, and goes where the
 *   original would go outside the building (audit packets). Deleting the original deletes it.
 * - `evidence_redactions`: how it was made: the boxes per page, the reason codes, the DPI, which
 *   suggestion kinds were applied (never the matched text), whether words were kept as text.
 *   Who and when are the redacted version's `added_by` and `added_at`; the `evidence.redact`
 *   log entry carries a hash of this row.
 */
export const m0110Redaction: Migration = {
  version: 110,
  name: 'redaction',
  up: (db) => {
    db.exec(`
      ALTER TABLE evidence ADD COLUMN redacted_from TEXT REFERENCES evidence (id);
      CREATE INDEX evidence_redacted_from ON evidence (redacted_from) WHERE redacted_from IS NOT NULL;
      CREATE TABLE evidence_redactions (
        evidence_id TEXT PRIMARY KEY REFERENCES evidence (id) ON DELETE CASCADE,
        source_id TEXT NOT NULL,
        reasons TEXT NOT NULL CHECK (json_valid(reasons)),
        boxes TEXT NOT NULL CHECK (json_valid(boxes)),
        pages INTEGER NOT NULL,
        dpi INTEGER NOT NULL,
        applied TEXT NOT NULL CHECK (json_valid(applied)),
        kept_text INTEGER NOT NULL CHECK (kept_text IN (0, 1))
      ) STRICT;
    `);
  },
};
