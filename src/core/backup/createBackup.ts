import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { pack } from 'tar-stream';
import type { Pack } from 'tar-stream';
import { CustodianError } from '../../shared/errors';
import { VaultDatabase } from '../db/database';
import { blobPath } from '../evidence/blobPath';
import { syncDirectory, tempNameFor } from '../fs/atomicWrite';
import { readHeader, verifyHeaderMac } from '../vault/vaultHeader';
import type { VaultSession } from '../vault/vaultSession';
import type { BackupEntry, BackupManifest } from './backupFormat';
import {
  BACKUP_FORMAT,
  BACKUP_VERSION,
  ENTRY_MODE,
  MANIFEST_NAME,
  TRAILER_BYTES,
  backupMacMatches,
  blobEntryName,
  blobNameOf,
  computeBackupMac,
  entryKind,
  backupFileSize,
  tarTime,
  trailerBytes,
} from './backupFormat';
import { readBackup } from './readBackup';

export interface BackupResult {
  /** Absolute path of the backup file. */
  file: string;
  /** SHA-256 of the whole file, hex (also recorded in the audit log). */
  sha256: string;
  /** Vault files in the backup: header, log head, database and blobs. */
  entries: number;
  bytes: number;
}

/** One vault file to back up: small ones held in memory, large ones read from disk. */
type Source = { name: string; bytes: Buffer } | { name: string; path: string };

async function hashFile(path: string): Promise<{ size: number; sha256: string }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(path)) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { size, sha256: hash.digest('hex') };
}

async function describe(source: Source): Promise<BackupEntry> {
  if ('bytes' in source) return { name: source.name, size: source.bytes.length, sha256: createHash('sha256').update(source.bytes).digest('hex') };
  try {
    return { name: source.name, ...(await hashFile(source.path)) };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && entryKind(source.name) === 'blob') {
      throw new CustodianError(
        'blob_tampered',
        `The encrypted file ${source.name} is missing from the vault, so no complete backup can be made. Run the audit checks.`,
      );
    }
    throw error;
  }
}

type Sink = ReturnType<Pack['entry']>;

/** Starts one tar entry; `done` settles when tar-stream has taken all of it. */
function addEntry(tar: Pack, entry: BackupEntry, mtime: Date, content: Buffer | null): { sink: Sink; done: Promise<void> } {
  let settle: (error?: Error | null) => void = () => undefined;
  const done = new Promise<void>((resolveDone, rejectDone) => {
    settle = (error) => {
      if (error) rejectDone(error);
      else resolveDone();
    };
  });
  const header = { name: entry.name, size: entry.size, mode: ENTRY_MODE, mtime, type: 'file' as const };
  const callback = (error?: Error | null) => {
    settle(error);
  };
  const sink = content ? tar.entry(header, content, callback) : tar.entry(header, callback);
  return { sink, done };
}

function drained(sink: Sink): Promise<void> {
  return new Promise((resolveDrained) => {
    if (sink.destroying || sink.destroyed) {
      resolveDrained();
      return;
    }
    const done = () => {
      sink.off('drain', done);
      sink.off('close', done);
      resolveDrained();
    };
    sink.once('drain', done);
    sink.once('close', done);
  });
}

/** Adds every entry to `tar`, re-hashing files as they stream so a change since hashing shows. */
async function produce(tar: Pack, manifestBytes: Buffer, sources: readonly Source[], entries: readonly BackupEntry[], mtime: Date): Promise<void> {
  await addEntry(tar, { name: MANIFEST_NAME, size: manifestBytes.length, sha256: '' }, mtime, manifestBytes).done;
  for (const [index, source] of sources.entries()) {
    const entry = entries[index];
    if (!entry) throw new Error('manifest and sources differ');
    if ('bytes' in source) {
      await addEntry(tar, entry, mtime, source.bytes).done;
      continue;
    }
    const { sink, done } = addEntry(tar, entry, mtime, null);
    const hash = createHash('sha256');
    let size = 0;
    for await (const chunk of createReadStream(source.path)) {
      const bytes = chunk as Buffer;
      size += bytes.length;
      if (size > entry.size) break;
      hash.update(bytes);
      if (!sink.write(bytes)) await drained(sink);
      if (sink.destroying) throw new Error('backup stream closed');
    }
    if (size !== entry.size || hash.digest('hex') !== entry.sha256) {
      throw new CustodianError('conflict', `${entry.name} changed while the backup was being written. Try again when nothing else is using the vault.`);
    }
    sink.end(undefined);
    await done;
  }
  tar.finalize();
}

