import type { ReadableDb } from '../db/database';
import { countingReviews } from '../evidence/reviewSignature';
import { AttemptTable } from './attemptTable';
import type { AttemptRows, EvidenceDates } from './attemptTable';
import type { EnginePerson, PersonScope } from './statusEngine';

/** Everything the engine needs, read in one pass per table. */
export interface ComplianceData {
  /** Sorted by person id. */
  people: EnginePerson[];
  /** Display names of units by their lower-case key (as the scopes hold them). */
  unitNames: Map<string, string>;
}

export interface LoadOptions {
  /** People per range of completions read (a test sets fewer). */
  peoplePerRange?: number;
}

/**
 * People per range of completions read: a range's attempts come as one string (see
 * readAttempts), so this bounds the largest string a load holds (12,500 people with a dozen
 * attempts each: about 10 MB).
 */
export const PEOPLE_PER_RANGE = 12_500;

/**
 * Reads people (every version, for the scope they were in over time) and the completions of
 * the given courses (lower-case codes), with the state of each completion's evidence. Names and
 * codes are lower-cased here, as the engine lower-cases a rule's (SQLite's `lower` only knows
 * ASCII: "ÄRZTE" would not have matched "Ärzte").
 *
 * A version's scope starts on the day it was recorded; the first version's on the hire date
 * (it describes the person since they joined). Records hold no other effective date.
 *
 * Synchronous: at scale it holds core's worker, as it holds the connection, for the whole read
 * (every attempt at the courses).
 */
export function loadComplianceData(db: ReadableDb, vaultId: string, courseCodes: readonly string[], options: LoadOptions = {}): ComplianceData {
  const unitNames = new Map<string, string>();
  const names: Names = { units: new Map(), roles: new Map(), sites: new Map() };
  for (const unit of db.all<{ id: string; name: string }>('SELECT id, name FROM org_units')) {
    names.units.set(unit.id, unit.name.toLowerCase());
    unitNames.set(unit.name.toLowerCase(), unit.name);
  }
  for (const role of db.all<{ id: string; name: string }>('SELECT id, name FROM job_roles')) names.roles.set(role.id, role.name.toLowerCase());
  const wanted = new Set(courseCodes);
  // Every attempt of the load goes into one table; each person holds their rows of it.
  const table = new AttemptTable();
  const courses: CourseRow[] = [];
  const current = db.all<Omit<CourseRow, 'index' | 'key'> & { course_key: number }>(
    `SELECT c.course_id, c.code, c.course_version, c.pass_mark, f.row_id AS course_key
     FROM courses c JOIN courses f ON f.course_id = c.course_id AND f.version = 1 WHERE c.current = 1`,
  );
  for (const { course_key: key, ...course } of current) {
    const code = course.code.toLowerCase();
    if (wanted.has(code)) courses.push({ ...course, key: String(key), code, index: table.courseOf(code, course.course_version) });
  }
  const courseByKey = new Map(courses.map((course) => [course.key, course]));
  const dates = new DateStrings();
  const evidence = loadEvidence(db, vaultId);

  const people: EnginePerson[] = [];
  for (const [from, to] of personRanges(db, options.peoplePerRange ?? PEOPLE_PER_RANGE)) {
    const range = readPeople(db, names, table, from, to);
    const packed = courses.length === 0 ? '' : readAttempts(db, courses, from, to);
    const byId = new Map(range.map((person) => [person.personId, person]));
    // One line per person: `person_id#attempts`.
    for (let at = 0; at < packed.length;) {
      let end = packed.indexOf('\n', at);
      if (end < 0) end = packed.length;
      const mark = packed.indexOf('#', at);
      const person = mark >= 0 && mark < end ? byId.get(packed.slice(at, mark)) : undefined;
      if (person) {
        const first = table.length;
        parseAttempts(packed, mark + 1, end, courseByKey, evidence, dates, table);
        person.attempts = { table, from: first, to: table.length };
      }
      at = end + 1;
    }
    for (const person of range) people.push(person);
  }
  return { people, unitNames };
}

interface CourseRow {
  course_id: string;
  /** Its key in completion_versions (the row id of its first version), as text. */
  key: string;
  code: string;
  course_version: string | null;
  pass_mark: number | null;
  /** Its course in the load's AttemptTable. */
  index: number;
}

/** Lower-case names by id (units, roles) and by the text as stored (sites). */
interface Names {
  units: Map<string, string>;
  roles: Map<string, string>;
  sites: Map<string, string>;
}

/** A version as `readPeople` packs it: [person_id, current, recorded_at, hire_date, termination_date, org_unit_id, job_role_id, site]. */
type PackedVersion = [string, 0 | 1, string, string | null, string | null, string | null, string | null, string | null];

/**
 * The people of one range with their scopes over time, sorted by id. The versions come as one
 * JSON array, parsed in one call, rather than as a row object each from the driver (its cost is
 * per row; measured on the old driver at 0.6 s against 0.04 s at 100,000 people, not since).
 * JSON carries any name safely. Units and roles come as ids, named (lower-cased) here.
 */
