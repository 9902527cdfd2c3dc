import type { Cell } from './openTable';
import type { ColumnMapping, ImportField } from './headerMap';
import type { DateOrder } from './parseDate';
import { parseDateCell } from './parseDate';

/** One line of the validation report. `value` may hold PII: the report is for the officer only, never for logs. */
export interface ReportEntry {
  row: number;
  column: string | null;
  value: string | null;
  reason: string;
}

export interface RosterRecord {
  row: number;
  employeeId: string | null;
  email: string | null;
  givenName: string;
  familyName: string;
  dateOfBirth: string | null;
  site: string | null;
  orgUnit: string | null;
  jobRole: string | null;
  managerEmployeeId: string | null;
  hireDate: string | null;
  terminationDate: string | null;
}

export interface CompletionRecord {
  row: number;
  employeeId: string | null;
  email: string | null;
  courseCode: string;
  courseTitle: string;
  courseVersion: string | null;
  provider: string | null;
  hours: number | null;
  completedOn: string;
  score: number | null;
  passed: boolean | null;
  expiresOn: string | null;
  trainer: string | null;
  deliveryMethod: string | null;
  certificateNumber: string | null;
}

export interface CertificationRecord {
  row: number;
  employeeId: string | null;
  email: string | null;
  name: string;
  number: string | null;
  issuedOn: string | null;
  expiresOn: string | null;
  issuer: string | null;
}

const MAX_TEXT = 500;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const PASSED = new Set(['pass', 'passed', 'yes', 'y', 'true', '1', 'satisfied', 'achieved', 'competent', 'successful']);
const FAILED = new Set(['fail', 'failed', 'no', 'n', 'false', '0', 'unsatisfied', 'notyetcompetent', 'unsuccessful']);
const DONE = new Set(['completed', 'complete', 'finished', 'attended', 'done']);

function cellText(cell: Cell | undefined): string | null {
  if (cell === null || cell === undefined) return null;
  if (cell instanceof Date) return Number.isNaN(cell.getTime()) ? null : cell.toISOString();
  const text = String(cell).trim();
  return text === '' ? null : text;
}

/** Reads one row through the mapping: field -> cell, plus a problem list to append to. */
class RowReader {
  readonly problems: ReportEntry[] = [];
  private readonly byField = new Map<ImportField, { index: number; cell: Cell | undefined }>();

  constructor(
    readonly row: number,
    cells: readonly Cell[],
    mapping: ColumnMapping,
    private readonly headers: readonly string[],
    private readonly dateOrders: ReadonlyMap<number, DateOrder | null>,
  ) {
    for (const [index, field] of mapping.fields) this.byField.set(field, { index, cell: cells[index] });
  }

  has(field: ImportField): boolean {
    return this.byField.has(field);
  }

  problem(field: ImportField | null, reason: string): void {
    const entry = field ? this.byField.get(field) : undefined;
    this.problems.push({ row: this.row, column: entry ? (this.headers[entry.index] ?? null) : null, value: entry ? cellText(entry.cell) : null, reason });
  }

  text(field: ImportField): string | null {
    const value = cellText(this.byField.get(field)?.cell);
    if (value && value.length > MAX_TEXT) {
      this.problem(field, `longer than ${String(MAX_TEXT)} characters`);
      return null;
    }
    return value;
  }

  date(field: ImportField): string | null {
    const entry = this.byField.get(field);
    if (!entry) return null;
    const cell = entry.cell ?? null;
    const result = parseDateCell(cell, this.dateOrders.get(entry.index) ?? null);
    if (!result.ok) {
      this.problem(field, result.reason ?? 'not a date');
      return null;
    }
    return result.value ?? null;
  }

  number(field: ImportField, options: { min: number; max: number; percent?: boolean }): number | null {
    const entry = this.byField.get(field);
    const cell = entry?.cell ?? null;
    if (cell === null || cell === '') return null;
    let value: number;
    if (typeof cell === 'number') value = cell;
    else {
      const text = String(cell).trim().replace(/\s+/g, '');
      const fraction = /^(-?\d+(?:[.,]\d+)?)\/(\d+(?:[.,]\d+)?)$/.exec(text);
      if (options.percent && fraction) value = (Number(fraction[1]?.replace(',', '.')) / Number(fraction[2]?.replace(',', '.'))) * 100;
      else if (/^-?\d+(?:[.,]\d+)?%?$/.test(text)) value = Number(text.replace('%', '').replace(',', '.'));
      else if (text === '-' || text === '—') return null;
      else {
        this.problem(field, 'not a number');
        return null;
      }
    }
    if (!Number.isFinite(value) || value < options.min || value > options.max) {
      this.problem(field, `outside ${String(options.min)}-${String(options.max)}`);
      return null;
    }
    return Math.round(value * 100) / 100;
  }
}

function splitFullName(full: string): { givenName: string; familyName: string } | null {
  const comma = /^([^,]+),\s*(.+)$/.exec(full);
  if (comma) return { familyName: (comma[1] ?? '').trim(), givenName: (comma[2] ?? '').trim() };
  const parts = full.split(/\s+/);
  if (parts.length < 2) return null;
  return { givenName: parts.slice(0, -1).join(' '), familyName: parts[parts.length - 1] ?? '' };
}

function email(reader: RowReader): string | null {
  const value = reader.text('email');
  if (value && !EMAIL.test(value)) {
    reader.problem('email', 'not an e-mail address');
    return null;
  }
  return value?.toLowerCase() ?? null;
}

