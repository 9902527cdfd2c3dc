import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { mkdir, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { extract } from 'tar-stream';
import type { Extract } from 'tar-stream';
import { CustodianError } from '../../shared/errors';
import { headerSchema } from '../vault/vaultHeader';
import type { VaultHeader } from '../vault/vaultHeader';
import type { BackupManifest, EntryKind } from './backupFormat';
import {
  MAC_NAME,
  backupDamaged,
  MANIFEST_NAME,
  MAX_MANIFEST_BYTES,
  TRAILER_BYTES,
  entryKind,
  backupFileSize,
  parseManifest,
  parseMacText,
  trailerBytes,
} from './backupFormat';

export interface ReadBackup {
  manifest: BackupManifest;
  /** SHA-256 of every byte before the MAC entry: what the MAC covers. */
  prefixSha256: Buffer;
  /** The MAC as stored; the caller, who holds the data key, checks it (backupMacMatches). */
  mac: Buffer;
  /** SHA-256 of the whole file, hex. */
  sha256: string;
  bytes: number;
}

/** Where an entry's bytes go: a new file (created owner-only, fsynced), or null to only check them. */
export type EntryDestination = (name: string, kind: EntryKind) => string | null;

const CHUNK_BYTES = 256 * 1024;

/** Resolves when `stream` can take more, or is closed (the caller then stops writing). */
function drained(stream: Extract): Promise<void> {
  return new Promise((resolve) => {
    if (stream.destroying || stream.destroyed) {
      resolve();
      return;
    }
    const done = () => {
      stream.off('drain', done);
      stream.off('close', done);
      resolve();
    };
    stream.once('drain', done);
    stream.once('close', done);
  });
}

/** Writes the file into the extractor, with backpressure; stops early if it is destroyed. */
async function feed(handle: FileHandle, tar: Extract, observe: (chunk: Buffer) => void): Promise<void> {
  for (;;) {
    const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, CHUNK_BYTES, null);
    if (bytesRead === 0) break;
    const chunk = buffer.subarray(0, bytesRead);
    observe(chunk);
    if (tar.destroying) return;
    if (!tar.write(chunk)) await drained(tar);
  }
  tar.end(undefined);
}

async function discard(entry: AsyncIterable<unknown>): Promise<number> {
  let size = 0;
  for await (const chunk of entry) size += (chunk as Buffer).length;
  return size;
}