function readPeople(db: ReadableDb, names: Names, table: AttemptTable, from: string, to: string | null): EnginePerson[] {
  const row = db.get<{ versions: string }>(
    `SELECT json_group_array(json_array(person_id, current, recorded_at, hire_date, termination_date, org_unit_id, job_role_id, site) ORDER BY person_id, version) AS versions
     FROM people WHERE person_id >= ?${to === null ? '' : ' AND person_id < ?'}`,
    to === null ? [from] : [from, to],
  );
  const people: EnginePerson[] = [];
  let person = null as { personId: string; hireDate: string | null; terminationDate: string | null; scopes: PersonScope[]; attempts: AttemptRows } | null;
  for (const [personId, current, recordedAt, hireDate, terminationDate, unitId, roleId, siteText] of JSON.parse(row?.versions ?? '[]') as PackedVersion[]) {
    if (person?.personId !== personId) {
      person = { personId, hireDate: null, terminationDate: null, scopes: [], attempts: { table, from: 0, to: 0 } };
      people.push(person);
    }
    const unit = unitId === null ? null : (names.units.get(unitId) ?? null);
    const role = roleId === null ? null : (names.roles.get(roleId) ?? null);
    let site: string | null = null;
    if (siteText !== null) {
      site = names.sites.get(siteText) ?? siteText.toLowerCase();
      names.sites.set(siteText, site);
    }
    const from = person.scopes.length === 0 ? (hireDate ?? recordedAt.slice(0, 10)) : recordedAt.slice(0, 10);
    person.scopes.push({ from, unit, role, site });
    if (current === 1) {
      person.hireDate = hireDate;
      person.terminationDate = terminationDate;
    }
  }
  return people;
}

/**
 * A completion's evidence, by the completion's current row: per state, the earliest document
 * date of its files in that state (see evidenceStateOn). A file's state is its latest review,
 * pending without one; superseded files (another file replaces them) do not count.
 */
function loadEvidence(db: ReadableDb, vaultId: string): Map<number, EvidenceDates> {
  const evidence = new Map<number, EvidenceDates>();
  // Only reviews whose signatures and log entries check out set a state (countingReviews).
  const reviews = countingReviews(db, vaultId);
  const links = db
    .all<{ row_id: number; evidence_id: string; day: string }>(
      `SELECT c.row_id, e.id AS evidence_id, e.document_date AS day
       FROM evidence_links l JOIN evidence e ON e.id = l.evidence_id
         JOIN completion_versions c ON c.completion_id = l.target_id AND c.current = 1
       WHERE l.target_kind = 'completion' AND NOT EXISTS (SELECT 1 FROM evidence n WHERE n.replaces = e.id)`,
    )
    .map((link) => ({ ...link, state: reviews.get(link.evidence_id)?.state ?? null }));
  for (const link of links) {
    let dates = evidence.get(link.row_id);
    if (dates === undefined) {
      dates = { accepted: null, pending: null, rejected: null };
      evidence.set(link.row_id, dates);
    }
    const state = link.state ?? 'pending';
    const known = dates[state];
    if (known === null || link.day < known) dates[state] = link.day;
  }
  return evidence;
}

/** The ids of completions by their rows (Attempt.rowId), for results that show them; packed as JSON, 10,000 rows a query. */
export function completionIds(db: ReadableDb, rowIds: Iterable<number>): Map<number, string> {
  const wanted = [...new Set(rowIds)];
  const ids = new Map<number, string>();
  for (let at = 0; at < wanted.length; at += 10_000) {
    const row = db.get<{ ids: string }>(
      'SELECT json_group_array(json_array(row_id, completion_id)) AS ids FROM completion_versions WHERE row_id IN (SELECT value FROM json_each(?))',
      [JSON.stringify(wanted.slice(at, at + 10_000))],
    );
    for (const [rowId, completionId] of JSON.parse(row?.ids ?? '[]') as [number, string][]) ids.set(rowId, completionId);
  }
  return ids;
}

/**
 * Ranges of people, [from, to) by id as SQLite compares them, `perRange` people each; the first
 * from '' and the last open-ended (null), so no person and no completion is left out.
 */
function personRanges(db: ReadableDb, perRange: number): [string, string | null][] {
  // Every perRange-th id but the first; walks the (person_id, version) index once, no sort.
  const starts = db
    .all<{ person_id: string }>(
      `SELECT person_id FROM (SELECT person_id, row_number() OVER (ORDER BY person_id) AS n FROM people GROUP BY person_id)
       WHERE (n - 1) % ? = 0 AND n > 1`,
      [Math.max(1, Math.floor(perRange))],
    )
    .map((row) => row.person_id);
  return ['', ...starts].map((from, i): [string, string | null] => [from, starts[i] ?? null]);
}

