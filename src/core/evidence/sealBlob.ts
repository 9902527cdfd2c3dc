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
  const handle = await open(path, 'wx', 0o600);
  const hash = new ParallelSha256();
  const encryptor = new AgeEncryptor(recipient);
  let size = 0;
  let batch: Buffer[] = [encryptor.header];
  let batchBytes = encryptor.header.length;
  let writing: Promise<void> = Promise.resolve();
  let written = 0;
  let syncedAt = 0;
  let syncing: Promise<void> | null = null;
  const flush = async () => {
    const buffers = batch;
    const bytes = batchBytes;
    batch = [];
    batchBytes = 0;
    // One write in flight: wait for the previous before queuing this one (order, and memory).
    await writing;
    writing = writeAll(handle, buffers).then(() => {
      written += bytes;
      if (syncing === null && written - syncedAt >= SYNC_EVERY) {
        syncedAt = written;
        syncing = handle.datasync().finally(() => (syncing = null));
      }
    });
  };
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      options.signal?.throwIfAborted();
      size += chunk.length;
      const hashed = hash.update(chunk);
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
    // (Assigned in `flush`'s callback, which the compiler's narrowing does not see.)
    await (syncing as Promise<void> | null);
    await handle.sync();
    return { size, sha256: await hash.digest() };
  } catch (error) {
    encryptor.destroy();
    await hash.destroy();
    // A write still in flight would land after close: let it settle (its error is the one thrown).
    await writing.catch(() => undefined);
    await (syncing as Promise<void> | null)?.catch(() => undefined);
    throw error;
  } finally {
    await handle.close();
  }
}
