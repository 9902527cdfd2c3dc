import type { Checkpoint } from './checkpoint';

/** A row of the `checkpoints` table (migrations 10 and 90). */
export interface CheckpointRow {
  size: number;
  root: Buffer;
  signer: string;
  public_key: string;
  signature: Buffer;
  at: string;
  format: 1 | 2;
  ssh_signature: Buffer | null;
}

export function checkpointFromRow(vaultId: string, row: CheckpointRow): Checkpoint {
  return {
    format: row.format,
    vaultId,
    size: row.size,
    root: row.root.toString('base64'),
    signer: row.signer,
    publicKey: row.public_key,
    signature: row.signature.toString('base64'),
    sshSignature: row.ssh_signature ? row.ssh_signature.toString('base64') : null,
    at: row.at,
  };
}
