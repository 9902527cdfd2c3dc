import type { WritableDb } from '../db/database';

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;
const BATCH = 5000;

/** Wraps a column's value in SQL, e.g. `unhex` for a hex string stored as a BLOB. */
export type ColumnTransform = 'unhex';

export interface InsertJsonOptions {
  transforms?: Readonly<Record<string, ColumnTransform>>;
}

type JsonValue = string | number | null;

function jsonValue(value: unknown): JsonValue {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string' || typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  throw new Error('insertJsonRows takes strings, numbers, booleans and null only');
}

/**
 * Inserts many rows with one statement per 5,000 (`INSERT ... SELECT ... FROM json_each(?)`)
 * rather than one per row. Table and column names are checked identifiers, never user input.
 *
 * Cost model (measured): SQLite's `->>` re-reads a row's JSON for every column it extracts, so
 * the time grows with rows x columns sent. A column holding one value for the whole batch
 * (the import's file hash, the actor, the time, version 1, NULL) is therefore bound once as a
 * parameter rather than repeated in every row; only the columns that vary travel as JSON.
 */
export function insertJsonRows(
  db: WritableDb,
  table: string,
  columns: readonly string[],
  rows: readonly Record<string, unknown>[],
  options: InsertJsonOptions = {},
): void {
  insertRows(
    db,
    table,
    columns,
    rows.map((row) => columns.map((column) => row[column])),
    options,
  );
}

/**
 * `insertJsonRows` for rows given as arrays in `columns` order: what bulk writers build, as it
 * spares an object per row and a property lookup per cell.
 */
export function insertRows(
  db: WritableDb,
  table: string,
  columns: readonly string[],
  rows: readonly (readonly unknown[])[],
  options: InsertJsonOptions = {},
): void {
  if (!IDENTIFIER.test(table) || !columns.every((c) => IDENTIFIER.test(c))) throw new Error('bad identifier');
  for (let start = 0; start < rows.length; start += BATCH) {
    const batch = rows.slice(start, start + BATCH);
    const first = batch[0] ?? [];
    const varying: number[] = [];
    const constant: number[] = [];
    columns.forEach((_, index) => {
      const value = jsonValue(first[index]);
      if (batch.every((row) => jsonValue(row[index]) === value)) constant.push(index);
      else varying.push(index);
    });
    const expression = (index: number, source: string) => (options.transforms?.[columns[index] ?? ''] === 'unhex' ? `unhex(${source})` : source);
    const select = [
      ...varying.map((column, position) => expression(column, `value ->> ${String(position)}`)),
      ...constant.map((column) => expression(column, '?')),
    ];
    const payload = JSON.stringify(batch.map((row) => varying.map((index) => jsonValue(row[index]))));
    const names = [...varying, ...constant].map((index) => columns[index] ?? '');
    // Anonymous parameters bind in the order they appear: the constants, then the JSON.
    db.run(`INSERT INTO ${table} (${names.join(', ')}) SELECT ${select.join(', ')} FROM json_each(?)`, [
      ...constant.map((index) => jsonValue(first[index])),
      payload,
    ]);
  }
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
