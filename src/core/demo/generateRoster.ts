import { addMonths, nextWorkday } from './demoDates';
import { demoId } from './demoId';
import { FAMILY_NAMES, GIVEN_NAMES } from './demoNames';
import type { DemoRole, DemoUnit } from './demoOrganisation';
import { DEMO_UNITS, EMAIL_DOMAIN, EXECUTIVES } from './demoOrganisation';
import { mixSeed, SeededRandom } from './seededRandom';

export interface DemoPerson {
  /** Position in the roster, ordered by hire date: the employee id and record id follow it. */
  index: number;
  personId: string;
  employeeId: string;
  givenName: string;
  familyName: string;
  email: string;
  dateOfBirth: number;
  site: string;
  unit: DemoUnit;
  role: DemoRole;
  managerEmployeeId: string | null;
  hireDay: number;
  terminationDay: number | null;
  /** 0 (always on time) to 1 (late with everything): how this person treats deadlines. */
  tardiness: number;
}

export interface RosterOptions {
  seed: number;
  people: number;
  years: number;
  /** UTC day number of "today". */
  today: number;
}

export interface DemoRoster {
  people: DemoPerson[];
  /** The first day of the history (today minus `years` years). */
  windowStart: number;
}

/** Purposes of the seeded streams, so each draws from its own sequence. */
export const STREAM = { roster: 1, roles: 2, history: 3, evidence: 4, documents: 5, sessions: 6, certificates: 7, trainers: 8 } as const;

const DAYS_PER_YEAR = 365.25;

function emailLocalPart(given: string, family: string): string {
  const ascii = (text: string) =>
    text
      .normalize('NFD')
      .replace(/[^A-Za-z]/g, '')
      .toLowerCase();
  return `${ascii(given)}.${ascii(family)}`;
}

interface Draft {
  unit: DemoUnit;
  givenName: string;
  familyName: string;
  site: string;
  hireDay: number;
  terminationDay: number | null;
  dateOfBirth: number;
  tardiness: number;
}

function draft(options: RosterOptions, windowStart: number, i: number): Draft {
  const rng = new SeededRandom(mixSeed(options.seed, STREAM.roster, i));
  // The first few people cover every unit, so even a tiny demo shows the whole hospital.
  const unit = DEMO_UNITS[i] ?? rng.weighted(DEMO_UNITS, (u) => u.weight);
  const windowDays = options.today - windowStart;
  const newHire = rng.chance(Math.min(0.5, 0.09 * options.years));
  let hireDay: number;
  if (newHire) hireDay = options.today - rng.int(0, windowDays - 4);
  else hireDay = windowStart - 1 - Math.round(Math.min(35, -Math.log(1 - rng.next()) * 8) * DAYS_PER_YEAR);
  // Start dates fall on workdays (a Friday rather than a weekend that would pass "today").
  hireDay = nextWorkday(hireDay) <= options.today ? nextWorkday(hireDay) : hireDay - 2;
  let terminationDay: number | null = null;
  if (rng.chance(Math.min(0.45, 0.085 * options.years))) {
    const first = Math.max(hireDay + 45, windowStart);
    if (first < options.today - 1) terminationDay = rng.int(first, options.today - 1);
  }
  // Nobody on the roster is older than 67 today.
  const yearsSinceHire = (options.today - hireDay) / DAYS_PER_YEAR;
  const ageAtHire = 21 + Math.floor(rng.next() ** 1.4 * Math.max(1, Math.min(40, 67 - 21 - yearsSinceHire)));
  return {
    unit,
    givenName: rng.pick(GIVEN_NAMES),
    familyName: rng.pick(FAMILY_NAMES),
    site: rng.chance(0.65) ? (unit.sites[0] ?? '') : rng.pick(unit.sites),
    hireDay,
    terminationDay,
    dateOfBirth: addMonths(hireDay, -12 * ageAtHire) - rng.int(0, 364),
    tardiness: rng.next() ** 3,
  };
}

/**
 * The demo roster: `people` people (leavers included, as an HR export lists them) in the units
 * of DEMO_UNITS, hired over decades with a share hired within the window and a share who left
 * within it. In each unit the longest-serving active person is its head and the next ones its
 * managers (about one per twelve staff); the corporate office's senior people are the
 * executives every head reports to. Deterministic: the same options give the same roster.
 */
