import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream';
import { finished } from 'node:stream/promises';
import { TextDecoder } from 'node:util';
import { CsvError, parse } from 'csv-parse';
import type { Options, Parser } from 'csv-parse';
import { CustodianError } from '../../shared/errors';
import type { CsvEncoding } from './csvEncoding';
import { BOM_BYTES, fatalDecoder, invalidText } from './csvEncoding';
import { readableBatches } from './readableBatches';

export interface CsvDialect {
  encoding: CsvEncoding;
  delimiter: string;
}

/** One parsed record; `row` counts records from 1, blank lines included, as a spreadsheet does. */
export interface CsvRecord {
  row: number;
  fields: string[];
}

const READ_CHUNK_BYTES = 64 * 1024;

function countNewlines(text: string): number {
  let count = 0;
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) count++;
  return count;
}

/** The line of the first undecodable character in `chunk`, given the lines before it. */
function lineOfFirstBadByte(chunk: Buffer, encoding: CsvEncoding, linesBefore: number): number {
  let start = 0;
  // A character split across chunks leaves continuation bytes at the start: skip them.
  if (encoding !== 'utf-16le' && encoding !== 'utf-16be') {
    while (start < Math.min(3, chunk.length) && ((chunk[start] ?? 0) & 0xc0) === 0x80) start++;
  }
  const lenient = new TextDecoder(encoding === 'utf-8-bom' ? 'utf-8' : encoding).decode(chunk.subarray(start));
  const bad = lenient.indexOf('\uFFFD');
  return linesBefore + countNewlines(bad === -1 ? lenient : lenient.slice(0, bad));
}

function mib(bytes: number): string {
  return `${Math.round(bytes / (1024 * 1024))} MiB`;
}

/** Turns a csv-parse failure into a message naming the line where the broken record starts. */
function parseFailure(name: string, error: unknown, line: number, maxLineBytes: number): unknown {
  if (!(error instanceof CsvError)) return error;
  switch (error.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return new CustodianError(
        'validation_failed',
        `"${name}" has an unbalanced quote: the quoted field in the row starting on line ${line} is never closed. ` +
          'A field that opens with " must close with ", and a " inside a field must be doubled ("").',
        { cause: error },
      );
    case 'CSV_MAX_RECORD_SIZE':
      return new CustodianError(
        'validation_failed',
        `"${name}" has a row longer than ${mib(maxLineBytes)} starting on line ${line}; no record is that long. ` +
          'The file is probably not a table of records, or a quote is left open.',
        { cause: error },
      );
    default:
      // csv-parse's own message may quote field contents (PII): give only its code.
      return new CustodianError(
        'validation_failed',
        `"${name}" could not be read as CSV from line ${line} on (${error.code}). Check the quoting on that line.`,
        {
          cause: error,
        },
      );
  }
}

/**
 * Starts csv-parse on the decoded text of `file`. `extra` adds parse options (the failure path
 * uses `on_record` and `to`; the streaming path does not, because csv-parse builds two context
 * objects per record for `on_record`, a tenth of a large import's time).
 */
function startParser(file: string, name: string, dialect: CsvDialect, maxLineBytes: number, extra: Options = {}): Parser {
  const { encoding, delimiter } = dialect;
  const parser = parse({
    delimiter,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: false,
    max_record_size: maxLineBytes,
    ...extra,
  });
  const decoder = fatalDecoder(encoding);
  let linesDecoded = 1;
  const decode = (chunk: Buffer | undefined): string => {
    let text: string;
    try {
      text = chunk === undefined ? decoder.decode() : decoder.decode(chunk, { stream: true });
    } catch (error) {
      const line = chunk === undefined ? linesDecoded : lineOfFirstBadByte(chunk, encoding, linesDecoded);
      throw invalidText(name, encoding, `on line ${line}`, error);
    }
    // The sniff refuses NULs in the first KiB; one further on would end up inside a name.
    const nul = text.indexOf('\u0000');
    if (nul >= 0) {
      throw new CustodianError(
        'validation_failed',
        `"${name}" holds a NUL byte on line ${String(linesDecoded + countNewlines(text.slice(0, nul)))}: it is not a text file, or it is damaged. Nothing was imported.`,
      );
    }
    linesDecoded += countNewlines(text);
    return text;
  };
  pipeline(
    createReadStream(file, { start: BOM_BYTES[encoding], highWaterMark: READ_CHUNK_BYTES }),
    async function* decodeChunks(chunks: AsyncIterable<Buffer>) {
      for await (const chunk of chunks) {
        const text = decode(chunk);
        if (text !== '') yield text;
      }
      const rest = decode(undefined);
      if (rest !== '') yield rest;
    },
    parser,
    () => {
      // Failures reach the consumer through the parser's iterator.
    },
  );
  return parser;
}

/** The line on which record `records + 1` starts (records may span lines): parses the file again up to it. */
async function lineAfterRecords(file: string, name: string, dialect: CsvDialect, maxLineBytes: number, records: number): Promise<number> {
  let lastRecordEndLine = 0;
  if (records > 0) {
    const parser = startParser(file, name, dialect, maxLineBytes, {
      to: records,
      on_record: (record: string[], context) => {
        lastRecordEndLine = context.lines;
        return record;
      },
    });
    try {
      parser.resume();
      await finished(parser);
    } catch {
      // The same failure again after `records` records: the lines counted so far stand.
    } finally {
      parser.destroy();
    }
  }
  return lastRecordEndLine + 1;
}

/** Records handed over at a time: one promise per batch rather than per record. */
const RECORDS_PER_BATCH = 512;

/**
 * Streams the records of a CSV file (never the whole file in memory), in batches of up to 512.
 * @throws CustodianError('validation_failed') naming the line, for bad text encoding,
 *   an unclosed quote or a record longer than `maxLineBytes`.
 */
export async function* readCsvRecordBatches(file: string, name: string, dialect: CsvDialect, maxLineBytes: number): AsyncGenerator<CsvRecord[]> {
  const parser = startParser(file, name, dialect, maxLineBytes);
  let row = 0;
  try {
    for await (const records of readableBatches<unknown>(parser, RECORDS_PER_BATCH)) {
      // Without a `cast` option csv-parse gives each record as an array of strings.
      yield records.map((record) => ({ row: ++row, fields: Array.isArray(record) ? (record as string[]) : [] }));
    }
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    // csv-parse counts the records complete before the broken one; find the line it starts on.
    const records = typeof (error as CsvError & { records?: unknown }).records === 'number' ? (error as CsvError & { records: number }).records : row;
    throw parseFailure(name, error, await lineAfterRecords(file, name, dialect, maxLineBytes, records), maxLineBytes);
  } finally {
    parser.destroy();
  }
}

/** `readCsvRecordBatches` one record at a time (for the few rows of a file's head). */
export async function* readCsvRecords(file: string, name: string, dialect: CsvDialect, maxLineBytes: number): AsyncGenerator<CsvRecord> {
  for await (const records of readCsvRecordBatches(file, name, dialect, maxLineBytes)) yield* records;
}