/**
 * Writes the tar stream to `file`: the first `prefixLength` bytes verbatim (hashed for the
 * MAC), then checks that only tar-stream's end-of-archive blocks follow (the writer appends
 * its own trailer after the MAC).
 */
async function consume(
  tar: Pack,
  file: FileHandle,
  prefixLength: number,
  prefix: ReturnType<typeof createHash>,
  whole: ReturnType<typeof createHash>,
): Promise<void> {
  let position = 0;
  for await (const chunk of tar) {
    const bytes = chunk as Buffer;
    const keep = bytes.subarray(0, Math.max(0, Math.min(bytes.length, prefixLength - position)));
    const rest = bytes.subarray(keep.length);
    if (keep.length > 0) {
      prefix.update(keep);
      whole.update(keep);
      await file.write(keep);
    }
    if (rest.some((byte) => byte !== 0)) throw new Error('unexpected tar layout');
    position += bytes.length;
  }
  if (position !== prefixLength + 1024) throw new Error('unexpected tar length');
}

async function writeBackupFile(
  temp: string,
  dataKey: Buffer,
  manifest: BackupManifest,
  sources: readonly Source[],
): Promise<{ sha256: string; bytes: number }> {
  const manifestBytes = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
  const bytes = backupFileSize(manifestBytes.length, manifest.entries);
  const prefix = createHash('sha256');
  const whole = createHash('sha256');
  const file = await open(temp, 'wx', 0o600);
  try {
    const tar = pack();
    let failure: unknown;
    const fail = (error: unknown) => {
      failure ??= error;
      tar.destroy(error instanceof Error ? error : new Error('backup write failed'));
    };
    const mtime = tarTime(manifest.createdAt);
    await Promise.all([
      produce(tar, manifestBytes, sources, manifest.entries, mtime).catch(fail),
      consume(tar, file, bytes - TRAILER_BYTES, prefix, whole).catch(fail),
    ]);
    if (failure !== undefined) throw failure instanceof Error ? failure : new Error('backup write failed');
    const trailer = await trailerBytes(computeBackupMac(dataKey, manifest.vaultId, prefix.digest()), manifest.createdAt);
    whole.update(trailer);
    await file.write(trailer);
    await file.sync();
  } finally {
    await file.close();
  }
  if ((await stat(temp)).size !== bytes) throw new Error('backup length differs from its layout');
  return { sha256: whole.digest('hex'), bytes };
}

/**
 * Re-reads the written file from disk and proves it restorable: every entry against the
 * manifest, the MAC, the header's MAC, and the database copy opened with the data key,
 * `integrity_check`ed and compared with the blobs in the backup.
 */
async function verifyBackupFile(session: VaultSession, file: string, workDir: string, expectedSha256: string): Promise<void> {
  const read = await readBackup(file, (name, kind) => (kind === 'header' || kind === 'db' ? join(workDir, name) : null));
  if (read.sha256 !== expectedSha256) throw new Error('the file read back differs from the file written');
  if (read.manifest.vaultId !== session.vaultId) throw new Error('the manifest names another vault');
  if (!backupMacMatches(session.dataKey, session.vaultId, read.prefixSha256, read.mac)) throw new Error('its MAC does not match');
  const header = await readHeader(join(workDir, 'vault.header'));
  verifyHeaderMac(session.dataKey, header);
  if (header.vaultId !== session.vaultId) throw new Error('its header names another vault');

  const database = VaultDatabase.open(join(workDir, 'vault.db'), session.dataKey);
  try {
    if ((await database.checkIntegrity()) !== 'ok') throw new Error('its database copy fails integrity_check');
    const rows = await database.read((db) => db.all<{ blob_name: string }>('SELECT blob_name FROM evidence'));
    const inDatabase = new Set(rows.map((row) => row.blob_name));
    const inBackup = new Set(read.manifest.entries.filter((entry) => entryKind(entry.name) === 'blob').map((entry) => blobNameOf(entry.name)));
    if (inDatabase.size !== inBackup.size || [...inDatabase].some((name) => !inBackup.has(name))) {
      throw new Error('its evidence files and its database copy disagree (was the vault changed meanwhile?)');
    }
  } finally {
    await database.close();
  }
}

