import type { ReadableDb } from '../db/database';
import type { StoredLogRow } from './auditLog';
import { entryLeaf, entryOfRow } from './auditLog';
import type { Checkpoint, CheckpointNote } from './checkpoint';
import { resolveCheckpointNote, verifyCheckpointSignature } from './checkpoint';
import { checkpointFromRow } from './checkpointRow';
import type { CheckpointRow } from './checkpointRow';
import { KEY_ENDING_ACTIONS, KEY_ENROLL, KEY_RETIRE, keyFingerprint, parseKeyRef } from './keyChain';
import type { StoredHead } from './logHead';
import { headSize, resolveHead } from './logHead';
import { consistencyPath, verifyConsistency } from './merkle';
import { MerkleFrontier } from './merkleFrontier';
import type { TrustedKeys } from './trustedKeys';

export interface LogProblem {
  /** The first entry found bad, or null when the problem is not one entry (e.g. a bad head). */
  seq: number | null;
  reason: string;
}

/** A key of the chain, as the log enrolled it. */
export interface ChainKey {
  user: string;
  /** Raw Ed25519 public key, base64. */
  publicKey: string;
  /** `SHA256:...`, as ssh-keygen prints it. */
  fingerprint: string;
  enrolledAt: number;
  retiredAt: number | null;
}

/** Anchors held outside the vault (`log verify --trusted FILE --since CHECKPOINT`). */
export interface LogAnchors {
  trusted?: TrustedKeys;
  since?: CheckpointNote;
}

export interface LogVerification {
  ok: boolean;
  size: number;
  /** Merkle root of the whole log, base64. */
  root: string;
  checkpoints: number;
  signers: string[];
  problem: LogProblem | null;
  /** The key that began the chain, or null for a log made before the chain existed. */
  genesis: ChainKey | null;
  keys: ChainKey[];
  /** Entries covered only by format-1 checkpoints (made before the chain; signer and time unsigned). */
  legacyEntries: number;
  /** What was checked against anchors from outside the vault; both false: internal consistency only. */
  anchored: { trusted: boolean; since: { size: number; proof: string[] } | null };
  /** The newest checkpoint (for `log checkpoint`), null for an empty log. */
  latest: Checkpoint | null;
}

interface LogRow extends StoredLogRow {
  leaf_hash: Buffer;
}

/**
 * Recomputes the whole log from its rows, walks the key chain and checks every signed checkpoint,
 * the head kept outside the database and, when given, anchors kept outside the vault.
 *
 * Without anchors this proves internal consistency only: anyone holding the vault key can
 * rewrite every entry and re-sign every checkpoint with a key of their own. `anchors.trusted`
 * (the genesis fingerprint) catches such a rewrite; `anchors.since` (a checkpoint kept earlier)
 * also catches a rollback of database and head together to an older genuine state.
 */
