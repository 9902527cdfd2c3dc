import type { Attempt, EvidenceState } from './statusEngine';

/**
 * A completion's evidence by state: the earliest document date (evidence.document_date) among
 * its files in each state, or null for none. Superseded files are not counted at all.
 */
export interface EvidenceDates {
  accepted: string | null;
  pending: string | null;
  rejected: string | null;
}

/**
 * The evidence state on `asOf`, counting only files whose document date is on or before it:
 * accepted if any counted file is accepted, else pending if any is pending, else rejected if
 * any is rejected, else none.
 */
export function evidenceStateOn(dates: EvidenceDates, asOf: string): EvidenceState {
  if (dates.accepted !== null && dates.accepted <= asOf) return 'accepted';
  if (dates.pending !== null && dates.pending <= asOf) return 'pending';
  if (dates.rejected !== null && dates.rejected <= asOf) return 'rejected';
  return 'none';
}

/** A state that holds on every date (tests and Attempt objects, which carry no dates). */
function always(state: EvidenceState): EvidenceDates | null {
  if (state === 'none') return null;
  return { accepted: state === 'accepted' ? '' : null, pending: state === 'pending' ? '' : null, rejected: state === 'rejected' ? '' : null };
}

/**
 * Attempts column by column: a load's million attempts are a few arrays rather than a million
 * objects, which the collector would copy as they survive, and which the cache of a long-running
 * main process would hold (1.5M attempts: about 50 MB here against about 130 MB as objects).
 * The engine reads them in place through the accessors; a person's attempts are the rows
 * [from, to) of one table (AttemptRows). Rows are only ever appended.
 *
 * Dates are strings (the engine compares ISO dates as text); pass them shared (one string per
 * distinct date) to keep the table small. A course is a (lower-case code, version) pair.
 */
export class AttemptTable {
  private size = 0;
  private course = new Uint16Array(1024);
  private rowIds = new Float64Array(1024);
  private passed = new Int8Array(1024);
  private scores = new Float64Array(1024);
  /** Only rows that have evidence (a few in a thousand): a row missing here has none. */
  private readonly evidence = new Map<number, EvidenceDates>();
  private readonly completedOn: string[] = [];
  private readonly expiresOn: (string | null)[] = [];
  private readonly codes: string[] = [];
  private readonly versions: (string | null)[] = [];
  private readonly courseIndex = new Map<string, number>();

  /** An Attempt list as a table of its own (tests, small callers). */
  static of(attempts: readonly Attempt[]): AttemptRows {
    const table = new AttemptTable();
    for (const a of attempts) table.push(table.courseOf(a.courseCode, a.courseVersion), a.rowId, a.completedOn, a.passed, a.score, a.expiresOn, a.evidence);
    return { table, from: 0, to: table.length };
  }

  get length(): number {
    return this.size;
  }

  /** The index of a course (lower-case code and version), added on first sight. */
  courseOf(code: string, version: string | null): number {
    const key = `${code}\u0000${version ?? '\u0001'}`;
    let index = this.courseIndex.get(key);
    if (index === undefined) {
      index = this.codes.length;
      if (index > 0xffff) throw new Error('too many courses for one table');
      this.codes.push(code);
      this.versions.push(version);
      this.courseIndex.set(key, index);
    }
    return index;
  }

  /** Appends a row (an Attempt's fields, the course from courseOf); no object is made for it. */
  push(
    course: number,
    rowId: number,
    completedOn: string,
    passed: boolean | null,
    score: number | null,
    expiresOn: string | null,
    evidence: EvidenceDates | EvidenceState | null,
  ): void {
    if (this.size === this.course.length) this.grow();
    const at = this.size++;
    this.course[at] = course;
    this.rowIds[at] = rowId;
    this.passed[at] = passed === null ? -1 : passed ? 1 : 0;
    this.scores[at] = score ?? Number.NaN;
    const dated = typeof evidence === 'string' ? always(evidence) : evidence;
    if (dated) this.evidence.set(at, dated);
    this.completedOn.push(completedOn);
    this.expiresOn.push(expiresOn);
  }

  private grow(): void {
    const grown = <T extends Uint16Array | Float64Array | Int8Array | Uint8Array>(from: T, make: (n: number) => T): T => {
      const to = make(from.length * 2);
      to.set(from);
      return to;
    };
    this.course = grown(this.course, (n) => new Uint16Array(n));
    this.rowIds = grown(this.rowIds, (n) => new Float64Array(n));
    this.passed = grown(this.passed, (n) => new Int8Array(n));
    this.scores = grown(this.scores, (n) => new Float64Array(n));
  }

  codeAt(row: number): string {
    return this.codes[this.course[row] as number] as string;
  }

  versionAt(row: number): string | null {
    return this.versions[this.course[row] as number] ?? null;
  }

  completedOnAt(row: number): string {
    return this.completedOn[row] as string;
  }

  passedAt(row: number): boolean | null {
    const passed = this.passed[row];
    return passed === -1 ? null : passed === 1;
  }

  scoreAt(row: number): number | null {
    const score = this.scores[row] as number;
    return Number.isNaN(score) ? null : score;
  }

  expiresOnAt(row: number): string | null {
    return this.expiresOn[row] ?? null;
  }

  /** The row's evidence state on `asOf` (default: counting every file, whatever it documents). */
  evidenceAt(row: number, asOf = '\uffff'): EvidenceState {
    const dates = this.evidence.get(row);
    return dates === undefined ? 'none' : evidenceStateOn(dates, asOf);
  }

  rowIdAt(row: number): number {
    return this.rowIds[row] as number;
  }

  /** Row `row` as an object (tests, and callers that want one). */
  at(row: number): Attempt {
    return {
      rowId: this.rowIdAt(row),
      courseCode: this.codeAt(row),
      courseVersion: this.versionAt(row),
      completedOn: this.completedOnAt(row),
      passed: this.passedAt(row),
      score: this.scoreAt(row),
      expiresOn: this.expiresOnAt(row),
      evidence: this.evidenceAt(row),
    };
  }
}

/** A person's attempts: rows [from, to) of `table`, in the order they were read. */
export interface AttemptRows {
  readonly table: AttemptTable;
  readonly from: number;
  readonly to: number;
}

/** The rows as objects (tests, and callers that want them). */
export function attemptsOf(rows: AttemptRows): Attempt[] {
  return Array.from({ length: rows.to - rows.from }, (_, i) => rows.table.at(rows.from + i));
}
