import { createHash } from 'node:crypto';
import { CustodianError } from '../../../shared/errors';
import { PAYLOAD, TAG_FILES } from '../packetFormat';
import type { PacketArchive } from '../readPacketArchive';
import type { VerifyPacketOptions } from '../verifyPacket';

// The one pass over the zip: every entry inflated once, hashed with SHA-256 and SHA-512 together,
// nothing written to disk. Only the small files the checks parse (tag files, the audit files,
// the manifests and proofs up to their own limits) are kept in memory; the rest are hashes only.
// An entry that cannot be read whole is recorded with its error, not thrown, so the checks can
// name it; only a cancel (the signal) or an error that is not a CustodianError escapes.

export interface ReadFile {
  path: string;
  size: number;
  sha256: string;
  sha512: string;
  /** The bytes, for the small files the checks parse; null for the rest (or one too large). */
  bytes: Buffer | null;
  /** A file the checks parse, declared larger than they keep in memory (its hashes are good). */
  tooLarge: number | null;
  /** Why the entry could not be read whole (damaged, inflating past its size), or null. */
  error: string | null;
}

const SMALL_FILE = 1024 * 1024;
const LISTING_FILE = 128 * 1024 * 1024;
/**
 * data/audit/proofs.json, parsed whole: 16 MiB of JSON is at most a few hundred MiB of objects
 * in memory, however it is shaped (`[{},{},...]` is the worst).
 */
export const PROOFS_MAX_BYTES = 16 * 1024 * 1024;
const PROGRESS_STEP = 16 * 1024 * 1024;
/** The tag files a packet may have at its top (beside data/). */
export const TAG_NAMES: ReadonlySet<string> = new Set(Object.values(TAG_FILES));
const AUDIT_FILES: readonly string[] = [PAYLOAD.checkpoint, PAYLOAD.checkpointSig, PAYLOAD.logAllowedSigners];

/** How much of a file the checks keep in memory; null: hashed only. */
function keepLimit(path: string): number | null {
  if (path === TAG_FILES.manifest256 || path === TAG_FILES.manifest512 || path === TAG_FILES.tagmanifest) return LISTING_FILE;
  if (path === PAYLOAD.proofs) return PROOFS_MAX_BYTES;
  if (TAG_NAMES.has(path) || AUDIT_FILES.includes(path)) return SMALL_FILE;
  return null;
}

/**
 * Reads every entry of the archive, reporting inflated bytes to options.onProgress.
 * @throws the signal's reason if aborted.
 */
export async function readPacketFiles(archive: PacketArchive, options: VerifyPacketOptions): Promise<Map<string, ReadFile>> {
  const files = new Map<string, ReadFile>();
  let done = 0;
  let reported = 0;
  options.onProgress?.(0, archive.totalBytes);
  for (const entry of archive.entries) {
    options.signal?.throwIfAborted();
    const limit = keepLimit(entry.path);
    const keep = limit !== null && entry.size <= limit;
    const sha256 = createHash('sha256');
    const sha512 = createHash('sha512');
    const chunks: Buffer[] = [];
    let size = 0;
    let error: string | null = null;
    try {
      for await (const chunk of archive.entryChunks(entry, options.signal)) {
        sha256.update(chunk);
        sha512.update(chunk);
        size += chunk.length;
        if (keep) chunks.push(chunk);
        done += chunk.length;
        if (done - reported >= PROGRESS_STEP) {
          reported = done;
          options.onProgress?.(done, archive.totalBytes);
        }
      }
    } catch (caught) {
      if (!(caught instanceof CustodianError) || options.signal?.aborted === true) throw caught;
      error = caught.message;
    }
    files.set(entry.path, {
      path: entry.path,
      size,
      sha256: sha256.digest('hex'),
      sha512: sha512.digest('hex'),
      bytes: keep && error === null ? Buffer.concat(chunks) : null,
      tooLarge: limit !== null && !keep ? limit : null,
      error,
    });
  }
  options.onProgress?.(done, archive.totalBytes);
  return files;
}

/** A kept file's bytes as UTF-8 text; null if it was not kept or is not valid UTF-8. */
export function textOf(file: ReadFile | undefined): string | null {
  if (!file?.bytes) return null;
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(file.bytes);
  } catch {
    return null;
  }
}

/** Why a small file the checks need cannot be used, or null. */
export function unusable(path: string, file: ReadFile | undefined): string | null {
  if (!file) return `${path} is missing`;
  if (file.error !== null) return `${path} cannot be read (${file.error})`;
  if (file.tooLarge !== null) return `${path} is larger than the ${String(file.tooLarge)} bytes such a file may have`;
  if (textOf(file) === null) return `${path} is not UTF-8 text`;
  return null;
}
