import { describe, expect, it } from 'vitest';
import { addMonths, parseAsOf } from './calendarDate';
import { requirementRuleSchema } from './requirementRule';
import type { RequirementRuleInput } from './requirementRule';
import { compareVersions, evaluatePair } from './statusEngine';
import { AttemptTable } from './attemptTable';
import type { Attempt, EnginePerson, EngineRequirement, PersonScope } from './statusEngine';

function requirement(rule: Partial<RequirementRuleInput> = {}): EngineRequirement {
  return {
    requirementId: 'test.annual',
    frameworkId: 'test',
    rule: requirementRuleSchema.parse({ courses: { codes: ['BBP'] }, recurrenceMonths: 12, graceDays: 30, newHireDays: 30, ...rule }),
  };
}

let nextId = 0;
function attempt(completedOn: string, fields: Partial<Attempt> = {}): Attempt {
  nextId++;
  return { rowId: nextId, courseCode: 'bbp', courseVersion: '2024.1', completedOn, passed: true, score: 90, expiresOn: null, evidence: 'accepted', ...fields };
}

function person(
  attempts: Attempt[],
  fields: Partial<EnginePerson> = {},
  scopes: PersonScope[] = [{ from: '2020-01-01', unit: 'laboratory', role: 'lab technician', site: 'main' }],
): EnginePerson {
  return { personId: 'p1', hireDate: '2020-01-01', terminationDate: null, scopes, attempts: AttemptTable.of(attempts), ...fields };
}

describe('calendar arithmetic', () => {
  it('adds months with the month end clamped, across leap days', () => {
    expect(addMonths('2024-02-29', 12)).toBe('2025-02-28');
    expect(addMonths('2024-02-29', 48)).toBe('2028-02-29');
    expect(addMonths('2024-01-31', 1)).toBe('2024-02-29');
    expect(addMonths('2023-12-15', 2)).toBe('2024-02-15');
  });

  it('reads an as-of timestamp as the calendar date where it was written, and refuses one without a zone', () => {
    expect(parseAsOf('2025-03-01')).toBe('2025-03-01');
    expect(parseAsOf('2025-03-01T23:30:00-05:00')).toBe('2025-03-01'); // already March 2 in UTC
    expect(parseAsOf('2025-03-02T01:00:00+09:00')).toBe('2025-03-02'); // still March 1 in UTC
    expect(() => parseAsOf('2025-03-01T23:30:00')).toThrow(/zone/);
    expect(() => parseAsOf('2025-02-29')).toThrow(/not a day/);
    expect(() => parseAsOf('next tuesday')).toThrow(/YYYY-MM-DD/);
  });

  it('compares course versions by numeric parts', () => {
    expect(compareVersions('2024.10', '2024.9')).toBeGreaterThan(0);
    expect(compareVersions('2024.1', '2024.1.0')).toBe(0);
    expect(compareVersions('2023.2', '2024.1')).toBeLessThan(0);
  });
});

