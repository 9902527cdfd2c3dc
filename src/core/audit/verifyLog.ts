import type { ReadableDb } from '../db/database';
import type { AuditEntry } from './auditLog';
import { entryLeaf } from './auditLog';
import type { Checkpoint } from './checkpoint';
import { verifyCheckpointSignature } from './checkpoint';
import { MerkleFrontier } from './merkleFrontier';

export interface LogProblem {
  /** The first entry found bad, or null when the problem is not one entry (e.g. a bad head). */
  seq: number | null;
  reason: string;
}

export interface LogVerification {
  ok: boolean;
  size: number;
  /** Merkle root of the whole log, base64. */
  root: string;
  checkpoints: number;
  signers: string[];
  problem: LogProblem | null;
}

interface LogRow {
  seq: number;
  at: string;
  actor: string;
  action: string;
  target: string | null;
  before_hash: string | null;
  after_hash: string | null;
  reason: string | null;
  leaf_hash: Buffer;
}

interface CheckpointRow {
  size: number;
  root: Buffer;
  signer: string;
  public_key: string;
  signature: Buffer;
  at: string;
}

/**
 * Recomputes the whole log from its rows and checks it against every signed checkpoint and
 * against the head kept outside the database. Detects any entry edited, deleted, inserted or
 * reordered by someone who holds the vault key but not a user's signing key; a rollback of
 * both database and head to an older genuine state needs a checkpoint held elsewhere (packets).
 */
export function verifyLog(db: ReadableDb, vaultId: string, head: Checkpoint | null): LogVerification {
  const rows = db.all<LogRow>('SELECT * FROM audit_log ORDER BY seq');
  const checkpoints = db.all<CheckpointRow>('SELECT * FROM checkpoints ORDER BY size');
  const knownKeys = new Set(db.all<{ public_key: string }>('SELECT public_key FROM signing_keys').map((r) => r.public_key));
  const signers = new Set<string>();
  const frontier = new MerkleFrontier();
  // A holder rather than a `let`: the closure assigns it, which flow analysis cannot see.
  const found: { problem: LogProblem | null } = { problem: null };
  const fail = (seq: number | null, reason: string) => {
    found.problem ??= { seq, reason };
  };

  let firstEdited: number | null = null;
  let checkpointIndex = 0;
  let previousSize = 0;
  const roots = new Map<number, Buffer>();
  const checkpointSizes = new Set(checkpoints.map((c) => c.size));
  if (head) checkpointSizes.add(head.size);

  for (let i = 0; i < rows.length && !found.problem; i++) {
    const row = rows[i] as LogRow;
    if (row.seq !== i) {
      fail(i, row.seq > i ? `entry ${String(i)} is missing (deleted)` : `entry ${String(row.seq)} is out of order`);
      break;
    }
    const entry: AuditEntry = {
      seq: row.seq,
      at: row.at,
      actor: row.actor,
      action: row.action,
      target: row.target,
      before: row.before_hash,
      after: row.after_hash,
      reason: row.reason,
    };
    const leaf = entryLeaf(entry);
    if (firstEdited === null && !leaf.equals(row.leaf_hash)) firstEdited = i;
    frontier.push(leaf);
    const size = i + 1;
    if (checkpointSizes.has(size)) roots.set(size, frontier.root());
    while (checkpointIndex < checkpoints.length && (checkpoints[checkpointIndex] as CheckpointRow).size === size) {
      const c = checkpoints[checkpointIndex] as CheckpointRow;
      const checkpoint = toCheckpoint(vaultId, c);
      if (!knownKeys.has(c.public_key)) fail(previousSize, `checkpoint ${String(size)} is signed by an unknown key`);
      else if (!verifyCheckpointSignature(checkpoint)) fail(previousSize, `checkpoint ${String(size)} has an invalid signature`);
      else if (!c.root.equals(roots.get(size) ?? Buffer.alloc(0))) {
        const seq = firstEdited !== null && firstEdited >= previousSize ? firstEdited : previousSize;
        fail(seq, `entries up to ${String(size)} do not match their signed checkpoint (edited, deleted, inserted or reordered)`);
      }
      signers.add(c.signer);
      previousSize = size;
      checkpointIndex++;
    }
  }

  if (!found.problem) {
    if (checkpointIndex < checkpoints.length) {
      const c = checkpoints[checkpointIndex] as CheckpointRow;
      fail(rows.length, `checkpoint ${String(c.size)} covers entries that are missing (deleted)`);
    } else if (previousSize !== rows.length) {
      fail(previousSize, `entries after ${String(previousSize)} are not covered by any signed checkpoint (inserted outside Custodian)`);
    }
  }
  if (!found.problem && head) {
    if (head.vaultId !== vaultId || !verifyCheckpointSignature(head)) fail(null, 'the log head (log.head) has an invalid signature');
    else if (!knownKeys.has(head.publicKey)) fail(null, 'the log head (log.head) is signed by an unknown key');
    else if (head.size > rows.length)
      fail(rows.length, `the log was truncated: the last recorded head has ${String(head.size)} entries, the log ${String(rows.length)}`);
    else if (!roots.get(head.size)?.equals(Buffer.from(head.root, 'base64'))) fail(null, 'the log was rewritten since its last recorded head');
  }

  return {
    ok: found.problem === null,
    size: rows.length,
    root: frontier.root().toString('base64'),
    checkpoints: checkpoints.length,
    signers: [...signers].sort(),
    problem: found.problem,
  };
}

function toCheckpoint(vaultId: string, row: CheckpointRow): Checkpoint {
  return {
    vaultId,
    size: row.size,
    root: row.root.toString('base64'),
    signer: row.signer,
    publicKey: row.public_key,
    signature: row.signature.toString('base64'),
    at: row.at,
  };
}
