import { constants, accessSync } from 'node:fs';
import { createCipheriv, createDecipheriv, diffieHellman, generateKeyPairSync, randomBytes, sign, verify } from 'node:crypto';

export interface SelfTestCheck {
  id: string;
  label: string;
  ok: boolean;
  detail: string;
}

function check(id: string, label: string, run: () => string): SelfTestCheck {
  try {
    return { id, label, ok: true, detail: run() };
  } catch (error) {
    return { id, label, ok: false, detail: error instanceof Error ? error.message : String(error) };
  }
}

type Aead = 'chacha20-poly1305' | 'aes-256-gcm';

function cipherFor(algorithm: Aead, key: Buffer, nonce: Buffer) {
  return algorithm === 'aes-256-gcm'
    ? createCipheriv(algorithm, key, nonce, { authTagLength: 16 })
    : createCipheriv(algorithm, key, nonce, { authTagLength: 16 });
}

function decipherFor(algorithm: Aead, key: Buffer, nonce: Buffer) {
  return algorithm === 'aes-256-gcm'
    ? createDecipheriv(algorithm, key, nonce, { authTagLength: 16 })
    : createDecipheriv(algorithm, key, nonce, { authTagLength: 16 });
}

function aeadRoundTrip(algorithm: Aead): string {
  const key = randomBytes(32);
  const nonce = randomBytes(12);
  const plaintext = randomBytes(1024);
  const cipher = cipherFor(algorithm, key, nonce);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  const tag = cipher.getAuthTag();
  const decipher = decipherFor(algorithm, key, nonce);
  decipher.setAuthTag(tag);
  const roundTrip = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  if (!roundTrip.equals(plaintext)) throw new Error('round trip returned different bytes');
  // A flipped ciphertext bit must be refused.
  ciphertext[0] = (ciphertext[0] ?? 0) ^ 1;
  const tampered = decipherFor(algorithm, key, nonce);
  tampered.setAuthTag(tag);
  tampered.update(ciphertext);
  let refused = false;
  try {
    tampered.final();
  } catch {
    refused = true;
  }
  key.fill(0);
  if (!refused) throw new Error('a tampered ciphertext was accepted');
  return 'round trip ok, tampering detected';
}

/**
 * Checks that this machine offers what the vault needs (the cryptographic primitives of Node's
 * OpenSSL and a writable data folder) so a locked-down laptop fails early with a clear reason
 * rather than half-way through creating a vault. Runs in a few milliseconds.
 */
export function runSelfTest(dataDir: string): SelfTestCheck[] {
  return [
    check('ed25519', 'Ed25519 signatures', () => {
      const { publicKey, privateKey } = generateKeyPairSync('ed25519');
      const message = Buffer.from('custodian self-test');
      const signature = sign(null, message, privateKey);
      if (!verify(null, message, publicKey, signature)) throw new Error('signature did not verify');
      return 'sign and verify ok';
    }),
    check('x25519', 'X25519 key agreement', () => {
      const a = generateKeyPairSync('x25519');
      const b = generateKeyPairSync('x25519');
      const ab = diffieHellman({ privateKey: a.privateKey, publicKey: b.publicKey });
      const ba = diffieHellman({ privateKey: b.privateKey, publicKey: a.publicKey });
      if (!ab.equals(ba)) throw new Error('shared secrets differ');
      return 'shared secrets agree';
    }),
    check('chacha20-poly1305', 'ChaCha20-Poly1305 (evidence encryption)', () => aeadRoundTrip('chacha20-poly1305')),
    check('aes-256-gcm', 'AES-256-GCM (key wrapping)', () => aeadRoundTrip('aes-256-gcm')),
    check('data-dir', 'Data folder is writable', () => {
      accessSync(dataDir, constants.R_OK | constants.W_OK);
      return 'read and write allowed';
    }),
  ];
}
