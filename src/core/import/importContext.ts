import type { AuditEvent } from '../audit/auditLog';
import type { WritableDb } from '../db/database';
import type { ReportEntry } from './validateRow';

/** What the record writers share during one import transaction. */
export interface ImportContext {
  db: WritableDb;
  /** SHA-256 of the file: with the row number, the provenance of every version written. */
  fileSha256: string;
  actorId: string;
  now: string;
  /** The `record_writes` id of this import (made on first call): compact tables store it instead of the three values. */
  writeId: () => number;
  /** Appends audit events: numbered, hashed and inserted at the call, in call order. */
  log: (events: AuditEvent[]) => void;
  report: (entry: ReportEntry) => void;
}

export interface WriteCounts {
  inserted: number;
  updated: number;
  unchanged: number;
  /** Rows refused while writing (unknown person, duplicate key), besides validation failures. */
  invalid: number;
}

export function provenanceReason(fileSha256: string, row: number): string {
  return `import ${fileSha256.slice(0, 12)} row ${String(row)}`;
}
