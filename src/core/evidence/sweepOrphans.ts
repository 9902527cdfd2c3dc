import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseTempName } from '../fs/atomicWrite';
import { EncryptedSpill } from '../fs/encryptedSpill';
import { processAlive } from '../fs/processAlive';
import type { VaultSession } from '../vault/vaultSession';

const UNNAMED_TEMP_AGE_MS = 60 * 60_000;

/** A temp file may go once the process writing it is gone (or, for an older unnamed one, after an hour). */
async function staleTemp(path: string, pid: number): Promise<boolean> {
  if (pid === process.pid) return false;
  if (pid > 0) return !processAlive(pid);
  const info = await stat(path).catch(() => null);
  return info !== null && Date.now() - info.mtimeMs > UNNAMED_TEMP_AGE_MS;
}

/**
 * Removes what interrupted writes leave behind: blob files no database row points at (a crash
 * between placing a blob and committing its row, or between deleting a row and unlinking its
 * blob), temp files (blobs being sealed, atomic writes of log.head, vault.header,
 * vault.attempts) and redactions' encrypted spills whose writing process is gone. Runs at unlock.
 *
 * Other processes may be writing to the same vault: a temp file of a live process is left alone,
 * and a blob is placed under its final name only inside the transaction that commits its row
 * (addEvidence), so the blobs without a row are decided under the same write lock. When there is
 * nothing to remove, no lock is taken (an unlock during another process's import does not wait).
 */
export async function sweepOrphans(session: VaultSession): Promise<{ removed: number }> {
  let removed = 0;
  const remove = async (path: string) => {
    await rm(path, { force: true });
    removed++;
  };
  const unknownBlobs: { path: string; name: string }[] = [];
  const known = new Set((await session.read((db) => db.all<{ blob_name: string }>('SELECT blob_name FROM evidence'))).map((r) => r.blob_name));
  const shards = await readdir(session.paths.blobs, { withFileTypes: true }).catch(() => []);
  for (const shard of shards) {
    const shardPath = join(session.paths.blobs, shard.name);
    if (!shard.isDirectory()) {
      await remove(shardPath);
      continue;
    }
    for (const file of await readdir(shardPath)) {
      const path = join(shardPath, file);
      const pid = parseTempName(file);
      if (pid !== null) {
        if (await staleTemp(path, pid)) await remove(path);
      } else if (!known.has(file)) unknownBlobs.push({ path, name: file });
    }
  }
  if (unknownBlobs.length > 0) {
    // Decided again under the write lock: a row committed since the read above keeps its blob.
    await session.database
      .transaction(async (db) => {
        const now = new Set(db.all<{ blob_name: string }>('SELECT blob_name FROM evidence').map((r) => r.blob_name));
        for (const blob of unknownBlobs) if (!now.has(blob.name)) await remove(blob.path);
      })
      .catch(() => undefined); // busy with another writer: left for the next unlock
  }
  for (const name of await readdir(session.paths.dir).catch(() => [])) {
    const pid = parseTempName(name);
    const path = join(session.paths.dir, name);
    if (pid !== null && (await staleTemp(path, pid))) await remove(path);
  }
  // Encrypted spills of redactions (redactEvidence) whose process is gone.
  removed += await EncryptedSpill.sweep(session.paths.dir);
  return { removed };
}
