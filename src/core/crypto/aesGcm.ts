import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export interface SealedBox {
  /** 12-byte nonce, base64. */
  nonce: string;
  /** Ciphertext followed by the 16-byte tag, base64. */
  ciphertext: string;
}

/** AES-256-GCM with associated data. `key` must be 32 bytes. */
export function seal(key: Uint8Array, plaintext: Uint8Array, associatedData: Uint8Array): SealedBox {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: 16 });
  cipher.setAAD(associatedData);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  return { nonce: nonce.toString('base64'), ciphertext: ciphertext.toString('base64') };
}

/**
 * @returns the plaintext (caller wipes it), or `null` if the key is wrong or the box or its
 *   associated data was changed. Never throws for a bad key, so callers cannot leak why.
 */
export function open(key: Uint8Array, box: SealedBox, associatedData: Uint8Array): Buffer | null {
  const nonce = Buffer.from(box.nonce, 'base64');
  const sealed = Buffer.from(box.ciphertext, 'base64');
  if (nonce.length !== 12 || sealed.length < 16) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: 16 });
    decipher.setAAD(associatedData);
    decipher.setAuthTag(sealed.subarray(sealed.length - 16));
    return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - 16)), decipher.final()]);
  } catch {
    return null;
  }
}
