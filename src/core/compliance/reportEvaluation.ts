import { CURRENT_STATUSES } from '../../shared/compliance/complianceStatus';
import type { ComplianceStatus, NotApplicableReason } from '../../shared/compliance/complianceStatus';
import { addDays } from './calendarDate';
import { readinessScore, RequirementTally } from './readinessScore';
import type { ReadinessScore } from './readinessScore';
import { evaluatePair } from './statusEngine';
import type { EnginePerson, EngineRequirement } from './statusEngine';

export interface PairRow {
  personId: string;
  requirementId: string;
  status: ComplianceStatus;
  reason: NotApplicableReason | null;
  dueOn: string | null;
  completionId: string | null;
}

/** A PairRow as evaluated: the completion by its row (complianceData's completionIds gives its id). */
export type EvaluatedPair = Omit<PairRow, 'completionId'> & { completionRowId: number | null };

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

/** The heat map's row for people without a unit. */
export const NO_UNIT = '(no unit)';

/**
 * Every request to core shares its worker's one event loop: evaluation over 100,000 people takes
 * about half a second per date (a trend evaluates thirteen), so it hands the loop back every
 * this many (person, requirement) pairs and other requests are answered meanwhile.
 */
export const PAIRS_PER_SLICE = 20_000;
export const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export interface EvaluationResult {
  tallies: RequirementTally[];
  byFramework: Map<string, RequirementTally[]>;
  overall: ReadinessScore;
  /** Under display names, in the order first met. */
  heat: HeatCell[];
  /** Sorted by due date. */
  expiries: UpcomingExpiry[];
}

/**
 * Evaluates every (person, requirement) on one date, then sums up. Pairs, heat map and expiries
 * are collected only when asked for.
 */
export class ReportEvaluation {
  private readonly tallies: RequirementTally[];
  /** By lower-case unit (as scopes hold it; a key no name can be, for none) and requirement. */
  private readonly heat = new Map<string, { unit: string | null; requirementId: string; applicable: number; current: number }>();
  private readonly expiries: UpcomingExpiry[] = [];
  private readonly horizon: string;
  private slice = 0;

  constructor(
    private readonly engine: readonly EngineRequirement[],
    private readonly asOf: string,
    private readonly collect: { pairs?: EvaluatedPair[]; heat?: boolean; expiries?: boolean } = {},
  ) {
    this.tallies = engine.map((r) => new RequirementTally(r.requirementId, r.frameworkId, r.rule.evidence.required));
    this.horizon = addDays(asOf, 90);
  }

  async add(people: readonly EnginePerson[]): Promise<void> {
    const { engine, asOf, collect } = this;
    for (const person of people) {
      this.slice += engine.length;
      if (this.slice >= PAIRS_PER_SLICE) {
        this.slice = 0;
        await yieldToLoop();
      }
      for (let i = 0; i < engine.length; i++) {
        const requirement = engine[i] as EngineRequirement;
        const pair = evaluatePair(person, requirement, asOf);
        (this.tallies[i] as RequirementTally).add(pair);
        collect.pairs?.push({
          personId: person.personId,
          requirementId: requirement.requirementId,
          status: pair.status,
          reason: pair.reason,
          dueOn: pair.dueOn,
          completionRowId: pair.completionRowId,
        });
        if (pair.status === 'not_applicable') continue;
        const current = CURRENT_STATUSES.has(pair.status);
        if (collect.heat) {
          const key = pair.unit === null ? `\u0000${requirement.requirementId}` : `${pair.unit}\u0001${requirement.requirementId}`;
          let cell = this.heat.get(key);
          if (!cell) {
            cell = { unit: pair.unit, requirementId: requirement.requirementId, applicable: 0, current: 0 };
            this.heat.set(key, cell);
          }
          cell.applicable++;
          if (current) cell.current++;
        }
        if (collect.expiries && current && pair.dueOn !== null && pair.dueOn <= this.horizon) {
          this.expiries.push({ personId: person.personId, requirementId: requirement.requirementId, dueOn: pair.dueOn });
        }
      }
    }
  }

  /** The totals, with units under their display names (`unitNames`: by lower-case key). */
  finish(logOk: boolean, unitNames: ReadonlyMap<string, string>): EvaluationResult {
    const byFramework = new Map<string, RequirementTally[]>();
    for (const tally of this.tallies) {
      const list = byFramework.get(tally.frameworkId);
      if (list) list.push(tally);
      else byFramework.set(tally.frameworkId, [tally]);
    }
    const heat = new Map<string, HeatCell>();
    for (const cell of this.heat.values()) {
      const unit = cell.unit === null ? NO_UNIT : (unitNames.get(cell.unit) ?? cell.unit);
      const key = `${unit}\u0000${cell.requirementId}`;
      const known = heat.get(key);
      if (known) {
        known.applicable += cell.applicable;
        known.current += cell.current;
      } else heat.set(key, { unit, requirementId: cell.requirementId, applicable: cell.applicable, current: cell.current });
    }
    return {
      tallies: this.tallies,
      byFramework,
      overall: readinessScore(this.tallies, logOk),
      heat: [...heat.values()],
      expiries: this.expiries.sort((a, b) => a.dueOn.localeCompare(b.dueOn)),
    };
  }
}
