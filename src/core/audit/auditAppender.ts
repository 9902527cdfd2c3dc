import type { WritableDb } from '../db/database';
import { insertJsonRows } from '../records/insertJsonRows';
import type { AuditEntry, AuditEvent, AuditSigner } from './auditLog';
import { entryLeaf, LOG_COLUMNS, logSize } from './auditLog';
import type { Checkpoint } from './checkpoint';
import { signCheckpoint } from './checkpoint';
import { MerkleFrontier } from './merkleFrontier';
import type { FrontierNode } from './merkleFrontier';

/**
 * Appends events to the log inside one transaction, in as many calls as the work needs (an
 * import logs in batches), then `finish` signs one checkpoint over the new tree and stores the
 * tree's right edge. Every transaction that changes anything must finish an appender before it
 * commits, so no entry is ever outside a signed checkpoint.
 *
 * Contract: one appender per transaction. Calls may overlap (an import logs a batch while its
 * next batch is being read): they are queued, so entries keep the order of the calls.
 */
export class AuditAppender {
  private size = -1;
  private frontier = new MerkleFrontier();
  private appended = 0;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: WritableDb,
    private readonly vaultId: string,
    private readonly signer: AuditSigner,
    private readonly at: string = new Date().toISOString(),
  ) {}

  get count(): number {
    return this.appended;
  }

  append(events: readonly AuditEvent[]): Promise<void> {
    const next = this.queue.catch(() => undefined).then(() => this.appendNow(events));
    this.queue = next;
    return next;
  }

  private async appendNow(events: readonly AuditEvent[]): Promise<void> {
    if (events.length === 0) return;
    if (this.size < 0) {
      this.size = await logSize(this.db);
      this.frontier = new MerkleFrontier(await this.db.all<FrontierNode>('SELECT size, hash FROM audit_frontier ORDER BY level'));
    }
    const rows: Record<(typeof LOG_COLUMNS)[number], string | number | null>[] = [];
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
      rows.push({
        seq: entry.seq,
        at: entry.at,
        actor: entry.actor,
        action: entry.action,
        target: entry.target,
        before_hash: entry.before,
        after_hash: entry.after,
        reason: entry.reason,
        leaf_hash: leaf.toString('hex'),
      });
      this.frontier.push(leaf);
      this.size++;
    }
    this.appended += events.length;
    await insertJsonRows(this.db, 'audit_log', LOG_COLUMNS, rows, { transforms: { leaf_hash: 'unhex' } });
  }

  /** Stores the right edge and signs a checkpoint over the whole log. */
  async finish(): Promise<Checkpoint> {
    await this.queue;
    if (this.appended === 0) throw new Error('an audited transaction must log at least one event');
    await this.db.run('DELETE FROM audit_frontier');
    for (const [level, node] of this.frontier.edge.entries()) {
      await this.db.run('INSERT INTO audit_frontier (level, size, hash) VALUES (?, ?, ?)', [level, node.size, node.hash]);
    }
    const checkpoint = signCheckpoint(
      { vaultId: this.vaultId, size: this.size, root: this.frontier.root().toString('base64'), signer: this.signer.name, at: this.at },
      this.signer.privateKey,
      this.signer.publicKey,
    );
    await this.db.run('INSERT INTO checkpoints (size, root, signer, public_key, signature, at) VALUES (?, ?, ?, ?, ?, ?)', [
      checkpoint.size,
      Buffer.from(checkpoint.root, 'base64'),
      checkpoint.signer,
      checkpoint.publicKey,
      Buffer.from(checkpoint.signature, 'base64'),
      checkpoint.at,
    ]);
    return checkpoint;
  }
}

/** Appends events and signs a checkpoint: a one-call appender. */
export async function appendAudit(db: WritableDb, vaultId: string, signer: AuditSigner, events: readonly AuditEvent[], now: Date = new Date()): Promise<Checkpoint> {
  if (events.length === 0) throw new Error('appendAudit needs at least one event');
  const appender = new AuditAppender(db, vaultId, signer, now.toISOString());
  await appender.append(events);
  return appender.finish();
}
