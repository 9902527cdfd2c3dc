import type { ReadableDb } from '../db/database';
import { logSize } from './auditLog';
import type { StoredHead } from './logHead';
import { headSize, resolveHead } from './logHead';
import { MerkleFrontier } from './merkleFrontier';
import type { FrontierNode } from './merkleFrontier';

/**
 * The quick integrity check a dashboard can afford on every refresh (O(1), unlike verifyLog's
 * pass over every entry): the head kept outside the database is validly signed by a key the
 * vault knows, the newest checkpoint and the stored right edge of the tree agree with it, and
 * the log has exactly that many entries. It catches truncation, appends outside Custodian and a
 * replaced head; an edited old entry or a rewritten key chain needs the full verification.
 */
export function checkLogHead(db: ReadableDb, vaultId: string, head: StoredHead | null | 'invalid'): { ok: boolean; reason: string | null } {
  if (head === 'invalid') return { ok: false, reason: 'the log head (log.head) is damaged' };
  const size = logSize(db);
  if (head === null) return size === 0 ? { ok: true, reason: null } : { ok: false, reason: 'log.head is missing' };
  const keys = db.all<{ public_key: string }>('SELECT public_key FROM signing_keys').map((r) => r.public_key);
  const checkpoint = resolveHead(head, keys);
  if (!checkpoint || checkpoint.vaultId !== vaultId) return { ok: false, reason: 'the log head is not validly signed by a key of this vault' };
  if (size !== headSize(head)) return { ok: false, reason: `the log has ${String(size)} entries, its head says ${String(headSize(head))}` };
  const latest = db.get<{ size: number; root: Buffer }>('SELECT size, root FROM checkpoints ORDER BY size DESC LIMIT 1');
  if (!latest || latest.size !== checkpoint.size || latest.root.toString('base64') !== checkpoint.root)
    return { ok: false, reason: 'the newest checkpoint does not match the log head' };
  const frontier = new MerkleFrontier(db.all<FrontierNode>('SELECT size, hash FROM audit_frontier ORDER BY level'));
  if (frontier.root().toString('base64') !== checkpoint.root) return { ok: false, reason: "the tree's stored right edge does not match the log head" };
  return { ok: true, reason: null };
}
