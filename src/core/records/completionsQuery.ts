import type { VaultSession } from '../vault/vaultSession';
import { ftsQuery } from './ftsQuery';
import { canSee } from './masking';
import { pseudonym } from './pseudonym';
import { shownField } from './projectField';
import { rolePolicy } from '../../shared/records/maskingPolicy';

export const COMPLETION_SORTS = ['completedOn', 'course', 'person', 'score', 'expiresOn'] as const;
export type CompletionSort = (typeof COMPLETION_SORTS)[number];

export interface CompletionsQuery {
  search?: string;
  personId?: string;
  sort: CompletionSort;
  dir: 'asc' | 'desc';
  offset: number;
  limit: number;
}

export interface CompletionListRow {
  completionId: string;
  personId: string;
  person: string;
  course: string;
  courseCode: string;
  completedOn: string;
  /** The mask instead of the number for roles that may not see assessments. */
  score: number | string | null;
  passed: boolean | null;
  expiresOn: string | null;
  trainer: string | null;
  deliveryMethod: string | null;
  version: number;
}

const ORDER: Record<CompletionSort, string> = {
  completedOn: 'x.completed_on {dir}',
  course: 'c.title COLLATE NOCASE {dir}, x.completed_on DESC',
  person: 'p.sort_name {dir}, x.completed_on DESC',
  score: 'x.score {dir} NULLS LAST, x.completed_on DESC',
  expiresOn: 'x.expires_on {dir} NULLS LAST, x.completed_on DESC',
};

interface Row {
  completion_id: string;
  person_id: string;
  given_name: string;
  family_name: string;
  title: string;
  code: string;
  completed_on: string;
  /** The mask instead of the number for roles that may not see assessments. */
  score: number | string | null;
  passed: number | null;
  expires_on: string | null;
  trainer: string | null;
  delivery_method: string | null;
  version: number;
}

/** One page of current completions; search matches people (FTS5) or course titles and codes. */
export async function queryCompletions(session: VaultSession, query: CompletionsQuery): Promise<{ total: number; masked: boolean; rows: CompletionListRow[] }> {
  session.require('records.read', 'read records');
  const role = session.principal.role;
  const piiVisible = canSee(role, 'pii');
  const policy = rolePolicy(role);
  const where = ['x.current = 1'];
  const params: (string | number)[] = [];
  if (query.personId) {
    where.push('x.person_id = ?');
    params.push(query.personId);
  }
  const search = query.search?.trim();
  if (search) {
    const match = piiVisible ? ftsQuery(search) : null;
    const like = `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    where.push(
      `(c.title LIKE ? ESCAPE '\\' OR c.code LIKE ? ESCAPE '\\'${match ? ' OR x.person_id IN (SELECT person_id FROM people_fts WHERE people_fts MATCH ?)' : ''})`,
    );
    params.push(like, like, ...(match ? [match] : []));
  }
  const sort = !piiVisible && query.sort === 'person' ? 'completedOn' : query.sort;
  const order = ORDER[sort].replaceAll('{dir}', query.dir === 'desc' ? 'DESC' : 'ASC');
  const from = `FROM completions x
    JOIN people p ON p.person_id = x.person_id AND p.current = 1
    JOIN courses c ON c.course_id = x.course_id AND c.current = 1
    WHERE ${where.join(' AND ')}`;
  return session.read((db) => {
    const total = db.get<{ n: number }>(`SELECT count(*) AS n ${from}`, params)?.n ?? 0;
    const rows = db.all<Row>(
      `SELECT x.completion_id, x.person_id, p.given_name, p.family_name, c.title, c.code, x.completed_on, x.score, x.passed, x.expires_on, x.trainer, x.delivery_method, x.version
       ${from} ORDER BY ${order}, x.completion_id LIMIT ? OFFSET ?`,
      [...params, query.limit, query.offset],
    );
    return {
      total,
      masked: !piiVisible,
      rows: rows.map((r) => ({
        completionId: r.completion_id,
        personId: r.person_id,
        // Masked roles see the person's pseudonym, the same on every screen and export.
        person: piiVisible ? `${r.family_name}, ${r.given_name}` : pseudonym(session.vaultId, r.person_id),
        course: r.title,
        courseCode: r.code,
        completedOn: r.completed_on,
        score: shownField(policy, 'completion', 'score', r.score),
        passed: r.passed === null ? null : r.passed === 1,
        expiresOn: r.expires_on,
        trainer: shownField(policy, 'completion', 'trainer', r.trainer),
        deliveryMethod: r.delivery_method,
        version: r.version,
      })),
    };
  });
}
