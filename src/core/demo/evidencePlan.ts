import type { DemoCourse } from './demoCourses';
import type { DemoCompletion } from './generateHistory';
import type { DemoPerson } from './generateRoster';
import { STREAM } from './generateRoster';
import { mixSeed, SeededRandom } from './seededRandom';
import { SIGN_IN_ROWS } from './signInSheetPdf';

/** A completion with the ids it was written under. */
export interface WrittenCompletion {
  completion: DemoCompletion;
  completionId: string;
  certificationId: string | null;
}

export interface Attendance extends WrittenCompletion {
  person: DemoPerson;
}

export type PlannedDocument =
  | { kind: 'certificate'; attendance: Attendance }
  | { kind: 'scan'; attendance: Attendance }
  | { kind: 'signInSheet'; course: DemoCourse; day: number; attendees: Attendance[] };

export interface EvidenceCounts {
  certificates: number;
  signInSheets: number;
  scans: number;
}

/** About one document per 20 people, at most 300, split between the three kinds. */
export function evidenceCounts(people: number): EvidenceCounts {
  const total = Math.min(300, Math.max(3, Math.ceil(people / 20)));
  const signInSheets = Math.max(1, Math.round(total * 0.2));
  const scans = Math.max(1, Math.round(total * 0.25));
  return { certificates: total - signInSheets - scans, signInSheets, scans };
}

/** Stratified picks: one index in each of `count` equal slices of [0, population). */
function spread(rng: SeededRandom, count: number, population: number): number[] {
  return Array.from({ length: count }, (_, j) => Math.floor(((j + rng.next()) * population) / count));
}

const TAUGHT_WEIGHT: Record<string, number> = { FIRE: 3, BLS: 3, ACLS: 1, ORIENT: 1 };

/**
 * Chooses, while the history streams past person by person, which completions get evidence:
 * certificates and scans for people spread evenly over the roster, sign-in sheets for
 * sessions picked in advance (whoever attended them is collected as they go by). Holds only
 * the chosen completions, so memory does not grow with the size of the demo.
 */
export class EvidencePlan {
  private readonly certificateTargets: number[];
  private readonly scanTargets: number[];
  private readonly certificates: Attendance[] = [];
  private readonly scans: Attendance[] = [];
  private readonly sessions = new Map<string, { course: DemoCourse; day: number; attendees: Attendance[] }>();

  constructor(
    private readonly seed: number,
    people: number,
    private readonly counts: EvidenceCounts,
    window: { start: number; today: number },
    taughtCourses: readonly DemoCourse[],
    sessionOn: (course: DemoCourse, day: number) => number,
  ) {
    const rng = new SeededRandom(mixSeed(seed, STREAM.evidence));
    this.certificateTargets = spread(rng, counts.certificates, people);
    this.scanTargets = spread(rng, counts.scans, people);
    for (let i = 0; i < counts.signInSheets * 4 && taughtCourses.length > 0; i++) {
      const course = rng.weighted(taughtCourses, (c) => TAUGHT_WEIGHT[c.code] ?? 1);
      const day = sessionOn(course, rng.int(window.start, window.today - 1));
      if (day < window.today) this.sessions.set(`${course.code}|${String(day)}`, { course, day, attendees: [] });
    }
  }

  consider(person: DemoPerson, written: readonly WrittenCompletion[]): void {
    const passed = written.filter((w) => w.completion.passed !== false);
    const rng = new SeededRandom(mixSeed(this.seed, STREAM.evidence, person.index));
    const nextCertificate = this.certificateTargets[this.certificates.length];
    if (nextCertificate !== undefined && nextCertificate <= person.index) {
      const eligible = passed.filter((w) => w.completion.course.certificate);
      const cards = eligible.filter((w) => w.certificationId !== null);
      const pool = cards.length > 0 && rng.chance(0.5) ? cards : eligible;
      const chosen = pool.length > 0 ? pool[pool.length - 1 - Math.floor(rng.next() ** 2 * Math.min(pool.length, 4))] : undefined;
      if (chosen) this.certificates.push({ ...chosen, person });
    }
    const nextScan = this.scanTargets[this.scans.length];
    if (nextScan !== undefined && nextScan <= person.index && passed.length > 0) {
      const paper = passed.filter((w) => w.completion.course.delivery !== 'e-learning');
      const chosen = (paper.length > 0 ? paper : passed).at(-1);
      if (chosen) this.scans.push({ ...chosen, person });
    }
    for (const w of passed) {
      const session = this.sessions.get(`${w.completion.course.code}|${String(w.completion.day)}`);
      if (session && session.attendees.length < SIGN_IN_ROWS) session.attendees.push({ ...w, person });
    }
  }

  /** The documents to make; sign-in sheets for the first picked sessions at least two people attended. */
  documents(): PlannedDocument[] {
    const sessions = [...this.sessions.values()].filter((s) => s.attendees.length > 0);
    const sheets = sessions.filter((s) => s.attendees.length >= 2).slice(0, this.counts.signInSheets);
    if (sheets.length < this.counts.signInSheets)
      sheets.push(...sessions.filter((s) => s.attendees.length === 1).slice(0, this.counts.signInSheets - sheets.length));
    return [
      ...this.certificates.map((attendance) => ({ kind: 'certificate' as const, attendance })),
      ...sheets.map((s) => ({ kind: 'signInSheet' as const, course: s.course, day: s.day, attendees: s.attendees })),
      ...this.scans.map((attendance) => ({ kind: 'scan' as const, attendance })),
    ];
  }
}
