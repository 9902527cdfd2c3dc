import { open, stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { CustodianError } from '../../shared/errors';
import { openCsv } from './csvSource';
import type { SniffedFormat } from './sniffFormat';
import { SNIFF_BYTES, sniffFormat } from './sniffFormat';

export type Cell = string | number | boolean | Date | null;

/** One data row of a table: its row number in the file and its cells. */
export interface TableRow {
  row: number;
  cells: Cell[];
}

export interface TableSource {
  format: 'csv' | 'xlsx';
  /** CSV only: what was detected. */
  encoding?: 'utf-8' | 'utf-8-bom' | 'utf-16le' | 'utf-16be' | 'windows-1252';
  delimiter?: string;
  /** XLSX only: the sheet read. */
  sheet?: string;
  /** Header cells, trimmed, as strings (the first non-empty row). */
  headers: string[];
  /** Data rows after the header, in file order, streamed (never all in memory) in batches of
   *  a few hundred (one promise per batch, not per row: see readableBatches). `row` is the
   *  1-based row number in the file as a spreadsheet user would count it (header row = its own
   *  number). Fully empty rows are skipped. Cells are aligned with `headers` (missing -> null).
   *  CSV cells are strings (empty string -> null). XLSX: numbers, booleans, Dates (date cells),
   *  strings, rich text flattened to string, formulas -> their cached result (never evaluated),
   *  hyperlinks -> text, errors (#N/A) -> string like '#N/A'.
   *
   *  Each iteration reads the file afresh (so it may be iterated more than once, e.g. validate
   *  then import) and checks, first and once it has read every row, that the file has not
   *  changed (size, modification time) since `openTable`; nothing is
   *  held open between iterations. Iteration throws CustodianError('validation_failed') naming
   *  the row or line for problems found past the head of the file, after the rows before it. */
  batches: AsyncIterable<TableRow[]>;
  /** Human-readable notes, e.g. 'decoded as Windows-1252 (not valid UTF-8)'. May grow while
   *  `batches` is iterated (e.g. values in XLSX columns without a header). */
  warnings: string[];
}

export interface OpenTableOptions {
  sheet?: string;
}

const MIB = 1024 * 1024;

export interface ImportLimits {
  /** Largest file accepted, CSV or XLSX. */
  maxFileBytes: number;
  /** Longest CSV record (bytes of UTF-8, quoted newlines included). */
  maxLineBytes: number;
  /** XLSX: largest total of the declared uncompressed sizes of all ZIP entries. */
  maxUncompressedBytes: number;
  /** XLSX: largest uncompressed/compressed ratio of one entry... */
  maxCompressionRatio: number;
  /** ...counted for entries over this size only. */
  compressionRatioFloorBytes: number;
  /** XLSX: most ZIP entries. */
  maxZipEntries: number;
  /** CSV without a BOM: how much of the start must be valid UTF-8 to read the file as UTF-8. */
  encodingSampleBytes: number;
}

/** The bounds stated in the README. All are checked before the vault is touched. */
export const IMPORT_LIMITS: Readonly<ImportLimits> = Object.freeze({
  maxFileBytes: 1024 * MIB,
  maxLineBytes: 1 * MIB,
  maxUncompressedBytes: 512 * MIB,
  maxCompressionRatio: 200,
  compressionRatioFloorBytes: 1 * MIB,
  maxZipEntries: 10_000,
  encodingSampleBytes: 1 * MIB,
});

const CSV_NAMES = new Set(['.csv', '.tsv', '.txt']);
const WORKBOOK_NAMES = new Set(['.xlsx', '.xlsm', '.xltx', '.xltm', '.xls']);

function refuse(message: string): never {
  throw new CustodianError('validation_failed', message);
}

/** Refusals for content that is neither CSV text nor a ZIP; undefined when it may be read. */
function refusalFor(sniffed: SniffedFormat, name: string, nameSaysWorkbook: boolean): string | undefined {
  const neither = 'not a CSV file or an Excel workbook';
  switch (sniffed.kind) {
    case 'ole2':
      return `"${name}" is a password-protected or legacy .xls workbook; save it unprotected as .xlsx or CSV and import that.`;
    case 'binary':
      return `"${name}" is ${sniffed.what}, ${neither}.`;
    case 'html':
      return `"${name}" is a web page (HTML), ${neither}. Open it in Excel and save it as .xlsx or CSV.`;
    case 'xml':
      return `"${name}" is an XML file (such as an Excel 2003 XML spreadsheet), ${neither}. Open it in Excel and save it as .xlsx or CSV.`;
    case 'utf-32':
      return `"${name}" is UTF-32 text, which Custodian does not read. Save it as "CSV UTF-8".`;
    case 'utf-16-without-bom':
      return `"${name}" looks like UTF-16 text without a byte-order mark. Save it as "CSV UTF-8" and import that.`;
    case 'text':
      return nameSaysWorkbook
        ? `"${name}" is a text file (it looks like CSV), not an Excel workbook, although its name says so. Rename it to .csv, or save it from Excel as .xlsx.`
        : undefined;
    case 'zip':
      return undefined;
  }
}

async function readHead(file: string): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, SNIFF_BYTES, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

async function statFile(file: string, name: string) {
  try {
    return await stat(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') refuse(`"${name}" was not found.`);
    if (code === 'EACCES' || code === 'EPERM') refuse(`"${name}" cannot be read: permission denied.`);
    throw error;
  }
}

/**
 * Opens a CSV or XLSX file for import, by its content (never trusting its extension): reads
 * just enough to know the format, the header and that at least one data row follows.
 * @throws CustodianError('validation_failed', message) with a clear, user-facing message.
 */
export async function openTable(file: string, options: OpenTableOptions = {}): Promise<TableSource> {
  const name = basename(file);
  const before = await statFile(file, name);
  if (before.isDirectory()) refuse(`"${name}" is a folder, not a file.`);
  if (!before.isFile()) refuse(`"${name}" is not a regular file.`);
  if (before.size === 0) refuse(`"${name}" is empty: the file has no content.`);
  if (before.size > IMPORT_LIMITS.maxFileBytes) {
    refuse(
      `"${name}" is ${Math.ceil(before.size / MIB)} MiB, more than the ${IMPORT_LIMITS.maxFileBytes / MIB} MiB Custodian imports at once. Split it into smaller files.`,
    );
  }
  const checkUnchanged = async (): Promise<void> => {
    const now = await statFile(file, name);
    if (now.size !== before.size || now.mtimeMs !== before.mtimeMs) {
      refuse(`"${name}" changed after it was opened. Open it again to import the current version.`);
    }
  };
  const extension = extname(name).toLowerCase();
  const nameSays = CSV_NAMES.has(extension) ? 'csv' : WORKBOOK_NAMES.has(extension) ? 'xlsx' : null;
  const sniffed = sniffFormat(await readHead(file));
  const refusal = refusalFor(sniffed, name, nameSays === 'xlsx');
  if (refusal !== undefined) refuse(refusal);
  const warnings: string[] = [];
  if (sniffed.kind === 'zip') {
    // Loaded on first use: exceljs and yauzl are most of what core loads at start-up.
    const { openXlsx } = await import('./xlsxSource');
    return openXlsx({ file, name, sheet: options.sheet, nameSays, bounds: IMPORT_LIMITS, checkUnchanged, warnings });
  }
  if (sniffed.kind !== 'text') return refuse(`"${name}" is not a CSV file or an Excel workbook.`);
  if (options.sheet !== undefined) warnings.push(`a CSV file has no sheets; "${options.sheet}" was ignored`);
  return openCsv({
    file,
    name,
    bom: sniffed.bom,
    maxLineBytes: IMPORT_LIMITS.maxLineBytes,
    encodingSampleBytes: IMPORT_LIMITS.encodingSampleBytes,
    checkUnchanged,
    warnings,
  });
}
