import { CustodianError } from '../../shared/errors';
import type { ReadableDb } from '../db/database';
import { REVIEW_SIGNATURE_PURPOSE, evidenceSubject, reviewEntryHash, signManifest, subjectStamp } from '../evidence/reviewSignature';
import type { ReviewManifest, ReviewSigner, SignatureMeaning } from '../evidence/reviewSignature';
import type { VaultSession } from '../vault/vaultSession';

export type ReviewState = 'accepted' | 'rejected';

export interface ReviewDecision {
  evidenceId: string;
  state: ReviewState;
  /** For an acceptance: 'approved' (the default) or 'reviewed'. A rejection's meaning is 'rejected'. */
  meaning?: 'reviewed' | 'approved';
  reason: string | null;
  /** The subjectStamp of what the reviewer was shown; if given, a file changed since is refused. */
  stamp?: string;
}

export interface SignedReview {
  evidenceId: string;
  state: ReviewState;
  meaning: SignatureMeaning;
  printedName: string;
  signedAt: string;
}

/** The roles that may not sign a review of evidence they added (vault policy; the reviewer by default). */
export function noSelfReviewRoles(db: ReadableDb): string[] {
  const row = db.get<{ value: string }>("SELECT value FROM vault_policies WHERE name = 'no_self_review_roles'");
  return row ? (JSON.parse(row.value) as string[]) : [];
}

/** The printed name a signature shows: the user's full name, else their user name. */
export function printedNameOf(db: ReadableDb, userId: string): string {
  return db.get<{ name: string }>('SELECT coalesce(full_name, name) AS name FROM users WHERE id = ?', [userId])?.name ?? '';
}

/** The signer of this session, whose passphrase opened it just now (the CLI). */
export async function sessionSigner(session: VaultSession): Promise<ReviewSigner> {
  const own = session.ownSigner();
  const printedName = await session.read((db) => printedNameOf(db, session.principal.userId));
  return { userName: own.name, printedName, publicKey: own.publicKey, privateKey: own.privateKey };
}

/**
 * Reviews of evidence, each an electronic signature (reviewSignature.ts) by `signer`, in one
 * transaction with one log entry each (the entry commits to the signature). Reviews are never
 * changed; a later review supersedes an earlier one.
 *
 * @throws CustodianError('validation_failed') for a rejection without a reason or evidence a
 *   newer file replaced; ('not_found') for unknown evidence; ('permission_denied') when the
 *   vault's policy forbids the signer's role to review their own upload.
 */
export async function reviewEvidenceBatch(session: VaultSession, reviews: readonly ReviewDecision[], signer?: ReviewSigner): Promise<SignedReview[]> {
  session.require('evidence.review', 'review evidence');
  if (reviews.length === 0) return [];
  for (const review of reviews) {
    const why = review.reason?.trim() ?? '';
    if (review.state === 'rejected' && why === '') throw new CustodianError('validation_failed', 'Say why the evidence is rejected (--reason).');
    if (why.length > 500) throw new CustodianError('validation_failed', 'A review reason is at most 500 characters.');
  }
  const by = signer ?? (await sessionSigner(session));
  if (by.userName !== session.principal.name) throw new CustodianError('permission_denied', 'Only the user who unlocked the vault can sign in this session.');
  return session.mutate((db) => {
    const signedAt = new Date().toISOString();
    const selfReviewBarred = noSelfReviewRoles(db).includes(session.principal.role);
    const signed: SignedReview[] = [];
    const events = [];
    for (const review of reviews) {
      const subject = evidenceSubject(db, review.evidenceId);
      if (!subject) throw new CustodianError('not_found', `There is no evidence ${review.evidenceId} in this vault.`);
      if (review.stamp !== undefined && review.stamp !== subjectStamp(subject)) {
        throw new CustodianError(
          'conflict',
          `${subject.fileName} or what it is linked to changed since it was shown to you. Open it again, then sign. Nothing was signed.`,
        );
      }
      const row = db.get<{ added_by: string; replaced: number; redacted_from: string | null }>(
        'SELECT added_by, EXISTS (SELECT 1 FROM evidence n WHERE n.replaces = e.id) AS replaced, redacted_from FROM evidence e WHERE id = ?',
        [review.evidenceId],
      );
      if (row?.replaced) throw new CustodianError('validation_failed', `Evidence ${review.evidenceId} is superseded by a newer file: review that one instead.`);
      if (row?.redacted_from) throw new CustodianError('validation_failed', `${subject.fileName} is a redacted version: review its original instead.`);
      if (selfReviewBarred && row?.added_by === session.principal.userId) {
        throw new CustodianError(
          'permission_denied',
          `This vault's policy does not let ${/^[aeiou]/.test(session.principal.role) ? 'an' : 'a'} ${session.principal.role} sign a review of evidence they added (${review.evidenceId}); another reviewer must.`,
        );
      }
      const meaning: SignatureMeaning = review.state === 'rejected' ? 'rejected' : (review.meaning ?? 'approved');
      // The row id is signed: a copy of this row is another review, whose signature fails.
      const reviewId = (db.get<{ last: number | null }>('SELECT max(row_id) AS last FROM evidence_reviews')?.last ?? 0) + 1;
      const manifest: ReviewManifest = {
        purpose: REVIEW_SIGNATURE_PURPOSE,
        vaultId: session.vaultId,
        reviewId,
        ...subject,
        userName: by.userName,
        printedName: by.printedName,
        meaning,
        reason: review.reason?.trim() || null,
        signedAt,
      };
      const signature = signManifest(manifest, by.privateKey);
      db.run(
        'INSERT INTO evidence_reviews (row_id, evidence_id, state, reason, reviewed_by, reviewed_at, meaning, printed_name, public_key, signature) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
        [reviewId, review.evidenceId, review.state, manifest.reason, session.principal.userId, signedAt, meaning, by.printedName, by.publicKey, signature],
      );
      signed.push({ evidenceId: review.evidenceId, state: review.state, meaning, printedName: by.printedName, signedAt });
      // The reason may describe a document's content: the log keeps that it was given, not what it says.
      events.push({
        action: `evidence.${review.state === 'accepted' ? 'accept' : 'reject'}`,
        target: review.evidenceId,
        after: reviewEntryHash(meaning, signature),
        reason: manifest.reason ? 'reason given' : null,
      });
    }
    return { result: signed, events };
  });
}

/** One review; see reviewEvidenceBatch. */
export async function reviewEvidence(
  session: VaultSession,
  evidenceId: string,
  state: ReviewState,
  reason: string | null,
  options: { meaning?: 'reviewed' | 'approved'; signer?: ReviewSigner } = {},
): Promise<SignedReview> {
  const [signed] = await reviewEvidenceBatch(
    session,
    [{ evidenceId, state, reason, ...(options.meaning ? { meaning: options.meaning } : {}) }],
    options.signer,
  );
  return signed as SignedReview;
}
