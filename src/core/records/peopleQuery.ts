import type { PersonCompliance } from '../../shared/compliance/complianceStatus';
import type { VaultSession } from '../vault/vaultSession';
import { ftsQuery } from './ftsQuery';
import { MASK, canSee } from './masking';
import { PSEUDONYM, pseudonym } from './pseudonym';
import { shownField } from './projectField';
import { rolePolicy } from '../../shared/records/maskingPolicy';

export const PEOPLE_SORTS = ['name', 'employeeId', 'orgUnit', 'jobRole', 'hireDate'] as const;
export type PeopleSort = (typeof PEOPLE_SORTS)[number];

export interface PeopleQuery {
  search?: string;
  status: 'all' | 'active' | 'left';
  /** Only people with this standing (needs `standing`). */
  compliance?: PersonCompliance;
  sort: PeopleSort;
  dir: 'asc' | 'desc';
  offset: number;
  limit: number;
}

export interface PersonListRow {
  personId: string;
  pseudonym: string;
  /** Today's standing, when the caller computed it (peopleCompliance). */
  compliance: PersonCompliance | null;
  employeeId: string | null;
  name: string;
  email: string | null;
  orgUnit: string | null;
  jobRole: string | null;
  site: string | null;
  hireDate: string | null;
  terminationDate: string | null;
}

// Each order ends in a unique tie-break in the same direction, so that an index (migration 60)
// serves the whole ORDER BY and a page at offset 99,800 is a walk, not a sort of every row.
// The name key must read exactly as the index's expression for the index to serve it.
const NAME_KEY = "coalesce(p.sort_name, lower(p.family_name || ' ' || p.given_name))";
const ORDER: Record<PeopleSort, string> = {
  name: `${NAME_KEY} {dir}, p.person_id {dir}`,
  employeeId: 'p.employee_id {dir}, p.person_id {dir}',
  orgUnit: `u.name COLLATE NOCASE {dir}, ${NAME_KEY}, p.person_id`,
  jobRole: `r.name COLLATE NOCASE {dir}, ${NAME_KEY}, p.person_id`,
  hireDate: `p.hire_date {dir}, ${NAME_KEY} {dir}, p.person_id {dir}`,
};
// For roles that may not see names: the same sorts with the record's random bits as the only
// tie-break, so the order inside a unit, role or hire month gives away neither the order of the
// names nor when each record was made (a person id is a UUIDv7: its first 48 bits are the
// creation time, and a roster fed daily is made about the hire day). The last 12 hex digits
// are random (recordId.ts). No index serves these: the rows are sorted, which a masked
// reader's lists can afford.
const RANDOM_BITS = 'substr(p.person_id, 25), p.person_id';
const MASKED_ORDER: Record<'orgUnit' | 'jobRole' | 'hireDate', string> = {
  orgUnit: `u.name COLLATE NOCASE {dir}, ${RANDOM_BITS}`,
  jobRole: `r.name COLLATE NOCASE {dir}, ${RANDOM_BITS}`,
  // By month, as masked roles see hire dates (rolePolicy): a day order within the month would tell the day.
  hireDate: `substr(p.hire_date, 1, 7) {dir}, ${RANDOM_BITS}`,
};

interface Row {
  person_id: string;
  employee_id: string | null;
  given_name: string;
  family_name: string;
  email: string | null;
  org_unit: string | null;
  job_role: string | null;
  site: string | null;
  hire_date: string | null;
  termination_date: string | null;
}

/**
 * One page of current people, sorted and optionally searched (FTS5). Roles that may not see
 * PII get masked names and identifiers, and their search matches pseudonyms only (searching
 * names would reveal them). Any role's search for a pseudonym (P-XXXXXX) finds its person.
 * `standing` (from peopleCompliance) fills each row's compliance and serves its filter.
 */
export async function queryPeople(
  session: VaultSession,
  query: PeopleQuery,
  standing?: ReadonlyMap<string, PersonCompliance>,
): Promise<{ total: number; masked: boolean; rows: PersonListRow[] }> {
  session.require('records.read', 'read records');
  const role = session.principal.role;
  const piiVisible = canSee(role, 'pii');
  const policy = rolePolicy(role);
  const wanted = query.search?.trim().toUpperCase() ?? '';
  const byPseudonym = PSEUDONYM.test(wanted);
  const match = piiVisible && query.search && !byPseudonym ? ftsQuery(query.search) : null;
  const where = ['p.current = 1'];
  const params: (string | number)[] = [];
  if (match) {
    where.push('p.person_id IN (SELECT person_id FROM people_fts WHERE people_fts MATCH ?)');
    params.push(match);
  }
  if (byPseudonym) {
    const ids = await session.read((db) => db.all<{ person_id: string }>('SELECT person_id FROM people WHERE current = 1'));
    where.push('p.person_id IN (SELECT value FROM json_each(?))');
    params.push(JSON.stringify(ids.map((r) => r.person_id).filter((id) => pseudonym(session.vaultId, id) === wanted)));
  }
  if (query.compliance && standing) {
    where.push('p.person_id IN (SELECT value FROM json_each(?))');
    params.push(JSON.stringify([...standing].filter(([, s]) => s === query.compliance).map(([id]) => id)));
  }
  if (query.status === 'active') where.push("(p.termination_date IS NULL OR p.termination_date > date('now'))");
  if (query.status === 'left') where.push("p.termination_date <= date('now')");
  const filter = `WHERE ${where.join(' AND ')}`;
  const from = `FROM people p LEFT JOIN org_units u ON u.id = p.org_unit_id LEFT JOIN job_roles r ON r.id = p.job_role_id ${filter}`;
  // Sorting by a masked field would still reveal it (alphabetical order); such roles get a stable
  // order that says nothing instead.
  const sort = !piiVisible && (query.sort === 'name' || query.sort === 'employeeId') ? null : query.sort;
  const template = sort === null ? 'p.person_id' : !piiVisible && sort in MASKED_ORDER ? MASKED_ORDER[sort as keyof typeof MASKED_ORDER] : ORDER[sort];
  const order = template.replaceAll('{dir}', query.dir === 'desc' ? 'DESC' : 'ASC');
  // The count needs no joins (left joins never change it): 110 ms -> a few ms at 100,000 people.
  return session.read((db) => {
    const total = db.get<{ n: number }>(`SELECT count(*) AS n FROM people p ${filter}`, params)?.n ?? 0;
    const rows = db.all<Row>(
      `SELECT p.person_id, p.employee_id, p.given_name, p.family_name, p.email, u.name AS org_unit, r.name AS job_role, p.site, p.hire_date, p.termination_date
       ${from} ORDER BY ${order} LIMIT ? OFFSET ?`,
      [...params, query.limit, query.offset],
    );
    return {
      total,
      masked: !piiVisible,
      rows: rows.map((r) => ({
        personId: r.person_id,
        pseudonym: pseudonym(session.vaultId, r.person_id),
        compliance: standing?.get(r.person_id) ?? null,
        employeeId: shownField(policy, 'person', 'employeeId', r.employee_id),
        name: piiVisible ? `${r.family_name}, ${r.given_name}` : MASK,
        email: shownField(policy, 'person', 'email', r.email),
        orgUnit: r.org_unit,
        jobRole: r.job_role,
        site: r.site,
        hireDate: shownField(policy, 'person', 'hireDate', r.hire_date),
        terminationDate: shownField(policy, 'person', 'terminationDate', r.termination_date),
      })),
    };
  });
}
