import { CustodianError } from '../../shared/errors';
import { canSee } from '../records/masking';
import { MASK } from '../records/masking';
import { pseudonym } from '../records/pseudonym';
import { isCalendarDate } from '../compliance/calendarDate';
import type { VaultSession } from '../vault/vaultSession';
import { countingReviewsOf } from './countingReviewsCache';
import { subjectStamp, subjectsOf } from './reviewSignature';

export const EVIDENCE_STATES = ['pending', 'accepted', 'rejected', 'superseded'] as const;
export type EvidenceListState = (typeof EVIDENCE_STATES)[number];
export const EVIDENCE_SORTS = ['documentDate', 'addedAt', 'fileName', 'size', 'points'] as const;
export type EvidenceSort = (typeof EVIDENCE_SORTS)[number];

export interface EvidenceQuery {
  /** One file (the detail view). */
  evidenceId?: string;
  /** Files linked to this completion (a training's evidence). */
  completionId?: string;
  /** File name, and for roles that see PII the person's name or employee id. */
  search?: string;
  state?: EvidenceListState;
  personId?: string;
  /** The linked person's current unit (display name). */
  unit?: string;
  /** Linked to this requirement, or to a completion of one of its courses. */
  requirementId?: string;
  /** Document date range, inclusive (YYYY-MM-DD). */
  from?: string;
  to?: string;
  /** `points`: the review queue order (needs `gains`), most first. */
  sort: EvidenceSort;
  dir: 'asc' | 'desc';
  offset: number;
  limit: number;
}

export interface EvidenceLinkLabel {
  kind: 'person' | 'completion' | 'certification' | 'requirement';
  id: string;
  /** What a person reads: "BBP, 2024-10-01", "BLS Provider card", a requirement's title. */
  label: string;
}

export interface EvidenceReviewInfo {
  state: 'accepted' | 'rejected';
  meaning: string | null;
  printedName: string | null;
  userName: string;
  at: string;
  reason: string | null;
  /** Whether a signature was recorded (checked on the detail view, not in lists). */
  signed: boolean;
}

export interface EvidenceListRow {
  evidenceId: string;
  fileName: string;
  mediaType: string;
  size: number;
  documentDate: string;
  addedAt: string;
  addedBy: string;
  state: EvidenceListState;
  /** The one person the file documents (null for a report naming many): name and employee id masked by role, pseudonym always. */
  person: { personId: string; name: string; employeeId: string | null; pseudonym: string; unit: string | null } | null;
  links: EvidenceLinkLabel[];
  review: EvidenceReviewInfo | null;
  /** Review queue: the score points accepting it would win (only when asked for). */
  points: number | null;
  /** What is shown of the file, as a digest (subjectStamp): sent back with a signature. */
  stamp: string;
}

interface Row {
  id: string;
  file_name: string;
  media_type: string;
  size: number;
  document_date: string;
  added_at: string;
  added_by: string;
  state: EvidenceListState;
  person_id: string | null;
  given_name: string | null;
  family_name: string | null;
  employee_id: string | null;
  unit: string | null;
  links: string;
  review: string | null;
}

// One row per evidence with its computed state and the one person it documents (its own
// person, else the single person of its completion, certification and person links; none when
// they name several). The state is the latest review that counts (its signature and log entry
// check out: countingReviews), passed in as JSON [[evidence id, review row], ...].
const BASE = `
  WITH counting AS (
    SELECT json_extract(value, '$[0]') AS evidence_id, json_extract(value, '$[1]') AS row_id FROM json_each(?)
  ),
  linked AS (
    SELECT l.evidence_id, pp.person_id FROM evidence_links l
      JOIN completion_versions c ON l.target_kind = 'completion' AND c.completion_id = l.target_id AND c.current = 1
      JOIN people pp ON pp.row_id = c.person_key
    UNION SELECT l.evidence_id, k.person_id FROM evidence_links l
      JOIN certifications k ON l.target_kind = 'certification' AND k.certification_id = l.target_id AND k.current = 1
    UNION SELECT evidence_id, target_id FROM evidence_links WHERE target_kind = 'person'
  ),
  ev AS (
    SELECT e.*, k.row_id AS review_row,
      coalesce(e.person_id, (SELECT CASE WHEN count(DISTINCT person_id) = 1 THEN min(person_id) END FROM linked WHERE linked.evidence_id = e.id)) AS the_person
    FROM evidence e LEFT JOIN counting k ON k.evidence_id = e.id
    -- Redacted versions are listed with their original (evidenceDetail), not as evidence of their own.
    WHERE e.redacted_from IS NULL
  ),
  listed AS (
    SELECT ev.*, CASE
        WHEN EXISTS (SELECT 1 FROM evidence n WHERE n.replaces = ev.id) THEN 'superseded'
        ELSE coalesce((SELECT state FROM evidence_reviews WHERE row_id = ev.review_row), 'pending')
      END AS state
    FROM ev
  )`;