async function collect(entry: AsyncIterable<unknown>, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of entry) {
    size += (chunk as Buffer).length;
    if (size > limit) throw backupDamaged('an entry is larger than its declared size');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

interface Checked {
  manifest: BackupManifest | undefined;
  mac: Buffer | undefined;
  entries: number;
}

/** Streams one entry into `target` (or nowhere), checking its size and SHA-256 on the way. */
async function checkEntry(entry: AsyncIterable<unknown>, name: string, size: number, sha256: string, target: string | null): Promise<void> {
  const hash = createHash('sha256');
  let written = 0;
  let file: FileHandle | undefined;
  if (target !== null) {
    await mkdir(dirname(target), { recursive: true, mode: 0o700 });
    file = await open(target, 'wx', 0o600);
  }
  try {
    for await (const chunk of entry) {
      const bytes = chunk as Buffer;
      written += bytes.length;
      if (written > size) throw backupDamaged(`${name} is longer than the manifest says`);
      hash.update(bytes);
      if (file) await file.write(bytes);
    }
    await file?.sync();
  } finally {
    await file?.close();
  }
  if (written !== size) throw backupDamaged(`${name} is shorter than the manifest says`);
  if (hash.digest('hex') !== sha256) throw backupDamaged(`${name} does not match its SHA-256 in the manifest`);
}

async function consume(tar: Extract, fileSize: number, destination: EntryDestination, checked: Checked): Promise<void> {
  for await (const entry of tar) {
    const { header } = entry;
    if (header.type !== 'file' || header.pax) throw backupDamaged('it holds something other than plain files');
    if (checked.mac) throw backupDamaged('it has entries after its MAC');
    const manifest = checked.manifest;
    if (!manifest) {
      if (header.name !== MANIFEST_NAME) throw backupDamaged('it does not begin with a Custodian backup manifest (is it a Custodian backup?)');
      if (header.size > MAX_MANIFEST_BYTES) throw backupDamaged('its manifest is impossibly large');
      const bytes = await collect(entry, header.size);
      checked.manifest = parseManifest(bytes);
      // The layout is fixed, so the file's length follows from the manifest: a forged size
      // anywhere shows here, before a single entry is written out.
      if (backupFileSize(bytes.length, checked.manifest.entries) !== fileSize) throw backupDamaged('its length does not match its manifest');
    } else if (checked.entries < manifest.entries.length) {
      const expected = manifest.entries[checked.entries];
      if (!expected || header.name !== expected.name || header.size !== expected.size) {
        throw backupDamaged(`entry ${String(checked.entries + 1)} is not the one its manifest lists`);
      }
      const kind = entryKind(expected.name);
      if (!kind) throw backupDamaged('it names a file a vault does not have');
      await checkEntry(entry, expected.name, expected.size, expected.sha256, destination(expected.name, kind));
      checked.entries++;
    } else {
      if (header.name !== MAC_NAME) throw backupDamaged('it has entries its manifest does not list');
      const mac = parseMacText(await collect(entry, 65));
      if (!mac) throw backupDamaged('its MAC entry is malformed');
      checked.mac = mac;
    }
  }
}

/**
 * Reads a backup once, streaming, and checks everything that needs no key: the tar structure,
 * every entry's name (only vault.header, log.head, vault.db and blobs/ab/<32 hex>), order and
 * size against the manifest, every entry's SHA-256, the file's exact length and its exact
 * trailer. Entries go where `destination` says, as they pass.
 *
 * The MAC is left to the caller, who holds the data key (backupMacMatches). Until it is
 * checked, nothing read here is authenticated.
 * @throws CustodianError('vault_tampered') for anything not as Custodian writes it;
 *   ('unsupported_version') for a newer format; ('not_found') if the file cannot be read.
 */
export async function readBackup(file: string, destination: EntryDestination): Promise<ReadBackup> {
  let handle: FileHandle;
  try {
    handle = await open(file, 'r');
  } catch {
    throw new CustodianError('not_found', `Cannot read the backup file ${file}.`);
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new CustodianError('not_found', `${file} is not a file.`);
    const fileSize = info.size;
    if (fileSize < 1024 + TRAILER_BYTES || fileSize % 512 !== 0) throw backupDamaged('it is not a Custodian backup (its length is wrong)');
    const prefixLength = fileSize - TRAILER_BYTES;
    const whole = createHash('sha256');
    const prefix = createHash('sha256');
    const trailer = Buffer.alloc(TRAILER_BYTES);
    let position = 0;

    const tar = extract();
    const checked: Checked = { manifest: undefined, mac: undefined, entries: 0 };
    let failure: unknown;
    const fail = (error: unknown) => {
      failure ??= error;
      tar.destroy(error instanceof Error ? error : new Error('backup read failed'));
    };

    const observe = (chunk: Buffer) => {
      if (position + chunk.length > fileSize) throw backupDamaged('it grew while it was being read');
      whole.update(chunk);
      if (position < prefixLength) prefix.update(chunk.subarray(0, Math.min(chunk.length, prefixLength - position)));
      if (position + chunk.length > prefixLength) {
        const from = Math.max(0, prefixLength - position);
        chunk.copy(trailer, position + from - prefixLength, from);
      }
      position += chunk.length;
    };

    await Promise.all([feed(handle, tar, observe).catch(fail), consume(tar, fileSize, destination, checked).catch(fail)]);
    if (failure !== undefined) {
      // Our own verdicts and file-system errors pass through; anything else is tar-stream
      // refusing the archive.
      if (failure instanceof CustodianError) throw failure;
      if (failure instanceof Error && typeof (failure as NodeJS.ErrnoException).code === 'string') throw failure;
      throw backupDamaged('it is not a readable tar archive');
    }
    const { manifest, mac } = checked;
    if (!manifest || !mac || checked.entries !== manifest.entries.length) throw backupDamaged('it is incomplete');
    if (position !== fileSize) throw backupDamaged('it changed while it was being read');
    if (!(await trailerBytes(mac, manifest.createdAt)).equals(trailer)) throw backupDamaged('its last blocks are not as Custodian writes them');
    return { manifest, prefixSha256: prefix.digest(), mac, sha256: whole.digest('hex'), bytes: fileSize };
  } finally {
    await handle.close();
  }
}

/**
 * The vault header inside a backup, NOT verified: only for choosing a default user name before
 * a restore, which then checks everything.
 * @returns null if the backup has no readable header near its start.
 */
export async function peekBackupHeader(file: string): Promise<VaultHeader | null> {
  let handle: FileHandle;
  try {
    handle = await open(file, 'r');
  } catch {
    throw new CustodianError('not_found', `Cannot read the backup file ${file}.`);
  }
  try {
    const tar = extract();
    let header: VaultHeader | null = null;
    const look = async () => {
      let seen = 0;
      for await (const entry of tar) {
        if (entry.header.name === 'vault.header' && entry.header.type === 'file' && entry.header.size <= 1024 * 1024) {
          const parsed = headerSchema.safeParse(JSON.parse((await collect(entry, entry.header.size)).toString('utf8')));
          header = parsed.success ? parsed.data : null;
          break;
        }
        if (++seen >= 3) break;
        await discard(entry);
      }
      tar.destroy(null);
    };
    await Promise.allSettled([feed(handle, tar, () => undefined), look()]);
    tar.destroy(null);
    return header;
  } finally {
    await handle.close();
  }
}
