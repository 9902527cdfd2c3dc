import type { WritableDb } from '../db/database';

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/**
 * Inserts many rows in one statement per 5,000 (`INSERT ... SELECT ... FROM json_each(?)`):
 * one round trip per batch instead of one per row. Values must be JSON-representable
 * (booleans as 0/1). Table and column names are checked identifiers, never user input.
 */
export async function insertJsonRows(db: WritableDb, table: string, columns: readonly string[], rows: readonly Record<string, unknown>[]): Promise<void> {
  if (!IDENTIFIER.test(table) || !columns.every((c) => IDENTIFIER.test(c))) throw new Error('bad identifier');
  const select = columns.map((c) => `value ->> '$.${c}'`).join(', ');
  for (let start = 0; start < rows.length; start += 5000) {
    await db.run(`INSERT INTO ${table} (${columns.join(', ')}) SELECT ${select} FROM json_each(?)`, [JSON.stringify(rows.slice(start, start + 5000))]);
  }
}

/** Retires the current versions with these row ids (the only UPDATE the triggers allow). */
export async function retireRows(db: WritableDb, table: string, rowIds: readonly number[]): Promise<void> {
  if (!IDENTIFIER.test(table)) throw new Error('bad identifier');
  for (let start = 0; start < rowIds.length; start += 5000) {
    await db.run(`UPDATE ${table} SET current = 0 WHERE current = 1 AND row_id IN (SELECT value FROM json_each(?))`, [JSON.stringify(rowIds.slice(start, start + 5000))]);
  }
}
