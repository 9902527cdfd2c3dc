import { CURRENT_STATUSES, SCORE_COMPONENTS } from '../../shared/compliance/complianceStatus';
import type { ComplianceStatus, NotApplicableReason } from '../../shared/compliance/complianceStatus';
import { answeredAsOf } from './answeredAsOf';
import { rolePolicy } from '../../shared/records/maskingPolicy';
import type { MaskingPolicy } from '../../shared/records/maskingPolicy';
import type { ReadableDb } from '../db/database';
import { dueOnAsShown } from '../records/dueOnAsShown';
import type { VaultSession } from '../vault/vaultSession';
import { addDays, monthEnd } from './calendarDate';
import { completionIds, loadComplianceData } from './complianceData';
import type { ComplianceData } from './complianceData';
import { readinessScore } from './readinessScore';
import type { ReadinessScore } from './readinessScore';
import { NO_UNIT, PAIRS_PER_SLICE, ReportEvaluation, yieldToLoop } from './reportEvaluation';
import type { EvaluatedPair, HeatCell, PairRow, UpcomingExpiry } from './reportEvaluation';
import { currentRequirements, listFrameworks } from './requirementStore';
import type { StoredRequirement } from './requirementStore';
import { evaluatePair } from './statusEngine';
import type { EngineRequirement } from './statusEngine';

export interface RequirementSummary {
  requirementId: string;
  frameworkId: string;
  title: string;
  clause: string | null;
  counts: Partial<Record<ComplianceStatus, number>>;
}

export interface FrameworkReport {
  id: string;
  title: string;
  readiness: ReadinessScore;
  requirements: RequirementSummary[];
}

export interface CertificationExpiry {
  personId: string;
  name: string;
  expiresOn: string;
}

export interface ComplianceReport {
  asOf: string;
  overall: ReadinessScore;
  frameworks: FrameworkReport[];
  integrity: { ok: boolean; reason: string | null; full: boolean; anchored: boolean };
  heatmap: { units: string[]; requirements: string[]; cells: HeatCell[] };
  /** Current trainings falling due within 30, 60 and 90 days of the date; the soonest 200 listed. */
  expiries: { within30: number; within60: number; within90: number; soonest: UpcomingExpiry[] };
  /** Certifications (cards, licences) of people still employed whose latest card expires within 90 days. */
  certificationExpiries: { within30: number; within60: number; within90: number; soonest: CertificationExpiry[] };
  people: number;
  /** One row per (person, requirement), when asked for. */
  pairs?: PairRow[];
}

export interface ReportOptions {
  asOf: string;
  frameworkId?: string;
  includePairs?: boolean;
}

export interface Loaded {
  requirements: StoredRequirement[];
  engine: EngineRequirement[];
  data: ComplianceData;
  titles: Map<string, string>;
}

/**
 * What was read for a session, until the vault next changes (in this process or another): the dashboard asks for the report, the
 * trend and drill-downs in turn, and each would otherwise re-read every completion.
 */
const cache = new WeakMap<VaultSession, { stamp: string; loaded: Promise<Loaded> }>();

/**
 * The session's data, read once per change. The promise is what is cached, so the dashboard's
 * report, trend and drill-down asked together read once.
 */
export async function loadCached(session: VaultSession): Promise<Loaded> {
  // The stamp also moves when another process (the CLI, a second app) commits to the vault.
  const stamp = await session.changeStamp();
  const known = cache.get(session);
  if (known && known.stamp === stamp) return known.loaded;
  const loaded = session.read((db) => load(db, session.vaultId));
  const entry = { stamp, loaded };
  cache.set(session, entry);
  // A failed read is not remembered: the next question tries again.
  loaded.catch(() => {
    if (cache.get(session) === entry) cache.delete(session);
  });
  return loaded;
}

