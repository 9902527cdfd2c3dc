import { createPrivateKey, createPublicKey, diffieHellman, generateKeyPairSync } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { bech32 } from '@scure/base';

// Raw 32-byte X25519 keys <-> Node KeyObjects, and age's bech32 identity/recipient strings.

const PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b656e032100', 'hex');

export function privateKeyFromRaw(raw: Uint8Array): KeyObject {
  if (raw.length !== 32) throw new Error('X25519 private key must be 32 bytes');
  const der = Buffer.concat([PKCS8_PREFIX, raw]);
  try {
    return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  } finally {
    der.fill(0);
  }
}

export function publicKeyFromRaw(raw: Uint8Array): KeyObject {
  if (raw.length !== 32) throw new Error('X25519 public key must be 32 bytes');
  return createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
}

export function rawPublicKey(key: KeyObject): Buffer {
  const publicKey = key.type === 'public' ? key : createPublicKey(key);
  return publicKey.export({ format: 'der', type: 'spki' }).subarray(SPKI_PREFIX.length);
}

/** A fresh identity: the raw private scalar (caller wipes it) and its public key. */
export function generateX25519(): { privateKey: Buffer; publicKey: Buffer } {
  const pair = generateKeyPairSync('x25519');
  const der = pair.privateKey.export({ format: 'der', type: 'pkcs8' });
  const privateKey = Buffer.from(der.subarray(PKCS8_PREFIX.length));
  der.fill(0);
  return { privateKey, publicKey: rawPublicKey(pair.publicKey) };
}

/** X25519(private, public). Throws on an all-zero shared secret (a low-order public key). */
export function x25519(privateKey: KeyObject, publicRaw: Uint8Array): Buffer {
  const shared = diffieHellman({ privateKey, publicKey: publicKeyFromRaw(publicRaw) });
  if (shared.every((byte) => byte === 0)) throw new Error('X25519 produced an all-zero shared secret');
  return shared;
}

/** `AGE-SECRET-KEY-1...`: the string `age -d -i` accepts. Secret: never log it. */
export function encodeIdentity(privateKey: Uint8Array): string {
  return bech32.encode('age-secret-key-', bech32.toWords(privateKey), 1023).toUpperCase();
}

export function decodeIdentity(identity: string): Buffer {
  const { prefix, words } = bech32.decode(identity.toLowerCase() as `${string}1${string}`, 1023);
  if (prefix !== 'age-secret-key-') throw new Error('not an age X25519 identity');
  const raw = Buffer.from(bech32.fromWords(words));
  if (raw.length !== 32) throw new Error('age identity has the wrong length');
  return raw;
}

/** `age1...`: the recipient string for `age -r`. */
export function encodeRecipient(publicKey: Uint8Array): string {
  return bech32.encode('age', bech32.toWords(publicKey), 1023);
}

export function decodeRecipient(recipient: string): Buffer {
  const { prefix, words } = bech32.decode(recipient as `${string}1${string}`, 1023);
  if (prefix !== 'age') throw new Error('not an age X25519 recipient');
  const raw = Buffer.from(bech32.fromWords(words));
  if (raw.length !== 32) throw new Error('age recipient has the wrong length');
  return raw;
}
