import { generateKeyPairSync, sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { entryLeaf } from '../../src/core/audit/auditLog';
import type { Checkpoint } from '../../src/core/audit/checkpoint';
import { checkpointNote, signCheckpoint } from '../../src/core/audit/checkpoint';
import { MerkleFrontier } from '../../src/core/audit/merkleFrontier';
import { VaultDatabase } from '../../src/core/db/database';
import type { WritableDb } from '../../src/core/db/database';
import { publicKeyBase64 } from '../../src/core/vault/keySlots';

// What an attacker holding the vault's data key (and no genuine user's signing key) can do to
// the audit log: edit rows in SQL with the append-only triggers dropped, recompute leaves and
// roots, sign checkpoints with keys of their own, and rewrite the stored tree edge and log.head.

export interface Forger {
  name: string;
  privateKey: KeyObject;
  publicKey: string;
}

export function forgerKey(name: string, privateKey: KeyObject = generateKeyPairSync('ed25519').privateKey): Forger {
  return { name, privateKey, publicKey: publicKeyBase64(privateKey) };
}

export interface LogRow {
  seq: number;
  at: string;
  actor: string;
  action: string;
  target: string | null;
  before_hash: string | null;
  after_hash: string | null;
  reason: string | null;
}

/** Opens vault.db with the data key, drops the append-only triggers and runs `work` in one transaction. */
export async function tamper(dir: string, dataKey: Buffer, work: (db: WritableDb) => void | Promise<void>): Promise<void> {
  const db = VaultDatabase.open(`${dir}/vault.db`, dataKey);
  try {
    await db.transaction(async (tx) => {
      tx.exec(
        'DROP TRIGGER IF EXISTS audit_log_no_update; DROP TRIGGER IF EXISTS audit_log_no_delete; DROP TRIGGER IF EXISTS checkpoints_no_update; DROP TRIGGER IF EXISTS checkpoints_no_delete;',
      );
      await work(tx);
    });
  } finally {
    await db.close();
  }
}

/** Appends entries as `key` and a checkpoint it signs over them; rewrites the tree edge. */
export function appendForged(
  db: WritableDb,
  vaultId: string,
  key: Forger,
  entries: Omit<LogRow, 'seq' | 'at' | 'actor'>[],
  at = new Date().toISOString(),
): Checkpoint {
  const size = db.get<{ n: number }>('SELECT count(*) AS n FROM audit_log')?.n ?? 0;
  entries.forEach((e, i) => {
    const row: LogRow = { ...e, seq: size + i, at, actor: key.name };
    db.run('INSERT INTO audit_log (seq, at, actor, action, target, before_hash, after_hash, reason, leaf_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, zeroblob(32))', [
      row.seq,
      row.at,
      row.actor,
      row.action,
      row.target,
      row.before_hash,
      row.after_hash,
      row.reason,
    ]);
  });
  return resignLog(db, vaultId, (size_) => (size_ > size ? key : null));
}

/**
 * Recomputes every leaf and root, re-signs each checkpoint `signerFor(size)` returns a key for
 * (keeping the others), rewrites the tree edge, and adds a checkpoint over any entries past the
 * last one. @returns the newest checkpoint, for log.head.
 */
export function resignLog(db: WritableDb, vaultId: string, signerFor: (size: number) => Forger | null, options: { legacy?: boolean } = {}): Checkpoint {
  const rows = db.all<LogRow>('SELECT seq, at, actor, action, target, before_hash, after_hash, reason FROM audit_log ORDER BY seq');
  const sizes = new Set(db.all<{ size: number }>('SELECT size FROM checkpoints').map((r) => r.size));
  sizes.add(rows.length);
  const frontier = new MerkleFrontier();
  let newest: Checkpoint | null = null;
  for (const row of rows) {
    const leaf = entryLeaf({ ...row, before: row.before_hash, after: row.after_hash });
    db.run('UPDATE audit_log SET leaf_hash = ? WHERE seq = ?', [leaf, row.seq]);
    frontier.push(leaf);
    const size = row.seq + 1;
    const key = sizes.has(size) ? signerFor(size) : null;
    if (!key) continue;
    const fields = { vaultId, size, root: frontier.root().toString('base64'), signer: key.name, at: row.at };
    const checkpoint: Checkpoint = options.legacy
      ? {
          ...fields,
          format: 1,
          publicKey: key.publicKey,
          // The format-1 message: vault id, size and root only (checkpoint.ts, legacyMessage).
          signature: sign(null, Buffer.from(`custodian audit checkpoint v1\n${vaultId}\n${String(size)}\n${fields.root}\n`), key.privateKey).toString('base64'),
          sshSignature: null,
        }
      : signCheckpoint(fields, key.privateKey, key.publicKey);
    db.run('DELETE FROM checkpoints WHERE size = ?', [size]);
    db.run('INSERT INTO checkpoints (size, root, signer, public_key, signature, at, format, ssh_signature) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [
      size,
      Buffer.from(checkpoint.root, 'base64'),
      checkpoint.signer,
      checkpoint.publicKey,
      Buffer.from(checkpoint.signature, 'base64'),
      checkpoint.at,
      checkpoint.format,
      checkpoint.sshSignature === null ? null : Buffer.from(checkpoint.sshSignature, 'base64'),
    ]);
    newest = checkpoint;
  }
  db.run('DELETE FROM audit_frontier');
  for (const [level, node] of frontier.edge.entries()) db.run('INSERT INTO audit_frontier (level, size, hash) VALUES (?, ?, ?)', [level, node.size, node.hash]);
  if (!newest) throw new Error('nothing was re-signed');
  return newest;
}

/** log.head as Custodian writes it: the signed note, or (format 1) the old JSON checkpoint. */
export function writeHead(dir: string, checkpoint: Checkpoint): void {
  if (checkpoint.format === 2) writeFileSync(`${dir}/log.head`, checkpointNote(checkpoint));
  else {
    const { vaultId, size, root, signer, publicKey, signature, at } = checkpoint;
    writeFileSync(`${dir}/log.head`, JSON.stringify({ vaultId, size, root, signer, publicKey, signature, at }));
  }
}
