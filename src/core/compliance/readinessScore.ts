import { CURRENT_STATUSES, SCORE_COMPONENTS } from '../../shared/compliance/complianceStatus';
import type { ComplianceStatus, ScoreComponentId } from '../../shared/compliance/complianceStatus';
import type { PairStatus } from './statusEngine';

// The Audit Readiness Score: 0-100 from named components, each a share of the pairs it
// measures times its weight. It never rewards emptiness: a component with nothing to measure (no
// requirement asks for evidence, say) earns no points and is "not measured" (`value: null`), and
// with no requirement measured at all there is no score (`score: null`), whatever the log says.

/** What a gap is: a status that costs points, or current training whose evidence awaits review. */
export type GapKind = Exclude<ComplianceStatus, 'compliant' | 'due_soon' | 'not_applicable'> | 'evidence_unreviewed' | 'log_integrity';

type ComponentTally = Record<ScoreComponentId, { met: number; measured: number }>;

function emptyTally(): ComponentTally {
  return Object.fromEntries(SCORE_COMPONENTS.map((c) => [c.id, { met: 0, measured: 0 }])) as ComponentTally;
}

/** Counts for one requirement on one date; summed into framework and overall scores. */
export class RequirementTally {
  readonly counts = new Map<ComplianceStatus, number>();
  readonly components = emptyTally();
  /** Per gap kind: how many pairs fail each component (for the points a gap costs). */
  readonly gapFails = new Map<GapKind, ComponentTally>();
  readonly gapPeople = new Map<GapKind, number>();
  /** Pairs within onboarding grace: not yet measured, so a score should say how many wait. */
  inGrace = 0;

  constructor(
    readonly requirementId: string,
    readonly frameworkId: string,
    private readonly evidenceRequired: boolean,
  ) {}

  add(pair: PairStatus): void {
    this.counts.set(pair.status, (this.counts.get(pair.status) ?? 0) + 1);
    if (pair.status === 'not_applicable') {
      if (pair.reason === 'onboarding_grace') this.inGrace++;
      return;
    }
    const current = CURRENT_STATUSES.has(pair.status);
    const gap: GapKind | null = current
      ? pair.status === 'missing_evidence' || pair.status === 'evidence_rejected'
        ? pair.status
        : this.evidenceRequired && pair.evidence === 'pending'
          ? 'evidence_unreviewed'
          : null
      : (pair.status as GapKind);
    const mark = (id: ScoreComponentId, met: boolean) => {
      const component = this.components[id];
      component.measured++;
      if (met) component.met++;
      else if (gap !== null) {
        let fails = this.gapFails.get(gap);
        if (!fails) {
          fails = emptyTally();
          this.gapFails.set(gap, fails);
        }
        fails[id].measured++;
      }
    };
    mark('coverage', pair.everPassed);
    mark('currency', current);
    if (pair.latestAttemptPassed !== null) mark('competence', pair.latestAttemptPassed);
    if (this.evidenceRequired && current) {
      mark('evidence', pair.status !== 'missing_evidence');
      // Over the same pairs as evidence: missing evidence is not accepted evidence, so review
      // can never be fuller than evidence completeness.
      mark('review', pair.evidence === 'accepted');
    }
    if (gap !== null) this.gapPeople.set(gap, (this.gapPeople.get(gap) ?? 0) + 1);
  }
}

export interface ScoreComponent {
  id: ScoreComponentId;
  label: string;
  weight: number;
  /** 0-1; null when nothing was measured ("not measured": it earns no points). */
  value: number | null;
  /** Points it adds to the score: weight x value (0 when not measured). */
  contribution: number;
  met: number;
  measured: number;
}

export interface Gap {
  /** Null for the audit log's integrity, which is no requirement's. */
  requirementId: string | null;
  frameworkId: string | null;
  kind: GapKind;
  people: number;
  /** Points the score would gain if every one of these people were put right. */
  points: number;
}

export interface ReadinessScore {
  /** Null when no requirement could be measured (nobody in scope): there is nothing to score. */
  score: number | null;
  components: ScoreComponent[];
  /** Costliest first. */
  gaps: Gap[];
  /**
   * (person, requirement) pairs within onboarding grace on the date: left out of every part until
   * due, so a pack that has just taken effect scores over the trained alone. Shown beside the score.
   */
  inGrace: number;
}

const round1 = (value: number) => Math.round(value * 10) / 10;

/** Scores a set of requirement tallies (one framework's, or all), with the log's integrity. */
export function readinessScore(tallies: readonly RequirementTally[], logVerifies: boolean): ReadinessScore {
  const total = emptyTally();
  for (const tally of tallies) {
    for (const c of SCORE_COMPONENTS) {
      if (c.id === 'integrity') continue;
      total[c.id].met += tally.components[c.id].met;
      total[c.id].measured += tally.components[c.id].measured;
    }
  }
  total.integrity = { met: logVerifies ? 1 : 0, measured: 1 };
  const components: ScoreComponent[] = SCORE_COMPONENTS.map((c) => {
    const { met, measured } = total[c.id];
    const value = measured === 0 ? null : met / measured;
    return { id: c.id, label: c.label, weight: c.weight, value, contribution: round1(c.weight * (value ?? 0)), met, measured };
  });
  const anyRequirementMeasured = components.some((c) => c.id !== 'integrity' && c.measured > 0);
  const gaps: Gap[] = [];
  for (const tally of tallies) {
    for (const [kind, fails] of tally.gapFails) {
      let points = 0;
      for (const c of SCORE_COMPONENTS) {
        const measured = total[c.id].measured;
        if (measured > 0) points += (c.weight * fails[c.id].measured) / measured;
      }
      gaps.push({ requirementId: tally.requirementId, frameworkId: tally.frameworkId, kind, people: tally.gapPeople.get(kind) ?? 0, points: round1(points) });
    }
  }
  if (!logVerifies)
    gaps.push({
      requirementId: null,
      frameworkId: null,
      kind: 'log_integrity',
      people: 0,
      points: SCORE_COMPONENTS.find((c) => c.id === 'integrity')?.weight ?? 0,
    });
  gaps.sort((a, b) => b.points - a.points || b.people - a.people || (a.requirementId ?? '').localeCompare(b.requirementId ?? ''));
  const score = anyRequirementMeasured ? round1(components.reduce((sum, c) => sum + c.weight * (c.value ?? 0), 0)) : null;
  return { score, components, gaps, inGrace: tallies.reduce((sum, t) => sum + t.inGrace, 0) };
}
