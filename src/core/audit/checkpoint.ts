import { createPublicKey, sign, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

/** A signed statement "the log of vault V had `size` entries with this root". */
export interface Checkpoint {
  vaultId: string;
  size: number;
  /** Merkle root, base64. */
  root: string;
  signer: string;
  /** Ed25519 public key, raw 32 bytes base64. */
  publicKey: string;
  /** Ed25519 signature over checkpointMessage(), base64. */
  signature: string;
  at: string;
}

const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** The exact bytes signed: a versioned, line-based note, stable across JSON serialisers. */
export function checkpointMessage(c: Pick<Checkpoint, 'vaultId' | 'size' | 'root'>): Buffer {
  return Buffer.from(`custodian audit checkpoint v1\n${c.vaultId}\n${String(c.size)}\n${c.root}\n`);
}

export function signCheckpoint(fields: Omit<Checkpoint, 'signature' | 'publicKey'>, privateKey: KeyObject, publicKey: string): Checkpoint {
  const signature = sign(null, checkpointMessage(fields), privateKey).toString('base64');
  return { ...fields, publicKey, signature };
}

export function verifyCheckpointSignature(c: Checkpoint): boolean {
  try {
    const raw = Buffer.from(c.publicKey, 'base64');
    if (raw.length !== 32) return false;
    const key = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
    return verify(null, checkpointMessage(c), key, Buffer.from(c.signature, 'base64'));
  } catch {
    return false;
  }
}