/** Only one framework's requirements (the data stays shared). */
function only(loaded: Loaded, frameworkId: string | undefined): Loaded {
  if (frameworkId === undefined) return loaded;
  const requirements = loaded.requirements.filter((r) => r.frameworkId === frameworkId);
  return { ...loaded, requirements, engine: loaded.engine.filter((r) => r.frameworkId === frameworkId) };
}

function load(db: ReadableDb, vaultId: string): Loaded {
  const requirements = currentRequirements(db);
  const engine = requirements.map((r) => ({ requirementId: r.requirementId, frameworkId: r.frameworkId, rule: r.rule }));
  const codes = [...new Set(requirements.flatMap((r) => r.rule.courses.codes.map((c) => c.toLowerCase())))];
  const data = loadComplianceData(db, vaultId, codes);
  const titles = new Map(listFrameworks(db).map((f) => [f.id, f.title]));
  return { requirements, engine, data, titles };
}

/**
 * Status of every (person, requirement) of the enabled frameworks on `asOf`, the Audit
 * Readiness Score per framework and overall, the units x requirements heat map and the
 * trainings falling due. Reads the vault once per change (loadCached); computes in memory.
 */
export async function complianceReport(session: VaultSession, asked: ReportOptions): Promise<ComplianceReport> {
  session.require('records.read', 'read compliance status');
  // Auditors: today or a month end (a day's statuses could tell a hire day).
  const options = { ...asked, asOf: answeredAsOf(session, asked.asOf) };
  const pairs: EvaluatedPair[] | undefined = options.includePairs ? [] : undefined;
  const loaded = only(await loadCached(session), options.frameworkId);
  const evaluation = new ReportEvaluation(loaded.engine, options.asOf, { ...(pairs ? { pairs } : {}), heat: true, expiries: true });
  await evaluation.add(loaded.data.people);
  const integrity = await session.logIntegrity();
  const { tallies, byFramework, overall, heat, expiries } = evaluation.finish(integrity.ok, loaded.data.unitNames);

  const frameworks: FrameworkReport[] = [...byFramework].map(([id, frameworkTallies]) => ({
    id,
    title: loaded.titles.get(id) ?? id,
    readiness: readinessScore(frameworkTallies, integrity.ok),
    requirements: frameworkTallies.map((tally) => {
      const stored = loaded.requirements.find((r) => r.requirementId === tally.requirementId) as StoredRequirement;
      return { requirementId: tally.requirementId, frameworkId: id, title: stored.title, clause: stored.clause, counts: Object.fromEntries(tally.counts) };
    }),
  }));
  const within = (days: number) => {
    const limit = addDays(options.asOf, days);
    return expiries.filter((e) => e.dueOn <= limit).length;
  };
  const units = [...new Set(heat.map((c) => c.unit))].sort((a, b) => a.localeCompare(b));
  const cards = await session.read((db) => certificationExpiries(db, options.asOf));
  const cardsWithin = (days: number) => {
    const limit = addDays(options.asOf, days);
    return cards.filter((c) => c.expiresOn <= limit).length;
  };
  return {
    asOf: options.asOf,
    overall,
    frameworks,
    integrity,
    heatmap: { units, requirements: tallies.map((t) => t.requirementId), cells: heat },
    expiries: { within30: within(30), within60: within(60), within90: within(90), soonest: expiries.slice(0, 200) },
    certificationExpiries: { within30: cardsWithin(30), within60: cardsWithin(60), within90: cardsWithin(90), soonest: cards.slice(0, 200) },
    people: loaded.data.people.length,
    ...(pairs ? { pairs: await withCompletionIds(session, pairs, rolePolicy(session.principal.role)) } : {}),
  };
}

/** The pairs with the ids of their completions (read by row, a query per 10,000). */
async function withCompletionIds(session: VaultSession, pairs: readonly EvaluatedPair[], policy: MaskingPolicy): Promise<PairRow[]> {
  const ids = await session.read((db) =>
    completionIds(
      db,
      pairs.flatMap((p) => (p.completionRowId === null ? [] : [p.completionRowId])),
    ),
  );
  return pairs.map(({ completionRowId, ...pair }) => ({
    ...pair,
    // As the role may see it (an onboarding due date tells the hire day).
    dueOn: dueOnAsShown(policy, pair.dueOn, pair.status),
    completionId: completionRowId === null ? null : (ids.get(completionRowId) ?? null),
  }));
}

