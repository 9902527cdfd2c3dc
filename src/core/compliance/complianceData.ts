import type { ReadableDb } from '../db/database';
import type { Attempt, EnginePerson, EvidenceState, PersonScope } from './statusEngine';

/** Everything the engine needs, read in one pass per table. */
export interface ComplianceData {
  people: EnginePerson[];
  /** Display names of units by their lower-case key. */
  unitNames: Map<string, string>;
}

interface PersonVersionRow {
  person_id: string;
  version: number;
  current: number;
  recorded_at: string;
  hire_date: string | null;
  termination_date: string | null;
  unit: string | null;
  role: string | null;
  site: string | null;
}


/**
 * Reads people (every version, for the scope they were in over time) and the completions of
 * the given courses (lower-case codes), with the state of each completion's evidence.
 *
 * A version's scope starts on the day it was recorded; the first version's on the hire date
 * (it describes the person since they joined). Records hold no other effective date.
 */
export async function loadComplianceData(db: ReadableDb, courseCodes: readonly string[], peoplePerRange = PEOPLE_PER_RANGE): Promise<ComplianceData> {
  const unitNames = new Map<string, string>();
  for (const unit of await db.all<{ name: string }>('SELECT name FROM org_units')) unitNames.set(unit.name.toLowerCase(), unit.name);
  const courses =
    courseCodes.length === 0
      ? []
      : await db.all<CourseRow>(
          'SELECT course_id, lower(code) AS code, course_version, pass_mark FROM courses WHERE current = 1 AND lower(code) IN (SELECT value FROM json_each(?))',
          [JSON.stringify(courseCodes)],
        );
  const evidence = await loadEvidence(db);
  const versions = await db.all<PersonVersionRow>(
    `SELECT p.person_id, p.version, p.current, p.recorded_at, p.hire_date, p.termination_date,
            lower(u.name) AS unit, lower(r.name) AS role, lower(p.site) AS site
     FROM people p LEFT JOIN org_units u ON u.id = p.org_unit_id LEFT JOIN job_roles r ON r.id = p.job_role_id
     ORDER BY p.person_id, p.version`,
  );
  // Every range of the completions is asked for now: SQLite reads them one after another on its
  // own thread while this one builds the people and then parses each range as it arrives.
  const courseIndex = new Map(courses.map((course, index) => [course.course_id, index]));
  const ranges = courses.length === 0 ? [] : readAttempts(db, [...courseIndex.keys()], personRanges(versions, peoplePerRange));

  const people: EnginePerson[] = [];
  const byId = new Map<string, { person: EnginePerson; scopes: PersonScope[]; attempts: Attempt[] }>();
  for (const row of versions) {
    let entry = byId.get(row.person_id);
    if (!entry) {
      const scopes: PersonScope[] = [];
      const attempts: Attempt[] = [];
      entry = { person: { personId: row.person_id, hireDate: null, terminationDate: null, scopes, attempts }, scopes, attempts };
      byId.set(row.person_id, entry);
      people.push(entry.person);
    }
    const from = entry.scopes.length === 0 ? (row.hire_date ?? row.recorded_at.slice(0, 10)) : row.recorded_at.slice(0, 10);
    entry.scopes.push({ from, unit: row.unit, role: row.role, site: row.site });
    if (row.current === 1) {
      entry.person.hireDate = row.hire_date;
      entry.person.terminationDate = row.termination_date;
    }
  }

  let parsed = 0;
  for (const range of ranges) {
    for (const row of await range) {
      // Hand the (Electron main) event loop back now and then: 100,000 people take ~0.5 s here.
      if (++parsed % 5000 === 0) await new Promise<void>((resolve) => setImmediate(resolve));
      const entry = byId.get(row.person_id);
      if (!entry) continue;
      for (const item of row.attempts.split(';')) {
        const [courseId = '', completedOn, passedText, scoreText, expiresOn, completionId] = item.split('|');
        const course = courses[courseIndex.get(courseId) ?? -1];
        if (!course || !completedOn || !completionId) continue;
        const score = scoreText ? Number(scoreText) : null;
        const passed = passedText ? passedText === '1' : score !== null && course.pass_mark !== null ? score >= course.pass_mark : null;
        entry.attempts.push({
          completionId,
          courseCode: course.code,
          courseVersion: course.course_version,
          completedOn,
          passed,
          score,
          expiresOn: expiresOn || null,
          evidence: evidence.get(completionId) ?? 'none',
        });
      }
    }
  }
  return { people, unitNames };
}

