import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { wipe } from '../../src/core/crypto/wipe';
import { VaultDatabase } from '../../src/core/db/database';
import { openPassphraseSlot } from '../../src/core/vault/keySlots';
import { readHeader } from '../../src/core/vault/vaultHeader';
import { vaultPaths } from '../../src/core/vault/vaultPaths';

/** tests/fixtures/legacy-vault: written at schema 70 by the old driver (see its README). */
export const LEGACY_FIXTURE = join(import.meta.dirname, '../fixtures/legacy-vault/written-by-node-sqlite3.custodian');
export const LEGACY_USER = 'alice';
export const LEGACY_PASSPHRASE = 'fixture written by node-sqlite3 sqlcipher';

/**
 * A copy of the legacy vault at `dest`, padded with `completions` more completions written
 * straight into its schema-70 `completions` table, so that its first unlock today runs a real
 * schema upgrade that takes seconds (migration 80 rewrites every completion). The padding is
 * not in the audit log: `log verify` of the result fails, which these tests do not ask.
 *
 * The padding spreads over the fixture's three people, one day each from 1700-01-01 on, so the
 * natural key (person, course, day) never collides with the fixture's own records.
 */
export async function paddedLegacyVault(dest: string, completions: number): Promise<void> {
  cpSync(LEGACY_FIXTURE, dest, { recursive: true });
  const paths = vaultPaths(dest);
  const header = await readHeader(paths.header);
  const { dataKey } = await openPassphraseSlot(header.vaultId, header.slots, LEGACY_USER, Buffer.from(LEGACY_PASSPHRASE));
  const database = VaultDatabase.open(paths.db, dataKey);
  try {
    await database.transaction((db) => {
      db.run(
        `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?),
           people3(k, person_id) AS (SELECT row_number() OVER (ORDER BY row_id) - 1, person_id FROM people WHERE version = 1 LIMIT 3),
           model AS (SELECT * FROM completions ORDER BY row_id LIMIT 1)
         INSERT INTO completions (completion_id, version, current, person_id, course_id, completed_on, score, passed, expires_on,
                                  trainer, delivery_method, certificate_number, recorded_at, recorded_by, reason, source_sha256, source_row)
         SELECT 'padding-' || i, 1, 1, p.person_id, m.course_id, date('1700-01-01', '+' || (i / 3) || ' days'), 90, 1, NULL,
                'Padding', 'classroom', NULL, m.recorded_at, m.recorded_by, NULL, m.source_sha256, i + 2
         FROM n JOIN people3 p ON p.k = n.i % 3, model m`,
        [completions],
      );
    });
  } finally {
    await database.close();
    wipe(dataKey);
  }
}
