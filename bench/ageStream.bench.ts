import { spawn, spawnSync } from 'node:child_process';
import { createCipheriv, randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AgeEncryptStream } from '../src/core/crypto/age/ageEncrypt';
import { encodeRecipient, generateX25519 } from '../src/core/crypto/age/x25519';
import type { Figure } from './measure';

const TOTAL = 256 * 1024 * 1024;
const WRITE_SIZES = [64 * 1024, 1024 * 1024, 32 * 1024 * 1024];

function source(writeSize = 1024 * 1024): Readable {
  const block = randomBytes(writeSize);
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= TOTAL) this.push(null);
      else {
        sent += block.length;
        this.push(block);
      }
    },
  });
}

const discard = () =>
  new Writable({
    write(_chunk, _encoding, callback) {
      callback();
    },
  });

async function mbPerSecond(run: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await run();
  return TOTAL / 1024 / 1024 / ((performance.now() - start) / 1000);
}

/** Evidence encryption: our age stream against stock `age` (or raw ChaCha20-Poly1305 without it). */
export async function benchAgeStream(): Promise<Figure[]> {
  const { publicKey } = generateX25519();
  const hasAge = spawnSync('age', ['--version']).status === 0;
  const baseline = hasAge
    ? await mbPerSecond(async () => {
        const child = spawn('age', ['-r', encodeRecipient(publicKey)], { stdio: ['pipe', 'pipe', 'inherit'] });
        const drained = pipeline(child.stdout, discard());
        await pipeline(source(), child.stdin);
        await drained;
      })
    : await mbPerSecond(() => pipeline(source(), createCipheriv('chacha20-poly1305', randomBytes(32), randomBytes(12), { authTagLength: 16 }), discard()));
  const figures: Figure[] = [];
  for (const writeSize of WRITE_SIZES) {
    const ours = await mbPerSecond(() => pipeline(source(writeSize), new AgeEncryptStream(publicKey), discard()));
    figures.push({
      name: `evidence encryption (age stream, 256 MiB in ${String(writeSize / 1024)} KiB writes)`,
      value: ours,
      unit: 'MB/s',
      baseline: { name: hasAge ? 'stock age 1.1 CLI, 1 MiB writes' : 'raw ChaCha20-Poly1305', value: baseline, unit: 'MB/s' },
      goal: '>= baseline (ratio >= 1) for any write size',
    });
  }
  return figures;
}
