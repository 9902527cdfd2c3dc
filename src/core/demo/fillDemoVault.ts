import { Readable } from 'node:stream';
import { CustodianError } from '../../shared/errors';
import { stateHash } from '../audit/auditLog';
import type { AuditEvent } from '../audit/auditLog';
import type { ReadableDb, WritableDb } from '../db/database';
import { addEvidence } from '../evidence/evidenceStore';
import { PERSON_VALUE_COLUMNS } from '../import/rosterWriter';
import { insertRecordRows } from '../records/insertRows';
import { sortName } from '../records/sortName';
import type { VaultSession } from '../vault/vaultSession';
import type { DemoCourse } from './demoCourses';
import { DEMO_COURSES, isInAudience } from './demoCourses';
import { dayOf, isoDay, nextWorkday } from './demoDates';
import { demoId } from './demoId';
import type { DemoIdKind } from './demoId';
import { DEMO_UNITS } from './demoOrganisation';
import type { EvidenceCounts, WrittenCompletion } from './evidencePlan';
import { evidenceCounts, EvidencePlan } from './evidencePlan';
import { generateHistory } from './generateHistory';
import type { DemoRoster } from './generateRoster';
import { generateRoster, STREAM } from './generateRoster';
import type { EvidenceLink } from './renderEvidence';
import { renderEvidence } from './renderEvidence';
import { enableDemoFrameworks } from './enableDemoFrameworks';
import { fileLmsReports } from './lmsReports';
import { mixSeed } from './seededRandom';

export interface DemoOptions {
  /** People on the roster, leavers included (default 400). */
  people?: number;
  seed?: number;
  /** Years of history (default 3). */
  years?: number;
  /** "Today" for the history (default now); tests pin it. */
  today?: Date;
  onProgress?: (stage: 'records' | 'evidence', done: number, total: number) => void;
}

export interface DemoSummary {
  seed: number;
  years: number;
  today: string;
  historyFrom: string;
  people: number;
  activePeople: number;
  leavers: number;
  newHires: number;
  orgUnits: number;
  jobRoles: number;
  sites: number;
  courses: number;
  completions: number;
  onTime: number;
  late: number;
  failedAttempts: number;
  retaken: number;
  /** Required courses past due and not done, among active people. */
  overdue: number;
  /** Required courses an active person has never passed, although due. */
  neverCompleted: number;
  certifications: number;
  /** Active people's current BLS/ACLS cards expiring within 90 days (none already expired). */
  certificationsExpiringIn90Days: number;
  evidence: EvidenceCounts & { links: number };
  /** Monthly LMS completion reports filed as evidence, and the completions they are linked to. */
  lmsReports: { reports: number; links: number };
}

const REASON = 'demo data';
const BATCH = 5000;
const LINK_BATCH = 25;
export const DEMO_LIMITS = { people: { min: 1, max: 500_000 }, years: { min: 1, max: 10 } } as const;

const PERSON_COLUMNS = PERSON_VALUE_COLUMNS;
const COURSE_COLUMNS = ['code', 'title', 'course_version', 'provider', 'hours', 'pass_mark'] as const;
const COMPLETION_COLUMNS = [
  'person_id',
  'course_id',
  'completed_on',
  'score',
  'passed',
  'expires_on',
  'trainer',
  'delivery_method',
  'certificate_number',
] as const;
const CERTIFICATION_COLUMNS = ['person_id', 'name', 'number', 'issued_on', 'expires_on', 'issuer'] as const;
const VERSION_COLUMNS = ['version', 'current', 'recorded_at', 'recorded_by', 'reason'] as const;

type Row = Record<string, string | number | null>;

function checkInteger(name: string, value: number, min: number, max: number): void {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new CustodianError('validation_failed', `--${name} must be a whole number from ${min.toLocaleString('en-US')} to ${max.toLocaleString('en-US')}.`);
  }
}

/**
 * The options with their defaults, checked: callers that create a vault first check here, so a
 * bad number never leaves an empty vault behind.
 *
 * @throws CustodianError('validation_failed') naming the option and its range.
 */
export function checkDemoOptions(options: Pick<DemoOptions, 'people' | 'seed' | 'years'>): { people: number; seed: number; years: number } {
  const checked = { people: options.people ?? 400, seed: options.seed ?? 1, years: options.years ?? 3 };
  checkInteger('people', checked.people, DEMO_LIMITS.people.min, DEMO_LIMITS.people.max);
  checkInteger('years', checked.years, DEMO_LIMITS.years.min, DEMO_LIMITS.years.max);
  checkInteger('seed', checked.seed, 0, 2 ** 32 - 1);
  return checked;
}

