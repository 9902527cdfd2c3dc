import { CustodianError } from '../../../shared/errors';
import type { VaultUpgrade } from '../../../shared/vault/vaultUpgrade';
import type { VaultDatabase } from '../database';
import type { Migration } from './migration';
import { m0010Initial } from './m0010_initial';
import { m0020Records } from './m0020_records';
import { m0030Search } from './m0030_search';
import { m0040CertificationImports } from './m0040_certification_imports';
import { m0050Compliance } from './m0050_compliance';
import { m0060PeopleSort } from './m0060_people_sort';
import { m0070CompletionAttempts } from './m0070_completion_attempts';
import { m0080CompactCompletions } from './m0080_compact_completions';
import { m0090SignedNoteCheckpoints } from './m0090_signed_note_checkpoints';
import { m0100EvidenceWorkspace } from './m0100_evidence_workspace';
import { m0110Redaction } from './m0110_redaction';
import { m0120Packets } from './m0120_packets';

export const MIGRATIONS: readonly Migration[] = [
  m0010Initial,
  m0020Records,
  m0030Search,
  m0040CertificationImports,
  m0050Compliance,
  m0060PeopleSort,
  m0070CompletionAttempts,
  m0080CompactCompletions,
  m0090SignedNoteCheckpoints,
  m0100EvidenceWorkspace,
  m0110Redaction,
  m0120Packets,
];
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;

/**
 * Brings the database to SCHEMA_VERSION in one transaction (all steps or none), then reclaims
 * any pages a step freed (see VaultDatabase.reclaimFreePages).
 *
 * `onProgress` is called before each step, and before the reclaim if there is one (a step freed
 * pages and the file is small enough: VaultDatabase.reclaimFreePages), never when the schema is
 * already current. It runs synchronously inside the transaction (a step blocks this thread
 * until it ends), so it must only hand the value on (a worker's postMessage), never wait, and
 * it must not throw: a throw aborts the upgrade.
 * @throws CustodianError('unsupported_version') for a database newer than this code.
 */
export async function migrate(
  database: VaultDatabase,
  migrations: readonly Migration[] = MIGRATIONS,
  onProgress?: (upgrade: VaultUpgrade) => void,
): Promise<{ from: number; to: number }> {
  const target = migrations[migrations.length - 1]?.version ?? 0;
  // Read first, without the write lock: a vault already at this schema (every unlock but the
  // first after an update) must open while another process writes to it.
  const current = await database.read((db) => db.get<{ user_version: number }>('PRAGMA user_version')?.user_version ?? 0);
  if (current === target) return { from: current, to: current };
  const result = await database.transaction((db) => {
    const row = db.get<{ user_version: number }>('PRAGMA user_version');
    const from = row?.user_version ?? 0;
    if (from > target) {
      throw new CustodianError(
        'unsupported_version',
        `This vault's database is schema ${String(from)}, newer than this Custodian understands (${String(target)}). Update Custodian to open it.`,
      );
    }
    const pending = migrations.filter((migration) => migration.version > from);
    const startedAt = Date.now();
    pending.forEach((migration, index) => {
      onProgress?.({ phase: 'migrating', fromVersion: from, toVersion: target, step: index + 1, steps: pending.length, name: migration.name, startedAt });
      migration.up(db);
      db.exec(`PRAGMA user_version = ${String(migration.version)}`);
    });
    return { from, to: Math.max(from, target), steps: pending.length, startedAt };
  });
  // A step that dropped a table left free pages, which the integrity check would not read: a
  // small vault (every new one) is rebuilt without them; a large one reuses them as it grows.
  if (result.from !== result.to) {
    await database.reclaimFreePages(undefined, () => {
      onProgress?.({
        phase: 'compacting',
        fromVersion: result.from,
        toVersion: result.to,
        step: result.steps,
        steps: result.steps,
        name: 'reclaim free space',
        startedAt: result.startedAt,
      });
    });
  }
  return { from: result.from, to: result.to };
}
