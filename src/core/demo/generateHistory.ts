import type { DemoCourse } from './demoCourses';
import { isInAudience } from './demoCourses';
import { addMonths, endOfMonthAfter, nextWorkday, weekday } from './demoDates';
import { INSTRUCTORS } from './demoOrganisation';
import type { DemoPerson } from './generateRoster';
import { STREAM } from './generateRoster';
import { hashText, mixSeed, SeededRandom } from './seededRandom';

/** How one attempt went, against the due date it answered. */
export type Outcome = 'onTime' | 'late' | 'failed' | 'retake';

export interface DemoCompletion {
  course: DemoCourse;
  day: number;
  /** The date the attempt answered (null for one-off courses). */
  dueDay: number | null;
  score: number | null;
  passed: boolean | null;
  expiresDay: number | null;
  trainer: string | null;
  method: string;
  certificateNumber: string | null;
  outcome: Outcome;
}

export interface PersonHistory {
  completions: DemoCompletion[];
  /** Required courses due before today with no pass since (active people only). */
  overdue: number;
  /** Required courses this active person has never passed although due by now. */
  missing: number;
}

export interface HistoryContext {
  seed: number;
  today: number;
  windowStart: number;
  courses: readonly DemoCourse[];
  /** The first session of a taught course on or after `day`. */
  sessionOn: (course: DemoCourse, day: number) => number;
}

const OTHER_TRAINERS: Record<string, readonly string[]> = {
  ORIENT: ['HR Onboarding Team'],
  FIRE: ['Gary Lund, Fire Safety Officer', 'Monique Baptiste, Safety Officer'],
  'HAND-HYG': ['Ruth Abernathy, RN, CIC', 'Samir Qureshi, MPH, CIC', 'Elena Voss, RN'],
};

/** Whole multiples of 100 / questions, as the LMS reports a quiz. */
function score(rng: SeededRandom, course: DemoCourse, pass: boolean): number | null {
  if (course.passMark === null || course.questions === 0) return null;
  const q = course.questions;
  const need = Math.ceil((course.passMark * q) / 100);
  const correct = pass ? need + Math.floor(rng.next() ** 0.7 * (q - need + 1)) : rng.int(Math.floor(q * 0.45), need - 1);
  return Math.round((100 * Math.min(q, correct)) / q);
}

function certificateNumber(context: HistoryContext, person: DemoPerson, course: DemoCourse, day: number): string | null {
  if (!course.certificate) return null;
  const hash = mixSeed(context.seed, STREAM.certificates, person.index, day, hashText(course.code));
  const date = new Date(day * 86_400_000);
  const yymm = `${String(date.getUTCFullYear() % 100).padStart(2, '0')}${String(date.getUTCMonth() + 1).padStart(2, '0')}`;
  return `${course.code}-${yymm}-${hash.toString(36).toUpperCase().padStart(7, '0')}`;
}

function trainerFor(context: HistoryContext, course: DemoCourse, day: number): string | null {
  if (course.delivery === 'e-learning') return null;
  const pool = OTHER_TRAINERS[course.code] ?? INSTRUCTORS;
  // Everyone in one session has the same trainer.
  return pool[mixSeed(context.seed, STREAM.trainers, day, hashText(course.code)) % pool.length] ?? null;
}

/** The next due date after a pass: cards expire at the end of the month. */
export function dueAfter(course: DemoCourse, day: number): number | null {
  if (course.recurrenceMonths === 0) return null;
  return course.certification ? endOfMonthAfter(day, course.recurrenceMonths) : addMonths(day, course.recurrenceMonths);
}

/** When people actually sit down to it: sessions for taught courses, mostly weekdays for the rest. */
function scheduled(context: HistoryContext, rng: SeededRandom, course: DemoCourse, day: number): number {
  if (course.delivery === 'classroom' || course.delivery === 'instructor-led') return context.sessionOn(course, day);
  if (course.delivery === 'observed practice') return nextWorkday(day);
  const wd = weekday(day);
  return (wd === 0 || wd === 6) && rng.chance(0.75) ? nextWorkday(day) : day;
}

