import { recordWriteId } from '../records/recordWriteId';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { CustodianError } from '../../shared/errors';
import type { VaultSession } from '../vault/vaultSession';
import { CertificationWriter } from './certificationWriter';
import { CompletionWriter } from './completionWriter';
import type { BulkLimits } from './completionWriter';
import type { ImportField, ImportKind } from './headerMap';
import { detectKind, mapHeaders, parseMapFlags } from './headerMap';
import type { ImportContext } from './importContext';
import { openTable } from './openTable';
import type { TableSource } from './openTable';
import type { DateExample, DateOrder } from './parseDate';
import { DateOrderVote, parseDateFormatFlag, slashDateHint } from './parseDate';
import { RosterWriter } from './rosterWriter';
import type { ReportEntry } from './validateRow';
import { validateCertificationRow, validateCompletionRow, validateRosterRow } from './validateRow';

export interface ImportOptions {
  as?: ImportKind;
  /** `Header=field` overrides. */
  map?: readonly string[];
  /** `dd/mm/yyyy` or `mm/dd/yyyy`: settles slash dates for every date column. */
  dateFormat?: string;
  sheet?: string;
  /** Import the valid rows and report the rest; without it, any invalid row imports nothing. */
  skipInvalid?: boolean;
  /** Validate and count, then roll everything back. */
  dryRun?: boolean;
  /** Called with the number of data rows processed so far (every 1,000 rows). */
  onProgress?: (rows: number) => void;
  /** Aborting rolls the whole import back; the result then has `cancelled: true`. */
  signal?: AbortSignal;
  /** Tuning (and tests): when completions are written in bulk mode (see CompletionWriter). */
  bulk?: BulkLimits;
}

export interface ImportResult {
  file: string;
  sha256: string;
  kind: ImportKind;
  format: TableSource['format'];
  encoding: string | null;
  delimiter: string | null;
  sheet: string | null;
  /** Header -> field, for the columns used. */
  mapping: Record<string, ImportField>;
  ignoredColumns: string[];
  rows: number;
  inserted: number;
  updated: number;
  unchanged: number;
  invalid: number;
  coursesCreated: number;
  committed: boolean;
  /** True when completions were written in bulk mode: key index deferred, rebuilt before commit. */
  bulk: boolean;
  dryRun: boolean;
  cancelled: boolean;
  warnings: string[];
  /** The first 1,000 problems; `invalid` counts them all. */
  report: ReportEntry[];
}

const REPORT_LIMIT = 1000;
const DATE_FIELDS = new Set<ImportField>(['dateOfBirth', 'hireDate', 'terminationDate', 'completedOn', 'expiresOn', 'issuedOn']);

/** Thrown inside the transaction to roll it back while keeping the result. */
class RollBack extends Error {
  constructor(readonly result: ImportResult) {
    super('rolled back');
  }
}

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * The day/month order of each date column when it is known without reading the file: from
 * `--date-format`, or trivially when there is no date column. Null: decide from the values.
 */
function presetDateOrders(options: ImportOptions, dateColumns: readonly number[]): Map<number, DateOrder | null> | null {
  const orders = new Map<number, DateOrder | null>();
  if (options.dateFormat) {
    let order: DateOrder;
    try {
      order = parseDateFormatFlag(options.dateFormat);
    } catch (error) {
      throw new CustodianError('validation_failed', error instanceof Error ? error.message : String(error));
    }
    for (const column of dateColumns) orders.set(column, order);
    return orders;
  }
  return dateColumns.length === 0 ? orders : null;
}

/** Whether a cell holds a slash date (04/05/2025), whose day/month order must be decided. */
function isSlashDate(cell: unknown): boolean {
  return typeof cell === 'string' && slashDateHint(cell) !== null;
}

/**
 * Thrown inside the import's transaction (rolling it back) when a slash date turns up while the
 * columns' day/month orders are undecided: the import starts again after `decideDateOrders`.
 */
class NeedsDateOrders extends Error {
  constructor() {
    super('slash dates need a decided day/month order');
  }
}

