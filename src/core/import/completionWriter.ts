import { insertRows } from '../records/insertRows';
import { recordId } from '../records/recordId';
import { COMPLETION_ATTEMPTS_INDEX, COMPLETION_KEY_INDEX, CompletionKeys } from './completionKeys';
import { stateHash } from '../audit/auditLog';
import { ExactDuplicates } from './exactDuplicates';
import { RowDigests } from './rowDigests';
import type { ImportContext, WriteCounts } from './importContext';
import { PersonMatcher } from './personMatcher';
import { provenanceReason } from './importContext';
import { VersionBatch } from './versionBatch';
import type { VersionedTable } from './versionBatch';
import type { CompletionRecord } from './validateRow';

/** How many new course codes an import's warning names (the rest are counted). */
const NEW_CODES_NAMED = 5;

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
/** Stored in `completion_versions` (migration 80): the person's and course's keys in place of their ids. */
const STORED_COLUMNS = ['person_key', 'course_key', ...VALUE_COLUMNS.slice(2)];
const TABLE: VersionedTable = { table: 'completion_versions', idColumn: 'completion_id', noun: 'completion', columns: STORED_COLUMNS, provenance: 'write' };
type Values = Pick<CompletionRow, (typeof VALUE_COLUMNS)[number]>;
/** The person's and course's keys (the row ids of their first versions), stored instead of their ids. */
// A type alias, not an interface: it passes as VersionBatch's `derived` record without a copy per row.
type Keys = {
  person_key: number;
  course_key: number;
};

export function valuesOf(row: Values): Values {
  return Object.fromEntries(VALUE_COLUMNS.map((c) => [c, row[c]])) as Values;
}

/**
 * `canonicalJson(valuesOf(row))`, written for this one shape: the object literal lists the keys
 * in sorted order and every value is a string, a number or null, so JSON.stringify writes the
 * canonical bytes (completionWriter.test.ts compares the two) without sorting keys for every row.
 */
export function valuesJson(row: Values): string {
  return JSON.stringify({
    certificate_number: row.certificate_number,
    completed_on: row.completed_on,
    course_id: row.course_id,
    delivery_method: row.delivery_method,
    expires_on: row.expires_on,
    passed: row.passed,
    person_id: row.person_id,
    score: row.score,
    trainer: row.trainer,
  });
}

const BATCH = 5000;
/** When a completions import writes in bulk mode (see CompletionWriter). */
export interface BulkLimits {
  /** The fewest rows written before an import may go bulk. */
  minRows: number;
  /**
   * The most keys held in memory: at this many, the writer builds the index again and goes on
   * row by row. It also bounds the rebuild, which sorts every current key in memory (about
   * 100 bytes each): 2,000,000 keys take about 100 MB, their sort about 200 MB more.
   */
  maxKeys: number;
}

export const BULK_LIMITS: BulkLimits = { minRows: 20_000, maxKeys: 2_000_000 };

interface Pending {
  record: CompletionRecord;
  /** What is hashed into the log (with the ids, as ever). */
  values: Values;
  keys: Keys;
}

/** The current version of a pending row's key: a vault row, the file row this import wrote it from, or none. */
type Found = CompletionRow | number | undefined;

function keyOf(k: Keys, completedOn: string): string {
  return `${String(k.person_key)}|${String(k.course_key)}|${completedOn}`;
}

/**
 * Writes completion rows. A completion is (person, course, completion date): the same again is
 * unchanged; changed score, result, expiry, trainer, method or certificate number make a new
 * version. People must already be in the vault (matched by employee id, else e-mail); courses
 * are created on first sight (by code, else title).
 *
 * Bulk mode. Keeping the natural-key index up to date row by row is most of what a large import
 * costs SQLite: the keys arrive in random order, so every insert lands on a random page (and
 * each page is an AES decryption and encryption). Once an import has written `minRows` rows
 * and at least half as many as the table held when it began, the writer loads every current key
 * into memory (CompletionKeys), drops `completions_current_key` inside the import's transaction
 * and answers the key lookups from memory; `flush` builds the index again (a sort, far cheaper
 * than a million random inserts), and that re-checks uniqueness of every current key. The
 * compliance engine's covering index `completions_current_attempts` goes the same way. DDL is
 * transactional in SQLite: if the import fails or is cancelled, the rollback restores the index.
 * Memory stays bounded: a table holding more than `maxKeys / 2` never goes bulk, and an import
 * that reaches `maxKeys` keys builds the index again and goes on row by row. All modes take the
 * same decisions (tests import the same files each way).
 *
 * Hazard: while in bulk mode the indexes do not exist; nothing else may run in the transaction
 * that names them (`INDEXED BY completions_current_key` would fail).
 */