/**
 * One person's training history: for each course their role requires, a completion within 30
 * days of hire, then one per recurrence, mostly before the due date, some late (more for people
 * with high tardiness), some failed and retaken, a few never done. History starts at the
 * window's start; for two-year certifications it starts one cycle earlier, so the card in force
 * at the start of the window exists. Stops at the termination date. Deterministic per person.
 */
export function generateHistory(person: DemoPerson, context: HistoryContext): PersonHistory {
  const rng = new SeededRandom(mixSeed(context.seed, STREAM.history, person.index));
  const history: PersonHistory = { completions: [], overdue: 0, missing: 0 };
  const end = Math.min(context.today, person.terminationDay ?? context.today);
  const active = person.terminationDay === null;
  for (const course of context.courses) {
    if (!isInAudience(course.audience, person.unit, person.role)) continue;
    const emitFrom = course.recurrenceMonths > 12 ? addMonths(context.windowStart, -course.recurrenceMonths) : context.windowStart;
    const emit = (completion: DemoCompletion) => {
      if (completion.day >= emitFrom || course.recurrenceMonths === 0) history.completions.push(completion);
    };
    const make = (day: number, dueDay: number | null, pass: boolean, outcome: Outcome): DemoCompletion => ({
      course,
      day,
      dueDay,
      score: score(rng, course, pass),
      passed: course.passMark === null ? true : pass,
      expiresDay: pass ? dueAfter(course, day) : null,
      trainer: trainerFor(context, course, day),
      method: course.delivery,
      certificateNumber: pass ? certificateNumber(context, person, course, day) : null,
      outcome,
    });

    const initialDue = person.hireDay + 30;
    let lastPass: number | null = null;
    if (course.recurrenceMonths > 0 && person.hireDay < emitFrom) {
      // Hired before the history starts: the last completion before it, on time.
      const cycleStart = addMonths(emitFrom, -course.recurrenceMonths);
      const previous = scheduled(context, rng, course, rng.int(Math.max(cycleStart, person.hireDay + 1), emitFrom - 1));
      lastPass = previous;
      emit(make(previous, null, true, 'onTime'));
    }
    let passedEver = lastPass !== null && lastPass >= emitFrom;
    for (;;) {
      const due = lastPass === null ? initialDue : dueAfter(course, lastPass);
      if (due === null) break;
      const skip = 0.01 + 0.05 * person.tardiness;
      const late = 0.04 + 0.3 * person.tardiness;
      const u = rng.next();
      if (u < skip) {
        if (active && due < context.today) history.overdue++;
        break;
      }
      let planned: number;
      if (u < skip + late) planned = due + 1 + Math.floor(rng.next() ** 1.6 * 150);
      else if (lastPass === null) planned = person.hireDay + rng.int(0, 27);
      else planned = due - rng.int(1, course.certification ? 60 : 40);
      let day = scheduled(context, rng, course, planned);
      if (day > end) {
        if (active && due < context.today) history.overdue++;
        break;
      }
      const onTime = day <= due;
      let failures = 0;
      while (course.passMark !== null && rng.chance(failures === 0 ? 0.03 + 0.08 * person.tardiness : 0.15)) {
        emit(make(day, due, false, 'failed'));
        failures++;
        day = scheduled(context, rng, course, day + rng.int(2, 14));
        if (day > end) break;
      }
      if (day > end) {
        if (active && due < context.today) history.overdue++;
        break;
      }
      emit(make(day, due, true, failures > 0 ? 'retake' : onTime ? 'onTime' : 'late'));
      passedEver = true;
      lastPass = day;
      if (course.recurrenceMonths === 0) break;
    }
    if (active && !passedEver && initialDue < context.today) history.missing++;
  }
  history.completions.sort((a, b) => a.day - b.day);
  return history;
}