interface CourseRow {
  course_id: string;
  code: string;
  course_version: string | null;
  pass_mark: number | null;
}

/** A completion's evidence: accepted if any file is accepted, rejected if every file is, else pending. */
async function loadEvidence(db: ReadableDb): Promise<Map<string, EvidenceState>> {
  const evidence = new Map<string, EvidenceState>();
  const links = await db.all<{ target_id: string; state: 'accepted' | 'rejected' | null }>(
    `SELECT l.target_id, (SELECT state FROM evidence_reviews v WHERE v.evidence_id = l.evidence_id ORDER BY v.row_id DESC LIMIT 1) AS state
     FROM evidence_links l WHERE l.target_kind = 'completion'`,
  );
  for (const link of links) {
    const known = evidence.get(link.target_id);
    const state: EvidenceState = link.state ?? 'pending';
    if (known === undefined || known === 'rejected' || state === 'accepted') evidence.set(link.target_id, known === 'accepted' ? 'accepted' : state);
  }
  return evidence;
}

/** People per range of completions read (a test sets fewer). */
export const PEOPLE_PER_RANGE = 12_500;

/**
 * Splits the people (sorted by id) into ranges of about `perRange`: [from, to) by id, the
 * last one open-ended. The first starts at '' so that no completion is left out.
 */
function personRanges(sorted: readonly { person_id: string }[], perRange: number): [string, string | null][] {
  const count = Math.max(1, Math.ceil(sorted.length / perRange));
  const bounds = Array.from({ length: count - 1 }, (_, i) => sorted[Math.floor(((i + 1) * sorted.length) / count)]?.person_id ?? '');
  const ranges: [string, string | null][] = [];
  let from = '';
  for (const bound of bounds) {
    if (bound > from) {
      ranges.push([from, bound]);
      from = bound;
    }
  }
  ranges.push([from, null]);
  return ranges;
}

/**
 * Each person's attempts at the given courses, one range of people at a time, every range asked
 * for at once (prepared statements: SQLite goes from one to the next without this thread).
 *
 * One row per person with their attempts packed in a string: node-sqlite3 builds a JS object per
 * row, and per-row objects for a million completions cost more than the query itself (measured:
 * 12.9 s as rows, 5.9 s packed, for 700,000 completions). Fields never hold | or ; (dates,
 * numbers, UUIDs). Walking the (person, course, date) index groups by person without sorting a
 * million rows (measured 3.9 s -> 2.5 s at 1.5M); the index is migration 20's natural key, so it
 * always exists. The courses are a set tested per row (IN builds it once): joining them as a
 * table cost 1.6 s more at 1.5M completions.
 */
function readAttempts(db: ReadableDb, courseIds: readonly string[], ranges: readonly [string, string | null][]): Promise<{ person_id: string; attempts: string }[]>[] {
  const select = `SELECT c.person_id, group_concat(c.course_id || '|' || c.completed_on || '|' || coalesce(c.passed, '') || '|' || coalesce(c.score, '') || '|' || coalesce(c.expires_on, '') || '|' || c.completion_id, ';') AS attempts
     FROM completions c INDEXED BY completions_current_key
     WHERE c.current = 1 AND c.course_id IN (SELECT value FROM json_each(?1)) AND c.person_id >= ?2`;
  const courses = JSON.stringify(courseIds);
  const reads = ranges.map(([from, to]) =>
    to === null
      ? db.allCached<{ person_id: string; attempts: string }>(`${select} GROUP BY c.person_id`, [courses, from])
      : db.allCached<{ person_id: string; attempts: string }>(`${select} AND c.person_id < ?3 GROUP BY c.person_id`, [courses, from, to]),
  );
  for (const read of reads) read.catch(() => undefined); // each is awaited in turn by the caller
  return reads;
}
