import type { KeyObject } from 'node:crypto';
import { canonicalJson } from '../crypto/canonicalJson';
import type { ReadableDb } from '../db/database';
import { sha256Hex } from '../crypto/sha256';
import { leafHashBytes, leafHashHex } from './merkle';

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

/** A row of the `audit_log` table as read back (its leaf aside). */
export interface StoredLogRow {
  seq: number;
  at: string;
  actor: string;
  action: string;
  target: string | null;
  before_hash: string | null;
  after_hash: string | null;
  reason: string | null;
}

/** The entry a stored row records (what its leaf hashes). */
export function entryOfRow(row: StoredLogRow): AuditEntry {
  return {
    seq: row.seq,
    at: row.at,
    actor: row.actor,
    action: row.action,
    target: row.target,
    before: row.before_hash,
    after: row.after_hash,
    reason: row.reason,
  };
}

export const LOG_COLUMNS = ['seq', 'at', 'actor', 'action', 'target', 'before_hash', 'after_hash', 'reason', 'leaf_hash'] as const;

/**
 * The leaf is the canonical JSON of the whole entry, so any edited field changes its hash.
 * Written out with the keys already in canonical (sorted) order: JSON.stringify of such an
 * object is byte-for-byte `canonicalJson(entry)` (the test proves it), without sorting keys for
 * every one of a million entries an import may log.
 */
export function entryLeaf(entry: AuditEntry): Buffer {
  return leafHashBytes(entryJson(entry));
}

/** `entryLeaf` as hex (what packets carry). */
export function entryLeafHex(entry: AuditEntry): string {
  return leafHashHex(entryJson(entry));
}

/** The entry's canonical JSON (its keys listed in sorted order). */
function entryJson(entry: AuditEntry): string {
  const sorted = {
    action: entry.action,
    actor: entry.actor,
    after: entry.after,
    at: entry.at,
    before: entry.before,
    reason: entry.reason,
    seq: entry.seq,
    target: entry.target,
  };
  return JSON.stringify(sorted);
}

/** SHA-256 hex of a record's canonical JSON: the before/after hash of an audit event. */
export function stateHash(state: unknown): string {
  return sha256Hex(canonicalJson(state));
}

/** Entries in the log. max(seq) reads one b-tree leaf; count(*) would scan the whole table. */
export function logSize(db: ReadableDb): number {
  const row = db.get<{ n: number }>('SELECT coalesce(max(seq) + 1, 0) AS n FROM audit_log');
  return row?.n ?? 0;
}
