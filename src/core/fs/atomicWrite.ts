import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Readable } from 'node:stream';

/** fsyncs a directory so a rename inside it survives a power cut. */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * A temp name next to `file`, recognisable by the orphan sweep, naming the writing process: the
 * sweep removes it only once that process is gone (parseTempName, sweepOrphans).
 */
export function tempNameFor(file: string): string {
  return join(dirname(file), `.${basename(file)}.${String(process.pid)}-${randomBytes(6).toString('hex')}.tmp`);
}

/** @returns the writing process's id of a tempNameFor name, 0 for an older unnamed one, null if it is none. */
export function parseTempName(name: string): number | null {
  const match = /^\..+\.(?:(\d+)-)?[0-9a-f]{12}\.tmp$/.exec(name);
  if (!match) return null;
  return match[1] ? Number(match[1]) : 0;
}

/**
 * Replaces `file` with `data` (bytes, text, or a stream read to its end) so that a crash leaves either the old or the new content, never a
 * mix: write a temp file, fsync it, rename over, fsync the folder. Only for data that may be
 * on disk as is (ciphertext, or authenticated public metadata).
 */
export async function writeFileAtomic(file: string, data: Uint8Array | string | Readable): Promise<void> {
  const temp = tempNameFor(file);
  const handle = await open(temp, 'wx', 0o600);
  try {
    if (typeof data === 'string' || data instanceof Uint8Array) await handle.writeFile(data);
    else for await (const chunk of data) await handle.write(chunk as Buffer);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await handle.close();
  try {
    await rename(temp, file);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await syncDirectory(dirname(file));
}
