import type { WritableDb } from '../db/database';

/** Who wrote record versions, when, and from which file (its SHA-256), if any. */
export interface RecordWrite {
  at: string;
  by: string;
  sourceSha256: string | null;
}

/**
 * The id of the `record_writes` row for `write`, made on first use (migration 80): versions of
 * compact tables point at it instead of repeating the three values on every row.
 */
export function recordWriteId(db: WritableDb, write: RecordWrite): number {
  const source = write.sourceSha256 ?? '';
  db.run('INSERT OR IGNORE INTO record_writes (recorded_at, recorded_by, source_sha256) VALUES (?, ?, ?)', [write.at, write.by, source]);
  const row = db.get<{ id: number }>('SELECT id FROM record_writes WHERE recorded_at = ? AND recorded_by = ? AND source_sha256 = ?', [
    write.at,
    write.by,
    source,
  ]);
  if (!row) throw new Error('record_writes row not found after insert');
  return row.id;
}
