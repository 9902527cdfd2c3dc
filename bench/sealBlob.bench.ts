import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, createReadStream, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { encodeRecipient, generateX25519 } from '../src/core/crypto/age/x25519';
import { STREAM_CHUNK } from '../src/core/fs/streamChunk';
import { sealBlob } from '../src/core/evidence/sealBlob';
import type { Figure } from './measure';

// The sealing step of evidence add alone, in process: read, hash (SHA-256), encrypt (age), write
// and fsync 512 MiB, with no start-up and no unlock. Beside stock `age -r` then `sync` of its
// output: the same work minus the hash, in another process. With the end-to-end figure
// (evidenceAdd) it shows how much of evidence add is unlock and start-up. On this shared VM the
// figure varies by up to 2x between runs (disk writeback); compare it only with its baseline.

const MIB = Number(process.env.CUSTODIAN_BENCH_EVIDENCE_MIB ?? 512);

function seconds(work: () => void): number {
  const start = performance.now();
  work();
  return (performance.now() - start) / 1000;
}

export async function benchSealBlob(): Promise<Figure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'custodian-bench-seal-'));
  try {
    const file = join(dir, 'evidence.bin');
    const fd = openSync(file, 'w');
    for (let i = 0; i < MIB; i++) writeSync(fd, randomBytes(1024 * 1024));
    closeSync(fd);
    const identity = generateX25519();
    const recipient = encodeRecipient(identity.publicKey);
    const out = join(dir, 'out.age');
    const age = seconds(() => spawnSync('sh', ['-c', `age -r ${recipient} -o '${out}' '${file}' && sync '${out}'`]));
    rmSync(out);
    const start = performance.now();
    await sealBlob(createReadStream(file, { highWaterMark: STREAM_CHUNK }), identity.publicKey, join(dir, 'sealed.age'));
    const ours = (performance.now() - start) / 1000;
    return [
      {
        name: `sealing ${String(MIB)} MiB in process (hash, encrypt, write, fsync; no start-up, no unlock)`,
        value: ours,
        unit: 's',
        baseline: { name: 'stock age -r, then sync of its output (no hash)', value: age, unit: 's' },
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
