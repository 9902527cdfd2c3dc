import type { ComplianceStatus, NotApplicableReason } from '../../shared/compliance/complianceStatus';
import { addDays, addMonths } from './calendarDate';
import type { AttemptTable, AttemptRows } from './attemptTable';
import type { RequirementRule } from './requirementRule';

// The status of one (person, requirement) on one date, from data already in memory. Pure and
// synchronous: the loader (complianceData.ts) reads the vault once, and this runs for every
// pair and every date of a trend without touching the database.

/** Where a person sat from a date on (one person version). Names are lower case. */
export interface PersonScope {
  /** First day this version describes (the day it was recorded; the first version: from hire). */
  from: string;
  unit: string | null;
  role: string | null;
  site: string | null;
}

export type EvidenceState = 'none' | 'pending' | 'accepted' | 'rejected';

export interface Attempt {
  /** The completion's current row (`completions.row_id`); its id is read only for results that show it (completionIds). */
  rowId: number;
  /** Lower case. */
  courseCode: string;
  courseVersion: string | null;
  completedOn: string;
  /** The course's own verdict (passed flag, else the score against the course's pass mark); null: no verdict recorded. */
  passed: boolean | null;
  score: number | null;
  /** An expiry the record states (a card's end date), if any. */
  expiresOn: string | null;
  evidence: EvidenceState;
}

export interface EnginePerson {
  personId: string;
  hireDate: string | null;
  terminationDate: string | null;
  /** Oldest first; at least one. */
  scopes: readonly PersonScope[];
  /** Every completion of the person at the courses asked for, in rows of a table (AttemptTable). */
  attempts: AttemptRows;
}

export interface EngineRequirement {
  requirementId: string;
  frameworkId: string;
  rule: RequirementRule;
}

export interface PairStatus {
  status: ComplianceStatus;
  reason: NotApplicableReason | null;
  /** When the next training is (or was) due: the expiry of the current one, or the first due date. */
  dueOn: string | null;
  /** The row of the completion that satisfies (or last satisfied) the requirement. */
  completionRowId: number | null;
  /** Ever passed on or before the date (coverage). */
  everPassed: boolean;
  /** Whether the latest attempt met the pass mark; null: never attempted (competence). */
  latestAttemptPassed: boolean | null;
  /** The unit the person was in on the date (lower case), for the heat map. */
  unit: string | null;
  /** The state of the satisfying completion's evidence; null when nothing satisfies. */
  evidence: EvidenceState | null;
}

/** Days before the due date at which a current training shows as due soon. */
export const DUE_SOON_DAYS = 30;

/** Compares dotted versions by numeric parts ("2024.10" > "2024.9"); non-numeric parts as text. */
export function compareVersions(a: string, b: string): number {
  const left = a.split(/[.\-\s]+/);
  const right = b.split(/[.\-\s]+/);
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const x = left[i] ?? '0';
    const y = right[i] ?? '0';
    const nx = Number(x);
    const ny = Number(y);
    const order = Number.isFinite(nx) && Number.isFinite(ny) ? nx - ny : x.localeCompare(y);
    if (order !== 0) return order;
  }
  return 0;
}

function inList(list: readonly string[], value: string | null): boolean {
  return list.length === 0 || (value !== null && list.includes(value));
}

/** The rule's scope lists in lower case (names compare case-insensitively), cached per rule. */
const scopeCache = new WeakMap<RequirementRule, { units: string[]; roles: string[]; sites: string[] }>();
function inScope(rule: RequirementRule, scope: PersonScope): boolean {
  let applies = scopeCache.get(rule);
  if (!applies) {
    const lower = (list: readonly string[]) => list.map((name) => name.toLowerCase());
    applies = { units: lower(rule.appliesTo.units), roles: lower(rule.appliesTo.roles), sites: lower(rule.appliesTo.sites) };
    scopeCache.set(rule, applies);
  }
  return inList(applies.units, scope.unit) && inList(applies.roles, scope.role) && inList(applies.sites, scope.site);
}

/** Whether an attempt (a row of `table`) meets the requirement's pass mark on top of the course's own verdict. */
function attemptPasses(rule: RequirementRule, table: AttemptTable, row: number): boolean {
  if (table.passedAt(row) === false) return false;
  const minScore = rule.courses.minScore;
  const score = table.scoreAt(row);
  if (minScore !== null && score !== null) return score >= minScore;
  // The course's verdict was not a fail: passed, or (none recorded) completion itself counts.
  return true;
}

