import { stateHash } from '../audit/auditLog';
import { sha256Hex } from '../crypto/sha256';
import type { AuditEvent } from '../audit/auditLog';
import { insertRows, retireRows } from '../records/insertRows';
import { recordId } from '../records/recordId';
import type { ImportContext, WriteCounts } from './importContext';
import { provenanceReason } from './importContext';

/** How a versioned record table is written by an import. */
export interface VersionedTable {
  table: 'people' | 'completion_versions' | 'certifications';
  /** The record id column, e.g. `completion_id`. */
  idColumn: string;
  /** Audit actions are `<noun>.create` and `<noun>.update`. */
  noun: string;
  /**
   * The columns stored from each version: a value's (the state hashed into the log) or else a
   * derived one's (e.g. sort_name, or completions' person_key in place of person_id).
   */
  columns: readonly string[];
  /**
   * Where provenance goes: `columns` (recorded_at, recorded_by, source_sha256 on every row) or
   * `write` (one `write_id`: compact tables, migration 80).
   */
  provenance: 'columns' | 'write';
}

/** The current version of a record, as the writer found it. */
export interface CurrentVersion {
  rowId: number;
  recordId: string;
  version: number;
  /** Its values, in the shape `values` is given to `add`. */
  values: object;
}

/**
 * One batch of record versions from an import: each row is unchanged (same state hash), a new
 * record (version 1, `<noun>.create`), or a correction (the current version retired, the next
 * added, `<noun>.update` with before and after hashes). The versions, retirements and audit
 * events are written by `write`, inside the caller's transaction.
 */
export class VersionBatch {
  /** Rows in `columns()` order. */
  private readonly inserts: unknown[][] = [];
  private readonly retire: number[] = [];
  private readonly events: AuditEvent[] = [];

  constructor(
    private readonly context: ImportContext,
    private readonly spec: VersionedTable,
    private readonly counts: WriteCounts,
  ) {}

  /**
   * Adds `values` for source row `row` on top of `current`; `derived` columns are stored but not
   * hashed. `valuesJson`, when the caller has it already, must be `canonicalJson(values)` (it
   * spares serialising each row twice). Returns the record id written, or null when nothing changed.
   */
  add(current: CurrentVersion | undefined, values: object, row: number, derived: Record<string, unknown> = {}, valuesJson?: string): string | null {
    const after = valuesJson === undefined ? stateHash(values) : sha256Hex(valuesJson);
    const before = current ? stateHash(current.values) : null;
    if (before === after) {
      this.counts.unchanged++;
      return null;
    }
    const id = current?.recordId ?? recordId();
    const reason = provenanceReason(this.context.fileSha256, row);
    if (current) {
      this.retire.push(current.rowId);
      this.counts.updated++;
      this.events.push({ action: `${this.spec.noun}.update`, target: id, before, after, reason });
    } else {
      this.counts.inserted++;
      this.events.push({ action: `${this.spec.noun}.create`, target: id, after, reason });
    }
    const stored: unknown[] = [id, (current?.version ?? 0) + 1, 1];
    for (const column of this.spec.columns) {
      const value = (values as Record<string, unknown>)[column];
      stored.push(value !== undefined ? value : derived[column]);
    }
    const reasonText = current ? 'corrected by import' : null;
    if (this.spec.provenance === 'write') stored.push(reasonText, this.context.writeId(), row);
    else stored.push(this.context.now, this.context.actorId, reasonText, this.context.fileSha256, row);
    this.inserts.push(stored);
    return id;
  }

  get size(): number {
    return this.inserts.length;
  }

  /** Appends the audit events, then retires and inserts the versions. */
  write(): void {
    this.context.log(this.events);
    const provenance =
      this.spec.provenance === 'write' ? ['reason', 'write_id', 'source_row'] : ['recorded_at', 'recorded_by', 'reason', 'source_sha256', 'source_row'];
    const columns = [this.spec.idColumn, 'version', 'current', ...this.spec.columns, ...provenance];
    // Retire first: the new version may not be current beside the old one (unique index).
    retireRows(this.context.db, this.spec.table, this.retire);
    insertRows(this.context.db, this.spec.table, columns, this.inserts);
  }
}
