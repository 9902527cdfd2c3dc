import type { ReadableDb } from '../db/database';
import { logSize } from './auditLog';
import type { Checkpoint } from './checkpoint';
import { verifyCheckpointSignature } from './checkpoint';
import { MerkleFrontier } from './merkleFrontier';
import type { FrontierNode } from './merkleFrontier';

/**
 * The quick integrity check a dashboard can afford on every refresh (O(1), unlike verifyLog's
 * pass over every entry): the head kept outside the database is validly signed by a known key,
 * the newest checkpoint and the stored right edge of the tree agree with it, and the log has
 * exactly that many entries. It catches truncation, appends outside Custodian and a replaced
 * head; an edited old entry needs the full verification (`log verify`), which the score uses
 * when it has been run in this session.
 */
export function checkLogHead(db: ReadableDb, vaultId: string, head: Checkpoint | null | 'invalid'): { ok: boolean; reason: string | null } {
  if (head === 'invalid') return { ok: false, reason: 'the log head (log.head) is damaged' };
  const size = logSize(db);
  if (head === null) return size === 0 ? { ok: true, reason: null } : { ok: false, reason: 'log.head is missing' };
  if (head.vaultId !== vaultId || !verifyCheckpointSignature(head)) return { ok: false, reason: 'the log head has an invalid signature' };
  const known = db.get<{ n: number }>('SELECT count(*) AS n FROM signing_keys WHERE public_key = ?', [head.publicKey]);
  if (!known?.n) return { ok: false, reason: 'the log head is signed by an unknown key' };
  if (size !== head.size) return { ok: false, reason: `the log has ${String(size)} entries, its head says ${String(head.size)}` };
  const latest = db.get<{ size: number; root: Buffer }>('SELECT size, root FROM checkpoints ORDER BY size DESC LIMIT 1');
  if (!latest || latest.size !== head.size || latest.root.toString('base64') !== head.root)
    return { ok: false, reason: 'the newest checkpoint does not match the log head' };
  const frontier = new MerkleFrontier(db.all<FrontierNode>('SELECT size, hash FROM audit_frontier ORDER BY level'));
  if (frontier.root().toString('base64') !== head.root) return { ok: false, reason: "the tree's stored right edge does not match the log head" };
  return { ok: true, reason: null };
}
