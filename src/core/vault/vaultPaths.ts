import { join } from 'node:path';

/** The files of a vault folder (`NAME.custodian/`). */
export function vaultPaths(dir: string) {
  return {
    dir,
    header: join(dir, 'vault.header'),
    db: join(dir, 'vault.db'),
    blobs: join(dir, 'blobs'),
    /** Failed unlock attempts: plaintext, holds only a count and a time. */
    attempts: join(dir, 'vault.attempts'),
    /** The newest signed audit-log checkpoint, outside the database (see auditLog.ts). */
    logHead: join(dir, 'log.head'),
  };
}

export type VaultPaths = ReturnType<typeof vaultPaths>;