/** Pass 1: decide each date column's day/month order from all its values (constant memory). */
async function decideDateOrders(source: TableSource, dateColumns: readonly number[], headers: readonly string[]): Promise<Map<number, DateOrder | null>> {
  const orders = new Map<number, DateOrder | null>();
  const votes = new Map(dateColumns.map((column) => [column, new DateOrderVote()]));
  for await (const batch of source.batches) {
    for (const { row, cells } of batch) {
      for (const [column, vote] of votes) {
        const cell = cells[column];
        if (typeof cell === 'string') vote.add(cell, row);
      }
    }
  }
  const quote = (example: DateExample | null) => (example ? `"${example.value}"${example.row === null ? '' : ` (row ${String(example.row)})`}` : '');
  for (const [column, vote] of votes) {
    const decision = vote.result();
    const header = headers[column] ?? `column ${String(column + 1)}`;
    if (decision === 'conflict') {
      throw new CustodianError(
        'validation_failed',
        `Column "${header}" mixes day-first and month-first dates: ${quote(vote.examples.dmy)} can only be day first, ${quote(vote.examples.mdy)} only month first. Nothing was imported; fix the file.`,
      );
    }
    if (decision === 'ambiguous') {
      throw new CustodianError(
        'validation_failed',
        `Column "${header}" has dates such as ${quote(vote.examples.either)} that read either way, and none that decides. Nothing was imported; say which with --date-format dd/mm/yyyy or --date-format mm/dd/yyyy.`,
      );
    }
    orders.set(column, decision);
  }
  return orders;
}

/**
 * Imports one roster, completions or certifications file (CSV or XLSX) into the unlocked vault, all or nothing,
 * in one transaction. Without `skipInvalid`, a single invalid row imports nothing; either way
 * the report lists every refused row (row, column, value, reason). Importing the same file
 * again changes nothing; a newer export adds versions for changed rows.
 *
 * @throws CustodianError('validation_failed') for a file that cannot be read as a table, whose
 *   columns are unknown, or whose dates cannot be read unambiguously.
 */
