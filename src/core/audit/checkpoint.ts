import { createHash, createPublicKey, sign, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { sshsigSignature, sshsigVerify } from '../crypto/sshsig';

/**
 * A signed statement "the log of vault V had `size` entries with this root, signed by `signer`
 * at `at`". Format 2 is a C2SP tlog-checkpoint signed note (c2sp.org/signed-note,
 * c2sp.org/tlog-checkpoint), so signer and time are covered:
 *
 *     custodian/vault/<vault id>        origin; also the note's key name
 *     <size>
 *     <root, base64>
 *     signer <user name>                extension lines
 *     time <ISO 8601>
 *
 *     — custodian/vault/<vault id> base64(key ID || Ed25519 signature of the text above)
 *
 * plus an SSHSIG (namespace `custodian-checkpoint`) over the whole signed note, so
 * `ssh-keygen -Y verify` checks a kept checkpoint file with no tool of ours.
 *
 * Format 1 (vaults made before the key chain) signed only vault id, size and root.
 */
export interface Checkpoint {
  format: 1 | 2;
  vaultId: string;
  size: number;
  /** Merkle root, base64. */
  root: string;
  signer: string;
  at: string;
  /** Ed25519 public key, raw 32 bytes base64. */
  publicKey: string;
  /** Ed25519 signature, base64: over the note text (format 2) or legacyMessage (format 1). */
  signature: string;
  /** Format 2: the Ed25519 signature inside the SSHSIG over checkpointNote(), base64. */
  sshSignature: string | null;
}

export type CheckpointFields = Pick<Checkpoint, 'vaultId' | 'size' | 'root' | 'signer' | 'at'>;

export const CHECKPOINT_NAMESPACE = 'custodian-checkpoint';
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const ED25519_TYPE = 0x01;

export function checkpointOrigin(vaultId: string): string {
  return `custodian/vault/${vaultId}`;
}

/** The note text (what the note signature covers), ending in a newline. */
export function checkpointText(c: CheckpointFields): string {
  return `${checkpointOrigin(c.vaultId)}\n${String(c.size)}\n${c.root}\nsigner ${c.signer}\ntime ${c.at}\n`;
}

/** signed-note key ID: SHA-256(key name || 0x0A || 0x01 || public key)[:4]. */
export function noteKeyId(keyName: string, publicKey: Uint8Array): Buffer {
  return createHash('sha256')
    .update(Buffer.from(`${keyName}\n`))
    .update(Buffer.from([ED25519_TYPE]))
    .update(publicKey)
    .digest()
    .subarray(0, 4);
}

/** The whole signed note: what `log checkpoint` prints, log.head holds and `--since` reads. */
export function checkpointNote(c: Checkpoint): string {
  if (c.format !== 2) throw new Error('only format-2 checkpoints are signed notes');
  const origin = checkpointOrigin(c.vaultId);
  return `${checkpointText(c)}\n${noteSignatureLine(origin, Buffer.from(c.publicKey, 'base64'), Buffer.from(c.signature, 'base64'))}`;
}

/** `— <key name> base64(key ID || signature)` and its newline: one signed-note signature line. */
export function noteSignatureLine(keyName: string, publicKey: Uint8Array, signature: Uint8Array): string {
  return `\u2014 ${keyName} ${Buffer.concat([noteKeyId(keyName, publicKey), signature]).toString('base64')}\n`;
}

function legacyMessage(c: CheckpointFields): Buffer {
  return Buffer.from(`custodian audit checkpoint v1\n${c.vaultId}\n${String(c.size)}\n${c.root}\n`);
}

export function signCheckpoint(fields: CheckpointFields, privateKey: KeyObject, publicKey: string): Checkpoint {
  const signature = sign(null, Buffer.from(checkpointText(fields)), privateKey).toString('base64');
  const unsigned: Checkpoint = { format: 2, ...fields, publicKey, signature, sshSignature: null };
  const sshSignature = sshsigSignature(Buffer.from(checkpointNote(unsigned)), CHECKPOINT_NAMESPACE, privateKey).toString('base64');
  return { ...unsigned, sshSignature };
}

function publicKeyObject(publicKey: string): KeyObject | null {
  const raw = Buffer.from(publicKey, 'base64');
  if (raw.length !== 32) return null;
  return createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
}

/** Checks the note signature (format 2, and its SSHSIG twin when present) or the v1 signature. */
export function verifyCheckpointSignature(c: Checkpoint): boolean {
  try {
    const key = publicKeyObject(c.publicKey);
    if (!key) return false;
    const signature = Buffer.from(c.signature, 'base64');
    if (c.format === 1) return verify(null, legacyMessage(c), key, signature);
    if (!verify(null, Buffer.from(checkpointText(c)), key, signature)) return false;
    if (c.sshSignature === null) return true;
    return sshsigVerify(Buffer.from(checkpointNote(c)), CHECKPOINT_NAMESPACE, Buffer.from(c.publicKey, 'base64'), Buffer.from(c.sshSignature, 'base64'));
  } catch {
    return false;
  }
}

/** A signed checkpoint note as read from a file, before its key is known. */
export interface CheckpointNote extends CheckpointFields {
  keyName: string;
  /** The 4-byte key IDs and signatures of every signature line. */
  signatures: { keyId: Buffer; signature: Buffer }[];
}

const MAX_NOTE = 16 * 1024;

/**
 * Parses a signed checkpoint note strictly (Custodian's five lines, then signature lines).
 * @returns null if the text is not one.
 */
export function parseCheckpointNote(text: string): CheckpointNote | null {
  // eslint-disable-next-line no-control-regex -- the signed-note spec forbids control characters but newline
  if (text.length > MAX_NOTE || !text.endsWith('\n') || /[\u0000-\u0009\u000b-\u001f]/.test(text)) return null;
  const split = text.lastIndexOf('\n\n');
  if (split < 0) return null;
  const lines = text.slice(0, split).split('\n');
  const signatureLines = text.slice(split + 2, -1).split('\n');
  if (lines.length !== 5) return null;
  const [origin, sizeText, root, signerLine, timeLine] = lines as [string, string, string, string, string];
  const vaultId = /^custodian\/vault\/([0-9a-f-]{36})$/.exec(origin)?.[1];
  if (!vaultId || !/^[1-9][0-9]{0,15}$/.test(sizeText) || Buffer.from(root, 'base64').length !== 32) return null;
  if (!signerLine.startsWith('signer ') || !timeLine.startsWith('time ')) return null;
  const signatures: CheckpointNote['signatures'] = [];
  for (const line of signatureLines) {
    const match = /^\u2014 (\S+) ([A-Za-z0-9+/]+=*)$/.exec(line);
    if (!match) return null;
    if (match[1] !== origin) continue; // signatures by other keys (witnesses) are ignored
    const bytes = Buffer.from(match[2] as string, 'base64');
    if (bytes.length !== 4 + 64) continue;
    signatures.push({ keyId: bytes.subarray(0, 4), signature: bytes.subarray(4) });
  }
  return {
    vaultId,
    size: Number(sizeText),
    root,
    signer: signerLine.slice('signer '.length),
    at: timeLine.slice('time '.length),
    keyName: origin,
    signatures,
  };
}

/**
 * The note as a checkpoint signed by one of `publicKeys` (raw base64): the first whose key ID
 * matches and whose signature verifies. @returns null if none does.
 */
export function resolveCheckpointNote(note: CheckpointNote, publicKeys: Iterable<string>): Checkpoint | null {
  for (const publicKey of publicKeys) {
    const keyId = noteKeyId(note.keyName, Buffer.from(publicKey, 'base64'));
    for (const s of note.signatures) {
      if (!s.keyId.equals(keyId)) continue;
      const checkpoint: Checkpoint = {
        format: 2,
        vaultId: note.vaultId,
        size: note.size,
        root: note.root,
        signer: note.signer,
        at: note.at,
        publicKey,
        signature: s.signature.toString('base64'),
        sshSignature: null,
      };
      if (verifyCheckpointSignature(checkpoint)) return checkpoint;
    }
  }
  return null;
}