function expiryOf(rule: RequirementRule, table: AttemptTable, row: number): string | null {
  const stated = table.expiresOnAt(row);
  const recurring = rule.recurrenceMonths === null ? null : addMonths(table.completedOnAt(row), rule.recurrenceMonths);
  if (recurring === null) return stated;
  if (stated === null) return recurring;
  return stated < recurring ? stated : recurring;
}

/** Compact lower-case lists of the rule's codes, cached per rule object. */
const codeCache = new WeakMap<RequirementRule, string[]>();
function codesOf(rule: RequirementRule): string[] {
  let codes = codeCache.get(rule);
  if (!codes) {
    codes = rule.courses.codes.map((code) => code.toLowerCase());
    codeCache.set(rule, codes);
  }
  return codes;
}

/**
 * Status of `person` against `requirement` on `asOf` (YYYY-MM-DD, inclusive: a training done on
 * its due date is on time).
 *
 * Rules, in order:
 * 1. Hired after the date, left before it (a leaver's last day still counts), or not in scope on
 *    the date (unit, role, site of the person version in effect then): not applicable.
 * 2. Only attempts on or before the date and on or after hire count: training recorded before
 *    the hire date (another employer's, or a data error) does not satisfy the employer's duty.
 * 3. The latest passing attempt (for `all`, every course's, the requirement then expiring with
 *    the earliest) gives the expiry: completion + recurrence, or the record's own earlier expiry.
 *    Current: compliant, or due soon within 30 days of expiry; then, when the requirement asks
 *    for evidence, missing_evidence / evidence_rejected. Past expiry: overdue within grace,
 *    expired after it - unless the latest attempt since was below the pass mark: failed.
 * 4. Never passed: failed if attempted below the pass mark; else within onboarding grace (new
 *    hires, or people who moved into scope, have `newHireDays`) not applicable; else never_trained.
 *    A lapsed training of someone who moved into scope within `newHireDays` is also in grace.
 */
