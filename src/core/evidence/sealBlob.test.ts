import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../../tests/support/tempVault';
import { encodeIdentity, generateX25519 } from '../crypto/age/x25519';
import { sealBlob } from './sealBlob';

const hasAge = spawnSync('age', ['--version']).status === 0;

let temp: ReturnType<typeof tempDir>;
beforeEach(() => {
  temp = tempDir();
});
afterEach(() => {
  temp.cleanup();
});

/** `size` random bytes as a stream of `piece`-byte chunks. */
function randomSource(size: number, piece: number): { plaintext: Buffer; source: Readable } {
  const plaintext = randomBytes(size);
  const pieces: Buffer[] = [];
  for (let at = 0; at < size; at += piece) pieces.push(plaintext.subarray(at, at + piece));
  return { plaintext, source: Readable.from(pieces) };
}

describe('sealBlob', () => {
  it.skipIf(!hasAge)(
    'writes an age file that stock `age -d` opens to the same bytes, owner-only, with the plaintext SHA-256 and size (skipped where age is not installed)',
    async () => {
      const identity = generateX25519();
      const identityFile = join(temp.dir, 'identity.txt');
      writeFileSync(identityFile, `${encodeIdentity(identity.privateKey)}\n`, { mode: 0o600 });
      // Past the write batch (4 MiB) and the background flush (64 MiB); odd sizes and pieces.
      for (const [size, piece] of [
        [0, 1],
        [65_536, 65_536],
        [5 * 1024 * 1024 + 3, 1024 * 1024],
        [70 * 1024 * 1024 + 1, 3 * 1024 * 1024 + 5],
      ] as const) {
        const { plaintext, source } = randomSource(size, piece);
        const path = join(temp.dir, `blob-${String(size)}.age`);
        const sealed = await sealBlob(source, identity.publicKey, path);
        expect(sealed).toEqual({ size, sha256: createHash('sha256').update(plaintext).digest('hex') });
        expect(statSync(path).mode & 0o777).toBe(0o600);
        const opened = spawnSync('age', ['-d', '-i', identityFile, path], { maxBuffer: 128 * 1024 * 1024 });
        expect(opened.status, opened.stderr.toString()).toBe(0);
        expect(opened.stdout.equals(plaintext)).toBe(true);
      }
    },
    60_000,
  );

  it('refuses to write over an existing file', async () => {
    const path = join(temp.dir, 'taken.age');
    writeFileSync(path, 'already here');
    await expect(sealBlob(Readable.from([Buffer.from('x')]), generateX25519().publicKey, path)).rejects.toMatchObject({ code: 'EEXIST' });
    expect(readFileSync(path, 'utf8')).toBe('already here');
  });

  it('rejects when the source fails part way, with the file closed and left for the caller to remove', async () => {
    const path = join(temp.dir, 'broken.age');
    async function* failing() {
      yield randomBytes(6 * 1024 * 1024);
      await Promise.resolve();
      throw new Error('the disk went away');
    }
    await expect(sealBlob(Readable.from(failing()), generateX25519().publicKey, path)).rejects.toThrow('the disk went away');
    expect(existsSync(path)).toBe(true);
  });

  /** A real file whose `writev` (after `writesBefore` calls) or `datasync` fails as a full or broken disk would. */
  function failingDisk(failure: { writesBefore?: number; datasync?: boolean }) {
    return async (file: string): Promise<FileHandle> => {
      const handle = await open(file, 'wx', 0o600);
      let writes = 0;
      return new Proxy(handle, {
        get(target, property, receiver) {
          if (property === 'writev' && failure.writesBefore !== undefined) {
            return (buffers: Buffer[]) =>
              writes++ < (failure.writesBefore ?? 0)
                ? target.writev(buffers)
                : Promise.reject(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }));
          }
          if (property === 'datasync' && failure.datasync) {
            return () => Promise.reject(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }));
          }
          const value: unknown = Reflect.get(target, property, receiver);
          return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
        },
      });
    };
  }

  it('rejects when the disk fills while the source is slow (the failed write is waiting, not lost or left unhandled)', async () => {
    async function* slow() {
      for (let i = 0; i < 12; i++) {
        yield randomBytes(1024 * 1024);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
    const path = join(temp.dir, 'full.age');
    await expect(sealBlob(Readable.from(slow()), generateX25519().publicKey, path, { openFile: failingDisk({ writesBefore: 1 }) })).rejects.toMatchObject({
      code: 'ENOSPC',
    });
  });

  it('rejects when a background flush to disk fails, even though the closing fsync would succeed', async () => {
    const { source } = randomSource(70 * 1024 * 1024, 1024 * 1024);
    const path = join(temp.dir, 'eio.age');
    await expect(sealBlob(source, generateX25519().publicKey, path, { openFile: failingDisk({ datasync: true }) })).rejects.toMatchObject({ code: 'EIO' });
  });
});
