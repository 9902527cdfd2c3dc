import { GAP_LABELS as SHARED_GAP_LABELS, SCORE_COMPONENTS } from '../../../shared/compliance/complianceStatus';
import type { ScoreComponentId } from '../../../shared/compliance/complianceStatus';
import type { GapKind } from './complianceQueries';

/** Today in the user's time zone, as YYYY-MM-DD (what core takes as "as of"). */
export function localToday(): string {
  const now = new Date();
  return `${String(now.getFullYear())}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
}

export function isDay(text: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(text) && !Number.isNaN(Date.parse(`${text}T00:00:00Z`));
}

/** Whole days from `from` to `to` (both YYYY-MM-DD). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** A score or a number of points, as the CLI prints it (one decimal); "—" for no score. */
export const points = (value: number | null) => (value === null ? '—' : value.toFixed(1));

/** A 0-1 share as the CLI prints it: "96.0%"; "not measured" for a component with nothing to measure. */
export const percent = (share: number | null) => (share === null ? 'not measured' : `${(share * 100).toFixed(1)}%`);

export const count = (n: number) => n.toLocaleString('en');

export const plural = (n: number, one: string, many = `${one}s`) => `${count(n)} ${n === 1 ? one : many}`;

/** What each kind of gap is called: a status, or one of the two gaps that are not statuses. */
export const GAP_LABELS: Record<GapKind, string> = SHARED_GAP_LABELS;

export const COMPONENT_EXPLAINS: Record<ScoreComponentId, string> = Object.fromEntries(SCORE_COMPONENTS.map((c) => [c.id, c.explains])) as Record<
  ScoreComponentId,
  string
>;

/** The ring's colour: a hint only, the number beside it says the same. */
export function scoreColor(score: number): string {
  return score >= 90 ? 'teal.7' : score >= 75 ? 'yellow.6' : 'red.7';
}

/** Framework lines in the trend, in report order (Overall is the primary colour). */
const SERIES_COLORS = ['teal.7', 'orange.7', 'grape.7', 'cyan.8', 'pink.7', 'lime.8', 'blue.5', 'red.7'];
export const seriesColor = (index: number) => SERIES_COLORS[index % SERIES_COLORS.length] ?? 'gray.7';

/**
 * Heat-map bands, red to blue through yellow (kept apart for red-green colour blindness). Every
 * background is light enough for black text at well over 7:1; the number is printed anyway.
 */
export const HEAT_BANDS = [
  { min: 0.95, label: '95% or more', background: 'var(--mantine-color-blue-3)' },
  { min: 0.9, label: '90-94%', background: 'var(--mantine-color-blue-1)' },
  { min: 0.8, label: '80-89%', background: 'var(--mantine-color-yellow-2)' },
  { min: 0.5, label: '50-79%', background: 'var(--mantine-color-orange-3)' },
  { min: 0, label: 'under 50%', background: 'var(--mantine-color-red-3)' },
] as const;

export function heatBand(share: number): (typeof HEAT_BANDS)[number] {
  return HEAT_BANDS.find((band) => share >= band.min) ?? HEAT_BANDS[4];
}

/** A share rounded down, so "100%" means everyone: 29 of 30 shows 96%, never 100%. */
export const wholePercent = (current: number, applicable: number) => `${String(Math.floor((current / applicable) * 100))}%`;

/** "Nov 26" for a month-end on the trend's axis. */
export function monthLabel(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  return date.toLocaleDateString('en', { month: 'short', year: '2-digit', timeZone: 'UTC' });
}

/** "HIPAA" for "HIPAA Security and Privacy Rules", "SOC 2" for "SOC 2 (Trust Services Criteria)". */
export function shortFramework(title: string): string {
  return /^[A-Z][A-Za-z0-9]*(?: \d+\b)?/.exec(title)?.[0] ?? title;
}
