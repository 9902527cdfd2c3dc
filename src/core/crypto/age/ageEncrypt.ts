import { createHmac, randomBytes } from 'node:crypto';
import { Transform } from 'node:stream';
import type { TransformCallback } from 'node:stream';
import { wipe } from '../wipe';
import { AGE_VERSION_LINE, CHUNK_SIZE, X25519_LABEL, b64, chachaSeal, chunkNonce, hkdf, wrapBody } from './ageFormat';
import { generateX25519, privateKeyFromRaw, x25519 } from './x25519';

/** Builds the header for one X25519 recipient and returns it with the payload key. */
function buildHeader(recipient: Uint8Array): { header: Buffer; payloadKey: Buffer } {
  const fileKey = randomBytes(16);
  const ephemeral = generateX25519();
  try {
    const shared = x25519(privateKeyFromRaw(ephemeral.privateKey), recipient);
    const wrapKey = hkdf(shared, Buffer.concat([ephemeral.publicKey, recipient]), X25519_LABEL);
    const body = chachaSeal(wrapKey, Buffer.alloc(12), fileKey);
    wipe(shared, wrapKey);
    const beforeMac = `${AGE_VERSION_LINE}\n-> X25519 ${b64(ephemeral.publicKey)}\n${wrapBody(body)}\n---`;
    const macKey = hkdf(fileKey, Buffer.alloc(0), 'header');
    const mac = createHmac('sha256', macKey).update(beforeMac).digest();
    wipe(macKey);
    const nonce = randomBytes(16);
    const payloadKey = hkdf(fileKey, nonce, 'payload');
    return { header: Buffer.concat([Buffer.from(`${beforeMac} ${b64(mac)}\n`), nonce]), payloadKey };
  } finally {
    wipe(fileKey, ephemeral.privateKey);
  }
}

/**
 * A Transform that turns plaintext into a standard age v1 file for one X25519 recipient
 * (decryptable by `age -d -i identity.txt`). Memory stays at about two chunks (128 KiB)
 * whatever the input size.
 */
export class AgeEncryptStream extends Transform {
  private readonly payloadKey: Buffer;
  private pending: Buffer[] = [];
  private pendingLength = 0;
  private counter = 0;

  constructor(recipientPublicKey: Uint8Array) {
    super();
    const { header, payloadKey } = buildHeader(recipientPublicKey);
    this.payloadKey = payloadKey;
    this.push(header);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    let offset = 0;
    // Top up a partial chunk first (copying at most one chunk), then seal whole chunks straight
    // from `chunk` without copying: linear in the write, whatever its size. At least one byte
    // is always kept back: only at the end do we know which chunk is last.
    if (this.pendingLength > 0) {
      const take = Math.min(CHUNK_SIZE - this.pendingLength, chunk.length);
      this.pending.push(chunk.subarray(0, take));
      this.pendingLength += take;
      offset = take;
      if (this.pendingLength === CHUNK_SIZE && offset < chunk.length) {
        this.push(chachaSeal(this.payloadKey, chunkNonce(this.counter++, false), this.takePending()));
        this.pending = [];
        this.pendingLength = 0;
      }
    }
    while (chunk.length - offset > CHUNK_SIZE) {
      this.push(chachaSeal(this.payloadKey, chunkNonce(this.counter++, false), chunk.subarray(offset, offset + CHUNK_SIZE)));
      offset += CHUNK_SIZE;
    }
    if (offset < chunk.length) {
      this.pending.push(chunk.subarray(offset));
      this.pendingLength += chunk.length - offset;
    }
    callback();
  }

  /** The held-back bytes as one buffer: the buffer itself when it is one (no copy). */
  private takePending(): Buffer {
    const [only] = this.pending;
    return this.pending.length === 1 && only ? only : Buffer.concat(this.pending, this.pendingLength);
  }

  override _flush(callback: TransformCallback): void {
    const last = this.takePending();
    this.push(chachaSeal(this.payloadKey, chunkNonce(this.counter, true), last));
    this.pending = [];
    wipe(this.payloadKey);
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    wipe(this.payloadKey);
    callback(error);
  }
}