export function generateRoster(options: RosterOptions): DemoRoster {
  const windowStart = addMonths(options.today, -12 * options.years);
  const drafts = Array.from({ length: options.people }, (_, i) => draft(options, windowStart, i));
  const order = drafts.map((d, i) => ({ d, i })).sort((a, b) => a.d.hireDay - b.d.hireDay || a.i - b.i);

  const emails = new Map<string, number>();
  const seedTag = mixSeed(options.seed);
  const people: DemoPerson[] = order.map(({ d }, index) => {
    const local = emailLocalPart(d.givenName, d.familyName);
    const seen = (emails.get(local) ?? 0) + 1;
    emails.set(local, seen);
    return {
      index,
      personId: demoId(seedTag, 'person', index + 1),
      employeeId: `RR${String(100001 + index)}`,
      givenName: d.givenName,
      familyName: d.familyName,
      email: `${local}${seen > 1 ? String(seen) : ''}@${EMAIL_DOMAIN}`,
      dateOfBirth: d.dateOfBirth,
      site: d.site,
      unit: d.unit,
      role: d.unit.staff[0] ?? d.unit.manager,
      managerEmployeeId: null,
      hireDay: d.hireDay,
      terminationDay: d.terminationDay,
      tardiness: d.tardiness,
    };
  });
  assignRoles(options.seed, people);
  return { people, windowStart };
}

/** Heads, managers and executives by seniority; staff roles by weight; then reporting lines. */
function assignRoles(seed: number, people: DemoPerson[]): void {
  const byUnit = new Map<DemoUnit, DemoPerson[]>();
  for (const person of people) {
    const members = byUnit.get(person.unit);
    if (members) members.push(person);
    else byUnit.set(person.unit, [person]);
  }
  const executives = new Map<string, string>();
  const heads = new Map<DemoUnit, DemoPerson>();
  const managers = new Map<DemoUnit, DemoPerson[]>();
  const isManager = new Set<DemoPerson>();

  for (const unit of DEMO_UNITS) {
    const members = byUnit.get(unit) ?? [];
    const active = members.filter((p) => p.terminationDay === null);
    const leaders = new Set<DemoPerson>();
    if (unit.kind === 'corporate') {
      active.slice(0, EXECUTIVES.length).forEach((person, i) => {
        person.role = EXECUTIVES[i] ?? unit.manager;
        executives.set(person.role.title, person.employeeId);
        leaders.add(person);
      });
      const head = active[0];
      if (head) heads.set(unit, head);
    } else {
      const head = active[0];
      if (head) {
        head.role = unit.head;
        heads.set(unit, head);
        leaders.add(head);
      }
    }
    const staffCount = active.length - leaders.size;
    const managerCount = staffCount > 6 ? Math.max(1, Math.round(staffCount / 12)) : 0;
    const unitManagers = active.filter((p) => !leaders.has(p)).slice(0, managerCount);
    for (const manager of unitManagers) {
      manager.role = unit.manager;
      leaders.add(manager);
      isManager.add(manager);
    }
    managers.set(unit, unitManagers);
    for (const person of members) {
      if (leaders.has(person)) continue;
      const rng = new SeededRandom(mixSeed(seed, STREAM.roles, person.index));
      person.role = rng.weighted(unit.staff, (r) => r.weight);
    }
  }

  const ceo = executives.get(EXECUTIVES[0]?.title ?? '') ?? null;
  for (const person of people) {
    const unit = person.unit;
    const head = heads.get(unit);
    const unitManagers = managers.get(unit) ?? [];
    const executive = executives.get(person.role.title);
    let manager: string | null;
    if (executive === person.employeeId) manager = executive === ceo ? null : ceo;
    else if (head === person) manager = executives.get(unit.reportsTo) ?? ceo;
    else if (isManager.has(person)) manager = head?.employeeId ?? executives.get(unit.reportsTo) ?? ceo;
    else if (unitManagers.length > 0) manager = (unitManagers[person.index % unitManagers.length] as DemoPerson).employeeId;
    else manager = head?.employeeId ?? executives.get(unit.reportsTo) ?? ceo;
    person.managerEmployeeId = manager === person.employeeId ? null : manager;
  }
}
