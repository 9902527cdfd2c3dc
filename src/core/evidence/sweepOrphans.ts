import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { VaultSession } from '../vault/vaultSession';

/**
 * Removes what interrupted writes leave behind: blob files no database row points at (a crash
 * between writing a blob and committing its row, or between deleting a row and unlinking its
 * blob), temp blobs, and temp files of atomic writes in the vault folder. Runs at unlock,
 * before anything else can write.
 */
export async function sweepOrphans(session: VaultSession): Promise<{ removed: number }> {
  const known = new Set((await session.read((db) => db.all<{ blob_name: string }>('SELECT blob_name FROM evidence'))).map((r) => r.blob_name));
  let removed = 0;
  const shards = await readdir(session.paths.blobs, { withFileTypes: true }).catch(() => []);
  for (const shard of shards) {
    const shardPath = join(session.paths.blobs, shard.name);
    if (!shard.isDirectory()) {
      await rm(shardPath, { force: true });
      removed++;
      continue;
    }
    for (const file of await readdir(shardPath)) {
      if (!known.has(file)) {
        await rm(join(shardPath, file), { force: true });
        removed++;
      }
    }
  }
  // Temp files of writeFileAtomic (log.head, vault.header, vault.attempts) cut off by a crash.
  for (const name of await readdir(session.paths.dir).catch(() => [])) {
    if (/^\..+\.[0-9a-f]{12}\.tmp$/.test(name)) {
      await rm(join(session.paths.dir, name), { force: true });
      removed++;
    }
  }
  return { removed };
}
