import type { Migration } from './migration';

/**
 * Audit packets and auditors' request lists.
 *
 * - `packets`: every packet built, with the checkpoint it proves the log to (the next packet
 *   carries a consistency proof from it) and the SHA-256 of its signed tagmanifest. Rows are
 *   never changed or deleted: they are the vault's own record of what left it. The
 *   `packet.build` log entry names the packet and carries the tagmanifest hash.
 * - `request_lists` and `audit_requests`: an auditor's "provided by client" list as imported
 *   (`requests import`), one row per request in file order; a list is replaced by importing
 *   another (the newest is used), never edited.
 */
export const m0120Packets: Migration = {
  version: 120,
  name: 'packets',
  up: (db) => {
    db.exec(`
      CREATE TABLE packets (
        id TEXT PRIMARY KEY,
        built_at TEXT NOT NULL,
        built_by TEXT NOT NULL,
        scope TEXT NOT NULL CHECK (json_valid(scope)),
        checkpoint_size INTEGER NOT NULL CHECK (checkpoint_size > 0),
        checkpoint_root BLOB NOT NULL CHECK (length(checkpoint_root) = 32),
        tagmanifest_sha256 TEXT NOT NULL,
        files INTEGER NOT NULL,
        bytes INTEGER NOT NULL,
        encrypted INTEGER NOT NULL CHECK (encrypted IN (0, 1))
      ) STRICT;
      CREATE TRIGGER packets_no_update BEFORE UPDATE ON packets BEGIN SELECT RAISE(ABORT, 'packets are never changed'); END;
      CREATE TRIGGER packets_no_delete BEFORE DELETE ON packets BEGIN SELECT RAISE(ABORT, 'packets are never deleted'); END;

      CREATE TABLE request_lists (
        id TEXT PRIMARY KEY,
        file_name TEXT NOT NULL,
        file_sha256 TEXT NOT NULL,
        imported_at TEXT NOT NULL,
        imported_by TEXT NOT NULL
      ) STRICT;
      CREATE TABLE audit_requests (
        list_id TEXT NOT NULL REFERENCES request_lists (id),
        position INTEGER NOT NULL,
        request_id TEXT NOT NULL,
        request_code TEXT,
        control_codes TEXT NOT NULL CHECK (json_valid(control_codes)),
        details TEXT NOT NULL,
        assigned_to TEXT,
        due_on TEXT,
        PRIMARY KEY (list_id, position),
        UNIQUE (list_id, request_id)
      ) STRICT;
      CREATE TRIGGER audit_requests_no_update BEFORE UPDATE ON audit_requests BEGIN SELECT RAISE(ABORT, 'request lists are never edited: import a new one'); END;
    `);
  },
};
