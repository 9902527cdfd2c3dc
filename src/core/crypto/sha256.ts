import { createHash, hash } from 'node:crypto';

/**
 * SHA-256 of `data` (a string is hashed as UTF-8), as hex or bytes. One-shot `crypto.hash`
 * (Node 20.12+, Electron 45's Node 22) is about 2.5x faster than a Hash object per call, which
 * matters when an import hashes two strings for each of a million rows.
 */
export function sha256Hex(data: string | Uint8Array): string {
  return typeof hash === 'function' ? hash('sha256', data, 'hex') : createHash('sha256').update(data).digest('hex');
}

export function sha256Bytes(data: string | Uint8Array): Buffer {
  return typeof hash === 'function' ? hash('sha256', data, 'buffer') : createHash('sha256').update(data).digest();
}
