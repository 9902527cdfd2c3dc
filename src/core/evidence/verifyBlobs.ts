import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AgeDecryptStream } from '../crypto/age/ageDecrypt';
import { decodeIdentity } from '../crypto/age/x25519';
import { wipe } from '../crypto/wipe';
import { STREAM_CHUNK } from '../fs/streamChunk';
import type { VaultSession } from '../vault/vaultSession';
import { blobPath } from './blobPath';

export interface BlobProblem {
  evidenceId: string;
  reason: string;
}

export interface BlobVerification {
  checked: number;
  /** Plaintext bytes decrypted and hashed. */
  bytes: number;
  problems: BlobProblem[];
}

export interface BlobProgress {
  done: number;
  total: number;
  bytes: number;
  totalBytes: number;
}

/** Hashes and counts what it is given, and keeps nothing. */
class HashSink extends Writable {
  readonly hash = createHash('sha256');
  size = 0;

  constructor(private readonly onBytes: (size: number) => void) {
    super();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.hash.update(chunk);
    this.size += chunk.length;
    this.onBytes(this.size);
    callback();
  }
}

/**
 * The blob half of a full verification: every evidence row's blob is present, decrypts with the
 * row's own identity (so a blob swapped with another, or another copied over it, fails), and has
 * the row's size and SHA-256. Streams each blob (flat memory); writes nothing, logs nothing (no
 * plaintext leaves the process). Each identity is read alone and wiped after use.
 *
 * Aborting rejects at once with the signal's reason, and a blob that failed because of the abort
 * is not reported as damaged. Hazard: a read already in flight is not interrupted (libuv cannot);
 * the file stays open, holding one of libuv's four pool threads, until it returns. On a local disk
 * that is milliseconds; on a stalled network share it is as long as the share stalls.
 */
export async function verifyBlobs(
  session: VaultSession,
  options: { onProgress?: (progress: BlobProgress) => void; signal?: AbortSignal } = {},
): Promise<BlobVerification> {
  const rows = await session.read((db) =>
    db.all<{ id: string; blob_name: string; sha256: string; size: number }>('SELECT id, blob_name, sha256, size FROM evidence ORDER BY id'),
  );
  const totalBytes = rows.reduce((sum, r) => sum + r.size, 0);
  const result: BlobVerification = { checked: 0, bytes: 0, problems: [] };
  for (const row of rows) {
    options.signal?.throwIfAborted();
    const identityText = await session.read((db) => db.get<{ age_identity: string }>('SELECT age_identity FROM evidence WHERE id = ?', [row.id]));
    // Progress within a blob too: one large video must not freeze the bar.
    const sink = new HashSink((size) =>
      options.onProgress?.({ done: result.checked, total: rows.length, bytes: result.bytes + Math.min(size, row.size), totalBytes }),
    );
    let identity: Buffer | null = null;
    try {
      identity = decodeIdentity(identityText?.age_identity ?? '');
      await pipeline(createReadStream(blobPath(session.paths.blobs, row.blob_name), { highWaterMark: STREAM_CHUNK }), new AgeDecryptStream(identity), sink, {
        ...(options.signal ? { signal: options.signal } : {}),
      });
      if (sink.size !== row.size || sink.hash.digest('hex') !== row.sha256) {
        result.problems.push({ evidenceId: row.id, reason: `evidence ${row.id} decrypts, but its size or SHA-256 differs from the record` });
      }
    } catch (error) {
      options.signal?.throwIfAborted();
      const code = (error as NodeJS.ErrnoException).code;
      result.problems.push({
        evidenceId: row.id,
        reason:
          code === 'ENOENT'
            ? `the encrypted file of evidence ${row.id} is missing`
            : `the encrypted file of evidence ${row.id} does not decrypt with its own key (damaged, or replaced by another file)`,
      });
    } finally {
      if (identity) wipe(identity);
    }
    result.checked++;
    result.bytes += row.size;
    options.onProgress?.({ done: result.checked, total: rows.length, bytes: result.bytes, totalBytes });
  }
  return result;
}
