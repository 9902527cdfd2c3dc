import { createHmac, timingSafeEqual } from 'node:crypto';
import { Transform } from 'node:stream';
import type { TransformCallback } from 'node:stream';
import { wipe } from '../wipe';
import { AGE_VERSION_LINE, CHUNK_SIZE, MAX_HEADER_SIZE, PAYLOAD_NONCE_SIZE, TAG_SIZE, X25519_LABEL, chachaOpen, chunkNonce, hkdf, unb64 } from './ageFormat';
import { privateKeyFromRaw, rawPublicKey, x25519 } from './x25519';

/** Why an age file was refused, in the terms of the age spec's test vectors (C2SP CCTV). */
export type AgeFailure = 'header' | 'no_match' | 'hmac' | 'payload';

export class AgeDecryptError extends Error {
  override readonly name = 'AgeDecryptError';

  constructor(
    message: string,
    readonly failure: AgeFailure = 'header',
  ) {
    super(message);
  }
}

const SEALED_CHUNK = CHUNK_SIZE + TAG_SIZE;

interface Stanza {
  args: string[];
  body: Buffer;
}

const ARGUMENT = /^[\x21-\x7e]+$/;
const headerFailure = (message: string) => new AgeDecryptError(`malformed age header: ${message}`, 'header');

/**
 * Parses the header strictly as the age v1 spec writes it (every malformed header is a header
 * failure, before any identity is tried): version line; stanzas of `-> ` and non-empty
 * printable arguments, with a body of canonical unpadded base64 in lines of exactly 64
 * columns ending with a shorter (possibly empty) one; a MAC line of 32 bytes.
 */
function parseHeader(headerText: string): { stanzas: Stanza[]; mac: Buffer; macLine: string } {
  if (headerText.includes('\r')) throw headerFailure('carriage return');
  const lines = headerText.split('\n');
  if (lines[0] !== AGE_VERSION_LINE) throw headerFailure('not an age v1 file');
  const macLine = lines[lines.length - 1] ?? '';
  if (!macLine.startsWith('--- ')) throw headerFailure('no MAC line');
  let mac: Buffer;
  try {
    mac = unb64(macLine.slice(4));
  } catch {
    throw headerFailure('bad MAC encoding');
  }
  if (mac.length !== 32) throw headerFailure('bad MAC length');
  const stanzas: Stanza[] = [];
  for (let i = 1; i < lines.length - 1;) {
    const line = lines[i] ?? '';
    if (!line.startsWith('-> ')) throw headerFailure('expected a stanza');
    const args = line.slice(3).split(' ');
    if (args.some((arg) => !ARGUMENT.test(arg))) throw headerFailure('bad stanza argument');
    const bodyLines: string[] = [];
    let closed = false;
    for (i++; i < lines.length - 1; i++) {
      const bodyLine = lines[i] ?? '';
      if (bodyLine.length > 64) throw headerFailure('stanza line longer than 64 columns');
      if (bodyLine.startsWith('-> ')) break;
      bodyLines.push(bodyLine);
      if (bodyLine.length < 64) {
        closed = true;
        i++;
        break;
      }
    }
    if (!closed) throw headerFailure('stanza body without its final short line');
    let body: Buffer;
    try {
      body = unb64(bodyLines.join(''));
    } catch {
      throw headerFailure('bad stanza body encoding');
    }
    stanzas.push({ args, body });
  }
  if (stanzas.length === 0) throw headerFailure('no recipient stanza');
  if (stanzas.some((st) => st.args[0] === 'scrypt') && stanzas.length > 1) throw headerFailure('an scrypt stanza must be alone');
  return { stanzas, mac, macLine };
}

/** Parses the header and unwraps the file key with the identity. @throws AgeDecryptError */
function openHeader(headerText: string, identity: Uint8Array): Buffer {
  const { stanzas, mac, macLine } = parseHeader(headerText);
  const privateKey = privateKeyFromRaw(identity);
  const ownPublic = rawPublicKey(privateKey);
  let fileKey: Buffer | null = null;
  for (const stanza of stanzas) {
    if (stanza.args[0] !== 'X25519') continue;
    if (stanza.args.length !== 2) throw headerFailure('an X25519 stanza has one argument');
    let share: Buffer;
    try {
      share = unb64(stanza.args[1] ?? '');
    } catch {
      throw headerFailure('bad X25519 share encoding');
    }
    if (share.length !== 32 || stanza.body.length !== 32) throw headerFailure('malformed X25519 stanza');
    if (fileKey) continue;
    let shared: Buffer;
    try {
      shared = x25519(privateKey, share);
    } catch {
      throw headerFailure('X25519 share is a low-order point');
    }
    const wrapKey = hkdf(shared, Buffer.concat([share, ownPublic]), X25519_LABEL);
    fileKey = chachaOpen(wrapKey, Buffer.alloc(12), stanza.body);
    wipe(shared, wrapKey);
  }
  if (!fileKey) throw new AgeDecryptError('no identity matched this age file', 'no_match');
  const macKey = hkdf(fileKey, Buffer.alloc(0), 'header');
  const expected = createHmac('sha256', macKey)
    .update(headerText.slice(0, headerText.length - macLine.length + 3))
    .digest();
  wipe(macKey);
  if (!timingSafeEqual(mac, expected)) {
    wipe(fileKey);
    throw new AgeDecryptError('age header MAC does not match: the file was modified', 'hmac');
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

  /** Opens the next chunk as final or not; null if it does not authenticate that way. */
  private tryChunk(sealed: Buffer, last: boolean): Buffer | null {
    if (!this.payloadKey) throw new AgeDecryptError('age payload before header', 'payload');
    const plaintext = chachaOpen(this.payloadKey, chunkNonce(this.counter, last), sealed);
    if (plaintext) this.counter++;
    return plaintext;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.buffered = this.buffered.length ? Buffer.concat([this.buffered, chunk]) : chunk;
      if (!this.payloadKey) this.tryHeader();
      // More than one sealed chunk buffered: the first is certainly not the last.
      while (this.payloadKey && this.buffered.length > SEALED_CHUNK) {
        const sealed = this.buffered.subarray(0, SEALED_CHUNK);
        const plaintext = this.tryChunk(sealed, false);
        if (!plaintext) {
          // A final chunk with more after it: its plaintext is genuine, the rest is not.
          const final = this.tryChunk(sealed, true);
          if (final) this.push(final);
          throw new AgeDecryptError(
            final ? 'age payload continues after its final chunk' : 'age payload chunk failed authentication: the file was modified',
            'payload',
          );
        }
        this.push(plaintext);
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
      if (this.buffered.length < TAG_SIZE) throw new AgeDecryptError('age file is truncated', 'payload');
      const last = this.tryChunk(this.buffered, true);
      if (!last) {
        // A full chunk not marked final: genuine, but the file was cut after it.
        const cut = this.buffered.length === SEALED_CHUNK ? this.tryChunk(this.buffered, false) : null;
        if (cut) this.push(cut);
        throw new AgeDecryptError(
          cut ? 'age file is truncated (no final chunk)' : 'age payload chunk failed authentication: the file was modified or truncated',
          'payload',
        );
      }
      if (last.length === 0 && this.counter > 1) throw new AgeDecryptError('age payload ends with an empty chunk', 'payload');
      this.push(last);
      this.buffered = Buffer.alloc(0);
      callback();
    } catch (error) {
      callback(error as Error);
    } finally {
      wipe(this.payloadKey, this.identity);
    }
  }
}
