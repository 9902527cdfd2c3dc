import { createCipheriv, createDecipheriv, hkdfSync } from 'node:crypto';

// Shared pieces of the age v1 format (https://age-encryption.org/v1): header line, base64
// without padding wrapped at 64 columns, and the payload's 64 KiB ChaCha20-Poly1305 STREAM.

export const AGE_VERSION_LINE = 'age-encryption.org/v1';
export const X25519_LABEL = 'age-encryption.org/v1/X25519';
export const CHUNK_SIZE = 64 * 1024;
export const TAG_SIZE = 16;
export const PAYLOAD_NONCE_SIZE = 16;
/** Headers larger than this are refused before parsing (a real one is about 200 bytes). */
export const MAX_HEADER_SIZE = 64 * 1024;

export function hkdf(ikm: Uint8Array, salt: Uint8Array, info: string): Buffer {
  return Buffer.from(hkdfSync('sha256', ikm, salt, info, 32));
}

export function b64(data: Uint8Array): string {
  return Buffer.from(data).toString('base64').replace(/=+$/, '');
}

/** Strict unpadded base64 as age requires (no padding, no whitespace, canonical). */
export function unb64(text: string): Buffer {
  if (!/^[A-Za-z0-9+/]*$/.test(text)) throw new Error('invalid base64 in age header');
  const data = Buffer.from(text, 'base64');
  if (b64(data) !== text) throw new Error('non-canonical base64 in age header');
  return data;
}

/** Stanza body lines: 64 columns, and a final short (possibly empty) line. */
export function wrapBody(data: Uint8Array): string {
  const text = b64(data);
  const lines: string[] = [];
  for (let i = 0; i <= text.length; i += 64) lines.push(text.slice(i, i + 64));
  return lines.join('\n');
}

export function chachaSeal(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array): Buffer {
  return Buffer.concat(chachaSealParts(key, nonce, plaintext));
}

/** `chachaSeal` as [ciphertext, tag], sparing the copy that joins them (for streams that write both). */
export function chachaSealParts(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array): [Buffer, Buffer] {
  const cipher = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: TAG_SIZE });
  const sealed = cipher.update(plaintext);
  // ChaCha20-Poly1305 is a stream cipher: final() emits nothing, but must run to make the tag.
  cipher.final();
  return [sealed, cipher.getAuthTag()];
}

/** @returns the plaintext, or null if authentication fails. */
export function chachaOpen(key: Uint8Array, nonce: Uint8Array, sealed: Uint8Array): Buffer | null {
  if (sealed.length < TAG_SIZE) return null;
  try {
    const decipher = createDecipheriv('chacha20-poly1305', key, nonce, { authTagLength: TAG_SIZE });
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_SIZE));
    return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG_SIZE)), decipher.final()]);
  } catch {
    return null;
  }
}

/** STREAM nonce: 11-byte big-endian chunk counter, then 1 if this is the last chunk. */
export function chunkNonce(counter: number, last: boolean): Buffer {
  const nonce = Buffer.alloc(12);
  nonce.writeUIntBE(counter, 5, 6);
  nonce[11] = last ? 1 : 0;
  return nonce;
}
