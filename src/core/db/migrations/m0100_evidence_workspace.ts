import type { Migration } from './migration';

/**
 * The evidence workspace and electronic signatures (21 CFR 11).
 *
 * - `evidence.document_date`: the day the document speaks for (a certificate's training date),
 *   apart from `added_at`. Point-in-time status counts evidence from this date. Existing rows
 *   take their earliest linked completion's date, else a linked card's issue date, else the day
 *   they were added.
 * - `evidence.replaces`: a newer file that replaces an older one; the older one is then
 *   "superseded" and no longer counts.
 * - `users.full_name`: the printed name a signature shows (11.50(a)(1)).
 * - `evidence_reviews` gain the signature's manifestation (meaning, printed name) and an Ed25519
 *   signature by the signer's key over the evidence's SHA-256, its links and that manifestation
 *   (src/core/evidence/reviewSignature.ts). Rows from before carry none and say so.
 * - `vault_policies`: settings that bind every user of the vault; `no_self_review_roles` lists
 *   the roles that may not sign a review of evidence they added (the reviewer, by default);
 *   `unsigned_reviews_up_to` marks the reviews recorded before signatures, which still count.
 * - Reviews can no longer be deleted but with their evidence.
 */
export const m0100EvidenceWorkspace: Migration = {
  version: 100,
  name: 'evidence workspace',
  up: (db) => {
    db.exec(`
      ALTER TABLE evidence ADD COLUMN document_date TEXT;
      ALTER TABLE evidence ADD COLUMN replaces TEXT REFERENCES evidence (id) ON DELETE SET NULL;
      CREATE INDEX evidence_replaces ON evidence (replaces) WHERE replaces IS NOT NULL;
      ALTER TABLE users ADD COLUMN full_name TEXT;

      ALTER TABLE evidence_reviews ADD COLUMN meaning TEXT CHECK (meaning IN ('reviewed', 'approved', 'rejected'));
      ALTER TABLE evidence_reviews ADD COLUMN printed_name TEXT;
      ALTER TABLE evidence_reviews ADD COLUMN public_key TEXT;
      ALTER TABLE evidence_reviews ADD COLUMN signature TEXT;

      CREATE TABLE vault_policies (
        name TEXT PRIMARY KEY,
        value TEXT NOT NULL CHECK (json_valid(value)),
        changed_at TEXT NOT NULL,
        changed_by TEXT NOT NULL
      ) STRICT;
      INSERT INTO vault_policies (name, value, changed_at, changed_by)
        VALUES ('no_self_review_roles', '["reviewer"]', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), 'default');
      -- Reviews recorded before signatures (row ids up to here) carry none and still count.
      INSERT INTO vault_policies (name, value, changed_at, changed_by)
        VALUES ('unsigned_reviews_up_to', (SELECT coalesce(max(row_id), 0) FROM evidence_reviews), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), 'migration');
      -- Reviews are never deleted, except with their evidence (crypto-shredding cascades).
      CREATE TRIGGER evidence_reviews_no_delete BEFORE DELETE ON evidence_reviews
        WHEN EXISTS (SELECT 1 FROM evidence WHERE id = OLD.evidence_id)
        BEGIN SELECT RAISE(ABORT, 'reviews are never deleted: add a new review'); END;

      UPDATE evidence SET document_date = coalesce(
        (SELECT min(c.completed_on) FROM evidence_links l JOIN completion_versions c ON c.completion_id = l.target_id AND c.current = 1
          WHERE l.evidence_id = evidence.id AND l.target_kind = 'completion'),
        (SELECT min(c.issued_on) FROM evidence_links l JOIN certifications c ON c.certification_id = l.target_id AND c.current = 1
          WHERE l.evidence_id = evidence.id AND l.target_kind = 'certification'),
        substr(added_at, 1, 10));
    `);
  },
};