describe('evaluatePair', () => {
  const req = requirement();

  it('compliant, then due soon in the last 30 days, then overdue within grace, then expired', () => {
    const p = person([attempt('2024-03-01')]);
    expect(evaluatePair(p, req, '2024-06-01')).toMatchObject({ status: 'compliant', dueOn: '2025-03-01' });
    expect(evaluatePair(p, req, '2025-01-30').status).toBe('due_soon');
    expect(evaluatePair(p, req, '2025-03-01').status).toBe('due_soon'); // the due date itself is still on time
    expect(evaluatePair(p, req, '2025-03-02').status).toBe('overdue');
    expect(evaluatePair(p, req, '2025-03-31').status).toBe('overdue'); // 30 days of grace
    expect(evaluatePair(p, req, '2025-04-01').status).toBe('expired');
  });

  it('a retraining on the due date keeps the person compliant', () => {
    const p = person([attempt('2024-03-01'), attempt('2025-03-01')]);
    expect(evaluatePair(p, req, '2025-03-01')).toMatchObject({ status: 'compliant', dueOn: '2026-03-01' });
  });

  it('leap day: trained on 29 February, due on 28 February the next year', () => {
    const p = person([attempt('2024-02-29')]);
    expect(evaluatePair(p, requirement({ graceDays: 0 }), '2025-02-28')).toMatchObject({ status: 'due_soon', dueOn: '2025-02-28' });
    expect(evaluatePair(p, requirement({ graceDays: 0 }), '2025-03-01').status).toBe('expired');
  });

  it('never trained after the onboarding grace; within it, not applicable with the reason', () => {
    const p = person([], { hireDate: '2025-01-10' }, [{ from: '2025-01-10', unit: 'laboratory', role: null, site: null }]);
    expect(evaluatePair(p, req, '2025-02-09')).toMatchObject({ status: 'not_applicable', reason: 'onboarding_grace', dueOn: '2025-02-09' });
    expect(evaluatePair(p, req, '2025-02-10')).toMatchObject({ status: 'never_trained', dueOn: '2025-02-09' });
  });

  it('no one is due before the requirement took effect: before it, not applicable; after it, the onboarding days run from it', () => {
    // Hired in 2020, never trained; the requirement is in force from 2026-05-01 with 30 days to train.
    const effective = requirement({ effectiveFrom: '2026-05-01' });
    const never = person([]);
    expect(evaluatePair(never, effective, '2026-04-30')).toMatchObject({ status: 'not_applicable', reason: 'not_yet_effective', dueOn: null });
    expect(evaluatePair(never, effective, '2026-05-15')).toMatchObject({ status: 'not_applicable', reason: 'onboarding_grace', dueOn: '2026-05-31' });
    expect(evaluatePair(never, effective, '2026-06-01')).toMatchObject({ status: 'never_trained', dueOn: '2026-05-31' });
    // Without it, the same person is due 30 days after hire, years ago.
    expect(evaluatePair(never, requirement(), '2026-06-01')).toMatchObject({ status: 'never_trained', dueOn: '2020-01-31' });
    // Training done before the requirement took effect still counts once it does.
    expect(evaluatePair(person([attempt('2026-03-01')]), effective, '2026-06-01')).toMatchObject({ status: 'compliant', dueOn: '2027-03-01' });
    // Training that lapsed (2022) before it took effect: onboarding grace from the effective date, then due from it, not from 2022.
    const lapsed = person([attempt('2021-03-08')]);
    expect(evaluatePair(lapsed, effective, '2026-05-15')).toMatchObject({ status: 'not_applicable', reason: 'onboarding_grace', dueOn: '2026-05-31' });
    expect(evaluatePair(lapsed, effective, '2026-06-15')).toMatchObject({ status: 'overdue', dueOn: '2026-05-31' });
    expect(evaluatePair(lapsed, effective, '2026-07-01')).toMatchObject({ status: 'expired', dueOn: '2026-05-31' });
    // Without the effective date it expired in 2022.
    expect(evaluatePair(lapsed, requirement(), '2026-05-15')).toMatchObject({ status: 'expired', dueOn: '2022-03-08' });
    // Someone who moves into scope after the effective date gets onboarding from the move, as before.
    const mover = person([], {}, [
      { from: '2020-01-01', unit: 'finance', role: 'clerk', site: 'main' },
      { from: '2026-08-01', unit: 'laboratory', role: 'lab technician', site: 'main' },
    ]);
    const labOnly = requirement({ effectiveFrom: '2026-05-01', appliesTo: { units: ['Laboratory'] } });
    expect(evaluatePair(mover, labOnly, '2026-07-01')).toMatchObject({ status: 'not_applicable', reason: 'not_in_scope' });
    expect(evaluatePair(mover, labOnly, '2026-08-15')).toMatchObject({ status: 'not_applicable', reason: 'onboarding_grace', dueOn: '2026-08-31' });
    expect(evaluatePair(mover, labOnly, '2026-09-01')).toMatchObject({ status: 'never_trained', dueOn: '2026-08-31' });
  });

  it('hired after or left before the date: not applicable; a leaver is still counted on their last day', () => {
    const p = person([attempt('2024-03-01')], { hireDate: '2024-02-01', terminationDate: '2024-09-30' });
    expect(evaluatePair(p, req, '2024-01-15')).toMatchObject({ status: 'not_applicable', reason: 'hired_after' });
    expect(evaluatePair(p, req, '2024-09-30').status).toBe('compliant');
    expect(evaluatePair(p, req, '2024-10-01')).toMatchObject({ status: 'not_applicable', reason: 'left_before' });
  });

  it('failed below the pass mark; a retake that passes makes them compliant', () => {
    const failed = attempt('2024-03-01', { passed: false, score: 60 });
    expect(evaluatePair(person([failed]), req, '2024-06-01')).toMatchObject({ status: 'failed', latestAttemptPassed: false, everPassed: false });
    const retaken = person([failed, attempt('2024-03-08', { score: 85 })]);
    expect(evaluatePair(retaken, req, '2024-06-01')).toMatchObject({ status: 'compliant', dueOn: '2025-03-08', latestAttemptPassed: true });
  });

  it("the requirement's minimum score applies on top of the course's verdict", () => {
    const strict = requirement({ courses: { codes: ['BBP'], minScore: 90 } });
    expect(evaluatePair(person([attempt('2024-03-01', { score: 85 })]), strict, '2024-06-01').status).toBe('failed');
    expect(evaluatePair(person([attempt('2024-03-01', { score: 90 })]), strict, '2024-06-01').status).toBe('compliant');
  });

  it('a lapsed training followed by a failed retake is failed, not expired', () => {
    const p = person([attempt('2023-01-10'), attempt('2024-02-01', { passed: false, score: 40 })]);
    expect(evaluatePair(p, req, '2024-06-01')).toMatchObject({ status: 'failed', everPassed: true });
  });

  it('a completion recorded before the hire date does not count', () => {
    const p = person([attempt('2024-12-01')], { hireDate: '2025-01-06' }, [{ from: '2025-01-06', unit: 'laboratory', role: null, site: null }]);
    expect(evaluatePair(p, req, '2025-03-01')).toMatchObject({ status: 'never_trained', everPassed: false });
  });

  it('a person who changed role mid-period: out of scope before, in onboarding grace after, then judged', () => {
    const scoped = requirement({ appliesTo: { roles: ['Registered Nurse'] } }); // names compare case-insensitively
    const scopes: PersonScope[] = [
      { from: '2020-01-01', unit: 'administration', role: 'clerk', site: 'main' },
      { from: '2025-01-15', unit: 'medical ward', role: 'registered nurse', site: 'main' },
    ];
    const p = person([attempt('2023-05-01')], {}, scopes);
    expect(evaluatePair(p, scoped, '2024-12-31')).toMatchObject({ status: 'not_applicable', reason: 'not_in_scope', unit: 'administration' });
    // Their 2023 training lapsed, but they moved into scope on 15 January: 30 days to retrain.
    expect(evaluatePair(p, scoped, '2025-02-01')).toMatchObject({ status: 'not_applicable', reason: 'onboarding_grace', unit: 'medical ward' });
    expect(evaluatePair(p, scoped, '2025-02-15').status).toBe('expired');
    const retrained = person([attempt('2023-05-01'), attempt('2025-02-10')], {}, scopes);
    expect(evaluatePair(retrained, scoped, '2025-02-15').status).toBe('compliant');
  });

  it('evidence: missing or rejected when the requirement asks for it; ignored when it does not', () => {
    const withEvidence = requirement({ evidence: { required: true } });
    expect(evaluatePair(person([attempt('2024-03-01', { evidence: 'none' })]), withEvidence, '2024-06-01').status).toBe('missing_evidence');
    expect(evaluatePair(person([attempt('2024-03-01', { evidence: 'rejected' })]), withEvidence, '2024-06-01').status).toBe('evidence_rejected');
    expect(evaluatePair(person([attempt('2024-03-01', { evidence: 'pending' })]), withEvidence, '2024-06-01').status).toBe('compliant');
    expect(evaluatePair(person([attempt('2024-03-01', { evidence: 'none' })]), req, '2024-06-01').status).toBe('compliant');
  });

  it('a stated expiry earlier than the recurrence wins; a one-off training never expires', () => {
    const card = person([attempt('2024-03-01', { expiresOn: '2024-12-31' })]);
    expect(evaluatePair(card, requirement({ recurrenceMonths: 24 }), '2025-01-15').status).toBe('overdue');
    expect(evaluatePair(person([attempt('2015-03-01')], { hireDate: '2015-01-01' }), requirement({ recurrenceMonths: null }), '2025-01-15')).toMatchObject({
      status: 'compliant',
      dueOn: null,
    });
  });

  it('all-of: every course must be current; the first to expire decides', () => {
    const both = requirement({ courses: { codes: ['BBP', 'HAZCOM'], match: 'all' } });
    const onlyOne = person([attempt('2024-03-01')]);
    expect(evaluatePair(onlyOne, both, '2024-06-01').status).toBe('never_trained');
    const p = person([attempt('2024-03-01'), attempt('2024-05-01', { courseCode: 'hazcom' })]);
    expect(evaluatePair(p, both, '2024-06-01')).toMatchObject({ status: 'compliant', dueOn: '2025-03-01' });
  });

  it('a course version below the minimum does not count', () => {
    const current = requirement({ courses: { codes: ['BBP'], minVersion: '2024.2' } });
    expect(evaluatePair(person([attempt('2024-03-01', { courseVersion: '2024.1' })]), current, '2024-06-01').status).toBe('never_trained');
    expect(evaluatePair(person([attempt('2024-03-01', { courseVersion: '2024.10' })]), current, '2024-06-01').status).toBe('compliant');
  });

  it('training after the as-of date is not seen', () => {
    expect(evaluatePair(person([attempt('2024-03-01')]), req, '2024-02-28').status).toBe('never_trained');
  });
});
