import type { ReadableDb } from '../db/database';
import { ReviewVerifier, STORED_REVIEW_COLUMNS } from '../evidence/reviewSignature';
import type { StoredReview } from '../evidence/reviewSignature';
import { pseudonym } from '../records/pseudonym';
import type { MaskingPolicy } from '../../shared/records/maskingPolicy';
import type { PacketEvidence, ReviewSignatureLine } from './packetModel';
import { PAYLOAD } from './packetFormat';
import { pushTo } from './pushTo';

/** A file to put in the packet: what to decrypt (the redacted version when there is one). */
export interface EvidenceSource {
  /** The evidence row whose blob goes in (a redacted version, or the original). */
  fileId: string;
  path: string;
  size: number;
  sha256: string;
}

interface EvidenceRow {
  id: string;
  file_name: string;
  media_type: string;
  size: number;
  sha256: string;
  person_id: string | null;
  employee_id: string | null;
}

/** The `path` of a file withheld from the packet (no redacted version, and the audience does not keep personal data). */
export const WITHHELD = 'withheld: no redacted version';

/** `.pdf` of "a.b.PDF", cleaned; empty when there is none. */
function extensionOf(name: string): string {
  const ext = /\.([A-Za-z0-9]{1,8})$/.exec(name)?.[1];
  return ext ? `.${ext.toLowerCase()}` : '';
}

/** A file name as packet paths allow it (bagit.ts SAFE_PATH): other characters become `_`. */
export function safeFileName(name: string): string {
  const cleaned = name
    .normalize('NFC')
    .replace(/[^A-Za-z0-9 ._()-]/g, '_')
    .replace(/^[ .]+|[ .]+$/g, '')
    .slice(-120);
  return cleaned === '' ? 'file' : cleaned;
}

/**
 * The evidence of the packet: what is linked to the completions of the sampled pairs, and what
 * is linked to the requirements themselves. Originals only (a redacted version stands in for its
 * original, never on its own), and not files replaced by a newer one. Each file goes in once,
 * under the first of its requirements; its newest redacted version goes in its place when there
 * is one. Reviews listed are those whose electronic signature verifies (ReviewVerifier).
 *
 * For an audience that does not keep personal data (auditor, regulator): files are named by
 * their evidence id (an original's name often carries a person's name: "Certificate - Ann Lee"),
 * reviewers' free-text reasons are left out, and a file with no redacted version is withheld
 * (listed, not included) unless `includeUnredacted` says to include it as it is.
 */
