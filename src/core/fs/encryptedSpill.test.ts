import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EncryptedSpill } from './encryptedSpill';

let parent: string;
beforeEach(() => {
  parent = mkdtempSync(join(tmpdir(), 'spill-test-'));
});
afterEach(() => {
  rmSync(parent, { recursive: true, force: true });
});

/** The one spill file under `parent`. */
function spillFile(): string {
  const [dir] = readdirSync(parent);
  if (!dir) throw new Error('no spill folder');
  return join(parent, dir, 'spill.bin');
}

async function filled(data: Buffer, writes: number[]): Promise<EncryptedSpill> {
  const spill = await EncryptedSpill.create(parent);
  let at = 0;
  for (const size of writes) {
    await spill.write(data.subarray(at, at + size));
    at += size;
  }
  await spill.write(data.subarray(at));
  await spill.finish();
  return spill;
}

describe('EncryptedSpill', () => {
  it('reads back what was written, in any range and in order, across chunk edges and for uneven writes', async () => {
    const data = randomBytes(3 * 65536 + 1234);
    const spill = await filled(data, [1, 65535, 70000, 3]);
    try {
      expect(spill.size).toBe(data.length);
      expect((await spill.readAll()).equals(data)).toBe(true);
      for (const [position, length] of [
        [0, 10],
        [65530, 20],
        [65536, 65536],
        [131000, 70000],
        [data.length - 5, 100],
        [data.length, 10],
      ] as const) {
        expect((await spill.read(position, length)).equals(data.subarray(position, position + length))).toBe(true);
      }
      const streamed: Buffer[] = [];
      for await (const chunk of spill.stream()) streamed.push(chunk as Buffer);
      expect(Buffer.concat(streamed).equals(data)).toBe(true);
    } finally {
      await spill.dispose();
    }
  });

  it('keeps no plaintext on disk: a repeated marker written through it is nowhere in the file', async () => {
    const marker = Buffer.from('SSN 123-45-6789 Jane Roe ');
    const data = Buffer.concat(Array.from({ length: 20000 }, () => marker));
    const spill = await filled(data, []);
    try {
      const onDisk = readFileSync(spillFile());
      expect(onDisk.length).toBeGreaterThanOrEqual(data.length);
      expect(onDisk.includes(Buffer.from('123-45-6789'))).toBe(false);
      expect(onDisk.includes(Buffer.from('Jane Roe'))).toBe(false);
    } finally {
      await spill.dispose();
    }
  });

  it('refuses a flipped byte, a chunk swapped for another, and a file cut short', async () => {
    const data = randomBytes(3 * 65536);
    const spill = await filled(data, []);
    try {
      const file = spillFile();
      const original = readFileSync(file);
      const sealed = 65536 + 16;

      const flipped = Buffer.from(original);
      flipped[sealed + 100] = (flipped[sealed + 100] ?? 0) ^ 1;
      writeFileSync(file, flipped);
      await expect(spill.read(65536, 10)).rejects.toThrow();

      // Chunk 0 where chunk 1 belongs: each chunk's nonce is its index, so it fails.
      const swapped = Buffer.concat([original.subarray(0, sealed), original.subarray(0, sealed), original.subarray(2 * sealed)]);
      writeFileSync(file, swapped);
      await expect(spill.read(65536, 10)).rejects.toThrow();

      // Cut inside the third chunk: its read fails rather than returning a shortened file (the
      // size is the spill's own count, never the file's).
      writeFileSync(file, original.subarray(0, 2 * sealed + 1000));
      await expect(spill.read(2 * 65536, 10)).rejects.toThrow(/cut short/);

      writeFileSync(file, original);
      expect((await spill.read(65536, 10)).equals(data.subarray(65536, 65546))).toBe(true);
    } finally {
      await spill.dispose();
    }
  });

  it('deletes its file and folder on dispose, and cannot be read after', async () => {
    const spill = await filled(randomBytes(1000), []);
    const file = spillFile();
    expect(existsSync(file)).toBe(true);
    await spill.dispose();
    await spill.dispose();
    expect(readdirSync(parent)).toEqual([]);
    await expect(spill.read(0, 10)).rejects.toThrow(/after finish, before dispose/);
  });

  it('removes the spills a crashed process left (and only those) before making a new one', async () => {
    // A process that has exited, and one that still runs.
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    const alive = spawn('sleep', ['30']);
    try {
      const left = `custodian-spill-${String(dead)}-AbC123`;
      const running = `custodian-spill-${String(alive.pid)}-XyZ789`;
      const unrelated = 'custodian-spill-notes';
      for (const name of [left, running, unrelated]) {
        mkdirSync(join(parent, name));
        writeFileSync(join(parent, name, 'spill.bin'), randomBytes(100));
      }
      const spill = await EncryptedSpill.create(parent);
      const names = readdirSync(parent);
      expect(names).not.toContain(left);
      expect(names).toContain(running);
      expect(names).toContain(unrelated);
      // The new one is named after this process, so no other process's sweep takes it.
      expect(names.filter((n) => n.startsWith(`custodian-spill-${String(process.pid)}-`))).toHaveLength(1);
      await spill.dispose();
      expect(await EncryptedSpill.sweep(parent)).toBe(0);
    } finally {
      alive.kill();
    }
  });
});
