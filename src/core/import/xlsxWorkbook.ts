import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { Row } from 'exceljs';
import { CustodianError } from '../../shared/errors';
import type { BoundedZip } from './zipBounds';

/**
 * exceljs 4.4's streaming WorkbookReader, driven part by part. Its public `read()` takes the
 * ZIP in stored order: when a sheet comes before the shared strings (as Excel and exceljs
 * itself write them) it copies the sheet's plaintext to a temp file, it decodes each chunk
 * separately (splitting multi-byte characters: exceljs#2063) and its unzipper trusts local
 * headers. So we open each part ourselves through the bounded ZIP, as UTF-8 text, in the order
 * the parsers need, and hand it to the reader's part parsers. The package pins exceljs to
 * 4.4.0 because these methods are not public API; `internals()` fails loudly if they move.
 */
interface ReaderInternals {
  _parseRels(part: Readable): Promise<void>;
  _parseWorkbook(part: Readable): Promise<void>;
  _parseStyles(part: Readable): Promise<void>;
  _parseSharedStrings(part: Readable): AsyncGenerator;
  _parseWorksheet(part: AsyncIterable<string>, sheetNo: string): Generator<{ eventType: string; value: AsyncIterable<Row> }>;
  workbookRels?: { Id?: string; Type?: string; Target?: string }[];
  model?: { sheets?: { name?: string; rId?: string; state?: string }[] };
  properties?: { model?: { date1904?: boolean } };
}

const PART_PARSERS = ['_parseRels', '_parseWorkbook', '_parseStyles', '_parseSharedStrings', '_parseWorksheet'] as const;

function internals(file: string): ReaderInternals {
  const reader: unknown = new ExcelJS.stream.xlsx.WorkbookReader(file, {
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    worksheets: 'emit',
  });
  const methods = reader as Record<string, unknown>;
  const missing = PART_PARSERS.filter((method) => typeof methods[method] !== 'function');
  if (missing.length > 0) {
    throw new CustodianError('internal', `The installed exceljs lacks ${missing.join(', ')}; Custodian needs exceljs 4.4.0.`);
  }
  return reader as ReaderInternals;
}

export interface SheetRef {
  name: string;
  /** The worksheet's part in the ZIP, e.g. xl/worksheets/sheet1.xml. */
  part: string;
  hidden: boolean;
}

export interface XlsxWorkbook {
  /** Worksheets in tab order (chart sheets left out). */
  sheets: SheetRef[];
  date1904: boolean;
  /** Streams a sheet's rows from `zip` (the same file, opened again if need be). */
  rows(zip: BoundedZip, sheet: SheetRef): AsyncGenerator<Row>;
}

/** The message for a workbook whose parts exist but do not parse. */
export function damagedWorkbook(name: string, cause?: unknown): CustodianError {
  const message = cause instanceof Error ? cause.message : '';
  if (/too many bytes|too few bytes|invalid signature|unexpected EOF/i.test(message)) {
    return new CustodianError(
      'validation_failed',
      `"${name}" was refused: a part of it does not inflate to the size its directory declares (a damaged file or a zip bomb). Save it again from Excel, or export it as CSV.`,
      { cause },
    );
  }
  return new CustodianError(
    'validation_failed',
    `"${name}" is damaged: its workbook data could not be read. Open it in Excel and save it again, or export it as CSV.`,
    { cause },
  );
}

function findPart(zip: BoundedZip, part: string): string | undefined {
  if (zip.entries.has(part)) return part;
  const lower = part.toLowerCase();
  return [...zip.entries.keys()].find((key) => key.toLowerCase() === lower);
}

/** A relationship target (relative to xl/, or absolute from the package root) as a ZIP path. */
function partPath(target: string): string {
  return target.startsWith('/') ? target.slice(1) : posix.normalize(posix.join('xl', target));
}

async function openPart(zip: BoundedZip, part: string): Promise<Readable | null> {
  const found = findPart(zip, part);
  const entry = found === undefined ? undefined : zip.entries.get(found);
  return entry === undefined ? null : zip.openText(entry);
}

/**
 * Passes a worksheet's text through, then fails if it did not end with </worksheet>: exceljs
 * never closes its XML parser, so a cut-off sheet would otherwise lose its last rows silently.
 */
async function* toTheEnd(part: Readable): AsyncGenerator<string> {
  let tail = '';
  for await (const chunk of part as AsyncIterable<string>) {
    tail = (tail + chunk).slice(-64);
    yield chunk;
  }
  if (!/<\/([\w.-]+:)?worksheet>\s*$/.test(tail)) throw new Error('the worksheet XML ends before </worksheet>');
}

async function requirePart(zip: BoundedZip, part: string, name: string): Promise<Readable> {
  const stream = await openPart(zip, part);
  if (stream === null) throw damagedWorkbook(name, new Error(`missing ${part}`));
  return stream;
}

/**
 * Reads the workbook's relationships, sheet list, styles (for date formats) and shared
 * strings (kept in memory; bounded by the ZIP bounds).
 * @throws CustodianError('validation_failed') if these parts are missing or damaged.
 */
export async function loadWorkbook(zip: BoundedZip, file: string, name: string): Promise<XlsxWorkbook> {
  const reader = internals(file);
  try {
    await reader._parseRels(await requirePart(zip, 'xl/_rels/workbook.xml.rels', name));
    await reader._parseWorkbook(await requirePart(zip, 'xl/workbook.xml', name));
    const rels = reader.workbookRels ?? [];
    const target = (type: string, fallback: string) => partPath(rels.find((rel) => rel.Type?.endsWith(`/${type}`))?.Target ?? fallback);
    const styles = await openPart(zip, target('styles', 'styles.xml'));
    if (styles !== null) await reader._parseStyles(styles);
    const sharedStrings = await openPart(zip, target('sharedStrings', 'sharedStrings.xml'));
    if (sharedStrings !== null) {
      const parsing = reader._parseSharedStrings(sharedStrings);
      while ((await parsing.next()).done !== true) {
        // 'cache' mode yields nothing: the strings land on the reader.
      }
    }
  } catch (error) {
    if (error instanceof CustodianError) throw error;
    throw damagedWorkbook(name, error);
  }
  const rels = reader.workbookRels ?? [];
  const sheets: SheetRef[] = [];
  for (const sheet of reader.model?.sheets ?? []) {
    const rel = rels.find((candidate) => candidate.Id === sheet.rId);
    if (rel?.Target === undefined || rel.Type?.endsWith('/worksheet') !== true || sheet.name === undefined) continue;
    const part = findPart(zip, partPath(rel.Target));
    if (part !== undefined) sheets.push({ name: sheet.name, part, hidden: sheet.state !== undefined && sheet.state !== 'visible' });
  }
  return {
    sheets,
    date1904: reader.properties?.model?.date1904 === true,
    async *rows(sheetZip: BoundedZip, sheet: SheetRef): AsyncGenerator<Row> {
      try {
        const part = await requirePart(sheetZip, sheet.part, name);
        const emitted = reader._parseWorksheet(toTheEnd(part), '0').next();
        if (emitted.done === true) throw new Error('exceljs emitted no worksheet reader');
        yield* emitted.value.value;
      } catch (error) {
        if (error instanceof CustodianError) throw error;
        throw damagedWorkbook(name, error);
      }
    },
  };
}
