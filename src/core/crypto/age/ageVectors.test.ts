import { createHash } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { inflateSync } from 'node:zlib';
import * as vectors from 'cctv-age';
import { describe, expect, it } from 'vitest';
import { AgeDecryptError, AgeDecryptStream } from './ageDecrypt';
import type { AgeFailure } from './ageDecrypt';
import { decodeIdentity } from './x25519';

// Every C2SP CCTV age test vector (npm cctv-age) our decryptor can take: those with an X25519
// identity and no ASCII armor (Custodian neither writes nor reads armor; scrypt passphrase
// vectors have no identity; hybrid post-quantum identities are another recipient type). Each names the outcome a conforming decryptor must reach, and the
// SHA-256 of the plaintext it must emit, checked even on a payload failure (for the chunks that
// authenticated before it).

interface Vector {
  name: string;
  expect: string;
  payload: string | null;
  identities: string[];
  armored: boolean;
  file: Buffer;
}

function parse(name: string, bytes: Uint8Array): Vector {
  const data = Buffer.from(bytes);
  const split = data.indexOf('\n\n');
  const fields = new Map<string, string[]>();
  for (const line of data.subarray(0, split).toString('utf8').split('\n')) {
    const at = line.indexOf(': ');
    const key = line.slice(0, at);
    fields.set(key, [...(fields.get(key) ?? []), line.slice(at + 2)]);
  }
  let file = data.subarray(split + 2);
  if (fields.get('compressed')?.[0] === 'zlib') file = inflateSync(file);
  return {
    name,
    expect: fields.get('expect')?.[0] ?? '',
    payload: fields.get('payload')?.[0] ?? null,
    identities: fields.get('identity') ?? [],
    armored: fields.get('armored')?.[0] === 'yes',
    file,
  };
}

const OUTCOME: Record<AgeFailure, string> = { header: 'header failure', no_match: 'no match', hmac: 'HMAC failure', payload: 'payload failure' };

async function outcome(vector: Vector): Promise<{ result: string; hash: string }> {
  const hash = createHash('sha256');
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      callback();
    },
  });
  let identity: Buffer;
  try {
    identity = decodeIdentity(vector.identities[0] ?? '');
  } catch {
    return { result: 'header failure', hash: hash.digest('hex') };
  }
  try {
    await pipeline(Readable.from([vector.file]), new AgeDecryptStream(identity), sink);
    return { result: 'success', hash: hash.digest('hex') };
  } catch (error) {
    if (!(error instanceof AgeDecryptError)) throw error;
    return { result: OUTCOME[error.failure], hash: hash.digest('hex') };
  }
}

const all = Object.entries(vectors as unknown as Record<string, Uint8Array>).map(([name, bytes]) => parse(name, bytes));
// Hybrid post-quantum identities (AGE-SECRET-KEY-PQ-1...) are a recipient type Custodian does not use.
const ours = all.filter((v) => !v.armored && v.identities.length === 1 && v.identities[0]?.startsWith('AGE-SECRET-KEY-1') === true);

describe('C2SP CCTV age vectors', () => {
  it('covers every vector with one X25519 identity and no armor', () => {
    expect(all.length).toBe(143);
    expect(ours.length).toBe(67);
  });

  it.each(ours.map((v) => [v.name, v] as const))('%s', async (_name, vector) => {
    const { result, hash } = await outcome(vector);
    expect(result).toBe(vector.expect);
    if (vector.payload !== null && (result === 'success' || result === 'payload failure')) expect(hash).toBe(vector.payload);
  });
});
