import ExcelJS from 'exceljs';
import type { Row } from 'exceljs';
import { CustodianError } from '../../shared/errors';
import type { Cell, TableRow, TableSource } from './openTable';
import { toXlsxCell } from './xlsxCell';
import type { SheetRef, XlsxWorkbook } from './xlsxWorkbook';
import { damagedWorkbook, loadWorkbook } from './xlsxWorkbook';
import type { BoundedZip, ZipBounds } from './zipBounds';
import { openBoundedZip } from './zipBounds';

export interface XlsxSourceInput {
  file: string;
  /** The file's base name, for messages. */
  name: string;
  /** `TableSource.sheet` to read; the first visible worksheet if absent. */
  sheet: string | undefined;
  /** What the file's extension claims, if anything: a workbook that claims CSV is refused. */
  nameSays: 'csv' | 'xlsx' | null;
  bounds: ZipBounds;
  checkUnchanged: () => Promise<void>;
  warnings: string[];
}

/** What a ZIP that is not an .xlsx workbook is, judged by its parts. */
function notAWorkbook(parts: ReadonlySet<string>): string {
  if (parts.has('xl/workbook.bin')) return 'an Excel binary workbook (.xlsb); save it as .xlsx or CSV';
  if (parts.has('word/document.xml')) return 'a Word document';
  if (parts.has('ppt/presentation.xml')) return 'a PowerPoint presentation';
  if (parts.has('mimetype') && parts.has('content.xml')) return 'an OpenDocument file (such as .ods); save it as .xlsx or CSV';
  return 'a ZIP archive';
}

function columnLetters(column: number): string {
  let letters = '';
  for (let n = column; n > 0; n = Math.floor((n - 1) / 26)) letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  return letters;
}

function isEmpty(cell: Cell): boolean {
  return cell === null || (typeof cell === 'string' && cell.trim() === '');
}

function headerText(cell: Cell): string {
  if (cell === null) return '';
  if (cell instanceof Date) return cell.toISOString().slice(0, 10);
  if (typeof cell === 'boolean') return cell ? 'TRUE' : 'FALSE';
  return String(cell).trim();
}

interface ReadRow {
  /** Cells by column, from column 1 (index 0). */
  cells: Cell[];
  formulaWithoutResult: number | null;
}

function readRow(row: Row, date1904: boolean, name: string): ReadRow {
  const cells: Cell[] = [];
  let formulaWithoutResult: number | null = null;
  try {
    row.eachCell({ includeEmpty: false }, (cell, column) => {
      // A formula cell's `value` drops a falsy cached result (0, '', NaN); its model keeps it.
      const value = cell.type === ExcelJS.ValueType.Formula ? { formula: true, result: cell.model.result as unknown } : cell.value;
      const read = toXlsxCell(value, cell.numFmt, date1904);
      if ('formulaWithoutResult' in read) formulaWithoutResult ??= column;
      while (cells.length < column - 1) cells.push(null);
      cells[column - 1] = read.value;
    });
  } catch (error) {
    throw damagedWorkbook(name, error);
  }
  return { cells, formulaWithoutResult };
}

function chooseSheet(sheets: readonly SheetRef[], wanted: string | undefined, name: string): SheetRef {
  const first = sheets.find((sheet) => !sheet.hidden) ?? sheets[0];
  if (first === undefined) throw new CustodianError('validation_failed', `"${name}" has no worksheets to import (only chart sheets, or none).`);
  if (wanted === undefined) return first;
  const exact = sheets.find((sheet) => sheet.name === wanted);
  const loose = sheets.find((sheet) => sheet.name.trim().toLowerCase() === wanted.trim().toLowerCase());
  const chosen = exact ?? loose;
  if (chosen === undefined) {
    const names = sheets.map((sheet) => `"${sheet.name}"`).join(', ');
    throw new CustodianError('validation_failed', `"${name}" has no sheet named "${wanted}". Its sheets are: ${names}.`);
  }
  return chosen;
}

interface Head {
  headers: string[];
  headerRow: number;
}

function addWarning(warnings: string[], warning: string): void {
  if (!warnings.includes(warning)) warnings.push(warning);
}

async function withZip<T>(input: XlsxSourceInput, use: (zip: BoundedZip) => Promise<T>): Promise<T> {
  const zip = await openBoundedZip(input.file, input.name, input.bounds);
  try {
    return await use(zip);
  } finally {
    zip.close();
  }
}

