import type { WritableDb } from '../db/database';

/** The index a bulk completions import drops while it writes, and builds again at the end. */
export const COMPLETION_KEY_INDEX = 'completions_current_key';

/**
 * The compliance engine's covering index (migration 70), which a bulk import also drops and
 * builds again: one sort at the end costs less than a million inserts at random places.
 */
export const COMPLETION_ATTEMPTS_INDEX = 'completions_current_attempts';

/**
 * Where a current completion with a given natural key (person, course, date) is: a row of the
 * vault to read when needed (`{ rowId }`), or a version this import wrote from file row `row`.
 */
export type KeyedCompletion = { rowId: number } | { row: number };

/**
 * The natural keys of every current completion, held in memory while a bulk import writes
 * without the vault's `completions_current_key` index (see CompletionWriter). It answers what
 * the index would: is there a current completion with this key, and which.
 *
 * Memory: person and course keys are interned to small numbers and a key is one number (person
 * 20 bits, course 11, date 22), so 1,000,000 keys take tens of MB rather than the ~300 MB of
 * string keys; past a million people or 2,048 courses, or for a date not in YYYY-MM-DD, the key
 * is a short string instead (numbers and strings never collide as Map keys).
 */
export class CompletionKeys {
  private readonly people = new Map<number, number>();
  private readonly courses = new Map<number, number>();
  private readonly keys = new Map<number | string, number>();

  /** Reads the keys of every current completion (packed per person: one JS string per person, not per row). */
  static load(db: WritableDb): CompletionKeys {
    const loaded = new CompletionKeys();
    const packed = db.all<{ person_key: number; keys: string }>(
      `SELECT person_key, group_concat(course_key || '|' || completed_on || '|' || row_id, ';') AS keys
       FROM completion_versions INDEXED BY ${COMPLETION_KEY_INDEX} WHERE current = 1 GROUP BY person_key`,
    );
    for (const { person_key: personKey, keys } of packed) {
      for (const item of keys.split(';')) {
        const [courseKey = '', completedOn = '', rowId = ''] = item.split('|');
        loaded.keys.set(loaded.key(personKey, Number(courseKey), completedOn), Number(rowId));
      }
    }
    return loaded;
  }

  /** The key of a person's (person_key) completion of a course (course_key) on a date. */
  key(personKey: number, courseKey: number, completedOn: string): number | string {
    const person = intern(this.people, personKey);
    const course = intern(this.courses, courseKey);
    const day = dayNumber(completedOn);
    if (person < 2 ** 20 && course < 2 ** 11 && day >= 0) return (person * 2 ** 11 + course) * 2 ** 22 + day;
    return `${String(person)},${String(course)},${completedOn}`;
  }

  get(key: number | string): KeyedCompletion | undefined {
    const value = this.keys.get(key);
    if (value === undefined) return undefined;
    return value > 0 ? { rowId: value } : { row: -value };
  }

  /** Records that this import made the current version of `key` from file row `row`. */
  wrote(key: number | string, row: number): void {
    this.keys.set(key, -row);
  }

  get size(): number {
    return this.keys.size;
  }
}

function intern(ids: Map<number, number>, id: number): number {
  let n = ids.get(id);
  if (n === undefined) {
    n = ids.size;
    ids.set(id, n);
  }
  return n;
}

// Months 01-12 and days 01-31 only, so that distinct strings give distinct numbers.
const ISO_DAY = /^(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/** A distinct number below 2^22 for each YYYY-MM-DD (not a day count: 31 days a month), or -1. */
export function dayNumber(date: string): number {
  const match = ISO_DAY.exec(date);
  if (!match) return -1;
  return (Number(match[1]) * 12 + Number(match[2]) - 1) * 31 + Number(match[3]) - 1;
}
