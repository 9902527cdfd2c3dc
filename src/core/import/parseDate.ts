// Dates as LMS and HR exports print them. Every accepted value becomes an ISO calendar date
// (YYYY-MM-DD). A column of slash dates is read one way for the whole column: day-first or
// month-first is decided from values that can only be one (13/04/2025), refused as ambiguous
// when none can (04/05/2025 alone), unless the caller says which.

export type DateOrder = 'dmy' | 'mdy';

export interface DateParseResult {
  ok: boolean;
  /** YYYY-MM-DD when ok. */
  value?: string;
  reason?: string;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** 'March', 'Mar', 'Sept' -> 3, 3, 9; anything else -> undefined. */
function monthNumber(name: string): number | undefined {
  const index = MONTHS.indexOf(name.slice(0, 3).toLowerCase());
  return index === -1 ? undefined : index + 1;
}

function iso(year: number, month: number, day: number): string | null {
  if (year < 1900 || year > 2200 || month < 1 || month > 12 || day < 1) return null;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  return date.toISOString().slice(0, 10);
}

function fullYear(text: string): number {
  const year = Number(text);
  return text.length === 2 ? (year < 70 ? 2000 + year : 1900 + year) : year;
}

/** Excel's serial day numbers (1900 system, with its fictitious 29 Feb 1900). */
export function fromExcelSerial(serial: number): string | null {
  if (!Number.isFinite(serial) || serial < 1 || serial > 150_000) return null;
  const days = Math.floor(serial);
  const ms = Date.UTC(1899, 11, 30) + days * 86_400_000;
  return new Date(ms).toISOString().slice(0, 10);
}

const SLASH = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})(?:[ T,]+\d{1,2}:\d{2}(?::\d{2})?\s*(?:[AaPp][Mm])?)?$/;
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?)?$/;
const LONG_DMY =
  /^(?:[A-Za-z]+,?\s+)?(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})(?:,?\s+(?:at\s+)?\d{1,2}:\d{2}(?::\d{2})?\s*(?:[AaPp][Mm])?)?$/;
const LONG_MDY =
  /^(?:[A-Za-z]+,?\s+)?([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})(?:,?\s+(?:at\s+)?\d{1,2}:\d{2}(?::\d{2})?\s*(?:[AaPp][Mm])?)?$/;

/** What a slash date says about the column's order: 'dmy', 'mdy', 'either', or null if not one. */
export function slashDateHint(text: string): DateOrder | 'either' | null {
  const match = SLASH.exec(text.trim());
  if (!match) return null;
  const a = Number(match[1]);
  const b = Number(match[2]);
  if (a > 12 && b <= 12) return 'dmy';
  if (b > 12 && a <= 12) return 'mdy';
  return 'either';
}

/** A value of the column as the file has it, and the file row it is on (null when not known). */
export interface DateExample {
  value: string;
  row: number | null;
}

/**
 * Collects a column's slash dates one at a time (constant memory) and decides its order. Keeps
 * the first value of each kind, with its row, so that a refusal can quote the file itself.
 */
export class DateOrderVote {
  private dmy = false;
  private mdy = false;
  private any = false;
  /** The first day-first, month-first and either-way value seen. */
  readonly examples: { dmy: DateExample | null; mdy: DateExample | null; either: DateExample | null } = { dmy: null, mdy: null, either: null };

  add(value: string, row: number | null = null): void {
    const hint = slashDateHint(value);
    if (!hint) return;
    this.any = true;
    if (hint === 'dmy') this.dmy = true;
    if (hint === 'mdy') this.mdy = true;
    this.examples[hint] ??= { value: value.trim(), row };
  }

  /**
   * @returns the order, 'ambiguous' when nothing tells, 'conflict' when values disagree, or
   *   null when the column has no slash dates.
   */
  result(): DateOrder | 'ambiguous' | 'conflict' | null {
    if (!this.any) return null;
    if (this.dmy && this.mdy) return 'conflict';
    if (this.dmy) return 'dmy';
    if (this.mdy) return 'mdy';
    return 'ambiguous';
  }
}

