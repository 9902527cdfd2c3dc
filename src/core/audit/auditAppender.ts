import type { WritableDb } from '../db/database';
import { insertRows } from '../records/insertRows';
import type { AuditEntry, AuditEvent, AuditSigner } from './auditLog';
import { entryLeaf, LOG_COLUMNS, logSize } from './auditLog';
import type { Checkpoint } from './checkpoint';
import { signCheckpoint } from './checkpoint';
import { chainEventsBefore } from './keyChain';
import type { ChainMember } from './keyChain';
import { MerkleFrontier } from './merkleFrontier';
import type { FrontierNode } from './merkleFrontier';

/**
 * Appends events to the log inside one transaction, in as many calls as the work needs (an
 * import logs in batches), then `finish` signs one checkpoint over the new tree and stores the
 * tree's right edge. Every transaction that changes anything must finish an appender before it
 * commits, so no entry is ever outside a signed checkpoint.
 *
 * Contract: one appender per transaction, made by `open`. `append` numbers, hashes and inserts
 * its entries in call order; `finish` must be the last call. `open` refuses a signer whose key
 * was retired, and the first append of the first signed-note checkpoint starts the key chain
 * (keyChain.ts) before the caller's own entries.
 */
export class AuditAppender {
  private appended = 0;
  private preface: AuditEvent[];

  private constructor(
    private readonly db: WritableDb,
    private readonly vaultId: string,
    private readonly signer: AuditSigner,
    private readonly at: string,
    private size: number,
    private readonly frontier: MerkleFrontier,
    startWith?: readonly ChainMember[],
  ) {
    this.preface = chainEventsBefore(db, signer, startWith);
  }

  /** Reads the log's size and right edge: the state the first entry is appended to. */
  /** `startWith`: begin the key chain of a log made before it, enrolling these keys (keyChain.ts). */
  static open(db: WritableDb, vaultId: string, signer: AuditSigner, options: { at?: string; startWith?: readonly ChainMember[] } = {}): AuditAppender {
    const at = options.at ?? new Date().toISOString();
    const size = logSize(db);
    const frontier = new MerkleFrontier(db.all<FrontierNode>('SELECT size, hash FROM audit_frontier ORDER BY level'));
    return new AuditAppender(db, vaultId, signer, at, size, frontier, options.startWith);
  }

  get count(): number {
    return this.appended;
  }

  /** Numbers, hashes and inserts `events`. */
  append(events: readonly AuditEvent[]): void {
    if (events.length === 0) return;
    if (this.preface.length > 0) {
      const preface = this.preface;
      this.preface = [];
      this.append(preface);
    }
    const rows: (string | number | Buffer | null)[][] = [];
    for (const event of events) {
      const entry: AuditEntry = {
        seq: this.size,
        at: this.at,
        actor: this.signer.name,
        action: event.action,
        target: event.target ?? null,
        before: event.before ?? null,
        after: event.after ?? null,
        reason: event.reason ?? null,
      };
      const leaf = entryLeaf(entry);
      // In LOG_COLUMNS order.
      rows.push([entry.seq, entry.at, entry.actor, entry.action, entry.target, entry.before, entry.after, entry.reason, leaf]);
      this.frontier.push(leaf);
      this.size++;
    }
    this.appended += events.length;
    insertRows(this.db, 'audit_log', LOG_COLUMNS, rows);
  }

  /** Stores the right edge and signs a checkpoint over the whole log. */
  finish(): Checkpoint {
    if (this.appended === 0) throw new Error('an audited transaction must log at least one event');
    this.db.run('DELETE FROM audit_frontier');
    for (const [level, node] of this.frontier.edge.entries()) {
      this.db.run('INSERT INTO audit_frontier (level, size, hash) VALUES (?, ?, ?)', [level, node.size, node.hash]);
    }
    const checkpoint = signCheckpoint(
      { vaultId: this.vaultId, size: this.size, root: this.frontier.root().toString('base64'), signer: this.signer.name, at: this.at },
      this.signer.privateKey,
      this.signer.publicKey,
    );
    this.db.run('INSERT INTO checkpoints (size, root, signer, public_key, signature, at, format, ssh_signature) VALUES (?, ?, ?, ?, ?, ?, 2, ?)', [
      checkpoint.size,
      Buffer.from(checkpoint.root, 'base64'),
      checkpoint.signer,
      checkpoint.publicKey,
      Buffer.from(checkpoint.signature, 'base64'),
      checkpoint.at,
      Buffer.from(checkpoint.sshSignature ?? '', 'base64'),
    ]);
    return checkpoint;
  }
}

/** Appends events and signs a checkpoint: a one-call appender. */
export function appendAudit(db: WritableDb, vaultId: string, signer: AuditSigner, events: readonly AuditEvent[], now: Date = new Date()): Checkpoint {
  if (events.length === 0) throw new Error('appendAudit needs at least one event');
  const appender = AuditAppender.open(db, vaultId, signer, { at: now.toISOString() });
  appender.append(events);
  return appender.finish();
}