export class CompletionWriter {
  private people: PersonMatcher | null = null;
  private readonly personKeys = new Map<string, number>();
  private readonly courseByCode = new Map<string, { id: string; key: number }>();
  /** The row id the next new course is given (it is also the course's key). */
  private nextCourseRow = 1;
  private pending: Pending[] = [];
  readonly counts: WriteCounts = { inserted: 0, updated: 0, unchanged: 0, invalid: 0 };
  coursesCreated = 0;
  /** The first few codes that matched no course, with the row that named each (for the report's warning). */
  readonly newCourseCodes: { code: string; row: number }[] = [];
  /** Rows that repeat an earlier row of the file exactly: the same record, imported once. */
  readonly duplicates = new ExactDuplicates();
  /** Each row's values, digested, to tell an exact repeat from a contradiction. */
  private readonly digests = new RowDigests();
  /** Courses made since the last batch was written (their audit entries are already appended). */
  private newCourses: unknown[][] = [];
  /** Rows handed to `write` so far; bulk mode starts when it reaches `bulkFrom`. */
  private written = 0;
  private bulkFrom = Infinity;
  /** In bulk mode: the keys in memory and the indexes to build again. */
  private keys: CompletionKeys | null = null;
  private rebuildIndexes: string[] = [];

  /** True once this import has written in bulk mode. */
  wentBulk = false;

  constructor(
    private readonly context: ImportContext,
    private readonly limits: BulkLimits = BULK_LIMITS,
  ) {}

  load(): void {
    this.people = PersonMatcher.load(this.context.db);
    for (const p of this.context.db.all<{ person_id: string; row_id: number }>('SELECT person_id, row_id FROM people WHERE version = 1')) {
      this.personKeys.set(p.person_id, p.row_id);
    }
    const courses = this.context.db.all<{ course_id: string; code: string; course_key: number }>(
      `SELECT c.course_id, c.code, f.row_id AS course_key FROM courses c JOIN courses f ON f.course_id = c.course_id AND f.version = 1 WHERE c.current = 1`,
    );
    for (const c of courses) this.courseByCode.set(c.code.toLowerCase(), { id: c.course_id, key: c.course_key });
    this.nextCourseRow = (this.context.db.get<{ n: number }>('SELECT coalesce(max(row_id), 0) AS n FROM courses')?.n ?? 0) + 1;
    // max(row_id) bounds the current completions from above without counting them.
    const table = this.context.db.get<{ n: number }>('SELECT coalesce(max(row_id), 0) AS n FROM completion_versions');
    const rows = table?.n ?? 0;
    this.bulkFrom = rows > this.limits.maxKeys / 2 ? Infinity : Math.max(this.limits.minRows, rows / 2);
  }

  /**
   * The course's id and key. A course not seen before gets its id, row id (its key) and audit
   * entry here; its row is inserted before the batch holding this record (writeCourses), in
   * the same transaction. Row ids are given out here: nothing else writes in the transaction.
   */
  private course(record: CompletionRecord): { id: string; key: number } {
    const known = this.courseByCode.get(record.courseCode.toLowerCase());
    if (known) return known;
    const made = { id: recordId(), key: this.nextCourseRow++ };
    const course = { code: record.courseCode, title: record.courseTitle, course_version: record.courseVersion, provider: record.provider, hours: record.hours };
    this.newCourses.push([made.key, made.id, course.code, course.title, course.course_version, course.provider, course.hours, record.row]);
    this.context.log([{ action: 'course.create', target: made.id, after: stateHash(course), reason: provenanceReason(this.context.fileSha256, record.row) }]);
    this.courseByCode.set(record.courseCode.toLowerCase(), made);
    this.coursesCreated++;
    if (this.newCourseCodes.length < NEW_CODES_NAMED) this.newCourseCodes.push({ code: record.courseCode, row: record.row });
    return made;
  }