export function decideDateOrder(values: Iterable<string>): DateOrder | 'ambiguous' | 'conflict' | null {
  const vote = new DateOrderVote();
  for (const value of values) vote.add(value);
  return vote.result();
}

/**
 * Parses one cell. Timestamps with a zone are converted to UTC before the date is taken;
 * timestamps without one are taken as written (local wall-clock date).
 */
export function parseDateCell(cell: string | number | Date | boolean | null, order: DateOrder | null): DateParseResult {
  if (cell === null || cell === '') return { ok: true };
  if (cell instanceof Date) {
    return Number.isNaN(cell.getTime()) ? { ok: false, reason: 'not a valid date' } : { ok: true, value: cell.toISOString().slice(0, 10) };
  }
  if (typeof cell === 'number') {
    const value = fromExcelSerial(cell);
    return value ? { ok: true, value } : { ok: false, reason: 'a number that is not an Excel date serial' };
  }
  if (typeof cell === 'boolean') return { ok: false, reason: 'not a date' };
  const text = cell.trim();
  const isoMatch = ISO.exec(text);
  if (isoMatch) {
    const [, y, m, d, hh, mm, ss, zone] = isoMatch;
    if (zone && hh) {
      const instant = new Date(
        `${y ?? ''}-${m ?? ''}-${d ?? ''}T${hh}:${mm ?? '00'}:${ss ?? '00'}${zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone}`,
      );
      return Number.isNaN(instant.getTime()) ? { ok: false, reason: 'not a valid timestamp' } : { ok: true, value: instant.toISOString().slice(0, 10) };
    }
    const value = iso(Number(y), Number(m), Number(d));
    return value ? { ok: true, value } : { ok: false, reason: 'not a real calendar date' };
  }
  const slash = SLASH.exec(text);
  if (slash) {
    const a = Number(slash[1]);
    const b = Number(slash[2]);
    const year = fullYear(slash[3] ?? '');
    if (!order) {
      if (a > 12 || b > 12) order = a > 12 ? 'dmy' : 'mdy';
      else return { ok: false, reason: 'ambiguous: day/month order unknown (use --date-format dd/mm/yyyy or mm/dd/yyyy)' };
    }
    const value = order === 'dmy' ? iso(year, b, a) : iso(year, a, b);
    return value ? { ok: true, value } : { ok: false, reason: `not a real calendar date when read as ${order === 'dmy' ? 'dd/mm/yyyy' : 'mm/dd/yyyy'}` };
  }
  const long = LONG_DMY.exec(text);
  if (long) {
    const month = monthNumber(long[2] ?? '');
    const value = month ? iso(Number(long[3]), month, Number(long[1])) : null;
    return value ? { ok: true, value } : { ok: false, reason: 'not a recognised date' };
  }
  const longUs = LONG_MDY.exec(text);
  if (longUs) {
    const month = monthNumber(longUs[1] ?? '');
    const value = month ? iso(Number(longUs[3]), month, Number(longUs[2])) : null;
    return value ? { ok: true, value } : { ok: false, reason: 'not a recognised date' };
  }
  if (/^\d+(\.\d+)?$/.test(text)) {
    const value = fromExcelSerial(Number(text));
    if (value) return { ok: true, value };
  }
  return { ok: false, reason: 'not a recognised date' };
}

/** `--date-format dd/mm/yyyy` etc. */
export function parseDateFormatFlag(flag: string): DateOrder {
  const normalised = flag.toLowerCase().replace(/[^dmy]/g, '');
  if (/^d+m+y+$/.test(normalised)) return 'dmy';
  if (/^m+d+y+$/.test(normalised)) return 'mdy';
  throw new Error(`unknown --date-format ${flag}: use dd/mm/yyyy or mm/dd/yyyy`);
}