const ORDER: Record<Exclude<EvidenceSort, 'points'>, string> = {
  documentDate: 'x.document_date {dir}, x.added_at {dir}',
  addedAt: 'x.added_at {dir}',
  fileName: 'x.file_name COLLATE NOCASE {dir}',
  size: 'x.size {dir}',
};

/**
 * One page of evidence with what each file documents, its state and latest review. Filters
 * combine (AND). Person fields are masked for roles that may not see PII, which also cannot
 * search by name. `gains` (completion id -> points, from reviewGains) fills `points` and is
 * what the `points` order sorts by.
 */
export async function queryEvidence(
  session: VaultSession,
  query: EvidenceQuery,
  gains?: ReadonlyMap<string, number>,
): Promise<{ total: number; masked: boolean; rows: EvidenceListRow[] }> {
  session.require('evidence.read', 'read evidence');
  const piiVisible = canSee(session.principal.role, 'pii');
  for (const day of [query.from, query.to]) {
    if (day !== undefined && !isCalendarDate(day)) throw new CustodianError('validation_failed', `"${day.slice(0, 20)}" is not a date (YYYY-MM-DD).`);
  }
  const where: string[] = [];
  const params: (string | number)[] = [];
  if (query.evidenceId) {
    where.push('x.id = ?');
    params.push(query.evidenceId);
  }
  if (query.completionId) {
    where.push("x.id IN (SELECT evidence_id FROM evidence_links WHERE target_kind = 'completion' AND target_id = ?)");
    params.push(query.completionId);
  }
  if (query.state) {
    where.push('x.state = ?');
    params.push(query.state);
  }
  if (query.personId) {
    where.push('(x.the_person = ? OR x.id IN (SELECT evidence_id FROM linked WHERE person_id = ?))');
    params.push(query.personId, query.personId);
  }
  if (query.unit) {
    where.push('u.name = ?');
    params.push(query.unit);
  }
  if (query.requirementId) {
    where.push(`(x.id IN (SELECT evidence_id FROM evidence_links WHERE target_kind = 'requirement' AND target_id = ?)
      OR x.id IN (SELECT l.evidence_id FROM evidence_links l
        JOIN completion_versions c ON l.target_kind = 'completion' AND c.completion_id = l.target_id AND c.current = 1
        JOIN courses f ON f.row_id = c.course_key JOIN courses co ON co.course_id = f.course_id AND co.current = 1
        WHERE lower(co.code) IN (SELECT lower(value) FROM requirements r, json_each(r.rule, '$.courses.codes') WHERE r.requirement_id = ? AND r.current = 1)))`);
    params.push(query.requirementId, query.requirementId);
  }
  if (query.from) {
    where.push('x.document_date >= ?');
    params.push(query.from);
  }
  if (query.to) {
    where.push('x.document_date <= ?');
    params.push(query.to);
  }
  const search = query.search?.trim();
  // Roles that may not see PII search nothing: file names often carry names and employee ids.
  if (search && piiVisible) {
    const like = `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    where.push("(x.file_name LIKE ? ESCAPE '\\' OR p.family_name || ', ' || p.given_name LIKE ? ESCAPE '\\' OR p.employee_id LIKE ? ESCAPE '\\')");
    params.push(like, like, like);
  }
  const from = `FROM listed x
    LEFT JOIN people p ON p.person_id = x.the_person AND p.current = 1
    LEFT JOIN org_units u ON u.id = p.org_unit_id
    ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`;
  const columns = `x.id, x.file_name, x.media_type, x.size, coalesce(x.document_date, substr(x.added_at, 1, 10)) AS document_date, x.added_at,
    (SELECT name FROM users WHERE id = x.added_by) AS added_by, x.state, x.the_person AS person_id, p.given_name, p.family_name, p.employee_id, u.name AS unit,
    (SELECT json_group_array(json_object('kind', l.target_kind, 'id', l.target_id, 'label',
        CASE l.target_kind
          WHEN 'completion' THEN (SELECT co.code || ', ' || c.completed_on FROM completion_versions c JOIN courses f ON f.row_id = c.course_key JOIN courses co ON co.course_id = f.course_id AND co.current = 1 WHERE c.completion_id = l.target_id AND c.current = 1)
          WHEN 'certification' THEN (SELECT k.name FROM certifications k WHERE k.certification_id = l.target_id AND k.current = 1)
          WHEN 'requirement' THEN (SELECT r.title FROM requirements r WHERE r.requirement_id = l.target_id AND r.current = 1)
          ELSE 'person' END)) FROM evidence_links l WHERE l.evidence_id = x.id) AS links,
    (SELECT json_object('state', v.state, 'meaning', v.meaning, 'printedName', v.printed_name, 'userName', uu.name, 'at', v.reviewed_at,
        'reason', v.reason, 'signed', v.signature IS NOT NULL) FROM evidence_reviews v JOIN users uu ON uu.id = v.reviewed_by WHERE v.row_id = x.review_row) AS review`;
  const dir = query.dir === 'desc' ? 'DESC' : 'ASC';
  const counting = JSON.stringify([...(await countingReviewsOf(session))].map(([id, review]) => [id, review.rowId]));
  params.unshift(counting);
  return session.read((db) => {
    let rows: Row[];
    let total: number;
    if (query.sort === 'points') {
      // The queue: every matching file, ranked by the points its acceptance would win, then paged.
      const all = db.all<Row>(`${BASE} SELECT ${columns} ${from} ORDER BY x.document_date, x.id`, params);
      const pointsOf = (r: Row) => filePoints(r, gains);
      all.sort((a, b) => pointsOf(b) - pointsOf(a));
      total = all.length;
      rows = all.slice(query.offset, query.offset + query.limit);
    } else {
      total = db.get<{ n: number }>(`${BASE} SELECT count(*) AS n ${from}`, params)?.n ?? 0;
      rows = db.all<Row>(`${BASE} SELECT ${columns} ${from} ORDER BY ${ORDER[query.sort].replaceAll('{dir}', dir)}, x.id LIMIT ? OFFSET ?`, [
        ...params,
        query.limit,
        query.offset,
      ]);
    }
    const subjects = subjectsOf(
      db,
      rows.map((r) => r.id),
    );
    return {
      total,
      masked: !piiVisible,
      rows: rows.map((r) => ({
        evidenceId: r.id,
        stamp: (() => {
          const subject = subjects.get(r.id);
          return subject ? subjectStamp(subject) : '';
        })(),
        fileName: piiVisible ? r.file_name : maskedFileName(r.id, r.file_name),
        mediaType: r.media_type,
        size: r.size,
        documentDate: r.document_date,
        addedAt: r.added_at,
        addedBy: r.added_by,
        state: r.state,
        person:
          r.person_id === null
            ? null
            : {
                personId: r.person_id,
                name: piiVisible && r.family_name !== null ? `${r.family_name}, ${r.given_name ?? ''}` : MASK,
                employeeId: piiVisible ? r.employee_id : r.employee_id === null ? null : MASK,
                pseudonym: pseudonym(session.vaultId, r.person_id),
                unit: r.unit,
              },
        links: (JSON.parse(r.links) as (Omit<EvidenceLinkLabel, 'label'> & { label: string | null })[]).map((l) => ({ ...l, label: l.label ?? l.kind })),
        review: r.review === null ? null : reviewInfo(JSON.parse(r.review) as Omit<EvidenceReviewInfo, 'signed'> & { signed: number }, piiVisible),
        points: gains ? filePoints(r, gains) : null,
      })),
    };
  });
}

/**
 * What roles that may not see PII see of a file's name: its record and extension ("file
 * 3f2a91c0.pdf"). Names of evidence files often carry a person's name or employee id.
 */
export function maskedFileName(id: string, fileName: string): string {
  const extension = /\.[A-Za-z0-9]{1,5}$/.exec(fileName)?.[0] ?? '';
  return `file ${id.slice(0, 8)}${extension.toLowerCase()}`;
}

/** A review as the list shows it; its reason (free text, may name people) masked as the file name is. */
function reviewInfo(review: Omit<EvidenceReviewInfo, 'signed'> & { signed: number }, piiVisible: boolean): EvidenceReviewInfo {
  return { ...review, reason: review.reason === null || piiVisible ? review.reason : MASK, signed: review.signed === 1 };
}

/** A pending file's gain: the sum over the completions it is linked to (others win nothing). */
function filePoints(row: Row, gains: ReadonlyMap<string, number> | undefined): number {
  if (!gains || row.state !== 'pending') return 0;
  let points = 0;
  for (const link of JSON.parse(row.links) as EvidenceLinkLabel[]) if (link.kind === 'completion') points += gains.get(link.id) ?? 0;
  return Math.round(points * 1000) / 1000;
}
