import { recordId } from '../records/recordId';
import { stateHash } from '../audit/auditLog';
import type { ImportContext, WriteCounts } from './importContext';
import { provenanceReason } from './importContext';
import { VersionBatch } from './versionBatch';
import type { VersionedTable } from './versionBatch';
import { WritePipeline } from './writePipeline';
import type { CompletionRecord } from './validateRow';

interface CompletionRow {
  row_id: number;
  completion_id: string;
  version: number;
  person_id: string;
  course_id: string;
  completed_on: string;
  score: number | null;
  passed: number | null;
  expires_on: string | null;
  trainer: string | null;
  delivery_method: string | null;
  certificate_number: string | null;
  source_sha256: string | null;
  source_row: number | null;
}

const VALUE_COLUMNS = ['person_id', 'course_id', 'completed_on', 'score', 'passed', 'expires_on', 'trainer', 'delivery_method', 'certificate_number'] as const;
const TABLE: VersionedTable = { table: 'completions', idColumn: 'completion_id', noun: 'completion', columns: VALUE_COLUMNS };
type Values = Pick<CompletionRow, (typeof VALUE_COLUMNS)[number]>;

function valuesOf(row: Values): Values {
  return Object.fromEntries(VALUE_COLUMNS.map((c) => [c, row[c]])) as Values;
}

const BATCH = 5000;

interface Pending {
  record: CompletionRecord;
  values: Values;
}

/**
 * Writes completion rows. A completion is (person, course, completion date): the same again is
 * unchanged; changed score, result, expiry, trainer, method or certificate number make a new
 * version. People must already be in the vault (matched by employee id, else e-mail); courses
 * are created on first sight (by code, else title).
 */
export class CompletionWriter {
  private readonly personByEmployeeId = new Map<string, string>();
  private readonly personByEmail = new Map<string, string>();
  private readonly courseByCode = new Map<string, string>();
  private pending: Pending[] = [];
  private readonly pipeline = new WritePipeline();
  readonly counts: WriteCounts = { inserted: 0, updated: 0, unchanged: 0, invalid: 0 };
  coursesCreated = 0;

  constructor(private readonly context: ImportContext) {}

  async load(): Promise<void> {
    const people = await this.context.db.all<{ person_id: string; employee_id: string | null; email: string | null }>(
      'SELECT person_id, employee_id, email FROM people WHERE current = 1',
    );
    for (const p of people) {
      if (p.employee_id) this.personByEmployeeId.set(p.employee_id, p.person_id);
      if (p.email) this.personByEmail.set(p.email.toLowerCase(), p.person_id);
    }
    for (const c of await this.context.db.all<{ course_id: string; code: string }>('SELECT course_id, code FROM courses WHERE current = 1')) {
      this.courseByCode.set(c.code.toLowerCase(), c.course_id);
    }
  }

  private async courseId(record: CompletionRecord): Promise<string> {
    const known = this.courseByCode.get(record.courseCode.toLowerCase());
    if (known) return known;
    const courseId = recordId();
    const course = { code: record.courseCode, title: record.courseTitle, course_version: record.courseVersion, provider: record.provider, hours: record.hours };
    await this.context.db.run(
      'INSERT INTO courses (course_id, version, current, code, title, course_version, provider, hours, recorded_at, recorded_by, source_sha256, source_row) VALUES (?, 1, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [courseId, course.code, course.title, course.course_version, course.provider, course.hours, this.context.now, this.context.actorId, this.context.fileSha256, record.row],
    );
    await this.context.log([{ action: 'course.create', target: courseId, after: stateHash(course), reason: provenanceReason(this.context.fileSha256, record.row) }]);
    this.courseByCode.set(record.courseCode.toLowerCase(), courseId);
    this.coursesCreated++;
    return courseId;
  }

  async add(record: CompletionRecord): Promise<void> {
    const personId = (record.employeeId ? this.personByEmployeeId.get(record.employeeId) : undefined) ?? (record.email ? this.personByEmail.get(record.email) : undefined);
    if (!personId) {
      this.counts.invalid++;
      this.context.report({
        row: record.row,
        column: record.employeeId ? 'employee id' : 'e-mail',
        value: record.employeeId ?? record.email,
        reason: 'no such person in the vault (import the roster first)',
      });
      return;
    }
    const values: Values = {
      person_id: personId,
      course_id: await this.courseId(record),
      completed_on: record.completedOn,
      score: record.score,
      passed: record.passed === null ? null : record.passed ? 1 : 0,
      expires_on: record.expiresOn,
      trainer: record.trainer,
      delivery_method: record.deliveryMethod,
      certificate_number: record.certificateNumber,
    };
    this.pending.push({ record, values });
    if (this.pending.length >= BATCH) await this.startWrite();
  }

  /** Starts writing the buffered batch once the previous one is written (see WritePipeline). */
  private async startWrite(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    if (batch.length > 0) await this.pipeline.start(() => this.write(batch));
  }

  /** Writes everything buffered and waits for it. */
  async flush(): Promise<void> {
    await this.startWrite();
    await this.pipeline.drain();
  }

  /** Waits for the batch in flight, ignoring its outcome: before the transaction ends. */
  settle(): Promise<void> {
    return this.pipeline.settle();
  }

  private async write(pending: readonly Pending[]): Promise<void> {
    const keyOf = (v: Pick<Values, 'person_id' | 'course_id' | 'completed_on'>) => `${v.person_id}|${v.course_id}|${v.completed_on}`;
    const existing = new Map<string, CompletionRow>();
    const rows = await this.context.db.all<CompletionRow>(
      // CROSS JOIN keeps json_each as the outer loop, so each key is one index probe rather
      // than a scan of every completion per key.
      `SELECT c.* FROM json_each(?) j CROSS JOIN completions c
         ON c.current = 1 AND c.person_id = j.value ->> '$.p' AND c.course_id = j.value ->> '$.c' AND c.completed_on = j.value ->> '$.d'`,
      [JSON.stringify(pending.map(({ values: v }) => ({ p: v.person_id, c: v.course_id, d: v.completed_on })))],
    );
    for (const row of rows) existing.set(keyOf(row), row);
    const seen = new Map<string, number>();
    const batch = new VersionBatch(this.context, TABLE, this.counts);
    for (const { record, values } of pending) {
      const key = keyOf(values);
      const old = existing.get(key);
      const firstRow = seen.get(key) ?? (old?.source_sha256 === this.context.fileSha256 && old.source_row !== record.row ? old.source_row : undefined);
      if (firstRow !== undefined && firstRow !== null) {
        this.counts.invalid++;
        this.context.report({ row: record.row, column: null, value: null, reason: `the same person, course and date as row ${String(firstRow)}` });
        continue;
      }
      seen.set(key, record.row);
      batch.add(old && { rowId: old.row_id, recordId: old.completion_id, version: old.version, values: valuesOf(old) }, values, record.row);
    }
    await batch.write();
  }
}
