/**
 * Calendar arithmetic on UTC day numbers (days since 1970-01-01), which the demo generator uses
 * instead of Date objects: cheap to compare and add, and free of time zones.
 */
const DAY_MS = 86_400_000;

export function dayOf(date: Date): number {
  return Math.floor(date.getTime() / DAY_MS);
}

export function dayFromIso(iso: string): number {
  return dayOf(new Date(`${iso}T00:00:00Z`));
}

/** YYYY-MM-DD. */
export function isoDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** 0 Sunday ... 6 Saturday. */
export function weekday(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

/** The same day, or the Monday after it if it falls on a weekend. */
export function nextWorkday(day: number): number {
  const wd = weekday(day);
  return wd === 6 ? day + 2 : wd === 0 ? day + 1 : day;
}

/** `months` later, on the same day of the month or the month's last day if it has fewer. */
export function addMonths(day: number, months: number): number {
  const date = new Date(day * DAY_MS);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth() + months;
  const lastOfTarget = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return dayOf(new Date(Date.UTC(year, month, Math.min(date.getUTCDate(), lastOfTarget))));
}

/** The last day of the month `months` after `day`'s month (how resuscitation cards expire). */
export function endOfMonthAfter(day: number, months: number): number {
  const date = new Date(day * DAY_MS);
  return dayOf(new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + months + 1, 0)));
}

/** "March 7, 2025". */
export function longDate(day: number): string {
  return new Date(day * DAY_MS).toLocaleDateString('en-US', { timeZone: 'UTC', year: 'numeric', month: 'long', day: 'numeric' });
}
