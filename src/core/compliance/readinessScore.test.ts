import { describe, expect, it } from 'vitest';
import { readinessScore, RequirementTally } from './readinessScore';
import type { PairStatus } from './statusEngine';

function pair(overrides: Partial<PairStatus>): PairStatus {
  return {
    status: 'compliant',
    reason: null,
    dueOn: '2027-01-01',
    completionRowId: 1,
    everPassed: true,
    latestAttemptPassed: true,
    unit: null,
    evidence: null,
    ...overrides,
  };
}

function tally(evidenceRequired: boolean, pairs: Partial<PairStatus>[]): RequirementTally {
  const t = new RequirementTally('req', 'fw', evidenceRequired);
  for (const p of pairs) t.add(pair(p));
  return t;
}

const component = (score: ReturnType<typeof readinessScore>, id: string) => score.components.find((c) => c.id === id);

describe('readinessScore never rewards emptiness', () => {
  it('with nobody in scope there is no score, however well the log verifies; each requirement part is "not measured" and earns nothing', () => {
    for (const tallies of [[], [tally(true, [])], [tally(true, [{ status: 'not_applicable', reason: 'not_in_scope' }])]]) {
      const score = readinessScore(tallies, true);
      expect(score.score).toBeNull();
      for (const id of ['coverage', 'currency', 'competence', 'evidence', 'review']) {
        expect(component(score, id)).toMatchObject({ value: null, contribution: 0, measured: 0 });
      }
      expect(component(score, 'integrity')).toMatchObject({ value: 1, contribution: 10 });
      expect(score.gaps).toEqual([]);
    }
  });

  it('a part with nothing to measure earns no points: all current, no evidence asked for, is 75 of 100, not 100', () => {
    const score = readinessScore([tally(false, [{}, {}, {}])], true);
    expect(component(score, 'evidence')).toMatchObject({ value: null, contribution: 0 });
    expect(component(score, 'review')).toMatchObject({ value: null, contribution: 0 });
    expect(score.score).toBe(75);
  });

  it('review state is never fuller than evidence completeness: one of two has its evidence, accepted', () => {
    const score = readinessScore([tally(true, [{ evidence: 'accepted' }, { status: 'missing_evidence', evidence: null }])], true);
    expect(component(score, 'evidence')).toMatchObject({ met: 1, measured: 2, value: 0.5 });
    expect(component(score, 'review')).toMatchObject({ met: 1, measured: 2, value: 0.5 });
    // And with no evidence at all, review earns nothing either (it was "full" before).
    const none = readinessScore([tally(true, [{ status: 'missing_evidence', evidence: null }])], true);
    expect(component(none, 'review')).toMatchObject({ met: 0, measured: 1, value: 0, contribution: 0 });
  });

  it('says how many trainings wait in onboarding grace, which no part counts yet (a pack that has just taken effect)', () => {
    const score = readinessScore(
      [tally(false, [{}, { status: 'not_applicable', reason: 'onboarding_grace' }, { status: 'not_applicable', reason: 'onboarding_grace' }])],
      true,
    );
    expect(score.inGrace).toBe(2);
    expect(component(score, 'coverage')).toMatchObject({ met: 1, measured: 1 });
    expect(readinessScore([tally(false, [{ status: 'not_applicable', reason: 'not_in_scope' }])], true).inGrace).toBe(0);
  });
});