/**
 * The attempts at the given courses of one range of people, packed into one string: a line per
 * person, `person_id#attempts`, an attempt being
 * `course_key|completed_on|passed|score|expires_on|row_id` and attempts separated by `;`. No
 * field holds any of those characters (numbers, ISO dates, ids).
 *
 * Why packed: the driver builds a JS object per row, and a million of them cost more than the
 * query itself; and a string per person (about a kilobyte) is young garbage the collector copies
 * while its range is parsed, where one string per range is too large ever to be copied
 * (scavenges 220 ms -> 125 ms at 1.5M attempts).
 *
 * Reads the covering index `completions_current_attempts` alone, never the table (migration 70
 * says what it holds). The row id stands for the completion id, which the index does not hold
 * (a third of its size, and of the time to build it). A whole score is written as an integer:
 * SQLite's text for a REAL is slow (0.3 s of 1.3 s at 1.5M completions). The courses are a set
 * tested per row (IN builds it once): joining them as a table cost 1.6 s more at 1.5M
 * completions, and mapping each id to a number in SQL (CASE) cost more than the lookup here.
 */
function readAttempts(db: ReadableDb, courses: readonly CourseRow[], from: string, to: string | null): string {
  const bounds = to === null ? [from] : [from, to];
  const row = db.get<{ packed: string | null }>(readAttemptsSql(courses.length, to !== null), [...bounds, ...courses.map((course) => Number(course.key))]);
  return row?.packed ?? '';
}

/**
 * The query of readAttempts for `courses` course ids. Its parameters: the range's first person
 * id, its end (only when `bounded`: an OR on a null end would stop SQLite seeing the bound),
 * then the course ids.
 */
export function readAttemptsSql(courses: number, bounded: boolean): string {
  const ids = Array.from({ length: courses }, () => '?').join(', ');
  const score = 'iif(c.score = CAST(c.score AS INTEGER), CAST(c.score AS INTEGER), c.score)';
  return `SELECT group_concat(p.person_id || '#' || a.attempts, char(10)) AS packed FROM (
       SELECT c.person_key, group_concat(c.course_key || '|' || c.completed_on || '|' || coalesce(c.passed, '') || '|' || coalesce(${score}, '') || '|' || coalesce(c.expires_on, '') || '|' || c.row_id, ';') AS attempts
       FROM completion_versions c INDEXED BY completions_current_attempts
       WHERE c.current = 1
         AND c.person_key IN (SELECT row_id FROM people WHERE version = 1 AND person_id >= ?${bounded ? ' AND person_id < ?' : ''})
         AND c.course_key IN (${ids})
       GROUP BY c.person_key) a JOIN people p ON p.row_id = a.person_key`;
}

/**
 * One string per distinct date: a million attempts share a few thousand dates, and a string
 * each would be a million more objects for the collector to copy as they survive (measured:
 * scavenges 250 ms -> 185 ms at 1.5M attempts).
 */
class DateStrings {
  private readonly known = new Map<string, string>();

  /** The date text[from, to), as a string shared with every other attempt of that date. */
  of(text: string, from: number, to: number): string {
    const date = text.slice(from, to);
    const known = this.known.get(date);
    if (known !== undefined) return known;
    this.known.set(date, date);
    return date;
  }
}

/**
 * Appends one person's packed attempts, text[start, end) (see readAttempts), to `into`. Scans
 * with indexOf rather than split: no array per attempt (1.5M attempts: 0.9 s -> 0.4 s). A
 * person's attempts come course by course (the index's order), so the last course is tried
 * before the map. An item that does not have its six fields, or names another course, is
 * skipped (neither can occur).
 */
function parseAttempts(
  text: string,
  start: number,
  end: number,
  courses: ReadonlyMap<string, CourseRow>,
  evidence: ReadonlyMap<number, EvidenceDates>,
  dates: DateStrings,
  into: AttemptTable,
): void {
  let at = start;
  let course: CourseRow | undefined;
  while (at < end) {
    let next = text.indexOf(';', at);
    if (next < 0 || next > end) next = end;
    const f1 = text.indexOf('|', at);
    const f2 = text.indexOf('|', f1 + 1);
    const f3 = text.indexOf('|', f2 + 1);
    const f4 = text.indexOf('|', f3 + 1);
    const f5 = text.indexOf('|', f4 + 1);
    if (!(course && f1 - at === course.key.length && text.startsWith(course.key, at))) course = courses.get(text.slice(at, f1));
    if (f1 >= 0 && f5 >= 0 && f5 < next && course) {
      let rowId = 0;
      for (let i = f5 + 1; i < next; i++) rowId = rowId * 10 + text.charCodeAt(i) - 48; // digits
      const score = f3 + 1 === f4 ? null : Number(text.slice(f3 + 1, f4));
      const passed =
        f2 + 1 === f3 ? (score !== null && course.pass_mark !== null ? score >= course.pass_mark : null) : text.charCodeAt(f2 + 1) === 49; /* '1' */
      const expiresOn = f4 + 1 === f5 ? null : dates.of(text, f4 + 1, f5);
      into.push(course.index, rowId, dates.of(text, f1 + 1, f2), passed, score, expiresOn, evidence.get(rowId) ?? null);
    }
    at = next + 1;
  }
}
