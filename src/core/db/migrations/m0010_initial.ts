import type { Migration } from './migration';

/**
 * Users, their signing keys, evidence blobs and the append-only audit log with its signed
 * checkpoints. Records (people, courses, completions) arrive in later migrations.
 */
export const m0010Initial: Migration = {
  version: 10,
  name: 'initial',
  up: (db) => {
    db.exec(`
      CREATE TABLE users (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL CHECK (kind IN ('person', 'recovery')),
        role TEXT NOT NULL CHECK (role IN ('admin', 'officer', 'reviewer', 'auditor')),
        slot_id TEXT UNIQUE,
        created_at TEXT NOT NULL,
        removed_at TEXT
      ) STRICT;

      -- Every Ed25519 key that ever signed a checkpoint, so old checkpoints stay verifiable
      -- after a passphrase reset or a user's removal.
      CREATE TABLE signing_keys (
        public_key TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users (id),
        created_at TEXT NOT NULL,
        retired_at TEXT
      ) STRICT;

      CREATE TABLE evidence (
        id TEXT PRIMARY KEY,
        blob_name TEXT NOT NULL UNIQUE,
        -- The blob's age identity (AGE-SECRET-KEY-1...). Deleting the row crypto-shreds the blob.
        age_identity TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        size INTEGER NOT NULL CHECK (size >= 0),
        file_name TEXT NOT NULL,
        media_type TEXT NOT NULL,
        person_id TEXT,
        added_by TEXT NOT NULL REFERENCES users (id),
        added_at TEXT NOT NULL
      ) STRICT;

      CREATE TABLE audit_log (
        seq INTEGER PRIMARY KEY CHECK (seq >= 0),
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        target TEXT,
        before_hash TEXT,
        after_hash TEXT,
        reason TEXT,
        -- RFC 6962 leaf hash of the canonical entry, kept to pinpoint an edited row.
        leaf_hash BLOB NOT NULL
      ) STRICT;

      CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
      CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

      CREATE TABLE checkpoints (
        size INTEGER PRIMARY KEY CHECK (size > 0),
        root BLOB NOT NULL,
        signer TEXT NOT NULL,
        public_key TEXT NOT NULL,
        signature BLOB NOT NULL,
        at TEXT NOT NULL
      ) STRICT;

      CREATE TRIGGER checkpoints_no_update BEFORE UPDATE ON checkpoints
        BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only'); END;
      CREATE TRIGGER checkpoints_no_delete BEFORE DELETE ON checkpoints
        BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only'); END;

      -- The right edge of the Merkle tree (perfect subtree roots), so appending is O(log n).
      CREATE TABLE audit_frontier (
        level INTEGER PRIMARY KEY,
        size INTEGER NOT NULL,
        hash BLOB NOT NULL
      ) STRICT;
    `);
  },
};
