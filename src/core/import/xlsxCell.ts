import type { Cell } from './openTable';

/** What a cell read by exceljs's streaming reader became, ready for `TableSource.batches`. */
export type XlsxCell = { value: Cell } | { value: null; formulaWithoutResult: true };

const MS_PER_DAY = 24 * 60 * 60 * 1000;

/** Excel serial day number to the wall-clock instant it shows, as a UTC Date. */
export function excelSerialToDate(serial: number, date1904: boolean): Date {
  return new Date(Math.round((serial - (date1904 ? -1462 : 25569)) * MS_PER_DAY));
}

/** True for number formats that show a date or time (literal text, colours, padding ignored). */
export function isDateFormat(numFmt: string | undefined): boolean {
  if (numFmt === undefined || numFmt === '') return false;
  const bare = numFmt
    .replace(/\[[^\]]*]/g, '')
    .replace(/"[^"]*"/g, '')
    .replace(/[\\_*]./g, '');
  return /[ymdhsb]/i.test(bare.replace(/General/gi, ''));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !(value instanceof Date);
}

function flattenRichText(runs: unknown): string {
  if (!Array.isArray(runs)) return '';
  return runs.map((run: unknown) => (isRecord(run) && typeof run.text === 'string' ? run.text : '')).join('');
}

/** Text of a value that is shown as text: plain, rich, or a hyperlink's label. */
function textOf(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (isRecord(value) && 'richText' in value) return flattenRichText(value.richText);
  return null;
}

function scalar(value: unknown, numFmt: string | undefined, date1904: boolean): Cell {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value === 'string' || typeof value === 'boolean' || value instanceof Date) return value;
  if (typeof value === 'number') {
    // exceljs turns date-formatted values into Dates, but not the cached results of formulas.
    if (Number.isNaN(value)) return null;
    return isDateFormat(numFmt) ? excelSerialToDate(value, date1904) : value;
  }
  if (isRecord(value) && typeof value.error === 'string') return value.error;
  return textOf(value);
}

/**
 * Converts an exceljs cell value. Formulas give their cached result and are never evaluated.
 * exceljs reads a formula's cached error (t="e") and an empty cached value alike as NaN, so
 * both count as "no saved result": null, flagged for a warning.
 */
export function toXlsxCell(value: unknown, numFmt: string | undefined, date1904: boolean): XlsxCell {
  if (isRecord(value)) {
    if ('formula' in value || 'sharedFormula' in value) {
      const result = value.result;
      if (result === undefined || result === null || (typeof result === 'number' && Number.isNaN(result))) {
        return { value: null, formulaWithoutResult: true };
      }
      return { value: scalar(result, numFmt, date1904) };
    }
    if ('hyperlink' in value) return { value: textOf(value.text) ?? scalar(value.text, numFmt, date1904) };
    if ('sharedString' in value) throw new Error('a shared-string cell without a shared-strings part');
  }
  return { value: scalar(value, numFmt, date1904) };
}
