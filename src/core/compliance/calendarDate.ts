import { CustodianError } from '../../shared/errors';

// Calendar dates (YYYY-MM-DD) as the records hold them: a training is done on a day, in the
// site's calendar, not at an instant. Arithmetic is on the proleptic Gregorian calendar in UTC,
// which has no daylight-saving gaps, so adding days never skips or repeats a date.

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function parts(date: string): [number, number, number] {
  const match = DATE.exec(date);
  if (!match) throw new Error(`not a calendar date: ${date}`);
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

function format(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function toMs(date: string): number {
  const [y, m, d] = parts(date);
  return Date.UTC(y, m - 1, d);
}

// The engine adds the same few periods to the same few thousand dates millions of times:
// results are remembered per period, then per date (bounded; a period's dates are cleared when
// full). Two Map lookups by the values themselves: a key string built per call cost more than
// the lookup (a date string from the vault carries its own cached hash).
type Memo = Map<number, Map<string, string>>;
const daysMemo: Memo = new Map();
const monthsMemo: Memo = new Map();
function remembered(memo: Memo, period: number, date: string, compute: () => string): string {
  let dates = memo.get(period);
  if (dates === undefined) {
    dates = new Map();
    memo.set(period, dates);
  }
  let value = dates.get(date);
  if (value === undefined) {
    if (dates.size >= 100_000) dates.clear();
    value = compute();
    dates.set(date, value);
  }
  return value;
}

export function addDays(date: string, days: number): string {
  return remembered(daysMemo, days, date, () => format(toMs(date) + days * 86_400_000));
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((toMs(to) - toMs(from)) / 86_400_000);
}

/**
 * The same day `months` later, clamped to the month's end: 2024-02-29 + 12 months is
 * 2025-02-28, 2024-01-31 + 1 month is 2024-02-29. (A year's recurrence never runs into March.)
 */
export function addMonths(date: string, months: number): string {
  return remembered(monthsMemo, months, date, () => addMonthsNow(date, months));
}

function addMonthsNow(date: string, months: number): string {
  const [y, m, d] = parts(date);
  const monthIndex = m - 1 + months;
  const year = y + Math.floor(monthIndex / 12);
  const month = ((monthIndex % 12) + 12) % 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return format(Date.UTC(year, month, Math.min(d, lastDay)));
}

/** The last day of the month `months` before (negative) or after the month of `date`. */
export function monthEnd(date: string, months = 0): string {
  const [y, m] = parts(date);
  return format(Date.UTC(y, m + months, 0));
}

/**
 * Reads an as-of date: `YYYY-MM-DD`, or a timestamp with a zone (`2025-03-01T23:30:00-05:00`),
 * which means the calendar date at that place (here 2025-03-01, although it is already March 2
 * in UTC). A timestamp without a zone is refused: it would silently mean the machine's zone.
 * @throws CustodianError('validation_failed') for anything else.
 */
export function parseAsOf(text: string): string {
  const value = text.trim();
  if (DATE.test(value)) {
    const [y, m, d] = parts(value);
    if (format(Date.UTC(y, m - 1, d)) !== value) throw new CustodianError('validation_failed', `${value} is not a day of the calendar.`);
    return value;
  }
  const stamp = /^(\d{4}-\d{2}-\d{2})T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.exec(value);
  if (stamp && !Number.isNaN(Date.parse(value))) return stamp[1] as string;
  throw new CustodianError(
    'validation_failed',
    `Cannot read "${text}" as a date: give YYYY-MM-DD, or a timestamp with its zone such as 2025-03-01T17:00:00-05:00.`,
  );
}

/** Today's date in this machine's zone (the officer's calendar). */
export function localToday(now: Date = new Date()): string {
  const offsetMs = now.getTimezoneOffset() * 60_000;
  return format(now.getTime() - offsetMs);
}

/** Whether `text` is exactly YYYY-MM-DD and a day of the calendar (no 2025-02-30). */
export function isCalendarDate(text: string): boolean {
  if (!DATE.test(text)) return false;
  const [y, m, d] = parts(text);
  return format(Date.UTC(y, m - 1, d)) === text;
}