export function evaluatePair(person: EnginePerson, requirement: EngineRequirement, asOf: string): PairStatus {
  const rule = requirement.rule;
  const scopes = person.scopes;
  let scopeIndex = 0;
  for (let i = 1; i < scopes.length; i++) if ((scopes[i] as PersonScope).from <= asOf) scopeIndex = i;
  const scope = scopes[scopeIndex] as PersonScope;
  const unit = scope.unit;
  if (person.hireDate !== null && person.hireDate > asOf) return notApplicable('hired_after', unit, null, null, false, null);
  if (person.terminationDate !== null && person.terminationDate < asOf) return notApplicable('left_before', unit, null, null, false, null);
  if (!inScope(rule, scope)) return notApplicable('not_in_scope', unit, null, null, false, null);
  if (rule.effectiveFrom !== null && asOf < rule.effectiveFrom) return notApplicable('not_yet_effective', unit, null, null, false, null);

  // The day the person came into scope: the start of the run of in-scope versions up to the date.
  let first = scopeIndex;
  while (first > 0 && inScope(rule, scopes[first - 1] as PersonScope)) first--;
  const firstFrom = (scopes[first] as PersonScope).from;
  const cameInto = first === 0 ? (person.hireDate !== null && person.hireDate < firstFrom ? person.hireDate : firstFrom) : firstFrom;
  // No one is due before the requirement took effect: its onboarding days run from then.
  const assignedOn = rule.effectiveFrom !== null && rule.effectiveFrom > cameInto ? rule.effectiveFrom : cameInto;
  const onboardingDue = addDays(assignedOn, rule.newHireDays);

  const codes = codesOf(rule);
  const minVersion = rule.courses.minVersion;
  const all = rule.courses.match === 'all';
  const { table, from, to } = person.attempts;
  // Rows of `table`; -1: none.
  let latestAttempt = -1;
  let everPassed = false;
  let pass = -1;
  let passExpiry: string | null = null;
  let missingCourse = false;
  for (const code of codes) {
    let coursePass = -1;
    // A linear pass per course: a person has a few dozen attempts, and grouping them by course
    // once per person cost more (a Map and arrays per person, kept) than it saved.
    for (let row = from; row < to; row++) {
      if (table.codeAt(row) !== code) continue;
      const completedOn = table.completedOnAt(row);
      if (completedOn > asOf) continue;
      if (person.hireDate !== null && completedOn < person.hireDate) continue;
      if (minVersion !== null) {
        const version = table.versionAt(row);
        if (version === null || compareVersions(version, minVersion) < 0) continue;
      }
      if (latestAttempt < 0 || completedOn >= table.completedOnAt(latestAttempt)) latestAttempt = row;
      if (attemptPasses(rule, table, row) && (coursePass < 0 || completedOn >= table.completedOnAt(coursePass))) coursePass = row;
    }
    if (coursePass < 0) {
      missingCourse = true;
      continue;
    }
    everPassed = true;
    const expiry = expiryOf(rule, table, coursePass);
    if (pass < 0) {
      pass = coursePass;
      passExpiry = expiry;
    } else if (all) {
      // Every course must be current: the requirement lapses with the first to expire.
      if (expiry !== null && (passExpiry === null || expiry < passExpiry)) {
        pass = coursePass;
        passExpiry = expiry;
      }
    } else if (table.completedOnAt(coursePass) > table.completedOnAt(pass)) {
      pass = coursePass;
      passExpiry = expiry;
    }
  }
  if (all && missingCourse) pass = -1;
  const latestAttemptPassed = latestAttempt < 0 ? null : attemptPasses(rule, table, latestAttempt);

  if (pass < 0) {
    if (latestAttemptPassed === false) return judged('failed', onboardingDue, table.rowIdAt(latestAttempt), everPassed, latestAttemptPassed, unit, null);
    if (asOf <= onboardingDue) return notApplicable('onboarding_grace', unit, onboardingDue, null, everPassed, latestAttemptPassed);
    return judged('never_trained', onboardingDue, null, everPassed, latestAttemptPassed, unit, null);
  }
  // Only evidence that documents a day on or before asOf counts (point-in-time views, the trend).
  const passEvidence = table.evidenceAt(pass, asOf);
  const passRowId = table.rowIdAt(pass);
  if (passExpiry === null || asOf <= passExpiry) {
    let status: ComplianceStatus = passExpiry !== null && passExpiry <= addDays(asOf, DUE_SOON_DAYS) ? 'due_soon' : 'compliant';
    if (rule.evidence.required && passEvidence === 'none') status = 'missing_evidence';
    else if (rule.evidence.required && passEvidence === 'rejected') status = 'evidence_rejected';
    return judged(status, passExpiry, passRowId, everPassed, latestAttemptPassed, unit, passEvidence);
  }
  // Lapsed. Someone who only just moved into scope, or whose training lapsed before the
  // requirement took effect, is still within onboarding grace; after it, due from the later date.
  const startedLate = first > 0 || assignedOn > cameInto;
  if (startedLate && asOf <= onboardingDue) return notApplicable('onboarding_grace', unit, onboardingDue, passRowId, everPassed, latestAttemptPassed);
  const lapsedDue = assignedOn > cameInto && onboardingDue > passExpiry ? onboardingDue : passExpiry;
  if (latestAttemptPassed === false && latestAttempt >= 0 && table.completedOnAt(latestAttempt) > table.completedOnAt(pass)) {
    return judged('failed', lapsedDue, table.rowIdAt(latestAttempt), everPassed, latestAttemptPassed, unit, null);
  }
  const status: ComplianceStatus = asOf <= addDays(lapsedDue, rule.graceDays) ? 'overdue' : 'expired';
  return judged(status, lapsedDue, passRowId, everPassed, latestAttemptPassed, unit, null);
}

// Results are built in one place each, without spreads: the engine makes a million of them.
function notApplicable(
  reason: NotApplicableReason,
  unit: string | null,
  dueOn: string | null,
  completionRowId: number | null,
  everPassed: boolean,
  latestAttemptPassed: boolean | null,
): PairStatus {
  return { status: 'not_applicable', reason, dueOn, completionRowId, everPassed, latestAttemptPassed, unit, evidence: null };
}

function judged(
  status: ComplianceStatus,
  dueOn: string | null,
  completionRowId: number | null,
  everPassed: boolean,
  latestAttemptPassed: boolean | null,
  unit: string | null,
  evidence: EvidenceState | null,
): PairStatus {
  return { status, reason: null, dueOn, completionRowId, everPassed, latestAttemptPassed, unit, evidence };
}
