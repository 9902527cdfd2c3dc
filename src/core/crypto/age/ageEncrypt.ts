import { createHmac, randomBytes } from 'node:crypto';
import { Transform } from 'node:stream';
import type { TransformCallback } from 'node:stream';
import { wipe } from '../wipe';
import { AGE_VERSION_LINE, CHUNK_SIZE, X25519_LABEL, b64, chachaSeal, chachaSealParts, chunkNonce, hkdf, wrapBody } from './ageFormat';
import { generateX25519, privateKeyFromRaw, x25519 } from './x25519';

/** One X25519 recipient stanza wrapping `fileKey` (age v1 spec, "The X25519 recipient type"). */
function x25519Stanza(fileKey: Buffer, recipient: Uint8Array): string {
  const ephemeral = generateX25519();
  try {
    const shared = x25519(privateKeyFromRaw(ephemeral.privateKey), recipient);
    const wrapKey = hkdf(shared, Buffer.concat([ephemeral.publicKey, recipient]), X25519_LABEL);
    const body = chachaSeal(wrapKey, Buffer.alloc(12), fileKey);
    wipe(shared, wrapKey);
    return `-> X25519 ${b64(ephemeral.publicKey)}\n${wrapBody(body)}\n`;
  } finally {
    wipe(ephemeral.privateKey);
  }
}

/** Builds the header for X25519 recipients (a stanza each, one file key) and returns it with the payload key. */
function buildHeader(recipients: readonly Uint8Array[]): { header: Buffer; payloadKey: Buffer } {
  if (recipients.length === 0) throw new RangeError('age needs at least one recipient');
  const fileKey = randomBytes(16);
  try {
    const beforeMac = `${AGE_VERSION_LINE}\n${recipients.map((r) => x25519Stanza(fileKey, r)).join('')}---`;
    const macKey = hkdf(fileKey, Buffer.alloc(0), 'header');
    const mac = createHmac('sha256', macKey).update(beforeMac).digest();
    wipe(macKey);
    const nonce = randomBytes(16);
    const payloadKey = hkdf(fileKey, nonce, 'payload');
    return { header: Buffer.concat([Buffer.from(`${beforeMac} ${b64(mac)}\n`), nonce]), payloadKey };
  } finally {
    wipe(fileKey);
  }
}

/**
 * Turns plaintext into a standard age v1 file for one or more X25519 recipients (decryptable
 * by `age -d -i identity.txt` with any one of their identities), synchronously: `header`, then what each `update` returns, then
 * what `final` returns, in order, are the file. Each returned buffer is new (nothing is reused
 * later), so a caller may hold them until written.
 *
 * Linear in every write, whatever its size: a partial chunk is topped up (copying at most one
 * chunk), whole chunks are sealed straight from the input. At least one byte is always kept
 * back, as only at the end is it known which chunk is last. Holds about one chunk (64 KiB).
 *
 * Contract: `final` once, last; after it (or `destroy`) the payload key is wiped. Up to a chunk
 * of an `update`'s input is held by reference until the next call: the caller must not reuse
 * that buffer (a stream's chunks are never reused).
 */
export class AgeEncryptor {
  readonly header: Buffer;
  private readonly payloadKey: Buffer;
  private pending: Buffer[] = [];
  private pendingLength = 0;
  private counter = 0;

  constructor(recipientPublicKey: Uint8Array | readonly Uint8Array[]) {
    const { header, payloadKey } = buildHeader(recipientPublicKey instanceof Uint8Array ? [recipientPublicKey] : recipientPublicKey);
    this.header = header;
    this.payloadKey = payloadKey;
  }

  update(chunk: Buffer): Buffer[] {
    const out: Buffer[] = [];
    let offset = 0;
    if (this.pendingLength > 0) {
      const take = Math.min(CHUNK_SIZE - this.pendingLength, chunk.length);
      this.pending.push(chunk.subarray(0, take));
      this.pendingLength += take;
      offset = take;
      if (this.pendingLength === CHUNK_SIZE && offset < chunk.length) out.push(...this.seal(this.takePending(), false));
    }
    while (chunk.length - offset > CHUNK_SIZE) {
      out.push(...this.seal(chunk.subarray(offset, offset + CHUNK_SIZE), false));
      offset += CHUNK_SIZE;
    }
    if (offset < chunk.length) {
      this.pending.push(chunk.subarray(offset));
      this.pendingLength += chunk.length - offset;
    }
    return out;
  }

  final(): Buffer[] {
    const out = this.seal(this.takePending(), true);
    this.destroy();
    return out;
  }

  destroy(): void {
    wipe(this.payloadKey);
    this.pending = [];
    this.pendingLength = 0;
  }

  private seal(plaintext: Buffer, last: boolean): Buffer[] {
    return chachaSealParts(this.payloadKey, chunkNonce(this.counter++, last), plaintext);
  }

  /** The held-back bytes as one buffer (the buffer itself when it is one: no copy), and none held. */
  private takePending(): Buffer {
    const [only] = this.pending;
    const taken = this.pending.length === 1 && only ? only : Buffer.concat(this.pending, this.pendingLength);
    this.pending = [];
    this.pendingLength = 0;
    return taken;
  }
}

/** AgeEncryptor as a Transform stream. Memory stays at about two chunks (128 KiB) whatever the input size. */
export class AgeEncryptStream extends Transform {
  private readonly encryptor: AgeEncryptor;

  constructor(recipientPublicKey: Uint8Array | readonly Uint8Array[]) {
    super();
    this.encryptor = new AgeEncryptor(recipientPublicKey);
    this.push(this.encryptor.header);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    for (const sealed of this.encryptor.update(chunk)) this.push(sealed);
    callback();
  }

  override _flush(callback: TransformCallback): void {
    for (const sealed of this.encryptor.final()) this.push(sealed);
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.encryptor.destroy();
    callback(error);
  }
}