/**
 * Each employed person's latest card of each name (names compared case-insensitively), when it
 * expires within 90 days of the date, soonest first. Starts from the cards expiring in the window
 * and keeps those with no later card of the name: at 150,000 cards 0.34 s -> 0.1 s against
 * grouping every card.
 */
function certificationExpiries(db: ReadableDb, asOf: string): CertificationExpiry[] {
  return db.all<CertificationExpiry>(
    `SELECT c.person_id AS personId, min(c.name) AS name, c.expires_on AS expiresOn
     FROM certifications c JOIN people p ON p.person_id = c.person_id AND p.current = 1
     WHERE c.current = 1 AND c.expires_on BETWEEN ? AND date(?, '+90 days')
       AND (p.termination_date IS NULL OR p.termination_date >= ?) AND (p.hire_date IS NULL OR p.hire_date <= ?)
       AND NOT EXISTS (SELECT 1 FROM certifications later WHERE later.current = 1 AND later.person_id = c.person_id
                         AND lower(later.name) = lower(c.name) AND later.expires_on > c.expires_on)
     GROUP BY c.person_id, lower(c.name)
     ORDER BY expiresOn, personId`,
    [asOf, asOf, asOf, asOf],
  );
}

export interface TrendPoint {
  asOf: string;
  /** Null where nothing could be measured on the date (no score). */
  overall: number | null;
  frameworks: Record<string, number | null>;
}

/**
 * The score at the end of each of the last `months` months and on `asOf`, computed point in time
 * from the records (no stored snapshots): what the score was, as the records now stand.
 */
export async function complianceTrend(session: VaultSession, askedAsOf: string, months = 12): Promise<TrendPoint[]> {
  session.require('records.read', 'read compliance status');
  const asOf = answeredAsOf(session, askedAsOf);
  const loaded = await loadCached(session);
  const integrity = await session.logIntegrity();
  const dates = [...Array.from({ length: months }, (_, i) => monthEnd(asOf, i - months)), asOf];
  const points: TrendPoint[] = [];
  for (const date of dates) {
    const evaluation = new ReportEvaluation(loaded.engine, date);
    await evaluation.add(loaded.data.people);
    const { byFramework, overall } = evaluation.finish(integrity.ok, loaded.data.unitNames);
    points.push({
      asOf: date,
      overall: overall.score,
      frameworks: Object.fromEntries([...byFramework].map(([id, tallies]) => [id, readinessScore(tallies, integrity.ok).score])),
    });
  }
  return points;
}

export interface GapPerson {
  personId: string;
  status: ComplianceStatus;
  reason: NotApplicableReason | null;
  dueOn: string | null;
  completionId: string | null;
  unit: string | null;
}

/**
 * The people behind one gap (a requirement and a status, or current training whose evidence
 * awaits review, or - `not_current` - everyone in scope whose training is not current) on a
 * date, optionally in one unit (its display name; "(no unit)" for none): the dashboard's
 * drill-downs from a gap or a heat-map cell. Ids only; the caller adds names
 * through the records queries, which mask them by role.
 */
