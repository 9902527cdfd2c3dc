import { CustodianError } from '../../shared/errors';
import type { ImportField, ImportKind } from './headerMap';
import { detectKind, mapHeaders, parseMapFlags, targetsFor } from './headerMap';
import { openTable } from './openTable';
import type { Cell } from './openTable';

export interface ImportPreview {
  format: 'csv' | 'xlsx';
  encoding: string | null;
  delimiter: string | null;
  sheet: string | null;
  headers: string[];
  /** The first rows as text, for the officer to recognise the file. */
  sample: (string | null)[][];
  /** Detected (or chosen) kind; null when the headers do not say. */
  kind: ImportKind | null;
  /** Per header: the field it maps to, or null when ignored. */
  mapping: (ImportField | null)[];
  fields: string[];
  warnings: string[];
}

function display(cell: Cell | undefined): string | null {
  if (cell === null || cell === undefined) return null;
  if (cell instanceof Date) return cell.toISOString().slice(0, 10);
  return String(cell);
}

/** Reads the header and first rows of a file and proposes a mapping. Changes nothing. */
export async function previewFile(
  file: string,
  options: { as?: ImportKind; map?: readonly string[]; sheet?: string; rows?: number } = {},
): Promise<ImportPreview> {
  const source = await openTable(file, options.sheet ? { sheet: options.sheet } : {});
  const sample: (string | null)[][] = [];
  const wanted = Math.max(1, options.rows ?? 8);
  for await (const batch of source.batches) {
    for (const { cells } of batch.slice(0, wanted - sample.length)) sample.push(source.headers.map((_, i) => display(cells[i])));
    if (sample.length >= wanted) break;
  }
  const kind = options.as ?? detectKind(source.headers);
  let mapping: (ImportField | null)[] = source.headers.map(() => null);
  if (kind) {
    try {
      const mapped = mapHeaders(source.headers, kind, parseMapFlags(options.map ?? [], kind));
      mapping = source.headers.map((_, i) => mapped.fields.get(i) ?? null);
    } catch (error) {
      if (!(error instanceof CustodianError)) throw error;
    }
  }
  return {
    format: source.format,
    encoding: source.encoding ?? null,
    delimiter: source.delimiter ?? null,
    sheet: source.sheet ?? null,
    headers: source.headers,
    sample,
    kind,
    mapping,
    fields: kind ? [...targetsFor(kind)] : [],
    warnings: source.warnings,
  };
}