async function readHead(input: XlsxSourceInput, zip: BoundedZip, workbook: XlsxWorkbook, sheet: SheetRef): Promise<Head> {
  let head: Head | null = null;
  for await (const row of workbook.rows(zip, sheet)) {
    const { cells } = readRow(row, workbook.date1904, input.name);
    if (cells.every(isEmpty)) continue;
    if (head !== null) return head;
    const headers = cells.map(headerText);
    while (headers.length > 0 && headers[headers.length - 1] === '') headers.pop();
    head = { headers, headerRow: row.number };
  }
  if (head === null) throw new CustodianError('validation_failed', `Sheet "${sheet.name}" of "${input.name}" is empty: it has no rows.`);
  throw new CustodianError('validation_failed', `Sheet "${sheet.name}" of "${input.name}" has a header row but no data rows after the header.`);
}

/** Rows handed over at a time (see TableSource.batches). */
const ROWS_PER_BATCH = 512;

async function* dataBatches(input: XlsxSourceInput, workbook: XlsxWorkbook, sheet: SheetRef, head: Head): AsyncGenerator<TableRow[]> {
  await input.checkUnchanged();
  const zip = await openBoundedZip(input.file, input.name, input.bounds);
  const width = head.headers.length;
  let batch: TableRow[] = [];
  try {
    for await (const row of workbook.rows(zip, sheet)) {
      if (row.number <= head.headerRow) continue;
      const read = readRow(row, workbook.date1904, input.name);
      const extra = read.cells.slice(width).findIndex((cell) => !isEmpty(cell));
      if (extra !== -1) {
        addWarning(input.warnings, `values in columns without a header were ignored (first: row ${row.number}, column ${columnLetters(width + extra + 1)})`);
      }
      if (read.formulaWithoutResult !== null) {
        addWarning(
          input.warnings,
          `formula cells without a saved result, or with an error as result, were read as empty (first: row ${row.number}, column ${columnLetters(read.formulaWithoutResult)}); ` +
            'open the file in Excel, fix any errors and save it, so that the results are stored',
        );
      }
      const cells = head.headers.map((_, i) => read.cells[i] ?? null);
      if (cells.every(isEmpty)) continue;
      batch.push({ row: row.number, cells });
      if (batch.length < ROWS_PER_BATCH) continue;
      yield batch;
      batch = [];
    }
    if (batch.length > 0) yield batch;
    // Rewritten while it was read: the rows read are not the file that was hashed.
    await input.checkUnchanged();
  } catch (error) {
    // The rows read before a damaged part come first, as TableSource's contract says.
    if (batch.length > 0) yield batch;
    throw error;
  } finally {
    zip.close();
  }
}

/**
 * Opens an .xlsx: checks the ZIP bounds, loads the workbook parts, chooses the sheet, reads the
 * header and checks there is a data row. The ZIP is closed again; each iteration of `batches`
 * reopens it and streams the sheet.
 * @throws CustodianError('validation_failed')
 */
export async function openXlsx(input: XlsxSourceInput): Promise<TableSource> {
  return withZip(input, async (zip) => {
    const parts = new Set([...zip.entries.keys()].map((part) => part.toLowerCase()));
    if (!parts.has('xl/workbook.xml')) {
      throw new CustodianError('validation_failed', `"${input.name}" is ${notAWorkbook(parts)}, not an Excel workbook (.xlsx) or a CSV file.`);
    }
    if (input.nameSays === 'csv') {
      throw new CustodianError(
        'validation_failed',
        `"${input.name}" is an Excel workbook (.xlsx) although its name says CSV. Rename it to .xlsx and import it again.`,
      );
    }
    const workbook = await loadWorkbook(zip, input.file, input.name);
    const sheet = chooseSheet(workbook.sheets, input.sheet, input.name);
    if (input.sheet === undefined && workbook.sheets.length > 1) {
      input.warnings.push(`read sheet "${sheet.name}", the first of ${workbook.sheets.length} sheets (choose another with --sheet)`);
    }
    const head = await readHead(input, zip, workbook, sheet);
    return {
      format: 'xlsx',
      sheet: sheet.name,
      headers: head.headers,
      batches: { [Symbol.asyncIterator]: () => dataBatches(input, workbook, sheet, head) },
      warnings: input.warnings,
    };
  });
}