export async function gapPeople(
  session: VaultSession,
  asked: { asOf: string; requirementId: string; kind: string; limit: number; unit?: string },
): Promise<{ asOf: string; total: number; people: GapPerson[] }> {
  session.require('records.read', 'read compliance status');
  const options = { ...asked, asOf: answeredAsOf(session, asked.asOf) };
  const loaded = await loadCached(session);
  const requirement = loaded.engine.find((r) => r.requirementId === options.requirementId);
  if (!requirement) return { asOf: options.asOf, total: 0, people: [] };
  const policy = rolePolicy(session.principal.role);
  const people: (Omit<GapPerson, 'completionId'> & { completionRowId: number | null })[] = [];
  let total = 0;
  let slice = 0;
  for (const person of loaded.data.people) {
    if (++slice >= PAIRS_PER_SLICE) {
      slice = 0;
      await yieldToLoop();
    }
    const pair = evaluatePair(person, requirement, options.asOf);
    const unit = pair.unit === null ? null : (loaded.data.unitNames.get(pair.unit) ?? pair.unit);
    if (options.unit !== undefined && (unit ?? NO_UNIT) !== options.unit) continue;
    const kind =
      pair.status === 'compliant' || pair.status === 'due_soon'
        ? requirement.rule.evidence.required && pair.evidence === 'pending'
          ? 'evidence_unreviewed'
          : pair.status
        : pair.status;
    // `not_current`: a heat-map cell's people: in scope, training not current on the date.
    const matches = options.kind === 'not_current' ? pair.status !== 'not_applicable' && !CURRENT_STATUSES.has(pair.status) : kind === options.kind;
    if (!matches) continue;
    total++;
    people.push({
      personId: person.personId,
      status: pair.status,
      reason: pair.reason,
      // As the viewer's role may see it (an onboarding due date tells the hire day).
      dueOn: dueOnAsShown(policy, pair.dueOn, pair.status),
      completionRowId: pair.completionRowId,
      unit,
    });
  }
  // The longest overdue first (earliest due date, as shown), then the limit: the list shows the worst cases.
  people.sort((a, b) => (a.dueOn ?? '').localeCompare(b.dueOn ?? '') || a.personId.localeCompare(b.personId));
  const shown = people.slice(0, options.limit);
  const ids = await session.read((db) =>
    completionIds(
      db,
      shown.flatMap((p) => (p.completionRowId === null ? [] : [p.completionRowId])),
    ),
  );
  return {
    asOf: options.asOf,
    total,
    people: shown.map(({ completionRowId, ...p }) => ({ ...p, completionId: completionRowId === null ? null : (ids.get(completionRowId) ?? null) })),
  };
}

/**
 * What accepting a completion's pending evidence would add to the overall score on `asOf`:
 * each (person, requirement) pair that the completion satisfies, whose requirement asks for
 * evidence and whose evidence awaits review, would move one pair of the "review" component
 * from unmet to met. Keyed by completion id; the review queue sums it over each file's links.
 */
export async function reviewGains(session: VaultSession, askedAsOf: string): Promise<Map<string, number>> {
  session.require('records.read', 'read compliance status');
  // The gains on a day of an auditor's choosing would tell the day someone left or moved.
  const asOf = answeredAsOf(session, askedAsOf);
  const loaded = await loadCached(session);
  const waiting = new Map<number, number>();
  let measured = 0;
  let slice = 0;
  for (const person of loaded.data.people) {
    for (const requirement of loaded.engine) {
      if (++slice >= PAIRS_PER_SLICE) {
        slice = 0;
        await yieldToLoop();
      }
      if (!requirement.rule.evidence.required) continue;
      const pair = evaluatePair(person, requirement, asOf);
      if (!CURRENT_STATUSES.has(pair.status)) continue;
      measured++; // the review component measures every current pair that asks for evidence
      if (pair.evidence === 'pending' && pair.completionRowId !== null) waiting.set(pair.completionRowId, (waiting.get(pair.completionRowId) ?? 0) + 1);
    }
  }
  const perPair = measured === 0 ? 0 : (SCORE_COMPONENTS.find((c) => c.id === 'review')?.weight ?? 0) / measured;
  const ids = await session.read((db) => completionIds(db, waiting.keys()));
  const gains = new Map<string, number>();
  for (const [rowId, pairs] of waiting) {
    const id = ids.get(rowId);
    if (id !== undefined) gains.set(id, pairs * perPair);
  }
  return gains;
}
