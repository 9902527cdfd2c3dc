import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ParallelSha256 } from './parallelSha256';

async function digestOf(pieces: Buffer[], threadFrom?: number): Promise<string> {
  const hash = new ParallelSha256(threadFrom);
  for (const piece of pieces) await hash.update(piece);
  return hash.digest();
}

function expected(pieces: Buffer[]): string {
  const hash = createHash('sha256');
  for (const piece of pieces) hash.update(piece);
  return hash.digest('hex');
}

describe('ParallelSha256', () => {
  it('equals SHA-256 inline (small), on the thread from the first byte (large), and across chunks larger than a ring slot', async () => {
    const cases: [string, Buffer[], number | undefined][] = [
      ['empty', [], undefined],
      ['small, inline', [randomBytes(1000), randomBytes(5)], undefined],
      ['just past the threshold', [randomBytes(4096), randomBytes(1)], 4096],
      // 3 MiB chunks span three 1 MiB slots each; 24 MiB cycles the 8-slot ring three times.
      ['many slots', Array.from({ length: 8 }, () => randomBytes(3 * 1024 * 1024 + 7)), 1],
    ];
    for (const [name, pieces, threadFrom] of cases) expect(await digestOf(pieces, threadFrom), name).toBe(expected(pieces));
  });

  it('hashes the bytes as they were given: a chunk changed by its owner after update does not change the digest', async () => {
    const chunks = Array.from({ length: 20 }, () => randomBytes(1024 * 1024));
    const original = chunks.map((chunk) => Buffer.from(chunk));
    const hash = new ParallelSha256(1);
    for (const chunk of chunks) {
      await hash.update(chunk);
      chunk.fill(0);
    }
    expect(await hash.digest()).toBe(expected(original));
  });
});
