import type { Migration } from './migration';

/**
 * Checkpoints become C2SP signed notes (audit/checkpoint.ts): `format` 2 signs origin, size,
 * root, signer and time; `ssh_signature` holds the Ed25519 signature of its SSHSIG twin (the
 * armored file is rebuilt from it and the public key). Existing rows stay format 1, verified
 * as they were signed; the key chain (audit/keyChain.ts) starts at the first format-2 one.
 */
export const m0090SignedNoteCheckpoints: Migration = {
  version: 90,
  name: 'signed-note checkpoints',
  up: (db) => {
    db.exec(`
      ALTER TABLE checkpoints ADD COLUMN format INTEGER NOT NULL DEFAULT 1 CHECK (format IN (1, 2));
      ALTER TABLE checkpoints ADD COLUMN ssh_signature BLOB;
    `);
  },
};
