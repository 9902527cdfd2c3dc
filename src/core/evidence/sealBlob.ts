import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { AgeEncryptor } from '../crypto/age/ageEncrypt';
import { ParallelSha256 } from '../crypto/parallelSha256';

/** Ciphertext gathered before one write (and at most this much more queued behind it). */
const WRITE_BATCH = 4 * 1024 * 1024;
/** Written bytes between background flushes to disk (see sealBlob). */
const SYNC_EVERY = 64 * 1024 * 1024;

export interface SealOptions {
  /** Called with the plaintext bytes read so far, after each chunk. */
  onProgress?: (bytes: number) => void;
  /** Aborting stops at the next chunk: the call rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Opens the new file (default: `open(path, 'wx', 0o600)`); tests pass one whose disk fails. */
  openFile?: (path: string) => Promise<FileHandle>;
}

export interface SealedBlob {
  /** Plaintext bytes. */
  size: number;
  /** SHA-256 of the plaintext, hex. */
  sha256: string;
}

/** Writes every byte of `buffers` at the file's current end (a short write is continued). */
async function writeAll(handle: FileHandle, buffers: Buffer[]): Promise<void> {
  let rest = buffers;
  while (rest.length > 0) {
    const { bytesWritten } = await handle.writev(rest);
    let skip = bytesWritten;
    const left: Buffer[] = [];
    for (const buffer of rest) {
      if (skip >= buffer.length) skip -= buffer.length;
      else {
        left.push(skip > 0 ? buffer.subarray(skip) : buffer);
        skip = 0;
      }
    }
    rest = left;
  }
}

/**
 * Encrypts `source` to a new file `path` (created exclusively, owner-only) as an age v1 file for
 * `recipient`, hashing the plaintext on the way, and makes the file durable (fsync) before it
 * returns. No plaintext is written.
 *
 * Three things overlap, because each alone is close to the speed of the others: the hash runs
 * on another thread (ParallelSha256) while this one encrypts; ciphertext is written in 4 MiB
 * batches by libuv's pool while the next is sealed; and every 64 MiB a `fdatasync` is started
 * in the background, so the disk writes back while the CPU works and the closing fsync has
 * little left to wait for (on its own it costs as much as the encryption).
 *
 * On failure the file is left for the caller to remove (it knows the path).
 */
export async function sealBlob(source: Readable, recipient: Uint8Array, path: string, options: SealOptions = {}): Promise<SealedBlob> {
  const handle = await (options.openFile ?? ((file: string) => open(file, 'wx', 0o600)))(path);
  const hash = new ParallelSha256();
  let encryptor: AgeEncryptor | null = null;
  let size = 0;
  let batch: Buffer[] = [];
  let batchBytes = 0;
  let written = 0;
  let syncedAt = 0;
  // Background work (the write in flight, a datasync) never rejects: its first error is kept
  // here and thrown by the next `flush` or at the end, so nothing is left unhandled and no
  // failed datasync is forgotten (after a failed fsync, a later one may succeed on Linux
  // without the lost pages ever reaching the disk).
  let failure: Error | null = null;
  const fail = (error: unknown) => {
    failure ??= error instanceof Error ? error : new Error(String(error));
  };
  const throwIfFailed = () => {
    if (failure) throw failure;
  };
  let writing: Promise<void> = Promise.resolve();
  let syncing: Promise<void> = Promise.resolve();
  let syncInFlight = false;
  const flush = async () => {
    const buffers = batch;
    const bytes = batchBytes;
    batch = [];
    batchBytes = 0;
    // One write in flight: wait for the previous before queuing this one (order, and memory).
    await writing;
    throwIfFailed();
    writing = writeAll(handle, buffers).then(() => {
      written += bytes;
      if (!syncInFlight && written - syncedAt >= SYNC_EVERY) {
        syncedAt = written;
        syncInFlight = true;
        syncing = handle.datasync().then(() => {
          syncInFlight = false;
        }, fail);
      }
    }, fail);
  };
  try {
    encryptor = new AgeEncryptor(recipient);
    batch.push(encryptor.header);
    batchBytes += encryptor.header.length;
    for await (const piece of source as AsyncIterable<Buffer | string>) {
      options.signal?.throwIfAborted();
      const chunk = typeof piece === 'string' ? Buffer.from(piece) : piece;
      size += chunk.length;
      const hashed = hash.update(chunk);
      hashed.catch(() => undefined); // awaited below; this only stops an early throw leaving it unhandled
      for (const sealed of encryptor.update(chunk)) {
        batch.push(sealed);
        batchBytes += sealed.length;
      }
      if (batchBytes >= WRITE_BATCH) await flush();
      await hashed;
      options.onProgress?.(size);
    }
    options.signal?.throwIfAborted();
    batch.push(...encryptor.final());
    await flush();
    await writing;
    await syncing;
    throwIfFailed();
    await handle.sync();
    return { size, sha256: await hash.digest() };
  } catch (error) {
    encryptor?.destroy();
    await hash.destroy();
    // Let background work settle before the handle closes (a write must not land after close).
    await writing;
    await syncing;
    throw error;
  } finally {
    await handle.close();
  }
}
