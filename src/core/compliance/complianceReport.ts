import { CURRENT_STATUSES } from '../../shared/compliance/complianceStatus';
import type { ComplianceStatus, NotApplicableReason } from '../../shared/compliance/complianceStatus';
import type { ReadableDb } from '../db/database';
import type { VaultSession } from '../vault/vaultSession';
import { addDays, monthEnd } from './calendarDate';
import { loadComplianceData } from './complianceData';
import type { ComplianceData } from './complianceData';
import { readinessScore, RequirementTally } from './readinessScore';
import type { ReadinessScore } from './readinessScore';
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

export interface PairRow {
  personId: string;
  requirementId: string;
  status: ComplianceStatus;
  reason: NotApplicableReason | null;
  dueOn: string | null;
  completionId: string | null;
}

export interface HeatCell {
  unit: string;
  requirementId: string;
  /** People in scope (status other than not applicable). */
  applicable: number;
  /** Of those, people whose training is current. */
  current: number;
}

export interface UpcomingExpiry {
  personId: string;
  requirementId: string;
  dueOn: string;
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
  integrity: { ok: boolean; reason: string | null; full: boolean };
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

interface Loaded {
  requirements: StoredRequirement[];
  engine: EngineRequirement[];
  data: ComplianceData;
  titles: Map<string, string>;
}

/**
 * What was read for a session, until its next change: the dashboard asks for the report, the
 * trend and drill-downs in turn, and each would otherwise re-read every completion.
 */
const cache = new WeakMap<VaultSession, { generation: number; loaded: Promise<Loaded> }>();

/** The promise is what is cached, so the dashboard's report, trend and drill-down asked together read once. */
function loadCached(session: VaultSession): Promise<Loaded> {
  const known = cache.get(session);
  if (known && known.generation === session.generation) return known.loaded;
  const loaded = session.read((db) => load(db));
  const entry = { generation: session.generation, loaded };
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

async function load(db: ReadableDb, frameworkId?: string): Promise<Loaded> {
  const requirements = await currentRequirements(db, frameworkId);
  const codes = [...new Set(requirements.flatMap((r) => r.rule.courses.codes.map((c) => c.toLowerCase())))];
  const data = await loadComplianceData(db, codes);
  const titles = new Map((await listFrameworks(db)).map((f) => [f.id, f.title]));
  return { requirements, engine: requirements.map((r) => ({ requirementId: r.requirementId, frameworkId: r.frameworkId, rule: r.rule })), data, titles };
}

const NO_UNIT = '(no unit)';

/**
 * Core runs on the Electron main process's event loop, which must never stall for long
 * (DESIGN.md: 50 ms): evaluation over 100,000 people takes about a second, so it hands the loop
 * back every this many (person, requirement) pairs.
 */
const PAIRS_PER_SLICE = 20_000;
const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

async function evaluate(loaded: Loaded, asOf: string, logOk: boolean, options: { pairs?: PairRow[]; heat?: Map<string, HeatCell>; expiries?: UpcomingExpiry[] }) {
  const tallies = loaded.engine.map((r) => new RequirementTally(r.requirementId, r.frameworkId, r.rule.evidence.required));
  const horizon = addDays(asOf, 90);
  let slice = 0;
  for (const person of loaded.data.people) {
    slice += loaded.engine.length;
    if (slice >= PAIRS_PER_SLICE) {
      slice = 0;
      await yieldToLoop();
    }
    for (let i = 0; i < loaded.engine.length; i++) {
      const requirement = loaded.engine[i] as EngineRequirement;
      const pair = evaluatePair(person, requirement, asOf);
      (tallies[i] as RequirementTally).add(pair);
      options.pairs?.push({ personId: person.personId, requirementId: requirement.requirementId, status: pair.status, reason: pair.reason, dueOn: pair.dueOn, completionId: pair.completionId });
      if (pair.status === 'not_applicable') continue;
      const current = CURRENT_STATUSES.has(pair.status);
      if (options.heat) {
        const unit = pair.unit === null ? NO_UNIT : (loaded.data.unitNames.get(pair.unit) ?? pair.unit);
        const key = `${unit}\u0000${requirement.requirementId}`;
        let cell = options.heat.get(key);
        if (!cell) {
          cell = { unit, requirementId: requirement.requirementId, applicable: 0, current: 0 };
          options.heat.set(key, cell);
        }
        cell.applicable++;
        if (current) cell.current++;
      }
      if (options.expiries && current && pair.dueOn !== null && pair.dueOn <= horizon) {
        options.expiries.push({ personId: person.personId, requirementId: requirement.requirementId, dueOn: pair.dueOn });
      }
    }
  }
  const byFramework = new Map<string, RequirementTally[]>();
  for (const tally of tallies) {
    const list = byFramework.get(tally.frameworkId);
    if (list) list.push(tally);
    else byFramework.set(tally.frameworkId, [tally]);
  }
  return { tallies, byFramework, overall: readinessScore(tallies, logOk) };
}

/**
 * Status of every (person, requirement) of the enabled frameworks on `asOf`, the Audit
 * Readiness Score per framework and overall, the units x requirements heat map and the
 * trainings falling due. Reads the vault once; computes in memory.
 */
export async function complianceReport(session: VaultSession, options: ReportOptions): Promise<ComplianceReport> {
  session.require('records.read', 'read compliance status');
  const loaded = only(await loadCached(session), options.frameworkId);
  const integrity = await session.logIntegrity();
  // Read while the evaluation runs: SQLite works on its own thread, and the evaluation hands
  // the event loop back often enough for the query to start (0.4 s saved at 100,000 people).
  const cardsRead = session.read((db) => certificationExpiries(db, options.asOf));
  cardsRead.catch(() => undefined); // awaited below
  const pairs: PairRow[] | undefined = options.includePairs ? [] : undefined;
  const heat = new Map<string, HeatCell>();
  const expiries: UpcomingExpiry[] = [];
  const { tallies, byFramework, overall } = await evaluate(loaded, options.asOf, integrity.ok, { ...(pairs ? { pairs } : {}), heat, expiries });

  const frameworks: FrameworkReport[] = [...byFramework].map(([id, frameworkTallies]) => ({
    id,
    title: loaded.titles.get(id) ?? id,
    readiness: readinessScore(frameworkTallies, integrity.ok),
    requirements: frameworkTallies.map((tally) => {
      const stored = loaded.requirements.find((r) => r.requirementId === tally.requirementId) as StoredRequirement;
      return { requirementId: tally.requirementId, frameworkId: id, title: stored.title, clause: stored.clause, counts: Object.fromEntries(tally.counts) };
    }),
  }));
  expiries.sort((a, b) => a.dueOn.localeCompare(b.dueOn));
  const within = (days: number) => {
    const limit = addDays(options.asOf, days);
    return expiries.filter((e) => e.dueOn <= limit).length;
  };
  const units = [...new Set([...heat.values()].map((c) => c.unit))].sort((a, b) => a.localeCompare(b));
  const cards = await cardsRead;
  const cardsWithin = (days: number) => {
    const limit = addDays(options.asOf, days);
    return cards.filter((c) => c.expiresOn <= limit).length;
  };
  return {
    asOf: options.asOf,
    overall,
    frameworks,
    integrity,
    heatmap: { units, requirements: tallies.map((t) => t.requirementId), cells: [...heat.values()] },
    expiries: { within30: within(30), within60: within(60), within90: within(90), soonest: expiries.slice(0, 200) },
    certificationExpiries: { within30: cardsWithin(30), within60: cardsWithin(60), within90: cardsWithin(90), soonest: cards.slice(0, 200) },
    people: loaded.data.people.length,
    ...(pairs ? { pairs } : {}),
  };
}

/** Each employed person's latest card of each name, when it expires within 90 days of the date (soonest first). */
async function certificationExpiries(db: ReadableDb, asOf: string): Promise<CertificationExpiry[]> {
  return db.all<CertificationExpiry>(
    `SELECT c.person_id AS personId, min(c.name) AS name, max(c.expires_on) AS expiresOn
     FROM certifications c JOIN people p ON p.person_id = c.person_id AND p.current = 1
     WHERE c.current = 1 AND c.expires_on IS NOT NULL AND (p.termination_date IS NULL OR p.termination_date >= ?1) AND (p.hire_date IS NULL OR p.hire_date <= ?1)
     GROUP BY c.person_id, lower(c.name)
     HAVING max(c.expires_on) BETWEEN ?1 AND date(?1, '+90 days')
     ORDER BY expiresOn, personId`,
    [asOf],
  );
}

export interface TrendPoint {
  asOf: string;
  overall: number;
  frameworks: Record<string, number>;
}

/**
 * The score at the end of each of the last `months` months and on `asOf`, computed point in time
 * from the records (no stored snapshots): what the score was, as the records now stand.
 */
export async function complianceTrend(session: VaultSession, asOf: string, months = 12): Promise<TrendPoint[]> {
  session.require('records.read', 'read compliance status');
  const loaded = await loadCached(session);
  const integrity = await session.logIntegrity();
  const dates = [...Array.from({ length: months }, (_, i) => monthEnd(asOf, i - months)), asOf];
  const points: TrendPoint[] = [];
  for (const date of dates) {
    const { byFramework, overall } = await evaluate(loaded, date, integrity.ok, {});
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
  options: { asOf: string; requirementId: string; kind: string; limit: number; unit?: string },
): Promise<{ total: number; people: GapPerson[] }> {
  session.require('records.read', 'read compliance status');
  const loaded = await loadCached(session);
  const requirement = loaded.engine.find((r) => r.requirementId === options.requirementId);
  if (!requirement) return { total: 0, people: [] };
  const people: GapPerson[] = [];
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
    const kind = pair.status === 'compliant' || pair.status === 'due_soon' ? (requirement.rule.evidence.required && pair.evidence === 'pending' ? 'evidence_unreviewed' : pair.status) : pair.status;
    // `not_current`: a heat-map cell's people: in scope, training not current on the date.
    const matches = options.kind === 'not_current' ? pair.status !== 'not_applicable' && !CURRENT_STATUSES.has(pair.status) : kind === options.kind;
    if (!matches) continue;
    total++;
    people.push({ personId: person.personId, status: pair.status, reason: pair.reason, dueOn: pair.dueOn, completionId: pair.completionId, unit });
  }
  // The longest overdue first (earliest due date), then the limit: the list shows the worst cases.
  people.sort((a, b) => (a.dueOn ?? '').localeCompare(b.dueOn ?? '') || a.personId.localeCompare(b.personId));
  return { total, people: people.slice(0, options.limit) };
}
