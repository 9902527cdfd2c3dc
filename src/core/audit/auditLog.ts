import { createHash } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { canonicalJson } from '../crypto/canonicalJson';
import type { ReadableDb, WritableDb } from '../db/database';
import type { Checkpoint } from './checkpoint';
import { signCheckpoint } from './checkpoint';
import { leafHash } from './merkle';
import { MerkleFrontier } from './merkleFrontier';
import type { FrontierNode } from './merkleFrontier';

/** One thing that happened, as core records it. Values are hashes and ids, never PII. */
export interface AuditEvent {
  action: string;
  target?: string | null;
  /** SHA-256 (hex) of the record's canonical state before / after the change. */
  before?: string | null;
  after?: string | null;
  reason?: string | null;
}

export interface AuditEntry {
  seq: number;
  at: string;
  actor: string;
  action: string;
  target: string | null;
  before: string | null;
  after: string | null;
  reason: string | null;
}

/** Who signs: the acting principal's name and Ed25519 key (unwrapped from their slot). */
export interface AuditSigner {
  name: string;
  publicKey: string;
  privateKey: KeyObject;
}

/** The leaf is the canonical JSON of the whole entry, so any edited field changes its hash. */
export function entryLeaf(entry: AuditEntry): Buffer {
  return leafHash(Buffer.from(canonicalJson(entry)));
}

/** SHA-256 hex of a record's canonical JSON: the before/after hash of an audit event. */
export function stateHash(state: unknown): string {
  return createHash('sha256').update(canonicalJson(state)).digest('hex');
}

/** Entries in the log. max(seq) reads one b-tree leaf; count(*) would scan the whole table. */
export async function logSize(db: ReadableDb): Promise<number> {
  const row = await db.get<{ n: number }>('SELECT coalesce(max(seq) + 1, 0) AS n FROM audit_log');
  return row?.n ?? 0;
}

/**
 * Appends events to the log inside the caller's transaction, then signs a checkpoint over the
 * new tree. Every transaction that changes anything must call this before it commits, so no
 * entry is ever outside a signed checkpoint.
 */
export async function appendAudit(
  db: WritableDb,
  vaultId: string,
  signer: AuditSigner,
  events: readonly AuditEvent[],
  now: Date = new Date(),
): Promise<Checkpoint> {
  if (events.length === 0) throw new Error('appendAudit needs at least one event');
  const at = now.toISOString();
  let size = await logSize(db);
  const frontier = new MerkleFrontier(await db.all<FrontierNode>('SELECT size, hash FROM audit_frontier ORDER BY level'));
  const entries: (AuditEntry & { leaf: string })[] = [];
  for (const event of events) {
    const entry: AuditEntry = {
      seq: size,
      at,
      actor: signer.name,
      action: event.action,
      target: event.target ?? null,
      before: event.before ?? null,
      after: event.after ?? null,
      reason: event.reason ?? null,
    };
    const leaf = entryLeaf(entry);
    entries.push({ ...entry, leaf: leaf.toString('hex') });
    frontier.push(leaf);
    size++;
  }
  // One statement per batch of entries, not one per entry (imports log thousands at once).
  for (let start = 0; start < entries.length; start += 5000) {
    await db.run(
      `INSERT INTO audit_log (seq, at, actor, action, target, before_hash, after_hash, reason, leaf_hash)
       SELECT value ->> '$.seq', value ->> '$.at', value ->> '$.actor', value ->> '$.action', value ->> '$.target',
              value ->> '$.before', value ->> '$.after', value ->> '$.reason', unhex(value ->> '$.leaf')
       FROM json_each(?)`,
      [JSON.stringify(entries.slice(start, start + 5000))],
    );
  }
  await db.run('DELETE FROM audit_frontier');
  for (const [level, node] of frontier.edge.entries()) {
    await db.run('INSERT INTO audit_frontier (level, size, hash) VALUES (?, ?, ?)', [level, node.size, node.hash]);
  }
  const checkpoint = signCheckpoint(
    { vaultId, size, root: frontier.root().toString('base64'), signer: signer.name, at },
    signer.privateKey,
    signer.publicKey,
  );
  await db.run('INSERT INTO checkpoints (size, root, signer, public_key, signature, at) VALUES (?, ?, ?, ?, ?, ?)', [
    checkpoint.size,
    Buffer.from(checkpoint.root, 'base64'),
    checkpoint.signer,
    checkpoint.publicKey,
    Buffer.from(checkpoint.signature, 'base64'),
    checkpoint.at,
  ]);
  return checkpoint;
}
