import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, rmdir } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { CustodianError } from '../../shared/errors';
import { syncDirectory } from '../fs/atomicWrite';
import type { Credential, UnlockOptions } from '../vault/openVault';
import { openVault } from '../vault/openVault';
import type { VaultSession } from '../vault/vaultSession';
import { backupDamaged, backupMacMatches, blobNameOf, entryKind } from './backupFormat';
import { readBackup } from './readBackup';

export interface RestoreResult {
  /** Absolute path of the restored vault folder. */
  dir: string;
  vaultId: string;
  /** SHA-256 of the backup file, hex (recorded in the restored vault's audit log). */
  sha256: string;
  /** Vault files restored: header, log head, database and blobs. */
  entries: number;
  /** Who opened it: the credential's user, or 'recovery'. */
  user: string;
}

async function existingEntries(dir: string): Promise<string[] | null> {
  try {
    return await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new CustodianError('vault_exists', `${dir} exists and is not an empty folder. Restore into a new folder.`);
  }
}

/** What restoring proves once the vault opens: right vault, intact MAC, log and evidence. */
async function checkOpened(session: VaultSession, read: Awaited<ReturnType<typeof readBackup>>): Promise<void> {
  session.require('backup.create', 'restore a vault from a backup');
  if (read.manifest.vaultId !== session.vaultId) throw backupDamaged('its manifest belongs to another vault');
  if (!backupMacMatches(session.dataKey, session.vaultId, read.prefixSha256, read.mac)) {
    throw backupDamaged('its MAC does not match (it was modified after it was written)');
  }
  const log = await session.verifyLog();
  if (!log.ok) {
    throw new CustodianError(
      'log_tampered',
      `The audit log in the backup does not verify (${log.problem?.reason ?? 'unknown problem'}). Nothing was restored.`,
    );
  }
  const rows = await session.read((db) => db.all<{ blob_name: string }>('SELECT blob_name FROM evidence'));
  const inBackup = new Set(read.manifest.entries.filter((entry) => entryKind(entry.name) === 'blob').map((entry) => blobNameOf(entry.name)));
  const missing = rows.filter((row) => !inBackup.has(row.blob_name)).length;
  if (missing > 0) throw backupDamaged(`${String(missing)} evidence file(s) its database refers to are not in it`);
}

/**
 * Restores a backup into `targetDir`, which must not exist or be an empty folder. Extracted
 * into a hidden staging folder beside it and checked in full before it gets the real name:
 * every entry against the manifest, then the vault opened with `credential` (proving a slot of
 * the vault opens it, checking the header MAC, migrating an older database), then the backup's
 * MAC with the data key, the audit log and the evidence files. Records 'vault.restore' (with the
 * backup's SHA-256) in the restored vault. On any failure the staging folder is removed and
 * nothing appears under `targetDir`.
 *
 * A backup keeps the key slots it was made with: a passphrase changed or a user removed since
 * still opens it.
 * @throws CustodianError: 'vault_exists', 'wrong_passphrase' ("wrong passphrase or unknown
 *   user"), 'vault_tampered' (damaged or modified backup), 'log_tampered', 'unsupported_version',
 *   'permission_denied' (roles that may not make backups may not restore them), 'not_found'.
 */
export async function restoreBackup(backupFile: string, targetDir: string, credential: Credential, options: UnlockOptions = {}): Promise<RestoreResult> {
  const target = resolve(targetDir);
  const existing = await existingEntries(target);
  if (existing && existing.length > 0) {
    throw new CustodianError('vault_exists', `${target} already exists and is not empty. Restore into a new folder.`);
  }
  const parent = dirname(target);
  await mkdir(parent, { recursive: true });
  const staging = join(parent, `.${basename(target)}.restoring-${randomBytes(4).toString('hex')}`);
  await mkdir(staging, { mode: 0o700 });
  let session: VaultSession | undefined;
  try {
    const read = await readBackup(resolve(backupFile), (name) => join(staging, name));
    await mkdir(join(staging, 'blobs'), { recursive: true, mode: 0o700 });
    await syncDirectory(staging);
    // A backup made by an older version is upgraded as it opens (options.onUpgrade hears of it).
    session = await openVault(staging, credential, options);
    await checkOpened(session, read);
    await session.record([{ action: 'vault.restore', target: session.vaultId, after: read.sha256 }]);
    const result: RestoreResult = {
      dir: target,
      vaultId: session.vaultId,
      sha256: read.sha256,
      entries: read.manifest.entries.length,
      user: session.principal.name,
    };
    await session.lock();
    session = undefined;
    if (existing) await rmdir(target);
    await rename(staging, target);
    await syncDirectory(parent);
    return result;
  } catch (error) {
    await session?.lock().catch(() => undefined);
    await rm(staging, { recursive: true, force: true });
    if (error instanceof CustodianError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new CustodianError('internal', `The restore failed${typeof code === 'string' ? ` (${code})` : ''}; nothing was restored.`, { cause: error });
  }
}
