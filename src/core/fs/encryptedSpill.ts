import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdtemp, open, readdir, rm } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { wipe } from '../crypto/wipe';
import { processAlive } from './processAlive';

const SPILL_PREFIX = 'custodian-spill-';
/** A spill folder's name: the prefix, the writing process's id, mkdtemp's suffix. */
const SPILL_NAME = /^custodian-spill-(\d+)-[A-Za-z0-9]{6}$/;

/** Plaintext bytes per sealed chunk. */
const CHUNK = 64 * 1024;
const TAG = 16;
const SEALED = CHUNK + TAG;

/**
 * A temporary file for work too large to hold in memory (a redacted 500-page PDF), written
 * encrypted: AES-256-GCM in 64 KiB chunks under a key that exists only in this object's memory,
 * each chunk's nonce its index (a key is used for one file only), so no plaintext is ever at
 * rest and a file left behind by a crash can never be read. Chunks can be read back in any
 * order (`read`, for pdf.js's range requests) or in sequence (`stream`).
 *
 * Contract: `write` appends (calls must not overlap: await each); `finish` seals the last
 * partial chunk and makes the spill read-only; reads come after `finish`; `dispose` deletes the
 * file and wipes the key, and is safe to call at any time, more than once.
 * Hazard: a chunk's tag binds its index and whether it is the last, so chunks cannot be
 * reordered, dropped or cut off at the end without `read` failing.
 */
export class EncryptedSpill {
  private readonly buffer = Buffer.alloc(CHUNK);
  private buffered = 0;
  private chunks = 0;
  private finished = false;
  private disposed = false;
  /** The last chunk read (pdf.js asks for neighbouring ranges). */
  private cached: { index: number; plain: Buffer } | null = null;
  size = 0;

  private constructor(
    private readonly dir: string,
    private readonly handle: FileHandle,
    private readonly key: Buffer,
  ) {}

  /**
   * A new, empty spill in its own private folder (`custodian-spill-<pid>-…`) under `parent`: the
   * OS temp folder by default, which may be a RAM-backed tmpfs, so callers with a disk at hand
   * (the output's folder, the vault's) pass it. Spills a crashed process left in `parent` are
   * removed first (they are unreadable: their key died with the process).
   */
  static async create(parent: string = tmpdir()): Promise<EncryptedSpill> {
    await EncryptedSpill.sweep(parent);
    const dir = await mkdtemp(join(parent, `${SPILL_PREFIX}${String(process.pid)}-`));
    try {
      const handle = await open(join(dir, 'spill.bin'), 'wx+', 0o600);
      return new EncryptedSpill(dir, handle, randomBytes(32));
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
  }

  /**
   * Removes the spill folders in `parent` whose process is gone; best effort (a folder another
   * user owns, or one that vanished meanwhile, is left). Returns how many were removed.
   */
  static async sweep(parent: string): Promise<number> {
    let removed = 0;
    for (const name of await readdir(parent).catch(() => [])) {
      const pid = Number(SPILL_NAME.exec(name)?.[1] ?? NaN);
      if (!Number.isSafeInteger(pid) || pid <= 0 || pid === process.pid || processAlive(pid)) continue;
      await rm(join(parent, name), { recursive: true, force: true }).then(
        () => removed++,
        () => undefined,
      );
    }
    return removed;
  }

  private nonce(index: number, last: boolean): Buffer {
    const nonce = Buffer.alloc(12);
    nonce.writeUIntBE(index, 0, 6);
    nonce[11] = last ? 1 : 0;
    return nonce;
  }

  private async seal(plain: Buffer, last: boolean): Promise<void> {
    const index = this.chunks++;
    const cipher = createCipheriv('aes-256-gcm', this.key, this.nonce(index, last), { authTagLength: TAG });
    const sealed = Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
    await this.handle.write(sealed, 0, sealed.length, index * SEALED);
  }

  async write(data: Uint8Array): Promise<void> {
    if (this.finished || this.disposed) throw new Error('the spill is finished');
    let from = 0;
    while (from < data.length) {
      const take = Math.min(CHUNK - this.buffered, data.length - from);
      this.buffer.set(data.subarray(from, from + take), this.buffered);
      this.buffered += take;
      from += take;
      this.size += take;
      if (this.buffered === CHUNK) {
        // Full chunks are never the last: `finish` seals the (possibly empty) last one.
        await this.seal(this.buffer, false);
        this.buffered = 0;
      }
    }
  }

  async finish(): Promise<void> {
    if (this.finished) return;
    await this.seal(this.buffer.subarray(0, this.buffered), true);
    wipe(this.buffer);
    this.buffered = 0;
    this.finished = true;
  }

  private async chunk(index: number): Promise<Buffer> {
    if (this.cached?.index === index) return this.cached.plain;
    const last = index === this.chunks - 1;
    const length = last ? this.size - index * CHUNK + TAG : SEALED;
    const sealed = Buffer.alloc(length);
    const { bytesRead } = await this.handle.read(sealed, 0, length, index * SEALED);
    if (bytesRead !== length) throw new Error('the spill file was cut short');
    const decipher = createDecipheriv('aes-256-gcm', this.key, this.nonce(index, last), { authTagLength: TAG });
    decipher.setAuthTag(sealed.subarray(length - TAG));
    const plain = Buffer.concat([decipher.update(sealed.subarray(0, length - TAG)), decipher.final()]);
    if (this.cached) wipe(this.cached.plain);
    this.cached = { index, plain };
    return plain;
  }

  /** `length` bytes from `position` (fewer at the end), decrypted; the caller owns the copy. */
  async read(position: number, length: number): Promise<Buffer> {
    if (!this.finished || this.disposed) throw new Error('read a spill after finish, before dispose');
    const end = Math.min(this.size, position + length);
    const out = Buffer.alloc(Math.max(0, end - position));
    for (let at = position; at < end;) {
      const index = Math.floor(at / CHUNK);
      const plain = await this.chunk(index);
      const offset = at - index * CHUNK;
      const take = Math.min(plain.length - offset, end - at);
      plain.copy(out, at - position, offset, offset + take);
      at += take;
    }
    return out;
  }

  /** The whole content in order, one chunk at a time. */
  stream(): Readable {
    const size = this.size;
    const read = (position: number) => this.read(position, CHUNK);
    return Readable.from(
      (async function* chunks() {
        for (let position = 0; position < size; position += CHUNK) yield await read(position);
      })(),
      { objectMode: false },
    );
  }

  /** The whole content in one buffer: for small outputs and tests only. */
  async readAll(): Promise<Buffer> {
    return this.read(0, this.size);
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    wipe(this.key);
    wipe(this.buffer);
    if (this.cached) wipe(this.cached.plain);
    this.cached = null;
    await this.handle.close().catch(() => undefined);
    await rm(this.dir, { recursive: true, force: true });
  }
}
