import type { WritableDb } from '../db/database';

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;
const BATCH = 5000;

type RowValue = string | number | Buffer | null;

/** A cell as it is bound: undefined and non-finite numbers are NULL (as the JSON path stored them), booleans 1 or 0, bytes a BLOB. */
function rowValue(value: unknown): RowValue {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (Buffer.isBuffer(value)) return value;
  throw new Error('insertRows takes strings, numbers, booleans, Buffers and null only');
}

/** Inserts many rows (objects) with one prepared statement. Table and column names are checked identifiers, never user input. */
export function insertRecordRows(db: WritableDb, table: string, columns: readonly string[], rows: readonly Record<string, unknown>[]): void {
  insertRows(
    db,
    table,
    columns,
    rows.map((row) => columns.map((column) => row[column])),
  );
}

/**
 * `insertRecordRows` for rows given as arrays in `columns` order: what bulk writers build, as it
 * spares an object per row and a property lookup per cell. One prepared INSERT run once a row
 * (the synchronous driver makes that one native call a row: cheaper than the JSON a
 * `json_each` batch had to build and SQLite to parse again for every column).
 */
export function insertRows(db: WritableDb, table: string, columns: readonly string[], rows: readonly (readonly unknown[])[]): void {
  if (!IDENTIFIER.test(table) || !columns.every((c) => IDENTIFIER.test(c))) throw new Error('bad identifier');
  if (rows.length === 0) return;
  db.runMany(
    `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
    rows.map((row) => columns.map((_, index) => rowValue(row[index]))),
  );
}

/** Retires the current versions with these row ids (the only UPDATE the triggers allow). */
export function retireRows(db: WritableDb, table: string, rowIds: readonly number[]): void {
  if (!IDENTIFIER.test(table)) throw new Error('bad identifier');
  for (let start = 0; start < rowIds.length; start += BATCH) {
    db.run(`UPDATE ${table} SET current = 0 WHERE current = 1 AND row_id IN (SELECT value FROM json_each(?))`, [
      JSON.stringify(rowIds.slice(start, start + BATCH)),
    ]);
  }
}
