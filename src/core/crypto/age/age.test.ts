import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { pipeline } from 'node:stream/promises';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { AgeDecryptStream } from './ageDecrypt';
import { AgeEncryptStream } from './ageEncrypt';
import { CHUNK_SIZE } from './ageFormat';
import { decodeIdentity, decodeRecipient, encodeIdentity, encodeRecipient, generateX25519, privateKeyFromRaw, rawPublicKey } from './x25519';

async function encrypt(plaintext: Buffer, recipient: Buffer, pieces = 1): Promise<Buffer> {
  const step = Math.max(1, Math.ceil(plaintext.length / pieces));
  const parts: Buffer[] = [];
  for (let i = 0; i < plaintext.length; i += step) parts.push(plaintext.subarray(i, i + step));
  const stream = new AgeEncryptStream(recipient);
  const [out] = await Promise.all([buffer(stream), pipeline(Readable.from(parts), stream)]);
  return out;
}

async function decrypt(ciphertext: Buffer, identity: Buffer, pieces = 1): Promise<Buffer> {
  const step = Math.max(1, Math.ceil(ciphertext.length / pieces));
  const parts: Buffer[] = [];
  for (let i = 0; i < ciphertext.length; i += step) parts.push(ciphertext.subarray(i, i + step));
  const stream = new AgeDecryptStream(identity);
  const [out] = await Promise.all([buffer(stream), pipeline(Readable.from(parts), stream)]);
  return out;
}

const hasAge = spawnSync('age', ['--version']).status === 0;
const work = mkdtempSync(join(tmpdir(), 'custodian-age-'));
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe('age identities', () => {
  it('encode as AGE-SECRET-KEY-1 / age1 bech32 and round-trip', () => {
    const { privateKey, publicKey } = generateX25519();
    const identity = encodeIdentity(privateKey);
    expect(identity).toMatch(/^AGE-SECRET-KEY-1[0-9A-Z]{58}$/);
    expect(decodeIdentity(identity)).toEqual(privateKey);
    const recipient = encodeRecipient(publicKey);
    expect(recipient).toMatch(/^age1[0-9a-z]{58}$/);
    expect(decodeRecipient(recipient)).toEqual(publicKey);
  });

  it.skipIf(!hasAge && !process.env.CI)('derives from an age-keygen identity the recipient age-keygen -y prints (skipped: no age-keygen)', () => {
    const keyFile = join(work, 'keygen.txt');
    spawnSync('age-keygen', ['-o', keyFile]);
    const identityLine = spawnSync('grep', ['^AGE-SECRET-KEY', keyFile], { encoding: 'utf8' }).stdout.trim();
    const recipient = spawnSync('age-keygen', ['-y', keyFile], { encoding: 'utf8' }).stdout.trim();
    // Ours from the identity alone: decode, derive the public key, encode.
    const ours = encodeRecipient(rawPublicKey(privateKeyFromRaw(decodeIdentity(identityLine))));
    expect(ours).toBe(recipient);
    expect(encodeIdentity(decodeIdentity(identityLine))).toBe(identityLine);
  });
});

describe('age stream', () => {
  const { privateKey, publicKey } = generateX25519();

  it.each([0, 1, 100, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1, 2 * CHUNK_SIZE, 3 * CHUNK_SIZE + 17])(
    'round-trips %i bytes, fed in any piece sizes',
    async (size) => {
      const plaintext = Buffer.alloc(size, 0x5a);
      for (const pieces of [1, 3, 1000]) {
        const ciphertext = await encrypt(plaintext, publicKey, pieces);
        expect((await decrypt(ciphertext, privateKey, pieces)).equals(plaintext)).toBe(true);
      }
    },
  );

  it('round-trips arbitrary data (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 3 * CHUNK_SIZE }), fc.integer({ min: 1, max: 50 }), async (data, pieces) => {
        const plaintext = Buffer.from(data);
        return (await decrypt(await encrypt(plaintext, publicKey, pieces), privateKey, pieces)).equals(plaintext);
      }),
      { numRuns: 40 },
    );
  });

  it('detects every single-byte change and every truncation (property)', async () => {
    const plaintext = Buffer.alloc(CHUNK_SIZE + 1000, 7);
    const ciphertext = await encrypt(plaintext, publicKey);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: ciphertext.length - 1 }), fc.integer({ min: 1, max: 255 }), async (offset, flip) => {
        const tampered = Buffer.from(ciphertext);
        tampered[offset] = (tampered[offset] ?? 0) ^ flip;
        await expect(decrypt(tampered, privateKey)).rejects.toThrow();
      }),
      { numRuns: Number(process.env.CUSTODIAN_PROPERTY_RUNS ?? 200) },
    );
    for (const cut of [1, 16, 17, CHUNK_SIZE, ciphertext.length - 1]) {
      await expect(decrypt(ciphertext.subarray(0, ciphertext.length - cut), privateKey)).rejects.toThrow();
    }
    await expect(decrypt(Buffer.concat([ciphertext, Buffer.from([0])]), privateKey)).rejects.toThrow();
  });

  it('seals writes of mixed sizes, one byte to many chunks at once, into the same plaintext', async () => {
    const plaintext = randomBytes(5 * CHUNK_SIZE + 123);
    const cuts = [1, CHUNK_SIZE - 1, CHUNK_SIZE, 3 * CHUNK_SIZE + 5, plaintext.length];
    const parts = cuts.map((end, i) => plaintext.subarray(i === 0 ? 0 : Math.min(cuts[i - 1] ?? 0, plaintext.length), Math.min(end, plaintext.length)));
    const stream = new AgeEncryptStream(publicKey);
    const [ciphertext] = await Promise.all([buffer(stream), pipeline(Readable.from(parts), stream)]);
    expect((await decrypt(ciphertext, privateKey, 7)).equals(plaintext)).toBe(true);
    // One write of many chunks gives a file of the same shape as one chunk at a time.
    expect(ciphertext.length).toBe((await encrypt(plaintext, publicKey, 1000)).length);
  });

  it('refuses the wrong identity', async () => {
    const other = generateX25519();
    await expect(decrypt(await encrypt(Buffer.from('x'), publicKey), other.privateKey)).rejects.toThrow(/no identity matched/);
  });

  it.skipIf(!hasAge)('interoperates with stock age 1.1 both ways (skipped where `age` is not installed)', async () => {
    const identityFile = join(work, 'identity.txt');
    writeFileSync(identityFile, `${encodeIdentity(privateKey)}\n`);
    for (const size of [0, 5, CHUNK_SIZE, 2 * CHUNK_SIZE + 3]) {
      const plaintext = Buffer.alloc(size, 0x41);
      const ours = join(work, `ours-${String(size)}.age`);
      writeFileSync(ours, await encrypt(plaintext, publicKey));
      const stock = spawnSync('age', ['-d', '-i', identityFile, ours]);
      expect(stock.status, stock.stderr.toString()).toBe(0);
      expect(stock.stdout.equals(plaintext)).toBe(true);
      const theirs = spawnSync('age', ['-r', encodeRecipient(publicKey)], { input: plaintext });
      expect(theirs.status).toBe(0);
      expect((await decrypt(theirs.stdout, privateKey)).equals(plaintext)).toBe(true);
    }
  });
});