/** Buffers versioned rows and their audit events; writes both every BATCH rows. */
class VersionedWriter {
  private rows: Row[] = [];
  private events: AuditEvent[] = [];
  written = 0;

  constructor(
    private readonly db: WritableDb,
    private readonly log: (events: AuditEvent[]) => void,
    private readonly table: string,
    private readonly idColumn: string,
    private readonly valueColumns: readonly string[],
    private readonly action: string,
    private readonly stamp: { recorded_at: string; recorded_by: string },
    /** Columns derived from the values (e.g. sort_name): stored, not part of the record's state hash. */
    private readonly derivedColumns: readonly string[] = [],
  ) {}

  add(id: string, values: Row, derived: Row = {}): void {
    this.rows.push({ [this.idColumn]: id, version: 1, current: 1, ...values, ...derived, ...this.stamp, reason: REASON });
    this.events.push({ action: this.action, target: id, after: stateHash(values), reason: REASON });
    if (this.rows.length >= BATCH) this.flush();
  }

  flush(): void {
    if (this.rows.length === 0) return;
    insertRecordRows(this.db, this.table, [this.idColumn, ...this.valueColumns, ...this.derivedColumns, ...VERSION_COLUMNS], this.rows);
    this.log(this.events);
    this.written += this.rows.length;
    this.rows = [];
    this.events = [];
  }
}

/** @throws CustodianError('conflict') if the vault holds any person, course, unit or role. */
function assertNoRecords(db: ReadableDb): void {
  const row = db.get<{ people: number; others: number }>(
    'SELECT (SELECT count(*) FROM people) AS people, (SELECT count(*) FROM courses) + (SELECT count(*) FROM org_units) + (SELECT count(*) FROM job_roles) AS others',
  );
  const people = row?.people ?? 0;
  if (people > 0)
    throw new CustodianError(
      'conflict',
      `This vault already holds ${String(people)} person record(s); demo data only goes into an empty vault. Use a new folder.`,
    );
  if ((row?.others ?? 0) > 0)
    throw new CustodianError('conflict', 'This vault already holds courses, units or job roles; demo data only goes into an empty vault. Use a new folder.');
}

/**
 * Session days for each taught course, spaced so that a session has about eight people: for
 * a small hospital a class every few weeks, for a large one every workday.
 */
function sessionCalendar(seed: number, roster: DemoRoster, courses: readonly DemoCourse[]): (course: DemoCourse, day: number) => number {
  const active = roster.people.filter((p) => p.terminationDay === null);
  const spacing = new Map<DemoCourse, { every: number; offset: number }>();
  courses.forEach((course, i) => {
    const audience = active.filter((p) => isInAudience(course.audience, p.unit, p.role)).length;
    const perYear = course.recurrenceMonths === 0 ? roster.people.length * 0.12 : (audience * 12) / course.recurrenceMonths;
    const every = Math.max(1, Math.min(28, Math.round((365 * 8) / Math.max(1, perYear))));
    spacing.set(course, { every, offset: mixSeed(seed, STREAM.sessions, i) % every });
  });
  return (course, day) => {
    const s = spacing.get(course) ?? { every: 1, offset: 0 };
    return nextWorkday(Math.ceil((day + s.offset) / s.every) * s.every - s.offset);
  };
}

/**
 * Fills an empty vault with a realistic demo organisation (see generateRoster, generateHistory)
 * and its evidence: certificate PDFs, sign-in sheets and scanned forms, encrypted like any
 * other evidence and linked to the people, completions and cards they prove. Records go in one
 * transaction, written in batches with one audit event per record, as an import writes them.
 * Evidence follows through addEvidence (one transaction per document), its links written every
 * 25 documents. The same seed and today give the same records (ids included) and the same
 * document bytes; only the recorded_at / added_at times and the evidence ids differ.
 *
 * @throws CustodianError('conflict') if the vault already holds people;
 *   ('validation_failed') for out-of-range options; ('permission_denied') below officer.
 */