export function verifyLog(db: ReadableDb, vaultId: string, head: StoredHead | null, anchors: LogAnchors = {}): LogVerification {
  const rows = db.all<LogRow>('SELECT * FROM audit_log ORDER BY seq');
  const checkpoints = db.all<CheckpointRow>('SELECT * FROM checkpoints ORDER BY size');
  // Only format-1 checkpoints (before the chain) are checked against this table, as they were.
  const legacyKeys = new Set(db.all<{ public_key: string }>('SELECT public_key FROM signing_keys').map((r) => r.public_key));
  const signers = new Set<string>();
  const frontier = new MerkleFrontier();
  const leaves: Buffer[] | null = anchors.since ? [] : null;
  const found: { problem: LogProblem | null } = { problem: null };
  const fail = (seq: number | null, reason: string) => {
    found.problem ??= { seq, reason };
  };
  const problemAt = (seq: number | null, reason: string): LogProblem => ({ seq, reason });
  // A call, not a property read: `fail` runs in closures, so a narrowed read would go stale.
  const failed = () => found.problem !== null;

  const keys = new Map<string, ChainKey>();
  // Holders rather than `let`s: closures assign them, which flow analysis cannot see.
  const chain: { genesis: ChainKey | null } = { genesis: null };
  let legacyEntries = 0;
  let latest: Checkpoint | null = null;
  let firstEdited: number | null = null;
  let checkpointIndex = 0;
  let previousSize = 0;
  const roots = new Map<number, Buffer>();
  const checkpointSizes = new Set(checkpoints.map((c) => c.size));
  if (head) checkpointSizes.add(headSize(head));

  /**
   * Who may sign format-2 checkpoint `c`, by the chain as it stands before its entries: the
   * active keys, or for the checkpoint that begins the chain, the key it enrols for itself.
   */
  const signersAllowed = (c: CheckpointRow): Set<string> =>
    chain.genesis ? new Set([...keys.values()].filter((k) => k.retiredAt === null).map((k) => k.publicKey)) : new Set([c.public_key]);
  // The keys that could sign the log's own checkpoint at the size of the one kept (--since).
  const sinceSigners: { keys: Set<string> } = { keys: new Set() };

  /** Checks checkpoint `c` over entries [previousSize, c.size) and applies their key changes. */
  const checkCheckpoint = (c: CheckpointRow): LogProblem | null => {
    const checkpoint = checkpointFromRow(vaultId, c);
    const size = c.size;
    if (c.format === 1) {
      if (chain.genesis) return problemAt(previousSize, `checkpoint ${String(size)} is in the old format after the key chain began`);
      if (!legacyKeys.has(c.public_key)) return problemAt(previousSize, `checkpoint ${String(size)} is signed by an unknown key`);
      if (!verifyCheckpointSignature(checkpoint)) return problemAt(previousSize, `checkpoint ${String(size)} has an invalid signature`);
      legacyEntries = size;
      return null;
    }
    if (!verifyCheckpointSignature(checkpoint) || c.ssh_signature === null)
      return problemAt(previousSize, `checkpoint ${String(size)} has an invalid signature`);
    const range = rows.slice(previousSize, size);
    if (!chain.genesis) {
      const own = range.find((r) => r.action === KEY_ENROLL && parseKeyRef(r.after_hash) === c.public_key);
      if (!own) return problemAt(previousSize, `checkpoint ${String(size)} begins the key chain but its entries do not enrol the key that signed it`);
      if (own.target !== c.signer) return problemAt(own.seq, `the genesis key is enrolled for ${String(own.target)} but signs as ${c.signer}`);
    } else {
      const key = keys.get(c.public_key);
      if (!key) return problemAt(previousSize, `checkpoint ${String(size)} is signed by a key the chain never enrolled`);
      if (key.retiredAt !== null)
        return problemAt(previousSize, `checkpoint ${String(size)} is signed by ${key.user}'s key, which was retired at entry ${String(key.retiredAt)}`);
      if (key.user !== c.signer) return problemAt(previousSize, `checkpoint ${String(size)} names ${c.signer} as signer but is signed by ${key.user}'s key`);
    }
    for (const row of range) {
      if (row.actor !== c.signer) return problemAt(row.seq, `entry ${String(row.seq)} names ${row.actor} as actor but is signed by ${c.signer}`);
      if (row.action === KEY_ENROLL) {
        const publicKey = parseKeyRef(row.after_hash);
        if (!publicKey || !row.target) return problemAt(row.seq, `entry ${String(row.seq)} enrols no valid key`);
        if (keys.has(publicKey)) return problemAt(row.seq, `entry ${String(row.seq)} enrols a key the chain already holds`);
        const key = { user: row.target, publicKey, fingerprint: keyFingerprint(publicKey), enrolledAt: row.seq, retiredAt: null };
        keys.set(publicKey, key);
        if (!chain.genesis && publicKey === c.public_key) chain.genesis = key;
      } else if (row.action === KEY_RETIRE) {
        const key = keys.get(parseKeyRef(row.before_hash) ?? '');
        if (!key || key.retiredAt !== null) return problemAt(row.seq, `entry ${String(row.seq)} retires a key that is not active`);
        key.retiredAt = row.seq;
      }
    }
    // A user removed, or given a new key, keeps no old key alive: the same checkpoint retires it.
    for (const row of range) {
      const user = row.action === 'recovery.replace' ? 'recovery' : row.target;
      if (!user || !KEY_ENDING_ACTIONS.has(row.action)) continue;
      const active = [...keys.values()].filter((k) => k.user === user && k.retiredAt === null);
      const fresh = row.action === 'user.remove' ? [] : active.filter((k) => k.enrolledAt >= previousSize);
      if (active.length !== fresh.length || (row.action !== 'user.remove' && fresh.length !== 1))
        return problemAt(row.seq, `entry ${String(row.seq)} (${row.action} of ${user}) leaves an old key of ${user} active: it was never retired in the log`);
    }
    return null;
  };

  for (let i = 0; i < rows.length && !found.problem; i++) {
    const row = rows[i] as LogRow;
    if (row.seq !== i) {
      fail(i, row.seq > i ? `entry ${String(i)} is missing (deleted)` : `entry ${String(row.seq)} is out of order`);
      break;
    }
    const leaf = entryLeaf(entryOfRow(row));
    if (firstEdited === null && !leaf.equals(row.leaf_hash)) firstEdited = i;
    frontier.push(leaf);
    leaves?.push(leaf);
    const size = i + 1;
    if (checkpointSizes.has(size)) roots.set(size, frontier.root());
    while (!failed() && checkpointIndex < checkpoints.length && (checkpoints[checkpointIndex] as CheckpointRow).size === size) {
      const c = checkpoints[checkpointIndex] as CheckpointRow;
      if (!c.root.equals(roots.get(size) ?? Buffer.alloc(0))) {
        const seq = firstEdited !== null && firstEdited >= previousSize ? firstEdited : previousSize;
        fail(seq, `entries up to ${String(size)} do not match their signed checkpoint (edited, deleted, inserted or reordered)`);
      } else {
        if (anchors.since?.size === size && c.format === 2) sinceSigners.keys = signersAllowed(c);
        const problem = checkCheckpoint(c);
        if (problem) fail(problem.seq, problem.reason);
      }
      signers.add(c.signer);
      latest = checkpointFromRow(vaultId, c);
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
  const chainKeys = [...keys.values()];
  if (!found.problem && head) {
    const signed = resolveHead(head, chain.genesis ? chainKeys.map((k) => k.publicKey) : legacyKeys);
    if (!signed || signed.vaultId !== vaultId) fail(null, 'the log head (log.head) is not validly signed by a key of this vault');
    else if (signed.size > rows.length)
      fail(rows.length, `the log was truncated: the last recorded head has ${String(signed.size)} entries, the log ${String(rows.length)}`);
    else if (!roots.get(signed.size)?.equals(Buffer.from(signed.root, 'base64'))) fail(null, 'the log was rewritten since its last recorded head');
  }

  const root = frontier.root();
  const anchored: LogVerification['anchored'] = { trusted: false, since: null };
  if (!found.problem && anchors.trusted) {
    const start = chain.genesis;
    if (!start) fail(null, 'this log was made before the key chain existed; write anything once with this version to begin it, then anchor it');
    else if (!anchors.trusted.fingerprints.has(start.fingerprint))
      fail(null, `the chain's genesis key (${start.fingerprint}, ${start.user}) is not one you trust: the log was rewritten, or the file is for another vault`);
    else anchored.trusted = true;
  }
  if (!found.problem && anchors.since) {
    const kept = anchors.since;
    // Within the log, the kept checkpoint counts only if signed by a key the chain trusted at
    // exactly that point: a chain that begins later (a rewrite dressed up as an old-format
    // prefix) or that merely names the signer's public key does not inherit the kept trust.
    const candidates = kept.size <= rows.length ? sinceSigners.keys : chainKeys.map((k) => k.publicKey);
    const signed = kept.vaultId === vaultId ? resolveCheckpointNote(kept, candidates) : null;
    if (kept.vaultId !== vaultId) fail(null, `the kept checkpoint is for another vault (${kept.vaultId})`);
    else if (!signed)
      fail(null, "the kept checkpoint is not signed by a key this log's chain trusted at that point: the chain was rewritten, or the checkpoint edited");
    else if (signed.size > rows.length)
      fail(rows.length, `the log has ${String(rows.length)} entries but you kept a checkpoint of ${String(signed.size)}: it was rolled back or truncated`);
    else {
      const proof = consistencyPath(leaves ?? [], signed.size);
      if (!verifyConsistency(signed.size, rows.length, Buffer.from(signed.root, 'base64'), root, proof))
        fail(null, `the log does not extend the checkpoint you kept (size ${String(signed.size)}): entries before it were rewritten`);
      else anchored.since = { size: signed.size, proof: proof.map((h) => h.toString('base64')) };
    }
  }

  return {
    ok: found.problem === null,
    size: rows.length,
    root: root.toString('base64'),
    checkpoints: checkpoints.length,
    signers: [...signers].sort(),
    problem: found.problem,
    genesis: chain.genesis,
    keys: chainKeys,
    legacyEntries,
    anchored,
    latest,
  };
}
