import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../../tests/support/tempVault';
import { VaultDatabase } from '../db/database';
import { insertRecordRows, insertRows } from './insertRows';

const temp = tempDir('custodian-insert-rows-');
afterAll(() => temp.cleanup());

describe('insertRows', () => {
  it('binds each cell to its column in a real SQLCipher file: booleans as 1/0, undefined and non-finite numbers as NULL, Buffers as BLOBs', async () => {
    const db = VaultDatabase.open(join(temp.dir, 'rows.db'), randomBytes(32));
    try {
      await db.transaction((w) => {
        w.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, flag INTEGER, score REAL, hash BLOB) STRICT');
        insertRows(
          w,
          't',
          ['id', 'name', 'flag', 'score', 'hash'],
          [
            [1, "O'Brien; DROP TABLE t", true, 2.5, Buffer.from('00ff', 'hex')],
            [2, undefined, false, Number.POSITIVE_INFINITY, Buffer.from('abcd', 'hex')],
          ],
        );
        insertRecordRows(w, 't', ['id', 'name', 'flag'], [{ id: 3, name: 'third', flag: null }]);
      });
      const rows = await db.read((r) => r.all<Record<string, unknown>>('SELECT id, name, flag, score, hex(hash) AS hash FROM t ORDER BY id'));
      expect(rows).toEqual([
        { id: 1, name: "O'Brien; DROP TABLE t", flag: 1, score: 2.5, hash: '00FF' },
        { id: 2, name: null, flag: 0, score: null, hash: 'ABCD' },
        { id: 3, name: 'third', flag: null, score: null, hash: '' },
      ]);
      // Names are identifiers, never input.
      await expect(db.transaction((w) => insertRows(w, 't; DROP TABLE t', ['id'], [[4]]))).rejects.toThrow(/bad identifier/);
      // Anything else (an object, a bigint) is refused rather than bound as something else.
      await expect(db.transaction((w) => insertRows(w, 't', ['id', 'name'], [[5, { toString: () => 'x' }]]))).rejects.toThrow(/takes strings/);
    } finally {
      await db.close();
    }
  });
});