export async function fillDemoVault(session: VaultSession, options: DemoOptions = {}): Promise<DemoSummary> {
  const { people: peopleCount, seed, years } = checkDemoOptions(options);
  session.require('records.import', 'fill the vault with demo data');
  session.require('evidence.add', 'fill the vault with demo data');
  await session.read(assertNoRecords);

  const today = dayOf(options.today ?? new Date());
  const seedTag = mixSeed(seed);
  const roster = generateRoster({ seed, people: peopleCount, years, today });
  const courses = DEMO_COURSES;
  const sessionOn = sessionCalendar(seed, roster, courses);
  const counts = evidenceCounts(peopleCount);
  const plan = new EvidencePlan(
    seed,
    peopleCount,
    counts,
    { start: roster.windowStart, today },
    courses.filter((c) => c.delivery === 'classroom' || c.delivery === 'instructor-led'),
    sessionOn,
  );
  const id = (kind: DemoIdKind, n: number) => demoId(seedTag, kind, n);

  const summary: DemoSummary = {
    seed,
    years,
    today: isoDay(today),
    historyFrom: isoDay(roster.windowStart),
    people: peopleCount,
    activePeople: roster.people.filter((p) => p.terminationDay === null).length,
    leavers: roster.people.filter((p) => p.terminationDay !== null).length,
    newHires: roster.people.filter((p) => p.hireDay >= roster.windowStart).length,
    orgUnits: 0,
    jobRoles: 0,
    sites: new Set(roster.people.map((p) => p.site)).size,
    courses: courses.length,
    completions: 0,
    onTime: 0,
    late: 0,
    failedAttempts: 0,
    retaken: 0,
    overdue: 0,
    neverCompleted: 0,
    certifications: 0,
    certificationsExpiringIn90Days: 0,
    evidence: { certificates: 0, signInSheets: 0, scans: 0, links: 0 },
    lmsReports: { reports: 0, links: 0 },
  };

  await session.mutateWithLog((db, log) => {
    assertNoRecords(db);
    const now = new Date().toISOString();
    const stamp = { recorded_at: now, recorded_by: session.principal.userId };

    // Lookups: the units and job roles people hold, then the course catalogue.
    const unitIds = new Map<string, string>();
    const roleIds = new Map<string, string>();
    const usedUnits = DEMO_UNITS.filter((u) => roster.people.some((p) => p.unit === u));
    const usedRoles = [...new Set(roster.people.map((p) => p.role.title))].sort();
    usedUnits.forEach((u, i) => unitIds.set(u.name, id('orgUnit', i + 1)));
    usedRoles.forEach((title, i) => roleIds.set(title, id('jobRole', i + 1)));
    for (const [table, action, ids] of [
      ['org_units', 'orgunit.create', unitIds],
      ['job_roles', 'jobrole.create', roleIds],
    ] as const) {
      const rows = [...ids].map(([name, rowId]) => ({ id: rowId, name, created_at: now }));
      insertRecordRows(db, table, ['id', 'name', 'created_at'], rows);
      log(rows.map((r) => ({ action, target: r.id, after: stateHash({ name: r.name }), reason: REASON })));
    }
    summary.orgUnits = unitIds.size;
    summary.jobRoles = roleIds.size;
    const courseIds = new Map<DemoCourse, string>();
    const courseWriter = new VersionedWriter(db, log, 'courses', 'course_id', COURSE_COLUMNS, 'course.create', stamp);
    for (const [i, course] of courses.entries()) {
      courseIds.set(course, id('course', i + 1));
      courseWriter.add(id('course', i + 1), {
        code: course.code,
        title: course.title,
        course_version: course.courseVersion,
        provider: course.provider,
        hours: course.hours,
        pass_mark: course.passMark,
      });
    }
    courseWriter.flush();

    const people = new VersionedWriter(db, log, 'people', 'person_id', PERSON_COLUMNS, 'person.create', stamp, ['sort_name']);
    for (const p of roster.people) {
      people.add(
        p.personId,
        {
          employee_id: p.employeeId,
          given_name: p.givenName,
          family_name: p.familyName,
          email: p.email,
          date_of_birth: isoDay(p.dateOfBirth),
          site: p.site,
          org_unit_id: unitIds.get(p.unit.name) ?? null,
          job_role_id: roleIds.get(p.role.title) ?? null,
          manager_employee_id: p.managerEmployeeId,
          hire_date: isoDay(p.hireDay),
          termination_date: p.terminationDay === null ? null : isoDay(p.terminationDay),
        },
        { sort_name: sortName(p.givenName, p.familyName) },
      );
    }
    people.flush();

    const completions = new VersionedWriter(db, log, 'completions', 'completion_id', COMPLETION_COLUMNS, 'completion.create', stamp);
    const certifications = new VersionedWriter(db, log, 'certifications', 'certification_id', CERTIFICATION_COLUMNS, 'certification.create', stamp);
    let completionSeq = 0;
    let certificationSeq = 0;
    const context = { seed, today, windowStart: roster.windowStart, courses, sessionOn };
    for (const [done, person] of roster.people.entries()) {
      const history = generateHistory(person, context);
      summary.overdue += history.overdue;
      summary.neverCompleted += history.missing;
      const written: WrittenCompletion[] = [];
      const latestCard = new Map<string, number>();
      for (const c of history.completions) {
        const completionId = id('completion', ++completionSeq);
        completions.add(completionId, {
          person_id: person.personId,
          course_id: courseIds.get(c.course) ?? null,
          completed_on: isoDay(c.day),
          score: c.score,
          passed: c.passed === null ? null : c.passed ? 1 : 0,
          expires_on: c.expiresDay === null ? null : isoDay(c.expiresDay),
          trainer: c.trainer,
          delivery_method: c.method,
          certificate_number: c.certificateNumber,
        });
        let certificationId: string | null = null;
        if (c.course.certification && c.passed === true && c.expiresDay !== null) {
          certificationId = id('certification', ++certificationSeq);
          certifications.add(certificationId, {
            person_id: person.personId,
            name: c.course.certification.name,
            number: c.certificateNumber,
            issued_on: isoDay(c.day),
            expires_on: isoDay(c.expiresDay),
            issuer: c.course.certification.issuer,
          });
          latestCard.set(c.course.certification.name, c.expiresDay);
        }
        written.push({ completion: c, completionId, certificationId });
        if (c.outcome === 'onTime') summary.onTime++;
        else if (c.outcome === 'late') summary.late++;
        else if (c.outcome === 'failed') summary.failedAttempts++;
        else summary.retaken++;
      }
      if (person.terminationDay === null) {
        for (const expires of latestCard.values()) if (expires >= today && expires <= today + 90) summary.certificationsExpiringIn90Days++;
      }
      plan.consider(person, written);
      if ((done + 1) % 1000 === 0) options.onProgress?.('records', done + 1, roster.people.length);
    }
    completions.flush();
    certifications.flush();
    summary.completions = completions.written;
    summary.certifications = certifications.written;
    log([
      {
        action: 'records.demo',
        target: `seed ${String(seed)}`,
        after: `${String(peopleCount)} people, ${String(summary.completions)} completions, ${String(summary.certifications)} certifications, ${String(years)} years to ${summary.today}`,
        reason: REASON,
      },
    ]);
    options.onProgress?.('records', roster.people.length, roster.people.length);
  });

  // Evidence: each document rendered while the one before is encrypted and stored; links
  // written in batches (an interruption leaves at most one batch of documents unlinked).
  const documents = plan.documents();
  let pendingLinks: { evidenceId: string; link: EvidenceLink }[] = [];
  const writeLinks = async () => {
    if (pendingLinks.length === 0) return;
    const links = pendingLinks;
    pendingLinks = [];
    await session.mutate((db) => {
      const linkedAt = new Date().toISOString();
      insertRecordRows(
        db,
        'evidence_links',
        ['evidence_id', 'target_kind', 'target_id', 'linked_at'],
        links.map(({ evidenceId, link }) => ({ evidence_id: evidenceId, target_kind: link.kind, target_id: link.id, linked_at: linkedAt })),
      );
      return {
        result: undefined,
        events: links.map(({ evidenceId, link }) => ({
          action: 'evidence.link',
          target: evidenceId,
          after: stateHash({ kind: link.kind, id: link.id }),
          reason: REASON,
        })),
      };
    });
  };
  const render = (i: number) => {
    const planned = documents[i];
    return planned ? renderEvidence(planned, seed, i + 1) : null;
  };
  let next = render(0);
  for (const [i, planned] of documents.entries()) {
    const rendered = await next;
    if (!rendered) break;
    next = render(i + 1);
    // A rejected render waits for its turn: mark it handled so it is not reported early.
    next?.catch(() => undefined);
    const plaintext = Buffer.from(rendered.plaintext.buffer, rendered.plaintext.byteOffset, rendered.plaintext.byteLength);
    const meta = await addEvidence(session, {
      source: Readable.from([plaintext]),
      fileName: rendered.fileName,
      mediaType: rendered.mediaType,
      personId: rendered.personId,
      documentDate: isoDay(planned.kind === 'signInSheet' ? planned.day : planned.attendance.completion.day),
    });
    pendingLinks.push(...rendered.links.map((link) => ({ evidenceId: meta.id, link })));
    if ((i + 1) % LINK_BATCH === 0) await writeLinks();
    summary.evidence.links += rendered.links.length;
    if (planned.kind === 'certificate') summary.evidence.certificates++;
    else if (planned.kind === 'signInSheet') summary.evidence.signInSheets++;
    else summary.evidence.scans++;
    options.onProgress?.('evidence', i + 1, documents.length);
  }
  await writeLinks();
  summary.lmsReports = await fileLmsReports(session, seed, summary.today);
  // The hospital has answered to these packs since its history began.
  await enableDemoFrameworks(session, seed, isoDay(roster.windowStart));
  return summary;
}
