// How values read in the report: grouped numbers, percentages, UTC instants, and the dash and
// "all" that stand for nothing given. Pure and locale-free: the same value, the same text.

export const DASH = '\u2014';

/** `12,345.6`: thousands grouped with commas, whatever the locale. */
export function grouped(value: number): string {
  const [whole = '', fraction] = String(value).split('.');
  const sign = whole.startsWith('-') ? '-' : '';
  const digits = sign ? whole.slice(1) : whole;
  const withCommas = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return fraction === undefined ? `${sign}${withCommas}` : `${sign}${withCommas}.${fraction}`;
}

/** `87.5%` from a share of 1, to a tenth of a percent. */
export function percent(share: number): string {
  return `${String(Math.round(share * 1000) / 10)}%`;
}

/** `2026-11-02 14:05:00 UTC` from an ISO 8601 instant; the text as given if it is not one. */
export function utc(instant: string, suffix = true): string {
  const date = new Date(instant);
  if (Number.isNaN(date.getTime())) return instant;
  const text = date.toISOString().slice(0, 19).replace('T', ' ');
  return suffix ? `${text} UTC` : text;
}

/** A scope filter: `all` when it is empty. */
export function orAll(values: string[]): string {
  return values.length === 0 ? 'all' : values.join(', ');
}

export function orDash(value: string | null): string {
  return value === null || value === '' ? DASH : value;
}
