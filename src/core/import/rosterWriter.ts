import { ExactDuplicates } from './exactDuplicates';
import type { ImportContext, WriteCounts } from './importContext';
import { sortName } from '../records/sortName';
import { LookupTable } from './lookupTable';
import { VersionBatch } from './versionBatch';
import type { VersionedTable } from './versionBatch';
import type { RosterRecord } from './validateRow';

interface PersonRow {
  row_id: number;
  person_id: string;
  version: number;
  employee_id: string | null;
  given_name: string;
  family_name: string;
  email: string | null;
  date_of_birth: string | null;
  site: string | null;
  org_unit_id: string | null;
  job_role_id: string | null;
  manager_employee_id: string | null;
  hire_date: string | null;
  termination_date: string | null;
  source_sha256: string | null;
  source_row: number | null;
}

/** A person record's value columns, as every writer of people stores them. */
export const PERSON_VALUE_COLUMNS = [
  'employee_id',
  'given_name',
  'family_name',
  'email',
  'date_of_birth',
  'site',
  'org_unit_id',
  'job_role_id',
  'manager_employee_id',
  'hire_date',
  'termination_date',
] as const;
const TABLE: VersionedTable = {
  table: 'people',
  idColumn: 'person_id',
  noun: 'person',
  columns: [...PERSON_VALUE_COLUMNS, 'sort_name'],
  provenance: 'columns',
};

type Values = Pick<PersonRow, (typeof PERSON_VALUE_COLUMNS)[number]>;

function valuesOf(row: Values): Values {
  return Object.fromEntries(PERSON_VALUE_COLUMNS.map((c) => [c, row[c]])) as Values;
}

/**
 * Writes roster rows as person versions. People are matched by employee id, else by e-mail
 * (case-insensitive). Same values: unchanged. Changed values: the current version is retired
 * and a new one added. New: version 1. All in the caller's transaction.
 */
export class RosterWriter {
  private readonly byEmployeeId = new Map<string, PersonRow>();
  private readonly byEmail = new Map<string, PersonRow>();
  private readonly units = new LookupTable('org_units');
  private readonly roles = new LookupTable('job_roles');
  readonly counts: WriteCounts = { inserted: 0, updated: 0, unchanged: 0, invalid: 0 };
  private batch: VersionBatch;

  constructor(private readonly context: ImportContext) {
    this.batch = new VersionBatch(context, TABLE, this.counts);
  }

  load(): void {
    this.units.load(this.context);
    this.roles.load(this.context);
    for (const row of this.context.db.all<PersonRow>('SELECT * FROM people WHERE current = 1')) this.remember(row);
  }

  /** Rows that repeat an earlier row of the file exactly: the same person, imported once. */
  readonly duplicates = new ExactDuplicates();

  /** Whether `record` says exactly what this file's earlier row for the person said. */
  private repeats(earlier: PersonRow, record: RosterRecord): boolean {
    const plain =
      earlier.employee_id === (record.employeeId ?? earlier.employee_id) &&
      earlier.given_name === record.givenName &&
      earlier.family_name === record.familyName &&
      earlier.email === (record.email ?? earlier.email) &&
      earlier.date_of_birth === record.dateOfBirth &&
      earlier.site === record.site &&
      earlier.manager_employee_id === record.managerEmployeeId &&
      earlier.hire_date === record.hireDate &&
      earlier.termination_date === record.terminationDate;
    // Units and roles last: looking one up may add it, which only a differing name would do.
    return (
      plain && earlier.org_unit_id === this.units.idFor(this.context, record.orgUnit) && earlier.job_role_id === this.roles.idFor(this.context, record.jobRole)
    );
  }

  private remember(row: PersonRow): void {
    if (row.employee_id) this.byEmployeeId.set(row.employee_id, row);
    if (row.email) this.byEmail.set(row.email.toLowerCase(), row);
  }

  add(record: RosterRecord): void {
    const existing = (record.employeeId ? this.byEmployeeId.get(record.employeeId) : undefined) ?? (record.email ? this.byEmail.get(record.email) : undefined);
    if (existing && existing.source_sha256 === this.context.fileSha256 && existing.source_row !== record.row) {
      // The same person twice: one record when every value is equal (imported once), else refused.
      if (existing.source_row !== null && this.repeats(existing, record)) {
        this.duplicates.add(record.row, existing.source_row);
        return;
      }
      this.counts.invalid++;
      this.context.report({
        row: record.row,
        column: null,
        value: record.employeeId ?? record.email,
        reason: `the same person as row ${String(existing.source_row)}`,
      });
      return;
    }
    const values: Values = {
      employee_id: record.employeeId ?? existing?.employee_id ?? null,
      given_name: record.givenName,
      family_name: record.familyName,
      email: record.email ?? existing?.email ?? null,
      date_of_birth: record.dateOfBirth,
      site: record.site,
      org_unit_id: this.units.idFor(this.context, record.orgUnit),
      job_role_id: this.roles.idFor(this.context, record.jobRole),
      manager_employee_id: record.managerEmployeeId,
      hire_date: record.hireDate,
      termination_date: record.terminationDate,
    };
    const current = existing && { rowId: existing.row_id, recordId: existing.person_id, version: existing.version, values: valuesOf(existing) };
    const personId = this.batch.add(current, values, record.row, { sort_name: sortName(values.given_name, values.family_name) });
    if (personId === null) return;
    const row: PersonRow = {
      row_id: -1,
      person_id: personId,
      version: (existing?.version ?? 0) + 1,
      ...values,
      source_sha256: this.context.fileSha256,
      source_row: record.row,
    };
    this.remember(row);
    if (this.batch.size >= 5000) this.writeBatch();
  }

  /**
   * Writes the buffered batch. A version written by this import is never retired by it (a second
   * row for the same person is refused as a duplicate), so new rows need no real row id here.
   */
  private writeBatch(): void {
    const batch = this.batch;
    this.batch = new VersionBatch(this.context, TABLE, this.counts);
    if (batch.size > 0) batch.write();
  }

  /** Writes everything buffered. */
  flush(): void {
    this.writeBatch();
  }
}