export function validateRosterRow(
  row: number,
  cells: readonly Cell[],
  mapping: ColumnMapping,
  headers: readonly string[],
  dateOrders: ReadonlyMap<number, DateOrder | null>,
): { record: RosterRecord | null; problems: ReportEntry[] } {
  const r = new RowReader(row, cells, mapping, headers, dateOrders);
  const employeeId = r.text('employeeId');
  const mail = email(r);
  if (!employeeId && !mail && !r.problems.length) r.problem(null, 'no employee id and no e-mail: the person cannot be identified');
  let givenName = r.text('givenName');
  let familyName = r.text('familyName');
  const full = r.text('fullName');
  if ((!givenName || !familyName) && full) {
    const split = splitFullName(full);
    if (split) {
      givenName ??= split.givenName;
      familyName ??= split.familyName;
    }
  }
  if (!givenName || !familyName) {
    // Reported against the column that is empty: the first-name column for a missing first name.
    const missing = !givenName ? 'givenName' : 'familyName';
    const column = r.has(missing) ? missing : r.has('fullName') ? 'fullName' : missing;
    r.problem(column, !givenName && !familyName ? 'a first and last name are required' : !givenName ? 'a first name is required' : 'a last name is required');
  }
  const record: RosterRecord = {
    row,
    employeeId,
    email: mail,
    givenName: givenName ?? '',
    familyName: familyName ?? '',
    dateOfBirth: r.date('dateOfBirth'),
    site: r.text('site'),
    orgUnit: r.text('orgUnit'),
    jobRole: r.text('jobRole'),
    managerEmployeeId: r.text('managerEmployeeId'),
    hireDate: r.date('hireDate'),
    terminationDate: r.date('terminationDate'),
  };
  if (record.hireDate && record.terminationDate && record.terminationDate < record.hireDate) r.problem('terminationDate', 'before the hire date');
  return { record: r.problems.length ? null : record, problems: r.problems };
}

export function validateCompletionRow(
  row: number,
  cells: readonly Cell[],
  mapping: ColumnMapping,
  headers: readonly string[],
  dateOrders: ReadonlyMap<number, DateOrder | null>,
): { record: CompletionRecord | null; problems: ReportEntry[] } {
  const r = new RowReader(row, cells, mapping, headers, dateOrders);
  const employeeId = r.text('employeeId');
  const mail = email(r);
  if (!employeeId && !mail && !r.problems.length) r.problem(null, 'no employee id and no e-mail: the person cannot be identified');
  const courseCode = r.text('courseCode');
  const courseTitle = r.text('courseTitle');
  if (!courseCode && !courseTitle) r.problem(r.has('courseCode') ? 'courseCode' : 'courseTitle', 'no course');
  const before = r.problems.length;
  const completedOn = r.date('completedOn');
  // A malformed date was reported by date(); an empty one is reported here.
  if (!completedOn && r.problems.length === before) r.problem('completedOn', 'no completion date (not completed?)');
  let passed: boolean | null = null;
  const status = r.text('passed');
  if (status) {
    const key = status.toLowerCase().replace(/[^a-z0-9]/g, '');
    if (PASSED.has(key)) passed = true;
    else if (FAILED.has(key)) passed = false;
    else if (!DONE.has(key)) r.problem('passed', 'not a completion (status is not passed, failed or completed)');
  }
  const record: CompletionRecord = {
    row,
    employeeId,
    email: mail,
    courseCode: courseCode ?? courseTitle ?? '',
    courseTitle: courseTitle ?? courseCode ?? '',
    courseVersion: r.text('courseVersion'),
    provider: r.text('provider'),
    hours: r.number('hours', { min: 0, max: 10_000 }),
    completedOn: completedOn ?? '',
    score: r.number('score', { min: 0, max: 100, percent: true }),
    passed,
    expiresOn: r.date('expiresOn'),
    trainer: r.text('trainer'),
    deliveryMethod: r.text('deliveryMethod'),
    certificateNumber: r.text('certificateNumber'),
  };
  if (record.expiresOn && record.completedOn && record.expiresOn < record.completedOn) r.problem('expiresOn', 'before the completion date');
  return { record: r.problems.length ? null : record, problems: r.problems };
}

export function validateCertificationRow(
  row: number,
  cells: readonly Cell[],
  mapping: ColumnMapping,
  headers: readonly string[],
  dateOrders: ReadonlyMap<number, DateOrder | null>,
): { record: CertificationRecord | null; problems: ReportEntry[] } {
  const r = new RowReader(row, cells, mapping, headers, dateOrders);
  const employeeId = r.text('employeeId');
  const mail = email(r);
  if (!employeeId && !mail && !r.problems.length) r.problem(null, 'no employee id and no e-mail: the person cannot be identified');
  const before = r.problems.length;
  const name = r.text('certificationName');
  if (!name && r.problems.length === before) r.problem('certificationName', 'no certification name');
  const record: CertificationRecord = {
    row,
    employeeId,
    email: mail,
    name: name ?? '',
    number: r.text('certificationNumber'),
    issuedOn: r.date('issuedOn'),
    expiresOn: r.date('expiresOn'),
    issuer: r.text('issuer'),
  };
  if (record.issuedOn && record.expiresOn && record.expiresOn < record.issuedOn) r.problem('expiresOn', `expires before it was issued (${record.issuedOn})`);
  return { record: r.problems.length ? null : record, problems: r.problems };
}
