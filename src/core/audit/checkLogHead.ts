import type { ReadableDb } from '../db/database';
import { logSize } from './auditLog';
import type { Checkpoint } from './checkpoint';
import { verifyCheckpointSignature } from './checkpoint';
import { checkpointFromRow } from './checkpointRow';
import type { CheckpointRow } from './checkpointRow';
import type { StoredHead } from './logHead';
import { headSize, resolveHead } from './logHead';
import { MerkleFrontier } from './merkleFrontier';
import type { FrontierNode } from './merkleFrontier';

export interface HeadCheck {
  ok: boolean;
  reason: string | null;
  /**
   * Set when the head is a genuine earlier checkpoint of this log and the log beyond it is
   * covered by a validly signed newest checkpoint: a writer stopped between committing and
   * writing log.head. Not tampering; the next writer moves the head to this checkpoint.
   */
  behind: Checkpoint | null;
}

/**
 * The quick integrity check a dashboard can afford on every refresh (O(1), unlike verifyLog's
 * pass over every entry): the head kept outside the database is validly signed by a key the
 * vault knows, the newest checkpoint and the stored right edge of the tree agree with it, and
 * the log has exactly that many entries (or more, covered by a signed checkpoint: see `behind`).
 * It catches truncation, appends outside Custodian and a replaced head; an edited old entry or a
 * rewritten key chain needs the full verification.
 */
export function checkLogHead(db: ReadableDb, vaultId: string, head: StoredHead | null | 'invalid'): HeadCheck {
  const problem = (reason: string): HeadCheck => ({ ok: false, reason, behind: null });
  if (head === 'invalid') return problem('the log head (log.head) is damaged');
  const size = logSize(db);
  if (head === null) return size === 0 ? { ok: true, reason: null, behind: null } : problem('log.head is missing');
  const keys = db.all<{ public_key: string }>('SELECT public_key FROM signing_keys').map((r) => r.public_key);
  const checkpoint = resolveHead(head, keys);
  if (!checkpoint || checkpoint.vaultId !== vaultId) return problem('the log head is not validly signed by a key of this vault');
  if (size < headSize(head)) return problem(`the log has ${String(size)} entries, its head says ${String(headSize(head))}`);
  const latest = db.get<CheckpointRow>('SELECT * FROM checkpoints ORDER BY size DESC LIMIT 1');
  if (!latest || latest.size !== size) return problem(`the log has ${String(size)} entries, but its newest signed checkpoint does not cover them all`);
  const frontier = new MerkleFrontier(db.all<FrontierNode>('SELECT size, hash FROM audit_frontier ORDER BY level'));
  if (!frontier.root().equals(latest.root)) return problem("the tree's stored right edge does not match the newest checkpoint");
  if (size === headSize(head)) {
    return latest.root.toString('base64') === checkpoint.root
      ? { ok: true, reason: null, behind: null }
      : problem('the newest checkpoint does not match the log head');
  }
  const atHead = db.get<{ root: Buffer }>('SELECT root FROM checkpoints WHERE size = ?', [checkpoint.size]);
  const newest = checkpointFromRow(vaultId, latest);
  if (!atHead?.root.equals(Buffer.from(checkpoint.root, 'base64')) || !keys.includes(newest.publicKey) || !verifyCheckpointSignature(newest)) {
    return problem(`the log has ${String(size)} entries, its head says ${String(headSize(head))}`);
  }
  return { ok: true, reason: null, behind: newest };
}
