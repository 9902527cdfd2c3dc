import { createHash, createPublicKey, sign, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

// SSHSIG (openssh-portable PROTOCOL.sshsig) for Ed25519 keys: what `ssh-keygen -Y sign` writes
// and `ssh-keygen -Y verify` checks. No npm library writes it; it is a few SSH wire strings
// around one Ed25519 signature. Hash: SHA-512, as ssh-keygen uses by default. parseSshsigArmor
// reads the armored file back, accepting only the exact bytes sshsigArmor would write for it.

const MAGIC = Buffer.from('SSHSIG');
const HASH = 'sha512';
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

function sshString(value: Uint8Array | string): Buffer {
  const bytes = typeof value === 'string' ? Buffer.from(value) : Buffer.from(value);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

/** The SSH wire encoding of an Ed25519 public key (what `.pub` files hold in base64). */
export function sshPublicKeyBlob(publicKey: Uint8Array): Buffer {
  if (publicKey.length !== 32) throw new RangeError('an Ed25519 public key is 32 bytes');
  return Buffer.concat([sshString('ssh-ed25519'), sshString(publicKey)]);
}

/** `ssh-ed25519 AAAA...`, the key as authorized_keys and allowed_signers write it. */
export function sshPublicKeyLine(publicKey: Uint8Array): string {
  return `ssh-ed25519 ${sshPublicKeyBlob(publicKey).toString('base64')}`;
}

/** `SHA256:...`, the fingerprint `ssh-keygen -l` prints for the key. */
export function sshFingerprint(publicKey: Uint8Array): string {
  return `SHA256:${createHash('sha256').update(sshPublicKeyBlob(publicKey)).digest('base64').replace(/=+$/, '')}`;
}

/** The bytes the Ed25519 key signs: the preamble, namespace and the message's hash. */
function signedData(namespace: string, message: Uint8Array): Buffer {
  const digest = createHash(HASH).update(message).digest();
  return Buffer.concat([MAGIC, sshString(namespace), sshString(''), sshString(HASH), sshString(digest)]);
}

/** The raw 64-byte Ed25519 signature inside an SSHSIG over `message`. */
export function sshsigSignature(message: Uint8Array, namespace: string, privateKey: KeyObject): Buffer {
  return sign(null, signedData(namespace, message), privateKey);
}

/** The armored `-----BEGIN SSH SIGNATURE-----` file for a signature made by sshsigSignature. */
export function sshsigArmor(publicKey: Uint8Array, namespace: string, signature: Uint8Array): string {
  const version = Buffer.alloc(4);
  version.writeUInt32BE(1);
  const blob = Buffer.concat([
    MAGIC,
    version,
    sshString(sshPublicKeyBlob(publicKey)),
    sshString(namespace),
    sshString(''),
    sshString(HASH),
    sshString(Buffer.concat([sshString('ssh-ed25519'), sshString(signature)])),
  ]);
  const lines = blob.toString('base64').match(/.{1,70}/g) ?? [];
  return `-----BEGIN SSH SIGNATURE-----\n${lines.join('\n')}\n-----END SSH SIGNATURE-----\n`;
}

/** Checks a raw SSHSIG Ed25519 signature (what sshsigSignature made) over `message`. */
export function sshsigVerify(message: Uint8Array, namespace: string, publicKey: Uint8Array, signature: Uint8Array): boolean {
  try {
    const key = createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, publicKey]), format: 'der', type: 'spki' });
    return verify(null, signedData(namespace, message), key, signature);
  } catch {
    return false;
  }
}

// Read back: the armored file as ssh-keygen -Y sign and sshsigArmor write it.

export interface ParsedSshsig {
  /** Raw Ed25519 public key of the signer. */
  publicKey: Buffer;
  namespace: string;
  /** Raw 64-byte Ed25519 signature (for sshsigVerify). */
  signature: Buffer;
}

/** SSH wire data (RFC 4251 section 5) read from the front. @throws Error('truncated') past its end. */
class WireReader {
  private at = 0;
  constructor(private readonly bytes: Buffer) {}
  take(length: number): Buffer {
    if (this.at + length > this.bytes.length) throw new Error('truncated');
    const out = this.bytes.subarray(this.at, this.at + length);
    this.at += length;
    return out;
  }
  uint32(): number {
    return this.take(4).readUInt32BE(0);
  }
  string(): Buffer {
    return this.take(this.uint32());
  }
  get done(): boolean {
    return this.at === this.bytes.length;
  }
}

/**
 * An armored SSHSIG with an Ed25519 key and SHA-512, in exactly the bytes ssh-keygen and
 * sshsigArmor write (so no byte of the file can change without the parse failing).
 * @returns null if the text is anything else.
 */
export function parseSshsigArmor(text: string): ParsedSshsig | null {
  const match = /^-----BEGIN SSH SIGNATURE-----\n([A-Za-z0-9+/=\n]+)\n-----END SSH SIGNATURE-----\n$/.exec(text);
  if (!match) return null;
  try {
    const wire = new WireReader(Buffer.from((match[1] ?? '').replace(/\n/g, ''), 'base64'));
    if (wire.take(6).toString() !== 'SSHSIG' || wire.uint32() !== 1) return null;
    const key = new WireReader(wire.string());
    const namespace = wire.string().toString();
    wire.string(); // reserved
    const hash = wire.string().toString();
    const sig = new WireReader(wire.string());
    if (!wire.done || hash !== 'sha512') return null;
    if (key.string().toString() !== 'ssh-ed25519') return null;
    const publicKey = key.string();
    if (!key.done || publicKey.length !== 32) return null;
    if (sig.string().toString() !== 'ssh-ed25519') return null;
    const signature = sig.string();
    if (!sig.done || signature.length !== 64) return null;
    if (sshsigArmor(publicKey, namespace, signature) !== text) return null;
    return { publicKey: Buffer.from(publicKey), namespace, signature: Buffer.from(signature) };
  } catch {
    return null;
  }
}
