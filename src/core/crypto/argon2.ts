import { argon2id } from 'hash-wasm';
import { performance } from 'node:perf_hooks';

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

export function meetsMinimum(params: Pick<Argon2Params, 'm' | 't' | 'p'>): boolean {
  return params.m >= ARGON2_MINIMUM.m && params.t >= ARGON2_MINIMUM.t && params.p >= ARGON2_MINIMUM.p;
}

/**
 * Derives a 32-byte key-encryption key from a passphrase. CPU-bound for 0.5-1 s by design:
 * call it off the UI process's event loop.
 */
export async function deriveArgon2(passphrase: Uint8Array, params: Argon2Params): Promise<Buffer> {
  const out = await argon2id({
    password: passphrase,
    salt: Buffer.from(params.salt, 'base64'),
    parallelism: params.p,
    iterations: params.t,
    memorySize: params.m,
    hashLength: 32,
    outputType: 'binary',
  });
  return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
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
