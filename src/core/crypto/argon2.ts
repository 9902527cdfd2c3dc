import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';

export interface Argon2Params {
  alg: 'argon2id';
  /** Memory in KiB. */
  m: number;
  /** Iterations. */
  t: number;
  /** Parallelism. */
  p: number;
  /** 16+ random bytes, base64. */
  salt: string;
}

/** The floor of DESIGN.md: no slot may be created or opened with less. */
export const ARGON2_MINIMUM = { m: 64 * 1024, t: 3, p: 4 } as const;
export const ARGON2_DEFAULT = { m: 256 * 1024, t: 3, p: 4 } as const;

/**
 * The ceiling: far above what calibration writes (at most 256 MiB; t grows only until 0.5 s),
 * low enough that parameters read from an edited header cannot run unlock out of memory or time.
 */
export const ARGON2_MAXIMUM = { m: 1024 * 1024, t: 64, p: 16 } as const;

export function meetsMinimum(params: Pick<Argon2Params, 'm' | 't' | 'p'>): boolean {
  return params.m >= ARGON2_MINIMUM.m && params.t >= ARGON2_MINIMUM.t && params.p >= ARGON2_MINIMUM.p;
}

export function withinMaximum(params: Pick<Argon2Params, 'm' | 't' | 'p'>): boolean {
  return params.m <= ARGON2_MAXIMUM.m && params.t <= ARGON2_MAXIMUM.t && params.p <= ARGON2_MAXIMUM.p;
}

// Argon2id is CPU-bound for 0.5-1 s by design. It runs in a worker thread so that the
// process calling it (Electron's main process above all) keeps its event loop free. The worker
// is a small CommonJS snippet that loads hash-wasm from the same node_modules as we do.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { argon2id } = require(workerData.hashWasm);
const { password, salt, params } = workerData;
argon2id({ password, salt, parallelism: params.p, iterations: params.t, memorySize: params.m, hashLength: 32, outputType: 'binary' })
  .then((key) => { password.fill(0); parentPort.postMessage(key, [key.buffer]); })
  .catch((error) => { password.fill(0); parentPort.postMessage({ error: String(error && error.message || error) }); });
`;

let hashWasmPath: string | undefined;

/**
 * Derives a 32-byte key-encryption key from a passphrase, in a worker thread.
 * The worker receives a copy of the passphrase and wipes it when done; the caller wipes its own.
 */
export function deriveArgon2(passphrase: Uint8Array, params: Argon2Params): Promise<Buffer> {
  hashWasmPath ??= createRequire(import.meta.url).resolve('hash-wasm');
  const password = new Uint8Array(passphrase);
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: {
      hashWasm: hashWasmPath,
      password,
      salt: new Uint8Array(Buffer.from(params.salt, 'base64')),
      params: { m: params.m, t: params.t, p: params.p },
    },
    transferList: [password.buffer],
  });
  return new Promise<Buffer>((resolve, reject) => {
    worker.once('message', (message: Uint8Array | { error: string }) => {
      void worker.terminate();
      if (message instanceof Uint8Array) resolve(Buffer.from(message.buffer, message.byteOffset, message.byteLength));
      else reject(new Error(`key derivation failed: ${message.error}`));
    });
    worker.once('error', (error) => {
      void worker.terminate();
      reject(error);
    });
  });
}

/**
 * Picks parameters taking 0.5-1 s here: starts at the default (256 MiB, t=3, p=4) and halves
 * memory while too slow, or raises iterations while too fast, never going below the minimum.
 */
export async function calibrateArgon2(salt: string, target = { min: 500, max: 1000 }): Promise<Argon2Params> {
  const probe = Buffer.from('custodian calibration');
  let params: Argon2Params = { alg: 'argon2id', ...ARGON2_DEFAULT, salt };
  for (let round = 0; round < 6; round++) {
    const start = performance.now();
    (await deriveArgon2(probe, params)).fill(0);
    const elapsed = performance.now() - start;
    if (elapsed > target.max && params.m > ARGON2_MINIMUM.m) {
      params = { ...params, m: Math.max(ARGON2_MINIMUM.m, params.m / 2) };
    } else if (elapsed < target.min) {
      params = { ...params, t: params.t + Math.max(1, Math.ceil(params.t * (target.min / Math.max(elapsed, 1) - 1))) };
    } else {
      break;
    }
  }
  return params;
}