/**
 * Writes a single-file, encrypted backup of the vault to `outFile` (which must not exist) and
 * verifies it before giving it that name: written to a temp name beside it, fsynced, read back
 * and checked in full, then renamed into place. Records 'vault.backup' with the file's SHA-256.
 *
 * Only ciphertext and the public header go in; temporary files (the database copy and its
 * verification copy, both encrypted) live in a hidden folder beside `outFile` and are removed.
 * @throws CustodianError('permission_denied'), ('conflict') if `outFile` exists,
 *   ('validation_failed') for a destination inside the vault, ('internal') if verification fails.
 */
export async function createBackup(session: VaultSession, outFile: string): Promise<BackupResult> {
  session.require('backup.create', 'create a backup');
  const out = resolve(outFile);
  const folder = dirname(out);
  const inside = relative(resolve(session.paths.dir), out);
  if (inside === '' || (inside.split(sep)[0] !== '..' && !isAbsolute(inside))) {
    throw new CustodianError('validation_failed', 'Write the backup outside the vault folder (ideally on another disk).');
  }
  const folderInfo = await stat(folder).catch(() => null);
  if (!folderInfo?.isDirectory()) throw new CustodianError('not_found', `The folder ${folder} does not exist.`);
  if (
    await stat(out).then(
      () => true,
      () => false,
    )
  )
    throw new CustodianError('conflict', `${out} already exists; choose a new name for the backup.`);

  const workDir = join(folder, `.${basename(out)}.${randomBytes(6).toString('hex')}.work`);
  const temp = tempNameFor(out);
  await mkdir(workDir, { mode: 0o700 });
  try {
    // Header and log head first, database second: the copy is then never older than the head
    // that vouches for it, and the header never names a slot whose user the copy lacks.
    const headerBytes = await readFile(session.paths.header);
    const logHeadBytes = await readFile(session.paths.logHead).catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    });
    const snapshot = join(workDir, 'snapshot.db');
    // Queued together, so nothing on this connection runs between them: the blob list is the
    // copy's (verifyBackupFile checks it against the copy again).
    const [, rows] = await Promise.all([
      session.database.exportEncryptedCopy(snapshot),
      session.read((db) => db.all<{ blob_name: string }>('SELECT blob_name FROM evidence ORDER BY blob_name')),
    ]);

    const sources: Source[] = [{ name: 'vault.header', bytes: headerBytes }];
    if (logHeadBytes) sources.push({ name: 'log.head', bytes: logHeadBytes });
    sources.push({ name: 'vault.db', path: snapshot });
    for (const { blob_name: blobName } of rows) sources.push({ name: blobEntryName(blobName), path: blobPath(session.paths.blobs, blobName) });
    const entries: BackupEntry[] = [];
    for (const source of sources) entries.push(await describe(source));
    const manifest: BackupManifest = { format: BACKUP_FORMAT, version: BACKUP_VERSION, vaultId: session.vaultId, createdAt: new Date().toISOString(), entries };

    const written = await writeBackupFile(temp, session.dataKey, manifest, sources);
    const verifyDir = join(workDir, 'verify');
    await mkdir(verifyDir, { mode: 0o700 });
    try {
      await verifyBackupFile(session, temp, verifyDir, written.sha256);
    } catch (error) {
      const why = error instanceof Error ? error.message : 'unknown problem';
      throw new CustodianError('internal', `The backup did not pass verification after writing, so it was not kept: ${why}`, { cause: error });
    }
    if (
      await stat(out).then(
        () => true,
        () => false,
      )
    )
      throw new CustodianError('conflict', `${out} appeared while the backup was being written; nothing was overwritten.`);
    await rename(temp, out);
    await syncDirectory(folder);
    await session.record([{ action: 'vault.backup', target: session.vaultId, after: written.sha256 }]);
    return { file: out, sha256: written.sha256, entries: entries.length, bytes: written.bytes };
  } finally {
    await rm(temp, { force: true });
    await rm(workDir, { recursive: true, force: true });
  }
}
