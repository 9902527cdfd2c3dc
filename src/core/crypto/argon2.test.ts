import { argon2id } from 'hash-wasm';
import { describe, expect, it } from 'vitest';
import { ARGON2_MINIMUM, deriveArgon2, meetsMinimum } from './argon2';

describe('deriveArgon2', () => {
  it('matches hash-wasm run in-process, byte for byte, and leaves the caller its passphrase', async () => {
    const salt = Buffer.alloc(16, 7).toString('base64');
    const passphrase = Buffer.from('correct horse battery staple');
    const params = { alg: 'argon2id' as const, ...ARGON2_MINIMUM, salt };
    const fromWorker = await deriveArgon2(passphrase, params);
    const direct = await argon2id({
      password: passphrase,
      salt: Buffer.alloc(16, 7),
      parallelism: 4,
      iterations: 3,
      memorySize: 64 * 1024,
      hashLength: 32,
      outputType: 'binary',
    });
    expect(fromWorker.equals(Buffer.from(direct))).toBe(true);
    expect(passphrase.toString()).toBe('correct horse battery staple');
  });

  it('keeps the event loop free while it works', async () => {
    const salt = Buffer.alloc(16, 1).toString('base64');
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    await deriveArgon2(Buffer.from('x'), { alg: 'argon2id', ...ARGON2_MINIMUM, salt });
    clearInterval(timer);
    // A blocked loop would let no interval fire during the derivation (~0.3 s here).
    expect(ticks).toBeGreaterThan(3);
  });

  it('knows the DESIGN.md floor', () => {
    expect(meetsMinimum({ m: 65536, t: 3, p: 4 })).toBe(true);
    expect(meetsMinimum({ m: 65535, t: 3, p: 4 })).toBe(false);
    expect(meetsMinimum({ m: 65536, t: 2, p: 4 })).toBe(false);
  });
});
