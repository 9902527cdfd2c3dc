import { CustodianError } from '../../shared/errors';
import { noSelfReviewRoles } from '../compliance/reviewEvidence';
import { MASK, canSee } from '../records/masking';
import { can } from '../vault/permissions';
import type { VaultSession } from '../vault/vaultSession';
import { queryEvidence } from './evidenceQuery';
import type { EvidenceListRow, EvidenceReviewInfo } from './evidenceQuery';
import { ReviewVerifier, STORED_REVIEW_COLUMNS } from './reviewSignature';
import type { StoredReview } from './reviewSignature';

export interface EvidenceDetail {
  item: EvidenceListRow;
  canView: boolean;
  canReview: boolean;
  selfReviewBarred: boolean;
  replacedBy: string | null;
  replaces: string | null;
  reviews: (EvidenceReviewInfo & { signature: { valid: boolean; counts: boolean; problem: string | null } })[];
  canRedact: boolean;
  /** Redacted versions made from this file, newest first. */
  redactions: RedactedVersion[];
}

export interface RedactedVersion {
  evidenceId: string;
  fileName: string;
  mediaType: string;
  size: number;
  addedAt: string;
  addedBy: string;
  reasons: string[];
  pages: number;
  boxes: number;
  /** Suggestion kinds applied, with their box counts. */
  applied: Record<string, number>;
}

/** One file as the list shows it, with every review newest first and each signature checked now. */
export async function evidenceDetail(session: VaultSession, evidenceId: string): Promise<EvidenceDetail> {
  const { rows } = await queryEvidence(session, { evidenceId, sort: 'addedAt', dir: 'asc', offset: 0, limit: 1 });
  const item = rows[0];
  if (!item) throw new CustodianError('not_found', 'There is no such evidence in this vault.');
  const role = session.principal.role;
  return session.read((db) => {
    const stored = db.all<StoredReview>(
      `SELECT ${STORED_REVIEW_COLUMNS} FROM evidence_reviews v JOIN users u ON u.id = v.reviewed_by WHERE v.evidence_id = ? ORDER BY v.row_id DESC`,
      [evidenceId],
    );
    const verifier = new ReviewVerifier(db, session.vaultId);
    const reviews = stored.map((r) => {
      const check = verifier.check(r);
      return {
        state: r.state,
        meaning: r.meaning,
        printedName: r.printed_name,
        userName: r.user_name,
        at: r.reviewed_at,
        reason: r.reason === null || canSee(role, 'pii') ? r.reason : MASK,
        signed: r.signature !== null,
        signature: check.valid ? { valid: true, counts: true, problem: null } : { valid: false, counts: check.counts, problem: check.problem },
      };
    });
    const row = db.get<{ added_by: string; replaces: string | null; replaced_by: string | null }>(
      'SELECT added_by, replaces, (SELECT id FROM evidence n WHERE n.replaces = e.id LIMIT 1) AS replaced_by FROM evidence e WHERE id = ?',
      [evidenceId],
    );
    const redactions = db
      .all<{
        id: string;
        file_name: string;
        media_type: string;
        size: number;
        added_at: string;
        added_by: string;
        reasons: string;
        pages: number;
        boxes: string;
        applied: string;
      }>(
        `SELECT e.id, e.file_name, e.media_type, e.size, e.added_at, u.name AS added_by, r.reasons, r.pages, r.boxes, r.applied
           FROM evidence e JOIN evidence_redactions r ON r.evidence_id = e.id JOIN users u ON u.id = e.added_by
          WHERE e.redacted_from = ? ORDER BY e.added_at DESC`,
        [evidenceId],
      )
      .map((r) => ({
        evidenceId: r.id,
        fileName: r.file_name,
        mediaType: r.media_type,
        size: r.size,
        addedAt: r.added_at,
        addedBy: r.added_by,
        reasons: JSON.parse(r.reasons) as string[],
        pages: r.pages,
        boxes: (JSON.parse(r.boxes) as unknown[]).length,
        applied: JSON.parse(r.applied) as Record<string, number>,
      }));
    return {
      item,
      canRedact: can(role, 'evidence.redact'),
      redactions,
      canView: can(role, 'evidence.decrypt'),
      canReview: can(role, 'evidence.review'),
      selfReviewBarred: row?.added_by === session.principal.userId && noSelfReviewRoles(db).includes(role),
      replacedBy: row?.replaced_by ?? null,
      replaces: row?.replaces ?? null,
      reviews,
    };
  });
}
