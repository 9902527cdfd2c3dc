import { createHmac, timingSafeEqual } from 'node:crypto';
import { Transform } from 'node:stream';
import type { TransformCallback } from 'node:stream';
import { wipe } from '../wipe';
import { AGE_VERSION_LINE, CHUNK_SIZE, MAX_HEADER_SIZE, PAYLOAD_NONCE_SIZE, TAG_SIZE, X25519_LABEL, chachaOpen, chunkNonce, hkdf, unb64 } from './ageFormat';
import { privateKeyFromRaw, rawPublicKey, x25519 } from './x25519';

export class AgeDecryptError extends Error {
  override readonly name = 'AgeDecryptError';
}

const SEALED_CHUNK = CHUNK_SIZE + TAG_SIZE;

/** Parses the header and unwraps the file key with the identity. @throws AgeDecryptError */
function openHeader(headerText: string, identity: Uint8Array): Buffer {
  const lines = headerText.split('\n');
  if (lines[0] !== AGE_VERSION_LINE) throw new AgeDecryptError('not an age v1 file');
  const macLine = lines[lines.length - 1] ?? '';
  if (!macLine.startsWith('--- ')) throw new AgeDecryptError('malformed age header');
  const privateKey = privateKeyFromRaw(identity);
  const ownPublic = rawPublicKey(privateKey);
  let fileKey: Buffer | null = null;
  for (let i = 1; i < lines.length - 1;) {
    const stanza = lines[i] ?? '';
    if (!stanza.startsWith('-> ')) throw new AgeDecryptError('malformed age stanza');
    const args = stanza.slice(3).split(' ');
    const bodyLines: string[] = [];
    for (i++; i < lines.length - 1; i++) {
      const line = lines[i] ?? '';
      bodyLines.push(line);
      if (line.length < 64) {
        i++;
        break;
      }
    }
    if (fileKey || args[0] !== 'X25519' || args.length !== 2) continue;
    const share = unb64(args[1] ?? '');
    const body = unb64(bodyLines.join(''));
    if (share.length !== 32 || body.length !== 32) throw new AgeDecryptError('malformed X25519 stanza');
    const shared = x25519(privateKey, share);
    const wrapKey = hkdf(shared, Buffer.concat([share, ownPublic]), X25519_LABEL);
    fileKey = chachaOpen(wrapKey, Buffer.alloc(12), body);
    wipe(shared, wrapKey);
  }
  if (!fileKey) throw new AgeDecryptError('no identity matched this age file');
  const macKey = hkdf(fileKey, Buffer.alloc(0), 'header');
  const expected = createHmac('sha256', macKey)
    .update(headerText.slice(0, headerText.length - macLine.length + 3))
    .digest();
  wipe(macKey);
  const given = unb64(macLine.slice(4));
  if (given.length !== 32 || !timingSafeEqual(given, expected)) {
    wipe(fileKey);
    throw new AgeDecryptError('age header MAC does not match: the file was modified');
  }
  return fileKey;
}

/**
 * A Transform from an age v1 file (X25519 recipient) to its plaintext.
 *
 * Hazard: plaintext chunks are emitted as each is authenticated, before the end of the file is
 * seen. A truncated or tampered file errors the stream; the consumer must then discard what it
 * received (delete a partly written output file).
 */
export class AgeDecryptStream extends Transform {
  private readonly identity: Buffer;
  private buffered: Buffer = Buffer.alloc(0);
  private payloadKey: Buffer | null = null;
  private counter = 0;

  constructor(identity: Uint8Array) {
    super();
    this.identity = Buffer.from(identity);
  }

  private tryHeader(): void {
    const end = this.buffered.indexOf('\n--- ');
    if (end === -1) {
      if (this.buffered.length > MAX_HEADER_SIZE) throw new AgeDecryptError('age header too large or missing');
      return;
    }
    const newline = this.buffered.indexOf('\n', end + 1);
    if (newline === -1) return;
    if (this.buffered.length < newline + 1 + PAYLOAD_NONCE_SIZE) return;
    const headerText = this.buffered.subarray(0, newline).toString('latin1');
    let fileKey: Buffer;
    try {
      fileKey = openHeader(headerText, this.identity);
    } catch (error) {
      // Malformed base64, a low-order share, a bad stanza: all mean the same to the caller.
      throw error instanceof AgeDecryptError ? error : new AgeDecryptError(`malformed age header (${error instanceof Error ? error.message : 'unknown'})`);
    }
    const nonce = this.buffered.subarray(newline + 1, newline + 1 + PAYLOAD_NONCE_SIZE);
    this.payloadKey = hkdf(fileKey, nonce, 'payload');
    wipe(fileKey, this.identity);
    this.buffered = this.buffered.subarray(newline + 1 + PAYLOAD_NONCE_SIZE);
  }

  private openChunk(sealed: Buffer, last: boolean): Buffer {
    if (!this.payloadKey) throw new AgeDecryptError('age payload before header');
    const plaintext = chachaOpen(this.payloadKey, chunkNonce(this.counter, last), sealed);
    if (!plaintext) throw new AgeDecryptError('age payload chunk failed authentication: the file was modified or truncated');
    if (last && plaintext.length === 0 && this.counter > 0) throw new AgeDecryptError('age payload ends with an empty chunk');
    this.counter++;
    return plaintext;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.buffered = this.buffered.length ? Buffer.concat([this.buffered, chunk]) : chunk;
      if (!this.payloadKey) this.tryHeader();
      // More than one sealed chunk buffered: the first is certainly not the last.
      while (this.payloadKey && this.buffered.length > SEALED_CHUNK) {
        this.push(this.openChunk(this.buffered.subarray(0, SEALED_CHUNK), false));
        this.buffered = this.buffered.subarray(SEALED_CHUNK);
      }
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    try {
      if (!this.payloadKey) this.tryHeader();
      if (!this.payloadKey) throw new AgeDecryptError('age file is truncated (no complete header)');
      if (this.buffered.length < TAG_SIZE) throw new AgeDecryptError('age file is truncated');
      this.push(this.openChunk(this.buffered, true));
      this.buffered = Buffer.alloc(0);
      callback();
    } catch (error) {
      callback(error as Error);
    } finally {
      wipe(this.payloadKey, this.identity);
    }
  }
}
