import { CustodianError } from '../../shared/errors';
import type { VaultSession } from '../vault/vaultSession';

export type ReviewState = 'accepted' | 'rejected';

/**
 * Records a review of one evidence file: accepted, or rejected with a reason. Reviews are never
 * changed; a later review supersedes an earlier one. Logged.
 * @throws CustodianError('not_found') for an unknown file; ('validation_failed') for a rejection without a reason.
 */
export async function reviewEvidence(session: VaultSession, evidenceId: string, state: ReviewState, reason: string | null): Promise<void> {
  session.require('evidence.review', 'review evidence');
  const why = reason?.trim() ?? '';
  if (state === 'rejected' && why === '') throw new CustodianError('validation_failed', 'Say why the evidence is rejected (--reason).');
  if (why.length > 500) throw new CustodianError('validation_failed', 'A review reason is at most 500 characters.');
  await session.mutate((db) => {
    const known = db.get<{ id: string }>('SELECT id FROM evidence WHERE id = ?', [evidenceId]);
    if (!known) throw new CustodianError('not_found', `There is no evidence ${evidenceId} in this vault.`);
    db.run('INSERT INTO evidence_reviews (evidence_id, state, reason, reviewed_by, reviewed_at) VALUES (?, ?, ?, ?, ?)', [
      evidenceId,
      state,
      why || null,
      session.principal.userId,
      new Date().toISOString(),
    ]);
    // The reason may describe a document's content: the log keeps that it was given, not what it says.
    return {
      result: undefined,
      events: [{ action: `evidence.${state === 'accepted' ? 'accept' : 'reject'}`, target: evidenceId, reason: why ? 'reason given' : null }],
    };
  });
}

/** Several reviews in one transaction (one log entry each): for bulk review and the demo. */
export async function reviewEvidenceBatch(
  session: VaultSession,
  reviews: readonly { evidenceId: string; state: ReviewState; reason: string | null }[],
): Promise<void> {
  session.require('evidence.review', 'review evidence');
  if (reviews.length === 0) return;
  for (const review of reviews) {
    if (review.state === 'rejected' && !review.reason?.trim()) throw new CustodianError('validation_failed', 'Say why the evidence is rejected (--reason).');
  }
  await session.mutate((db) => {
    const at = new Date().toISOString();
    for (const review of reviews) {
      const known = db.get<{ id: string }>('SELECT id FROM evidence WHERE id = ?', [review.evidenceId]);
      if (!known) throw new CustodianError('not_found', `There is no evidence ${review.evidenceId} in this vault.`);
      db.run('INSERT INTO evidence_reviews (evidence_id, state, reason, reviewed_by, reviewed_at) VALUES (?, ?, ?, ?, ?)', [
        review.evidenceId,
        review.state,
        review.reason?.trim() || null,
        session.principal.userId,
        at,
      ]);
    }
    return {
      result: undefined,
      events: reviews.map((r) => ({
        action: `evidence.${r.state === 'accepted' ? 'accept' : 'reject'}`,
        target: r.evidenceId,
        reason: r.reason ? 'reason given' : null,
      })),
    };
  });
}