export async function importFile(session: VaultSession, file: string, options: ImportOptions = {}): Promise<ImportResult> {
  session.require('records.import', 'import records');
  // Opened (its size and modification time taken) before it is hashed, and every pass over its
  // rows checks both again before and after: the hash recorded is of the rows imported.
  const first = await openTable(file, options.sheet ? { sheet: options.sheet } : {});
  const sha256 = await sha256Of(file);
  const detected = options.as ?? detectKind(first.headers);
  if (!detected) {
    throw new CustodianError(
      'validation_failed',
      `Cannot tell whether ${basename(file)} is a roster, completions or certifications export from its columns (${first.headers.slice(0, 6).join(', ')}). Say which with --as roster, --as completions or --as certifications.`,
    );
  }
  const kind: ImportKind = detected;
  const mapping = mapHeaders(first.headers, kind, parseMapFlags(options.map ?? [], kind));
  const dateColumns = [...mapping.fields].filter(([, field]) => DATE_FIELDS.has(field)).map(([column]) => column);
  // Slash dates (04/05/2025) need one day/month order per column, decided from every value: a
  // pass over the whole file before writing. Files without slash dates (ISO dates, Excel date
  // cells) do not need it, so the import first runs without it and starts again after the pass
  // when the first slash date turns up (almost always in the first row).
  const preset = presetDateOrders(options, dateColumns);
  try {
    return await importRows(preset ?? new Map(), preset === null);
  } catch (error) {
    if (!(error instanceof NeedsDateOrders)) throw error;
    return importRows(await decideDateOrders(first, dateColumns, first.headers), false);
  }

  async function importRows(dateOrders: ReadonlyMap<number, DateOrder | null>, undecided: boolean): Promise<ImportResult> {
    const result: ImportResult = {
      file: basename(file),
      sha256,
      kind,
      format: first.format,
      encoding: first.encoding ?? null,
      delimiter: first.delimiter ?? null,
      sheet: first.sheet ?? null,
      mapping: Object.fromEntries([...mapping.fields].map(([column, field]) => [first.headers[column] ?? '', field])),
      ignoredColumns: mapping.unmapped,
      rows: 0,
      inserted: 0,
      updated: 0,
      unchanged: 0,
      invalid: 0,
      coursesCreated: 0,
      committed: false,
      bulk: false,
      dryRun: options.dryRun ?? false,
      cancelled: false,
      warnings: first.warnings,
      report: [],
    };
    const report = (entry: ReportEntry) => {
      if (result.report.length < REPORT_LIMIT) result.report.push(entry);
    };

    try {
      // One transaction for the whole file: rows are read (awaited) between batch writes, and
      // every other use of the vault waits until it commits or rolls back.
      await session.mutateWithLog(async (db, log) => {
        const now = new Date().toISOString();
        let writeId: number | undefined;
        const context: ImportContext = {
          db,
          fileSha256: sha256,
          actorId: session.principal.userId,
          now,
          writeId: () => (writeId ??= recordWriteId(db, { at: now, by: session.principal.userId, sourceSha256: sha256 })),
          log,
          report,
        };
        const writer =
          kind === 'roster'
            ? new RosterWriter(context)
            : kind === 'completions'
              ? new CompletionWriter(context, options.bulk)
              : new CertificationWriter(context);
        writer.load();
        let invalidRows = 0;
        for await (const batch of first.batches) {
          for (const { row, cells } of batch) {
            if (undecided && dateColumns.some((column) => isSlashDate(cells[column]))) throw new NeedsDateOrders();
            result.rows++;
            if (result.rows % 1000 === 0) {
              options.onProgress?.(result.rows);
              if (options.signal?.aborted) {
                result.cancelled = true;
                throw new RollBack(result);
              }
            }
            if (kind === 'roster') {
              const { record, problems } = validateRosterRow(row, cells, mapping, first.headers, dateOrders);
              if (record) (writer as RosterWriter).add(record);
              else {
                invalidRows++;
                problems.forEach(report);
              }
            } else if (kind === 'completions') {
              const { record, problems } = validateCompletionRow(row, cells, mapping, first.headers, dateOrders);
              if (record) (writer as CompletionWriter).add(record);
              else {
                invalidRows++;
                problems.forEach(report);
              }
            } else {
              const { record, problems } = validateCertificationRow(row, cells, mapping, first.headers, dateOrders);
              if (record) (writer as CertificationWriter).add(record);
              else {
                invalidRows++;
                problems.forEach(report);
              }
            }
          }
        }
        writer.flush();
        Object.assign(result, writer.counts);
        const repeated = writer.duplicates.note();
        if (repeated) result.warnings.push(repeated);
        result.invalid += invalidRows;
        if (writer instanceof CompletionWriter) {
          result.coursesCreated = writer.coursesCreated;
          result.bulk = writer.wentBulk;
          if (writer.coursesCreated > 0) {
            const named = writer.newCourseCodes.map((c) => `"${c.code}" (row ${String(c.row)})`).join(', ');
            const more = writer.coursesCreated - writer.newCourseCodes.length;
            result.warnings.push(
              `${String(writer.coursesCreated)} course code(s) matched no course in the vault and were added as new courses: ${named}${more > 0 ? ` and ${String(more)} more` : ''}. Check for typos.`,
            );
          }
        }
        if (result.rows === 0) throw new CustodianError('validation_failed', `${basename(file)} has a header but no data rows. Nothing was imported.`);
        if (options.signal?.aborted) result.cancelled = true;
        if ((result.invalid > 0 && !options.skipInvalid) || result.dryRun || result.cancelled) throw new RollBack(result);
        db.run(
          'INSERT INTO imports (id, file_sha256, file_name, kind, rows, inserted, updated, unchanged, invalid, imported_at, imported_by) VALUES (lower(hex(randomblob(16))), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
          [sha256, result.file, kind, result.rows, result.inserted, result.updated, result.unchanged, result.invalid, context.now, session.principal.userId],
        );
        log([
          {
            action: 'records.import',
            target: sha256,
            after: `${kind}: ${String(result.inserted)} inserted, ${String(result.updated)} updated, ${String(result.unchanged)} unchanged, ${String(result.invalid)} invalid`,
            reason: result.file,
          },
        ]);
      });
      result.committed = true;
    } catch (error) {
      if (!(error instanceof RollBack)) throw error;
      // Rolled back: report what would have happened, change nothing.
    }
    options.onProgress?.(result.rows);
    return result;
  }
}
