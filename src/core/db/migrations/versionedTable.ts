/**
 * DDL for a versioned record table: every version is a row, exactly one per record is current,
 * and a trigger refuses every UPDATE except retiring the current version (current 1 -> 0) with
 * all else unchanged. Corrections therefore always add a version; nothing is overwritten.
 */
export function versionedTableSql(table: string, idColumn: string, columns: readonly string[]): string {
  const all = ['row_id', idColumn, 'version', ...columns, 'recorded_at', 'recorded_by', 'reason', 'source_sha256', 'source_row'];
  const unchanged = all.map((column) => `NEW.${column} IS OLD.${column}`).join(' AND ');
  return `
    CREATE UNIQUE INDEX ${table}_one_current ON ${table} (${idColumn}) WHERE current = 1;
    CREATE TRIGGER ${table}_versions_immutable BEFORE UPDATE ON ${table}
      WHEN NOT (OLD.current = 1 AND NEW.current = 0 AND ${unchanged})
      BEGIN SELECT RAISE(ABORT, '${table} versions are immutable: add a new version instead'); END;
    CREATE TRIGGER ${table}_versions_kept BEFORE DELETE ON ${table}
      BEGIN SELECT RAISE(ABORT, '${table} versions are never deleted'); END;
  `;
}
