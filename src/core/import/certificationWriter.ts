import { canonicalJson } from '../crypto/canonicalJson';
import { ExactDuplicates } from './exactDuplicates';
import type { ImportContext, WriteCounts } from './importContext';
import { PersonMatcher } from './personMatcher';
import type { CertificationRecord } from './validateRow';
import { VersionBatch } from './versionBatch';
import type { VersionedTable } from './versionBatch';

interface CertificationRow {
  row_id: number;
  certification_id: string;
  version: number;
  person_id: string;
  name: string;
  number: string | null;
  issued_on: string | null;
  expires_on: string | null;
  issuer: string | null;
  source_sha256: string | null;
  source_row: number | null;
}

const VALUE_COLUMNS = ['person_id', 'name', 'number', 'issued_on', 'expires_on', 'issuer'] as const;
const TABLE: VersionedTable = { table: 'certifications', idColumn: 'certification_id', noun: 'certification', columns: VALUE_COLUMNS, provenance: 'columns' };
type Values = Pick<CertificationRow, (typeof VALUE_COLUMNS)[number]>;

function valuesOf(row: Values): Values {
  return Object.fromEntries(VALUE_COLUMNS.map((c) => [c, row[c]])) as Values;
}

/** The natural key: person, name (case-insensitive), and the number when there is one. */
function keyOf(v: Pick<Values, 'person_id' | 'name' | 'number'>): string {
  return JSON.stringify([v.person_id, v.name.toLowerCase(), v.number]);
}

interface Pending {
  record: CertificationRecord;
  values: Values;
}

/**
 * Writes certification rows (licences, cards, credentials). A certification is (person, name
 * case-insensitive, number when present): the same values again are unchanged; a changed issue
 * date, expiry, issuer or spelling of the name makes a new version. People must already be in
 * the vault (matched by employee id, else e-mail). Two rows of one file with the same key are
 * refused, wherever they fall in the file.
 */
export class CertificationWriter {
  private people: PersonMatcher | null = null;
  /** Key -> the file row that first named it, across batches. */
  private readonly seen = new Map<string, { row: number; values: string }>();
  /** Rows that repeat an earlier row of the file exactly: the same credential, imported once. */
  readonly duplicates = new ExactDuplicates();
  private pending: Pending[] = [];
  readonly counts: WriteCounts = { inserted: 0, updated: 0, unchanged: 0, invalid: 0 };

  constructor(private readonly context: ImportContext) {}

  load(): void {
    this.people = PersonMatcher.load(this.context.db);
  }

  add(record: CertificationRecord): void {
    if (!this.people) throw new Error('load() first');
    const personId = this.people.match(record);
    if (typeof personId !== 'string') {
      this.counts.invalid++;
      this.context.report(personId);
      return;
    }
    const values: Values = {
      person_id: personId,
      name: record.name,
      number: record.number,
      issued_on: record.issuedOn,
      expires_on: record.expiresOn,
      issuer: record.issuer,
    };
    const key = keyOf(values);
    const valuesText = canonicalJson(values);
    const first = this.seen.get(key);
    if (first !== undefined) {
      if (first.values === valuesText) {
        this.duplicates.add(record.row, first.row);
        return;
      }
      this.counts.invalid++;
      this.context.report({ row: record.row, column: null, value: null, reason: `the same person and certification as row ${String(first.row)}` });
      return;
    }
    this.seen.set(key, { row: record.row, values: valuesText });
    this.pending.push({ record, values });
    if (this.pending.length >= 5000) this.writePending();
  }

  /** Writes everything buffered. */
  flush(): void {
    this.writePending();
  }

  /** Writes the buffered batch; its lookups see every earlier batch, already written. */
  private writePending(): void {
    const pending = this.pending;
    this.pending = [];
    if (pending.length > 0) this.write(pending);
  }

  private write(pending: readonly Pending[]): void {
    const personIds = [...new Set(pending.map(({ values }) => values.person_id))];
    const existing = new Map<string, CertificationRow>();
    const rows = this.context.db.all<CertificationRow>(
      // CROSS JOIN keeps json_each as the outer loop: one probe of the current-by-person index per person.
      'SELECT c.* FROM json_each(?) j CROSS JOIN certifications c ON c.current = 1 AND c.person_id = j.value',
      [JSON.stringify(personIds)],
    );
    for (const row of rows) existing.set(keyOf(row), row);
    const batch = new VersionBatch(this.context, TABLE, this.counts);
    for (const { record, values } of pending) {
      const old = existing.get(keyOf(values));
      batch.add(old && { rowId: old.row_id, recordId: old.certification_id, version: old.version, values: valuesOf(old) }, values, record.row);
    }
    batch.write();
  }
}