  /** Inserts the courses made since the last batch. */
  private writeCourses(): void {
    const rows = this.newCourses.splice(0);
    if (rows.length === 0) return;
    insertRows(
      this.context.db,
      'courses',
      [
        'row_id',
        'course_id',
        'code',
        'title',
        'course_version',
        'provider',
        'hours',
        'source_row',
        'version',
        'current',
        'recorded_at',
        'recorded_by',
        'source_sha256',
      ],
      rows.map((row) => [...row, 1, 1, this.context.now, this.context.actorId, this.context.fileSha256]),
    );
  }

  add(record: CompletionRecord): void {
    if (!this.people) throw new Error('load() first');
    const personId = this.people.match(record);
    if (typeof personId !== 'string') {
      this.counts.invalid++;
      this.context.report(personId);
      return;
    }
    const personKey = this.personKeys.get(personId);
    if (personKey === undefined) throw new Error('a current person without a first version');
    const course = this.course(record);
    const values: Values = {
      person_id: personId,
      course_id: course.id,
      completed_on: record.completedOn,
      score: record.score,
      passed: record.passed === null ? null : record.passed ? 1 : 0,
      expires_on: record.expiresOn,
      trainer: record.trainer,
      delivery_method: record.deliveryMethod,
      certificate_number: record.certificateNumber,
    };
    this.pending.push({ record, values, keys: { person_key: personKey, course_key: course.key } });
    if (this.pending.length >= BATCH) this.writePending();
  }

  /** Writes the buffered batch, first leaving bulk mode if the keys in memory reached `maxKeys`. */
  private writePending(): void {
    const pending = this.pending;
    this.pending = [];
    if (this.keys !== null && this.keys.size >= this.limits.maxKeys) this.leaveBulkMode();
    if (pending.length > 0) this.write(pending);
  }

  /** Writes everything buffered; in bulk mode, builds the key index again. */
  flush(): void {
    this.writePending();
    this.leaveBulkMode();
  }

  /** Builds the indexes again (if bulk) and forgets the keys: the rest of the import goes through the index. */
  private leaveBulkMode(): void {
    for (const sql of this.rebuildIndexes) this.context.db.exec(sql);
    this.rebuildIndexes = [];
    this.keys = null;
    this.bulkFrom = Infinity;
  }

  /** Loads every current key into memory and drops the key and attempts indexes (inside the transaction). */
  private enterBulkMode(): void {
    const indexes = this.context.db.all<{ name: string; sql: string | null }>(
      "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND name IN (?, ?) ORDER BY name = ? DESC",
      [COMPLETION_KEY_INDEX, COMPLETION_ATTEMPTS_INDEX, COMPLETION_KEY_INDEX],
    );
    if (indexes[0]?.name !== COMPLETION_KEY_INDEX || indexes.some((index) => !index.sql)) {
      this.bulkFrom = Infinity; // not the indexes this code made: stay as we are
      return;
    }
    this.keys = CompletionKeys.load(this.context.db);
    for (const index of indexes) this.context.db.exec(`DROP INDEX ${index.name}`);
    // The key index first: it re-checks uniqueness before the other is built.
    this.rebuildIndexes = indexes.map((index) => index.sql as string);
    this.wentBulk = true;
  }

  /** The current version of each pending row's key, from the vault's index. */
  private findInVault(pending: readonly Pending[]): Found[] {
    const rows = this.context.db.all<Omit<CompletionRow, 'person_id' | 'course_id'> & Keys>(
      // CROSS JOIN keeps json_each as the outer loop, so each key is one index probe rather
      // than a scan of every completion per key.
      `SELECT v.row_id, v.completion_id, v.version, v.person_key, v.course_key, v.completed_on, v.score, v.passed, v.expires_on, v.trainer,
              v.delivery_method, v.certificate_number, nullif(w.source_sha256, '') AS source_sha256, v.source_row
       FROM json_each(?) j CROSS JOIN completion_versions v
         ON v.current = 1 AND v.person_key = j.value ->> '$.p' AND v.course_key = j.value ->> '$.c' AND v.completed_on = j.value ->> '$.d'
       JOIN record_writes w ON w.id = v.write_id`,
      [JSON.stringify(pending.map(({ keys, values }) => ({ p: keys.person_key, c: keys.course_key, d: values.completed_on })))],
    );
    const existing = new Map<string, Omit<CompletionRow, 'person_id' | 'course_id'>>();
    for (const row of rows) existing.set(keyOf(row, row.completed_on), row);
    return pending.map(({ keys, values }) => {
      const row = existing.get(keyOf(keys, values.completed_on));
      // The same key: the same person and course ids as the pending row's.
      return row && { ...row, person_id: values.person_id, course_id: values.course_id };
    });
  }

