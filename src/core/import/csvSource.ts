import { CustodianError } from '../../shared/errors';
import { detectEncoding } from './csvEncoding';
import type { CsvDialect } from './csvRecords';
import { readCsvRecordBatches, readCsvRecords } from './csvRecords';
import type { Cell, TableRow, TableSource } from './openTable';
import { sniffDelimiter } from './sniffDelimiter';

export interface CsvSourceInput {
  file: string;
  /** The file's base name, for messages. */
  name: string;
  bom: 'utf-8' | 'utf-16le' | 'utf-16be' | null;
  maxLineBytes: number;
  encodingSampleBytes: number;
  /** Rejects if the file changed since it was opened. */
  checkUnchanged: () => Promise<void>;
  warnings: string[];
}

function isBlank(field: string): boolean {
  return field.trim() === '';
}

/** Header cells trimmed, with trailing empty ones dropped (a row ending in delimiters). */
function headerCells(fields: readonly string[]): string[] {
  const headers = fields.map((field) => field.trim());
  while (headers.length > 0 && headers[headers.length - 1] === '') headers.pop();
  return headers;
}

interface Head {
  headers: string[];
  headerRow: number;
}

/** Reads up to the first data row, to report an empty or header-only file before any import. */
async function readHead(input: CsvSourceInput, dialect: CsvDialect): Promise<Head> {
  let head: Head | null = null;
  for await (const record of readCsvRecords(input.file, input.name, dialect, input.maxLineBytes)) {
    if (record.fields.every(isBlank)) continue;
    if (head !== null) return head;
    head = { headers: headerCells(record.fields), headerRow: record.row };
  }
  if (head === null) throw new CustodianError('validation_failed', `"${input.name}" is empty: the file has no rows (only blank lines).`);
  throw new CustodianError('validation_failed', `"${input.name}" has a header row but no data rows after the header.`);
}

async function* dataBatches(input: CsvSourceInput, dialect: CsvDialect, head: Head): AsyncGenerator<TableRow[]> {
  await input.checkUnchanged();
  const width = head.headers.length;
  for await (const records of readCsvRecordBatches(input.file, input.name, dialect, input.maxLineBytes)) {
    const rows: TableRow[] = [];
    for (const { row, fields } of records) {
      if (row <= head.headerRow || fields.every(isBlank)) continue;
      for (let i = width; i < fields.length; i++) {
        if (isBlank(fields[i] ?? '')) continue;
        if (rows.length > 0) yield rows; // the rows before it first, as the contract says
        // Extra values shift nothing in a spreadsheet, but in a CSV they usually mean an unquoted
        // delimiter inside a value, which has already moved the values before it.
        throw new CustodianError(
          'validation_failed',
          `"${input.name}" row ${row} has ${fields.length} values but the header has ${width} columns. ` +
            `A value probably contains "${dialect.delimiter === '\t' ? 'tab' : dialect.delimiter}" without being quoted.`,
        );
      }
      const cells: Cell[] = new Array<Cell>(width);
      for (let i = 0; i < width; i++) {
        const field = fields[i];
        cells[i] = field === undefined || field === '' ? null : field;
      }
      rows.push({ row, cells });
    }
    if (rows.length > 0) yield rows;
  }
  // Appended to or rewritten while it was read: the rows read are not the file that was hashed.
  await input.checkUnchanged();
}

/**
 * Opens a CSV: detects the encoding and the delimiter, reads the header and checks there is at
 * least one data row. Rows are parsed afresh (streamed) each time `rows` is iterated.
 * @throws CustodianError('validation_failed')
 */
export async function openCsv(input: CsvSourceInput): Promise<TableSource> {
  const detected = await detectEncoding(input.file, input.name, input.bom, input.encodingSampleBytes);
  if (detected.warning !== undefined) input.warnings.push(detected.warning);
  const dialect: CsvDialect = { encoding: detected.encoding, delimiter: sniffDelimiter(detected.sample, detected.sampleIsWholeFile) };
  const head = await readHead(input, dialect);
  return {
    format: 'csv',
    encoding: dialect.encoding,
    delimiter: dialect.delimiter,
    headers: head.headers,
    batches: { [Symbol.asyncIterator]: () => dataBatches(input, dialect, head) },
    warnings: input.warnings,
  };
}