export function packetEvidence(
  db: ReadableDb,
  vaultId: string,
  policy: MaskingPolicy,
  wanted: { completionIds: Map<string, string[]>; requirementIds: readonly string[] },
  includeUnredacted = false,
): { evidence: PacketEvidence[]; sources: EvidenceSource[]; byCompletion: Map<string, string[]> } {
  const completionIds = [...wanted.completionIds.keys()];
  const byCompletion = new Map<string, string[]>();
  const requirementsOf = new Map<string, Set<string>>();
  const add = (evidenceId: string, requirementId: string) => {
    let set = requirementsOf.get(evidenceId);
    if (!set) requirementsOf.set(evidenceId, (set = new Set()));
    set.add(requirementId);
  };
  const live = 'e.redacted_from IS NULL AND NOT EXISTS (SELECT 1 FROM evidence n WHERE n.replaces = e.id)';
  for (let at = 0; at < completionIds.length; at += 10_000) {
    const links = db.all<{ evidence_id: string; target_id: string }>(
      `SELECT l.evidence_id, l.target_id FROM evidence_links l JOIN evidence e ON e.id = l.evidence_id
       WHERE l.target_kind = 'completion' AND l.target_id IN (SELECT value FROM json_each(?)) AND ${live} ORDER BY l.evidence_id`,
      [JSON.stringify(completionIds.slice(at, at + 10_000))],
    );
    for (const link of links) {
      pushTo(byCompletion, link.target_id, link.evidence_id);
      for (const requirementId of wanted.completionIds.get(link.target_id) ?? []) add(link.evidence_id, requirementId);
    }
  }
  const requirementLinks = db.all<{ evidence_id: string; target_id: string }>(
    `SELECT l.evidence_id, l.target_id FROM evidence_links l JOIN evidence e ON e.id = l.evidence_id
     WHERE l.target_kind = 'requirement' AND l.target_id IN (SELECT value FROM json_each(?)) AND ${live}`,
    [JSON.stringify(wanted.requirementIds)],
  );
  for (const link of requirementLinks) add(link.evidence_id, link.target_id);

  const ids = [...requirementsOf.keys()].sort();
  const rows = new Map<string, EvidenceRow>();
  const redactedOf = new Map<string, EvidenceRow>();
  for (let at = 0; at < ids.length; at += 10_000) {
    const chunk = JSON.stringify(ids.slice(at, at + 10_000));
    for (const row of db.all<EvidenceRow>(
      `SELECT e.id, e.file_name, e.media_type, e.size, e.sha256, e.person_id, p.employee_id FROM evidence e
       LEFT JOIN people p ON p.person_id = e.person_id AND p.current = 1 WHERE e.id IN (SELECT value FROM json_each(?))`,
      [chunk],
    ))
      rows.set(row.id, row);
    // The newest redacted version of each (ties by id, so the choice is stable).
    for (const row of db.all<EvidenceRow & { redacted_from: string }>(
      `SELECT e.id, e.file_name, e.media_type, e.size, e.sha256, e.person_id, NULL AS employee_id, e.redacted_from FROM evidence e
       WHERE e.redacted_from IN (SELECT value FROM json_each(?)) ORDER BY e.added_at, e.id`,
      [chunk],
    ))
      redactedOf.set(row.redacted_from, row);
  }

  const keepsPii = policy.classes.pii === 'keep';
  const verifier = new ReviewVerifier(db, vaultId);
  const reviews = new Map<string, ReviewSignatureLine[]>();
  for (let at = 0; at < ids.length; at += 10_000) {
    for (const review of db.all<StoredReview>(
      `SELECT ${STORED_REVIEW_COLUMNS} FROM evidence_reviews v JOIN users u ON u.id = v.reviewed_by
       WHERE v.evidence_id IN (SELECT value FROM json_each(?)) ORDER BY v.row_id`,
      [JSON.stringify(ids.slice(at, at + 10_000))],
    )) {
      if (!verifier.check(review).valid || review.meaning === null || review.printed_name === null) continue;
      const line: ReviewSignatureLine = {
        printedName: review.printed_name,
        userName: review.user_name,
        at: review.reviewed_at,
        meaning: review.meaning,
        state: review.state,
        reason: keepsPii ? review.reason : null,
      };
      pushTo(reviews, review.evidence_id, line);
    }
  }

  const evidence: PacketEvidence[] = [];
  const sources: EvidenceSource[] = [];
  const usedPaths = new Set<string>();
  for (const id of ids) {
    const original = rows.get(id);
    if (!original) continue;
    const file = redactedOf.get(id) ?? original;
    const requirementIds = [...(requirementsOf.get(id) ?? [])].sort();
    const folder = safeFileName(requirementIds[0] ?? 'general');
    const redacted = file !== original;
    const withheld = !keepsPii && !redacted && !includeUnredacted;
    const name = keepsPii ? safeFileName(file.file_name) : `${id}${extensionOf(file.file_name)}`;
    let path = withheld ? WITHHELD : `${PAYLOAD.evidence}/${folder}/${name}`;
    if (!withheld && usedPaths.has(path.toLowerCase())) path = `${PAYLOAD.evidence}/${folder}/${id.slice(0, 8)} ${name}`;
    usedPaths.add(path.toLowerCase());
    const person = original.person_id === null ? null : keepsPii ? (original.employee_id ?? original.person_id) : pseudonym(vaultId, original.person_id);
    evidence.push({
      evidenceId: id,
      path,
      fileName: name,
      mediaType: file.media_type,
      size: file.size,
      sha256: file.sha256,
      redacted,
      redactedFrom: redacted ? id : null,
      requirementIds,
      person,
      reviews: reviews.get(id) ?? [],
    });
    if (!withheld) sources.push({ fileId: file.id, path, size: file.size, sha256: file.sha256 });
  }
  return { evidence, sources, byCompletion };
}