  /** The same answers from the keys in memory (bulk mode); rows of the vault are read by row id. */
  private findInMemory(keys: CompletionKeys, bulkKeys: readonly (number | string)[]): Found[] {
    const located = bulkKeys.map((key) => keys.get(key));
    const rowIds = [...new Set(located.flatMap((at) => (at && 'rowId' in at ? [at.rowId] : [])))];
    const byRowId = new Map<number, CompletionRow>();
    if (rowIds.length > 0) {
      const rows = this.context.db.all<CompletionRow>('SELECT * FROM completions WHERE row_id IN (SELECT value FROM json_each(?))', [JSON.stringify(rowIds)]);
      for (const row of rows) byRowId.set(row.row_id, row);
    }
    return located.map((at) => (at === undefined ? undefined : 'rowId' in at ? byRowId.get(at.rowId) : at.row));
  }

  /**
   * Decides each row of a batch (lookups, state hashes, ids, audit entries) and writes it. The
   * lookups must see every earlier batch: through the index, which holds the rows already
   * written, or in bulk mode through the keys in memory, which `keys.wrote` keeps up to date.
   */
  private write(pending: readonly Pending[]): void {
    if (this.keys === null && this.written + pending.length >= this.bulkFrom) this.enterBulkMode();
    this.written += pending.length;
    const keys = this.keys;
    // In bulk mode each row's key in memory, made once per row (lookups, then what was written).
    const bulkKeys = keys ? pending.map(({ keys: k, values: v }) => keys.key(k.person_key, k.course_key, v.completed_on)) : null;
    const found = keys && bulkKeys ? this.findInMemory(keys, bulkKeys) : this.findInVault(pending);
    const seen = new Map<string, number>();
    const batch = new VersionBatch(this.context, TABLE, this.counts);
    pending.forEach(({ record, values, keys: stored }, i) => {
      const key = keyOf(stored, values.completed_on);
      const old = found[i];
      const valuesText = valuesJson(values);
      // A key already written from another row of this file is a duplicate row: the same record
      // when every value is equal too (imported once, reported), else a contradiction (refused).
      // Rows are compared by their values' digests (RowDigests), so both modes decide alike
      // however far apart the rows are. Known gap (both modes alike): a repeat of a row that left
      // its record unchanged is caught only within one batch, as nothing from this file was
      // written to find; both then count as unchanged.
      const earlier = seen.get(key);
      const firstRow =
        earlier ??
        (typeof old === 'number'
          ? old
          : old?.source_sha256 === this.context.fileSha256 && old.source_row !== null && old.source_row !== record.row
            ? old.source_row
            : undefined);
      const first = firstRow === undefined ? undefined : { row: firstRow, same: this.digests.same(firstRow, valuesText) };
      if (first !== undefined) {
        if (first.same) {
          this.duplicates.add(record.row, first.row);
          return;
        }
        this.counts.invalid++;
        this.context.report({
          row: record.row,
          column: null,
          value: null,
          reason: `the same person, course and date as row ${String(first.row)}`,
        });
        return;
      }
      seen.set(key, record.row);
      this.digests.set(record.row, valuesText);
      const current = typeof old === 'object' ? { rowId: old.row_id, recordId: old.completion_id, version: old.version, values: valuesOf(old) } : undefined;
      const wrote = batch.add(current, values, record.row, stored, valuesText);
      const bulkKey = bulkKeys?.[i];
      if (keys && bulkKey !== undefined && wrote !== null) keys.wrote(bulkKey, record.row);
    });
    this.writeCourses();
    batch.write();
  }
}
