import { recordId } from '../records/recordId';
import { stateHash } from '../audit/auditLog';
import type { AuditEvent } from '../audit/auditLog';
import { insertJsonRows, retireRows } from '../records/insertJsonRows';
import type { ImportContext, WriteCounts } from './importContext';
import { provenanceReason } from './importContext';
import { sortName } from '../records/sortName';
import { LookupTable } from './lookupTable';
import { WritePipeline } from './writePipeline';
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

const VALUE_COLUMNS = [
  'employee_id', 'given_name', 'family_name', 'email', 'date_of_birth', 'site', 'org_unit_id', 'job_role_id',
  'manager_employee_id', 'hire_date', 'termination_date',
] as const;
const INSERT_COLUMNS = ['person_id', 'version', 'current', ...VALUE_COLUMNS, 'sort_name', 'recorded_at', 'recorded_by', 'reason', 'source_sha256', 'source_row'];

type Values = Pick<PersonRow, (typeof VALUE_COLUMNS)[number]>;

function valuesOf(row: Values): Values {
  return Object.fromEntries(VALUE_COLUMNS.map((c) => [c, row[c]])) as Values;
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
  private inserts: Record<string, unknown>[] = [];
  private retire: number[] = [];
  private events: AuditEvent[] = [];
  private readonly pipeline = new WritePipeline();
  readonly counts: WriteCounts = { inserted: 0, updated: 0, unchanged: 0, invalid: 0 };

  constructor(private readonly context: ImportContext) {}

  async load(): Promise<void> {
    await this.units.load(this.context);
    await this.roles.load(this.context);
    for (const row of await this.context.db.all<PersonRow>('SELECT * FROM people WHERE current = 1')) this.remember(row);
  }

  private remember(row: PersonRow): void {
    if (row.employee_id) this.byEmployeeId.set(row.employee_id, row);
    if (row.email) this.byEmail.set(row.email.toLowerCase(), row);
  }

  async add(record: RosterRecord): Promise<void> {
    const existing = (record.employeeId ? this.byEmployeeId.get(record.employeeId) : undefined) ?? (record.email ? this.byEmail.get(record.email) : undefined);
    if (existing && existing.source_sha256 === this.context.fileSha256 && existing.source_row !== record.row) {
      this.counts.invalid++;
      this.context.report({ row: record.row, column: null, value: record.employeeId ?? record.email, reason: `the same person as row ${String(existing.source_row)}` });
      return;
    }
    const values: Values = {
      employee_id: record.employeeId ?? existing?.employee_id ?? null,
      given_name: record.givenName,
      family_name: record.familyName,
      email: record.email ?? existing?.email ?? null,
      date_of_birth: record.dateOfBirth,
      site: record.site,
      org_unit_id: await this.units.idFor(this.context, record.orgUnit),
      job_role_id: await this.roles.idFor(this.context, record.jobRole),
      manager_employee_id: record.managerEmployeeId,
      hire_date: record.hireDate,
      termination_date: record.terminationDate,
    };
    if (existing && stateHash(valuesOf(existing)) === stateHash(values)) {
      this.counts.unchanged++;
      return;
    }
    const row: PersonRow = {
      row_id: -1,
      person_id: existing?.person_id ?? recordId(),
      version: (existing?.version ?? 0) + 1,
      ...values,
      source_sha256: this.context.fileSha256,
      source_row: record.row,
    };
    if (existing) {
      this.retire.push(existing.row_id);
      this.counts.updated++;
      this.events.push({ action: 'person.update', target: row.person_id, before: stateHash(valuesOf(existing)), after: stateHash(values), reason: provenanceReason(this.context.fileSha256, record.row) });
    } else {
      this.counts.inserted++;
      this.events.push({ action: 'person.create', target: row.person_id, after: stateHash(values), reason: provenanceReason(this.context.fileSha256, record.row) });
    }
    this.inserts.push({ ...row, current: 1, sort_name: sortName(values.given_name, values.family_name), recorded_at: this.context.now, recorded_by: this.context.actorId, reason: existing ? 'corrected by import' : null });
    this.remember(row);
    if (this.inserts.length >= 5000) await this.startWrite();
  }

  /**
   * Starts writing the buffered batch once the previous one is written (see WritePipeline). A
   * version written by this import is never retired by it (a second row for the same person is
   * refused as a duplicate), so new rows need no real row id here.
   */
  private async startWrite(): Promise<void> {
    const { inserts, retire, events } = this;
    this.inserts = [];
    this.retire = [];
    this.events = [];
    if (inserts.length === 0 && retire.length === 0 && events.length === 0) return;
    await this.pipeline.start(async () => {
      await retireRows(this.context.db, 'people', retire);
      await insertJsonRows(this.context.db, 'people', INSERT_COLUMNS, inserts);
      await this.context.log(events);
    });
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
}
